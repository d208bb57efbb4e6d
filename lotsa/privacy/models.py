"""The records of the privacy work: the regular log check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogCheck(models.Model):
    """One regular check of the access log (HSLF-FS 2016:40 ch. 4 § 9: logs are checked
    systematically): who checked which period, on which reproducible sample, what the chain
    of the log said at the time, and what was found.

    The sample can be drawn again from `since`, `until`, `seed` and `sample_size`
    (`lotsa.privacy.review.sample`); `head_sequence` and `head_hash` show, at the next
    check, that no events were cut off the end of the log since this one.
    """

    class Outcome(models.TextChoices):
        NO_FINDINGS = "no_findings", _("No findings")
        FINDINGS = "findings", _("Findings")

    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    since = models.DateField(_("period from"))
    until = models.DateField(_("period to"))
    seed = models.PositiveBigIntegerField(_("sample seed"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    events_in_sample = models.PositiveIntegerField(_("events in the sample"))
    head_sequence = models.PositiveBigIntegerField(_("last event of the log"))
    head_hash = models.CharField(_("hash of the last event"), max_length=64)
    chain_intact = models.BooleanField(_("chain intact"))
    chain_break = models.CharField(_("where the chain breaks"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("log check")
        verbose_name_plural = _("log checks")

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d} {self.since}–{self.until} ({self.outcome})"
