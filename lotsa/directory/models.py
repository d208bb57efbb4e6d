"""The community directory: offerings (HSDS services), their places, schedules and taxonomy."""

from __future__ import annotations

import datetime as dt
import uuid
from uuid import UUID, uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lotsa.accounts.models import Organization, Team
from lotsa.lib import municipalities, schedules

# Lotsa's namespace for the HSDS ids it derives (UUID version 5): uuid5(URL, "urn:lotsa:hsds").
HSDS_NAMESPACE = UUID("1be164c6-6c48-571b-8f0a-fa42e8d94bf6")


def term_uuid(vocabulary: str, code: str) -> UUID:
    """The id a vocabulary's term has in every installation (set by migration 0006), so that
    a partner's `taxonomy_term_id` means the same term in every municipality's Lotsa."""
    return uuid.uuid5(HSDS_NAMESPACE, f"term:{vocabulary}:{code}")


class Term(models.Model):
    """A term of one of Lotsa's vocabularies (an HSDS taxonomy term), named in sv/da/en."""

    class Vocabulary(models.TextChoices):
        CATEGORY = "category", _("Category")
        AUDIENCE = "audience", _("Target group")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        LANGUAGE = "language", _("Language")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    vocabulary = models.CharField(max_length=20, choices=Vocabulary.choices)
    code = models.SlugField(max_length=40)
    name_sv = models.CharField(max_length=100)
    name_da = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["vocabulary", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="unique_term_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "sv")[:2]
        return str(getattr(self, f"name_{language}", None) or self.name_sv)


class OfferingQuerySet(models.QuerySet["Offering"]):
    def public(self) -> OfferingQuerySet:
        """What anyone may find: published, not ended, from an approved organisation."""
        return self.filter(is_published=True, organization__is_approved=True).exclude(
            status=Offering.Status.ENDED
        )

    def stale(self, today: dt.date | None = None) -> OfferingQuerySet:
        return self.filter(last_reviewed_at__lt=stale_before(today))

    def due_for_reminder(self, now: dt.datetime | None = None) -> OfferingQuerySet:
        """Public, stale listings whose provider was not reminded within the interval."""
        now = now or timezone.now()
        since = now - dt.timedelta(days=settings.LOTSA_REMINDER_INTERVAL_DAYS)
        return (
            self.public()
            .stale(timezone.localdate(now))
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=since))
        )


