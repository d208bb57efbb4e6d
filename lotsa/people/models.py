"""The person who is referred (patient, participant), their contact details and consents."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lotsa.accounts.models import Organization, Team
from lotsa.lib import municipalities

# Languages a person may prefer to be contacted in: the UI languages first, then the
# languages most often needed by interpreters in Swedish and Danish primary care.
LANGUAGES = [
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("uk", _("Ukrainian")),
    ("pl", _("Polish")),
    ("bs", _("Bosnian/Croatian/Serbian")),
    ("tr", _("Turkish")),
    ("fi", _("Finnish")),
    ("ku", _("Kurdish")),
    ("other", _("Other language")),
]
UI_LANGUAGES = {"sv", "da", "en"}


class PersonQuerySet(models.QuerySet["Person"]):
    def duplicates_of(
        self,
        *,
        identity_number: str = "",
        first_name: str = "",
        last_name: str = "",
        birth_date: dt.date | None = None,
    ) -> PersonQuerySet:
        """People who are probably the same: same identity number, or same name and birth."""
        match = Q(pk__in=[])
        if identity_number:
            match |= Q(identity_number=identity_number)
        if first_name and last_name and birth_date:
            # Compared in Python: SQLite folds the case of ASCII letters only (Å, Ä, Ö, Æ, Ø).
            wanted = (first_name.strip().casefold(), last_name.strip().casefold())
            same_day = self.filter(birth_date=birth_date).values_list(
                "pk", "first_name", "last_name"
            )
            match |= Q(
                pk__in=[
                    pk
                    for pk, first, last in same_day
                    if (first.casefold(), last.casefold()) == wanted
                ]
            )
        return self.filter(match)


class Person(models.Model):
    """Someone referred to a link worker. Reached only through the access helpers."""

    class ContactPreference(models.TextChoices):
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("Text message (SMS)")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")
        NONE = "none", _("Do not contact")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", pgettext_lazy("sex", "Other")

    class Household(models.TextChoices):
        ALONE = "alone", _("Lives alone")
        PARTNER = "partner", _("Lives with a partner")
        CHILDREN = "children", _("Lives with children")
        OTHERS = "others", _("Lives with others")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    identity_number = models.CharField(
        _("identity number"), max_length=12, blank=True, db_index=True
    )
    identity_kind = models.CharField(max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    municipality = models.CharField(_("municipality"), max_length=8, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGES, default="sv"
    )
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    contact_preference = models.CharField(
        _("how to contact"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.PHONE,
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    household = models.CharField(
        _("household"), max_length=10, choices=Household.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["last_name", "first_name", "birth_date"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        # An anonymised person (retention, erasure) has no name left: lists still say who.
        return f"{self.first_name} {self.last_name}".strip() or str(_("(anonymised)"))

    @property
    def message_language(self) -> str:
        """The UI language to write to this person in: their own if Lotsa speaks it."""
        if self.language in UI_LANGUAGES:
            return self.language
        return "da" if self.municipality.startswith("DK-") else "sv"

    @property
    def municipality_name(self) -> str:
        found = municipalities.get(self.municipality) if self.municipality else None
        return found.name if found else ""

    def age(self, today: dt.date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        today = today or timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def masked_identity_number(self) -> str:
        return self.identity_number[:-4] + "····" if self.identity_number else ""


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """What a person agreed to share, with whom, how and when; withdrawn at once when asked."""

    class Scope(models.TextChoices):
        TEAM = "team", _("The link worker team may receive the referral")
        PROVIDER = "provider", _("A named provider may receive chosen details")
        FEEDBACK = "feedback", _("The referring unit may see how it went")
        RESEARCH = "research", _("Pseudonymised data may be used for research")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbally")
        WRITTEN = "written", _("In writing")
        DIGITAL = "digital", _("Digitally")

    class Field(models.TextChoices):
        # What a provider may be told. Scores, notes and identity numbers are never shared.
        NAME = "name", _("Name")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        LANGUAGE = "language", _("Language and interpreter")
        AGE = "age", _("Age")
        NEEDS = "needs", _("Accessibility and mobility needs")
        WHAT_MATTERS = "what_matters", _("What matters to them, in their words")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("consent to"), max_length=10, choices=Scope.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The provider, or the referring unit, the consent is for."),
    )
    fields = models.JSONField(_("details shared"), default=list, blank=True)
    method = models.CharField(_("given"), max_length=10, choices=Method.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "scope", "withdrawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="provider") | Q(organization__isnull=False),
                name="provider_consent_names_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} ({self.given_at:%Y-%m-%d})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def shares(self, field: str) -> bool:
        return self.is_active and field in self.fields


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def current(self, now: dt.datetime | None = None) -> BreakGlassQuerySet:
        return self.filter(ends_at__gt=now or timezone.now())


class BreakGlass(models.Model):
    """An administrator's emergency access to one person's record: a reason, a time limit.

    Every grant and every read under it is in the access log, and the log review lists them.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        indexes = [models.Index(fields=["user", "person", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.user_id})"
