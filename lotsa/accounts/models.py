"""Users, the organisations they work for, and their role in each."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lotsa.lib import municipalities

# The language an organisation is written to in, by its country.
COUNTRY_LANGUAGE = {"SE": "sv", "DK": "da"}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who works in Lotsa; signs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(_("language"), max_length=8, default="sv")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def message_language(self) -> str:
        """The language to write to this user in: their own, if Lotsa speaks it."""
        known = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in known else settings.LANGUAGE_CODE


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def approved(self) -> OrganizationQuerySet:
        return self.filter(is_approved=True)


class Organization(models.Model):
    """A health centre, a municipal unit, an association or another provider."""

    class Kind(models.TextChoices):
        HEALTH_CENTRE = "health_centre", _("Health centre")
        MUNICIPALITY = "municipality", _("Municipality unit")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    class Country(models.TextChoices):
        SWEDEN = "SE", _("Sweden")
        DENMARK = "DK", _("Denmark")

    # The public identifier (the HSDS organization id), stable across exports and imports.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default="SE")
    org_number = models.CharField(
        _("organisation number"),
        max_length=20,
        blank=True,
        help_text=_("Swedish organisationsnummer or Danish CVR number."),
    )
    municipality = models.CharField(_("municipality"), max_length=8, db_index=True)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_approved = models.BooleanField(
        _("approved"),
        default=True,
        help_text=_("Self-registered organisations are hidden until municipal staff approve."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def municipality_name(self) -> str:
        found = municipalities.get(self.municipality)
        return found.name if found else self.municipality

    @property
    def language(self) -> str:
        """The language to write to the organisation in: its country's."""
        return COUNTRY_LANGUAGE.get(self.country, settings.LANGUAGE_CODE)


class Membership(models.Model):
    """A user's role in one organisation; a user may have several."""

    class Role(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        LINK_WORKER = "link_worker", _("Link worker")
        CONNECTOR = "connector", _("Volunteer connector")
        COORDINATOR = "coordinator", _("Activity lead / municipality coordinator")
        PROVIDER = "provider", _("Association contact")
        MANAGER = "manager", _("Manager")
        RESEARCHER = "researcher", _("Researcher")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organization}"


class TeamQuerySet(models.QuerySet["Team"]):
    def of_user(self, user: Any) -> TeamQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(members=user)

    def serving(self, organization: Organization) -> TeamQuerySet:
        """Teams that take referrals from `organization`, its own teams first."""
        return self.filter(
            models.Q(serves=organization) | models.Q(organization=organization)
        ).distinct()


class Team(models.Model):
    """Link workers who together serve one or more health centres, or a municipality."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="teams",
        verbose_name=_("organisation"),
        help_text=_("Where the link workers are employed."),
    )
    serves = models.ManyToManyField(
        Organization,
        related_name="served_by_teams",
        blank=True,
        verbose_name=_("serves"),
        help_text=_("Health centres and other units that refer people to this team."),
    )
    municipality = models.CharField(
        _("municipality"),
        max_length=8,
        db_index=True,
        help_text=_("Self-referrals and connector flags from this municipality come here."),
    )
    takes_self_referrals = models.BooleanField(_("takes self-referrals"), default=True)
    members = models.ManyToManyField(
        User, related_name="teams", blank=True, verbose_name=_("link workers")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("link worker team")
        verbose_name_plural = _("link worker teams")

    def __str__(self) -> str:
        return self.name


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def active(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )


class ApiKey(models.Model):
    """A key one organisation's system uses to call Lotsa's API (lotsa.accounts.apikeys).

    The key is `lotsa_<prefix>_<secret>`. Only the prefix (to find the row) and the SHA-256 of
    the secret are kept: the whole key is shown once, when it is made, and never again."""

    class Scope(models.TextChoices):
        DIRECTORY_READ = "directory:read", _("Read the directory")
        REFERRALS_READ = "referrals:read", _("Read referrals")
        REFERRALS_WRITE = "referrals:write", _("Create and change referrals")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Which system uses the key, e.g. its name.")
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("expires"), null=True, blank=True, help_text=_("Empty: the key does not expire.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
