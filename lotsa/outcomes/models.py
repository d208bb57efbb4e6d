"""Outcome measurement: which instruments an organisation uses, each case's follow-up
schedule, the assessments and experience surveys answered at it, and health-care use before
and after the referral."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lotsa.accounts.models import Organization
from lotsa.referrals.models import Case

from . import instruments

User = settings.AUTH_USER_MODEL


class OutcomeSettings(models.Model):
    """Which instruments an organisation's link workers use (DOMAIN.md: do not pool unlike
    versions, so an organisation picks its set and keeps it)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="outcome_settings"
    )
    instruments = models.JSONField(
        _("instruments"),
        default=list,
        help_text=_("The codes of the instruments used at baseline and every follow-up."),
    )
    experience_survey = models.BooleanField(_("experience survey at follow-up"), default=True)

    class Meta:
        verbose_name = _("outcome settings")
        verbose_name_plural = _("outcome settings")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        codes = self.instruments
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ValidationError({"instruments": _("A list of instrument codes.")})
        unknown = sorted(set(codes) - set(instruments.INSTRUMENTS))
        if unknown:
            raise ValidationError(
                {"instruments": _("Unknown instruments: %(codes)s") % {"codes": ", ".join(unknown)}}
            )
        if len(set(codes)) != len(codes):
            raise ValidationError({"instruments": _("An instrument is named twice.")})


def point_label(months: int) -> str:
    """A point of the schedule in words: "Baseline", or "3 months"."""
    if months == 0:
        return str(_("Baseline"))
    return ngettext("%(months)d month", "%(months)d months", months) % {"months": months}


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def pending(self) -> FollowUpQuerySet:
        return self.filter(completed_at__isnull=True, cancelled_at__isnull=True)

    def due(self, on: object = None) -> FollowUpQuerySet:
        return self.pending().filter(due_on__lte=on or timezone.localdate())


class FollowUp(models.Model):
    """One point of a case's measurement schedule: the baseline (months = 0) at the first
    conversation, then the follow-ups (LOTSA_FOLLOW_UP_MONTHS, by default 3, 6 and 12)."""

    class Channel(models.TextChoices):
        SMS = "sms", _("Text message (SMS)")
        EMAIL = "email", _("E-mail")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due"), db_index=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The person's own answer link: the nonce is in the signed token, and changing it (a new
    # link, or the answers arriving) makes older links useless.
    link_nonce = models.CharField(max_length=32, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["case", "months"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="one_follow_up_per_point"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.months} {self.due_on:%Y-%m-%d}"

    @property
    def is_baseline(self) -> bool:
        return self.months == 0

    @property
    def label(self) -> str:
        return point_label(self.months)

    @property
    def is_pending(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def counted(self) -> AssessmentQuerySet:
        """Without the duplicates: a follow-up answered twice counts once."""
        return self.filter(duplicate_of__isnull=True)


class Mode(models.TextChoices):
    WITH_LINK_WORKER = "link_worker", _("With the link worker")
    SELF = "self", _("By the person, through their link")
    IMPORTED = "imported", _("Imported")


class Assessment(models.Model):
    """One instrument answered once: the raw answers and every scale's score."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    instrument = models.CharField(_("instrument"), max_length=20, choices=instruments.CHOICES)
    # {item key: answer value or None}, exactly as answered.
    answers = models.JSONField(_("answers"))
    # {scale key: score or None}; `score` repeats the instrument's primary scale for queries.
    scores = models.JSONField(_("scores"))
    score = models.FloatField(_("score"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A second answer to the same follow-up and instrument is kept, flagged, and not counted.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["case", "answered_on", "instrument"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["instrument", "answered_on"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.answered_on:%Y-%m-%d}"

    @property
    def definition(self) -> instruments.Instrument:
        return instruments.get(self.instrument)

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_id is not None


class ExperienceSurvey(models.Model):
    """The person's experience at a follow-up, as in the PROSA pilot's survey."""

    class HoursSuited(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Progress(models.TextChoices):
        MUCH = "much", _("Yes, a lot")
        SOME = "some", _("Yes, somewhat")
        NONE = "none", _("No")
        WORSE = "worse", _("It got worse")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="experience_surveys")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    # 1 = very dissatisfied … 5 = very satisfied.
    satisfaction = models.PositiveSmallIntegerField(_("how satisfied"))
    hours_suited = models.CharField(
        _("did the days and hours suit you"), max_length=8, choices=HoursSuited.choices
    )
    progress = models.CharField(_("have you made progress"), max_length=8, choices=Progress.choices)
    would_change = models.TextField(_("what would you change"), blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "answered_on"]
        verbose_name = _("experience survey")
        verbose_name_plural = _("experience surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.answered_on:%Y-%m-%d}"


class HealthcareUse(models.Model):
    """Visits to the health centre and to the emergency department in the six months before
    the referral, or in the six months after it."""

    class Period(models.TextChoices):
        BEFORE = "before", _("Six months before the referral")
        AFTER = "after", _("Six months after the referral")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="healthcare_use")
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    gp_visits = models.PositiveSmallIntegerField(_("visits to the health centre"))
    emergency_visits = models.PositiveSmallIntegerField(_("emergency department visits"))
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "period"]
        verbose_name = _("health-care use")
        verbose_name_plural = _("health-care use")
        constraints = [
            models.UniqueConstraint(fields=["case", "period"], name="one_use_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.period}"
