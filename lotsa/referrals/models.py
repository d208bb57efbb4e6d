"""Referrals to link workers, their cases, contacts, activity referrals and unmet needs."""

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
from lotsa.directory.models import Offering, Term
from lotsa.lib import loneliness
from lotsa.people.models import Consent, Person

User = settings.AUTH_USER_MODEL

WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
TIMES_OF_DAY = [
    ("morning", _("Morning")),
    ("afternoon", _("Afternoon")),
    ("evening", _("Evening")),
]


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status=Referral.Status.NEW)


class Referral(models.Model):
    """A request to a link worker team to contact a person: the social prescription."""

    class Source(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        CONNECTOR = "connector", _("Volunteer connector")
        SELF = "self", _("Self-referral")

    class Reason(models.TextChoices):
        LONELINESS = "loneliness", _("Loneliness")
        ISOLATION = "isolation", _("Social isolation")
        LOW_MOOD = "low_mood", _("Low mood")
        BEREAVEMENT = "bereavement", _("Bereavement")
        SICK_LEAVE = "sick_leave", _("Long-term sick leave")
        UNEMPLOYMENT = "unemployment", _("Unemployment")
        CARER_STRAIN = "carer_strain", _("Carer strain")
        NEWLY_ARRIVED = "newly_arrived", _("Newly arrived")
        OTHER = "other", pgettext_lazy("reason", "Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Case opened")
        DECLINED = "declined", pgettext_lazy("referral", "Declined")
        FORWARDED = "forwarded", _("Forwarded")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("link worker team")
    )
    referring_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    details = models.TextField(_("details"), blank=True)
    agreed_to_be_called = models.BooleanField(_("agreed to be called"), default=False)
    ucla3_companionship = models.PositiveSmallIntegerField(null=True, blank=True)
    ucla3_left_out = models.PositiveSmallIntegerField(null=True, blank=True)
    ucla3_isolated = models.PositiveSmallIntegerField(null=True, blank=True)
    ucla3_score = models.PositiveSmallIntegerField(
        _("loneliness score (3–9)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    due_on = models.DateField(_("first contact due"))
    assigned_to = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_referrals",
        verbose_name=_("assigned to"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    forwarded_to = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    # One per form the user opened: a double-submitted form creates one referral.
    submission_key = models.UUIDField(unique=True, default=uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["team", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d}"

    def get_reasons_display(self) -> list[str]:
        return [str(self.Reason(code).label) for code in self.reasons if code in self.Reason]

    @property
    def ucla3_answers(self) -> tuple[int | None, int | None, int | None]:
        return (self.ucla3_companionship, self.ucla3_left_out, self.ucla3_isolated)

    @property
    def suggests_loneliness(self) -> bool:
        return loneliness.suggests_loneliness(self.ucla3_score)

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.NEW
            and self.first_contact_at is None
            and (self.due_on < today)
        )


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    """A link worker's work with one person, opened from a referral."""

    class Stage(models.TextChoices):
        # The pathway of the PROSA pilot.
        MAPPING = "mapping", _("Mapping")
        TALKS = "talks", _("One-to-one talks")
        READY = "ready", _("Ready for a group")
        IN_ACTIVITY = "in_activity", _("In an activity")
        FOLLOW_UP = "follow_up", _("Follow-up")
        NEXT_STEP = "next_step", _("Next step")

    class GroupPreference(models.TextChoices):
        GROUP = "group", _("In a group")
        ONE_TO_ONE = "one_to_one", _("One to one")
        EITHER = "either", _("Either")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met")
        DECLINED = "declined", _("The person declined")
        MOVED = "moved", _("Moved away")
        NO_CONTACT = "no_contact", _("Could not be reached")
        OTHER = "other", pgettext_lazy("closure reason", "Other")

    class NextStep(models.TextChoices):
        STUDIES = "studies", _("Studies")
        WORK = "work", _("Work")
        PROGRAMME = "programme", _("Another programme")
        NONE = "none", _("No further need")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="case")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    assigned_to = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("link worker"),
    )
    opened_at = models.DateTimeField(default=timezone.now)
    stage = models.CharField(
        _("pathway stage"), max_length=12, choices=Stage.choices, default=Stage.MAPPING
    )
    stage_changed_at = models.DateTimeField(default=timezone.now)
    what_matters = models.TextField(_("what matters to me"), blank=True)
    interests = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("interests"),
        limit_choices_to={"vocabulary": Term.Vocabulary.CATEGORY},
    )
    available_days = models.JSONField(_("days available"), default=list, blank=True)
    available_times = models.JSONField(_("times available"), default=list, blank=True)
    max_travel_km = models.PositiveSmallIntegerField(
        _("how far they can travel (km)"), null=True, blank=True
    )
    accessibility_needs = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("accessibility and mobility needs"),
        limit_choices_to={"vocabulary": Term.Vocabulary.ACCESSIBILITY},
    )
    languages = models.ManyToManyField(
        Term,
        related_name="+",
        blank=True,
        verbose_name=_("languages"),
        limit_choices_to={"vocabulary": Term.Vocabulary.LANGUAGE},
    )
    group_preference = models.CharField(
        _("group or one to one"),
        max_length=12,
        choices=GroupPreference.choices,
        default=GroupPreference.EITHER,
    )
    needs_free = models.BooleanField(_("only free of charge"), default=False)
    plan = models.TextField(_("plan"), blank=True)
    next_action_on = models.DateField(_("next thing to do on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=12, choices=ClosureReason.choices, blank=True
    )
    next_step = models.CharField(
        _("next step"), max_length=12, choices=NextStep.choices, blank=True
    )
    closure_note = models.TextField(_("closing note"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["team", "closed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(closure_reason=""),
                name="closed_case_has_reason",
            ),
        ]

    def __str__(self) -> str:
        # Never the person's name: str() reaches pages such as the admin's list of what a
        # deletion would touch, which an administrator may see without break-glass.
        return f"{self._meta.verbose_name} {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Contact(models.Model):
    """One contact with the person: a call, a meeting, a home visit, a video call."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        MEETING = "meeting", _("Meeting")
        HOME_VISIT = "home_visit", _("Home visit")
        VIDEO = "video", _("Video")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    channel = models.CharField(_("how"), max_length=12, choices=Channel.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    reached = models.BooleanField(_("reached the person"), default=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.happened_on}"


class ActivityReferralQuerySet(models.QuerySet["ActivityReferral"]):
    def awaiting_answer(self) -> ActivityReferralQuerySet:
        return self.filter(status=ActivityReferral.Status.REQUESTED)

    def live(self) -> ActivityReferralQuerySet:
        """Referrals that still hold or wait for a place."""
        return self.filter(status__in=ActivityReferral.LIVE_STATUSES)


class ActivityReferral(models.Model):
    """A referral from a case to an offering: the closed loop.

    Statuses follow the HL7 FHIR SDOH Clinical Care referral Task. A reason is required for
    rejected, cancelled, on-hold and failed, and it says who: the person, the provider, no
    capacity (waitlisted or not), or could not contact.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REQUESTED = "requested", _("Sent, awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        IN_PROGRESS = "in-progress", _("Started")
        ON_HOLD = "on-hold", _("On hold")
        FAILED = "failed", _("Failed")
        COMPLETED = "completed", _("Completed")
        ENTERED_IN_ERROR = "entered-in-error", _("Entered in error")

    class Reason(models.TextChoices):
        PERSON_DECLINED = "person_declined", _("The person declined")
        PROVIDER_DECLINED = "provider_declined", _("The provider declined")
        WAITLISTED = "waitlisted", _("No place – on the waiting list")
        NO_CAPACITY = "no_capacity", _("No place")
        NO_CONTACT = "no_contact", _("Could not contact the person")
        NEEDS_INFORMATION = "needs_information", _("The provider needs more information")

    class Participation(models.TextChoices):
        STARTED = "started", _("Started")
        ATTENDING = "attending", _("Attending")
        STOPPED = "stopped", _("Stopped")

    NEEDS_REASON = ("rejected", "cancelled", "on-hold", "failed")
    LIVE_STATUSES = ("requested", "accepted", "in-progress", "on-hold")
    # The statuses a provider can still answer.
    ANSWERABLE_STATUSES = ("requested", "on-hold")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activity_referrals")
    offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("activity")
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason_text = models.TextField(_("explanation"), blank=True)
    message = models.TextField(_("message to the activity"), blank=True)
    participation = models.CharField(
        _("participation"), max_length=10, choices=Participation.choices, blank=True
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    holds_place = models.BooleanField(default=False)
    on_waitlist = models.BooleanField(default=False)
    # The current answer link's nonce; rotated when a link is sent, cleared when it is used.
    link_nonce = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submission_key = models.UUIDField(unique=True, default=uuid4, editable=False)

    objects = ActivityReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("activity referral")
        verbose_name_plural = _("activity referrals")
        indexes = [models.Index(fields=["offering", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=("rejected", "cancelled", "on-hold", "failed"))
                | ~Q(reason=""),
                name="activity_referral_reason_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class ActivityReferralEvent(models.Model):
    """One change of an activity referral, so that the link worker sees every step."""

    activity_referral = models.ForeignKey(
        ActivityReferral, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=ActivityReferral.Status.choices)
    reason = models.CharField(max_length=20, choices=ActivityReferral.Reason.choices, blank=True)
    participation = models.CharField(
        max_length=10, choices=ActivityReferral.Participation.choices, blank=True
    )
    text = models.TextField(blank=True)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via_link = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status}"


class UnmetNeed(models.Model):
    """What someone needed and nothing in the directory offered: the municipality's gaps.

    Holds no person: an age band and a target group say for whom.
    """

    class AgeBand(models.TextChoices):
        UNDER_18 = "0-17", _("Under 18")
        YOUNG_ADULT = "18-29", _("18–29")
        ADULT = "30-49", _("30–49")
        MIDDLE = "50-64", _("50–64")
        OLDER = "65-79", _("65–79")
        OLDEST = "80+", _("80 or older")

    class Why(models.TextChoices):
        NONE_EXISTS = "none_exists", _("Nothing like it exists")
        FULL = "full", _("Full")
        TOO_FAR = "too_far", _("Too far away")
        WRONG_TIME = "wrong_time", _("At the wrong time")
        COST = "cost", _("Costs too much")
        ACCESSIBILITY = "accessibility", _("Not accessible")
        LANGUAGE = "language", _("Not in their language")

    need = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("what was needed"),
        limit_choices_to={"vocabulary": Term.Vocabulary.CATEGORY},
    )
    need_text = models.CharField(_("in words"), max_length=200, blank=True)
    age_band = models.CharField(_("age"), max_length=6, choices=AgeBand.choices, blank=True)
    audience = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target group"),
        limit_choices_to={"vocabulary": Term.Vocabulary.AUDIENCE},
    )
    municipality = models.CharField(_("municipality"), max_length=8, db_index=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    reasons = models.JSONField(_("why nothing fitted"), default=list)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="unmet_needs")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("unmet need")
        verbose_name_plural = _("unmet needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False) | ~Q(need_text=""), name="unmet_need_says_what"
            ),
        ]

    def __str__(self) -> str:
        return self.need_text or str(self.need)

    def get_reasons_display(self) -> list[str]:
        return [str(self.Why(code).label) for code in self.reasons if code in self.Why]