def stale_before(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(weeks=settings.LOTSA_STALE_AFTER_WEEKS)


class Offering(models.Model):
    """An activity, meeting place, group or service that people can be guided to."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    class HowToJoin(models.TextChoices):
        DROP_IN = "drop_in", _("Drop in, no need to register")
        CONTACT_FIRST = "contact_first", _("Contact us first")
        REFERRAL_ONLY = "referral_only", _("By referral only")

    class CapacityStatus(models.TextChoices):
        # The capacity statuses of the HL7 SDOH Clinical Care IG.
        CAPACITY = "capacity", _("Places available")
        NO_CAPACITY = "no-capacity", _("Full")
        WAITLIST = "waitlist", _("Full – waiting list")

    class TextLanguage(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        DANISH = "da", _("Danish")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), help_text=_("Plain language: what happens, for whom, what to bring.")
    )
    text_language = models.CharField(
        _("language of the text"),
        max_length=2,
        choices=TextLanguage.choices,
        default=TextLanguage.SWEDISH,
    )
    categories = models.ManyToManyField(
        Term,
        related_name="+",
        verbose_name=_("categories"),
        limit_choices_to={"vocabulary": Term.Vocabulary.CATEGORY},
    )
    audiences = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("target groups"),
        limit_choices_to={"vocabulary": Term.Vocabulary.AUDIENCE},
    )
    accessibility = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("accessibility"),
        limit_choices_to={"vocabulary": Term.Vocabulary.ACCESSIBILITY},
    )
    languages = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("languages spoken"),
        limit_choices_to={"vocabulary": Term.Vocabulary.LANGUAGE},
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    is_free = models.BooleanField(_("free of charge"), default=True)
    fee = models.CharField(_("cost"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    how_to_join = models.CharField(
        _("how to join"), max_length=20, choices=HowToJoin.choices, default=HowToJoin.DROP_IN
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty if there is no limit.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0)
    waitlist_length = models.PositiveIntegerField(_("people on the waiting list"), default=0)
    has_waitlist = models.BooleanField(_("keeps a waiting list when full"), default=True)
    # "By referral only" offerings accept referrals only from these link worker teams; none
    # chosen means any team may refer. Matching leaves out what the case's team may not use.
    referral_teams = models.ManyToManyField(
        Team,
        related_name="+",
        blank=True,
        verbose_name=_("teams that may refer"),
        help_text=_("For offerings by referral only. None chosen: any link worker team."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_published = models.BooleanField(default=False)
    last_reviewed_at = models.DateField(_("last reviewed"), default=timezone.localdate)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        indexes = [
            models.Index(fields=["status", "is_published"]),
            # Online offerings pass every distance rule: matching finds them by this index.
            models.Index(
                fields=["is_online"], condition=Q(is_online=True), name="directory_offering_online"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="offering_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def places_free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken, 0)

    def takes_referrals_from(self, team: Team) -> bool:
        """Whether a link worker of `team` may refer to this offering (see `referral_teams`)."""
        if self.how_to_join != self.HowToJoin.REFERRAL_ONLY:
            return True
        teams = self.referral_teams.all()
        return not teams.exists() or teams.filter(pk=team.pk).exists()

    @property
    def capacity_status(self) -> str:
        if self.capacity is None or self.places_taken < self.capacity:
            return self.CapacityStatus.CAPACITY
        if self.has_waitlist:
            return self.CapacityStatus.WAITLIST
        return self.CapacityStatus.NO_CAPACITY

    def get_capacity_status_display(self) -> str:
        return str(self.CapacityStatus(self.capacity_status).label)

    def is_stale(self, today: dt.date | None = None) -> bool:
        return self.last_reviewed_at < stale_before(today)

    def next_sessions(
        self, count: int = 5, after: dt.date | None = None
    ) -> list[tuple[dt.date, Schedule]]:
        """The next `count` sessions over all schedules, soonest first (uses prefetched rows)."""
        after = after or timezone.localdate()
        sessions = [
            (date, schedule)
            for schedule in self.schedules.all()
            for date in schedule.next_dates(after=after, count=count)
        ]
        sessions.sort(key=lambda item: (item[0], item[1].opens_at or dt.time()))
        return sessions[:count]


class Place(models.Model):
    """Where an offering happens (an HSDS location), with coordinates for distance search."""

    # The HSDS location id. An imported location that several offerings share gives each of
    # them a place of its own: the first takes its id, the others keep it in `location_uuid`.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location_uuid = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # The HSDS service_at_location id: this offering at this place.
    service_at_location_uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name of the place"), max_length=200, blank=True)
    address = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, db_index=True)
    city = models.CharField(_("town"), max_length=100)
    municipality = models.CharField(_("municipality"), max_length=8, db_index=True)
    latitude = models.FloatField(_("latitude"), db_index=True)
    longitude = models.FloatField(_("longitude"), db_index=True)
    directions = models.TextField(_("how to get there"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name or self.address

    @property
    def municipality_name(self) -> str:
        found = municipalities.get(self.municipality)
        return found.name if found else self.municipality

    @property
    def hsds_location_id(self) -> UUID:
        return self.location_uuid or self.uuid


class Schedule(models.Model):
    """When an offering meets: weekly on some days (every `interval` weeks), or on one date.

    The fields follow HSDS schedule (freq WEEKLY, byday, interval, opens_at, closes_at,
    valid_from, valid_to); a single date is HSDS dtstart with count 1.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(
        _("weekdays"), max_length=20, blank=True, help_text="Comma-separated: MO,TU,…"
    )
    interval = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    single_date = models.DateField(_("date"), null=True, blank=True)
    opens_at = models.TimeField(_("starts"))
    closes_at = models.TimeField(_("ends"))
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="schedule_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(byday="") | Q(single_date__isnull=False),
                name="schedule_has_days_or_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.byday or self.single_date} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]

    def next_dates(self, *, after: dt.date, count: int) -> list[dt.date]:
        return schedules.next_dates(
            byday=self.days,
            interval=self.interval,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            single_date=self.single_date,
            after=after,
            count=count,
        )


class OfferingChange(models.Model):
    """A new or changed listing waiting for municipal staff; live only once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="offering_changes"
    )
    offering = models.ForeignKey(
        Offering, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    data = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(_("message to the provider"), blank=True)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.data.get('name', '')} ({self.get_status_display()})"

    @property
    def is_new(self) -> bool:
        return self.offering_id is None


class ClaimRequest(models.Model):
    """A user asks to manage an existing organisation's listings."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("why you should manage this listing"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


class ProblemReport(models.Model):
    """Someone tells us a listing is wrong."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("It has closed or stopped")
        WRONG_INFORMATION = "wrong_information", _("Wrong information")
        WRONG_PLACE = "wrong_place", _("Wrong place")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("what is wrong"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("tell us more"), blank=True, max_length=2000)
    contact = models.CharField(_("your e-mail or phone (optional)"), max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.offering}: {self.get_kind_display()}"
