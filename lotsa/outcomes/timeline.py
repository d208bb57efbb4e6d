"""A case's outcomes as the link worker reads them: the schedule with the state of each point
(done, due, overdue), the scores over time per instrument and scale with their bands, the
experience surveys and the health-care use.

Pure reading, apart from `case_outcomes` making a missing schedule (`schedule_follow_ups`,
idempotent) for an open case. The caller has fetched the case through the access helpers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from lotsa.referrals.models import Case

from . import instruments
from .actions import instruments_for, schedule_follow_ups, uses_experience_survey
from .models import Assessment, ExperienceSurvey, FollowUp, HealthcareUse, point_label

# A follow-up may be done two weeks either side of its date: from then it is "due", and
# after that it is "overdue". The baseline is due at the first conversation.
WINDOW = dt.timedelta(days=14)


class State(models.TextChoices):
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    UPCOMING = "upcoming", _("Upcoming")
    DUE = "due", _("Due")
    OVERDUE = "overdue", _("Overdue")


# The badge each state wears; the state's text is always written out (never colour alone).
BADGES = {
    State.DONE: "badge-ok",
    State.NOT_DONE: "",
    State.UPCOMING: "",
    State.DUE: "badge-warn",
    State.OVERDUE: "badge-danger",
}


def state_of(follow_up: FollowUp, today: dt.date, *, case_is_open: bool = True) -> State:
    if follow_up.completed_at is not None:
        return State.DONE
    if follow_up.cancelled_at is not None or not case_is_open:
        return State.NOT_DONE
    if today < follow_up.due_on - WINDOW:
        return State.UPCOMING
    if today > follow_up.due_on + WINDOW:
        return State.OVERDUE
    return State.DUE


@dataclasses.dataclass(frozen=True)
class Point:
    """One point of the schedule, for the page."""

    follow_up: FollowUp
    state: State

    @property
    def label(self) -> str:
        return point_label(self.follow_up.months)

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def badge(self) -> str:
        return BADGES[self.state]

    @property
    def is_pending(self) -> bool:
        return self.state in (State.UPCOMING, State.DUE, State.OVERDUE)


def format_score(value: float | int | None) -> str:
    """A score as people read it: whole numbers without decimals, the rest with two."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return formats.number_format(int(value))
    return formats.number_format(value, 2)


@dataclasses.dataclass(frozen=True)
class Cell:
    """One scale's score in one assessment: the value, its band, and the change since the
    baseline (for a counted follow-up)."""

    scale: instruments.Scale
    value: str
    band: str = ""
    change: str = ""
    improved: bool = False
    is_missing: bool = False


@dataclasses.dataclass(frozen=True)
class Row:
    assessment: Assessment
    point: str
    cells: list[Cell]

    @property
    def is_duplicate(self) -> bool:
        return self.assessment.is_duplicate


@dataclasses.dataclass(frozen=True)
class ScoreTable:
    """One instrument's answers over time: a row per assessment, a column per scale."""

    instrument: instruments.Instrument
    rows: list[Row]

    @property
    def scales(self) -> tuple[instruments.Scale, ...]:
        return self.instrument.scales

    @property
    def latest(self) -> Row | None:
        """The last answer that counts (a duplicate never does)."""
        return next((row for row in reversed(self.rows) if not row.is_duplicate), None)


def _category_label(instrument: instruments.Instrument, value: float | int | None) -> str:
    """A categorical instrument's answer in words (ONS: "Some of the time")."""
    item = instrument.items[0]
    return next((choice.label for choice in item.choices if choice.value == value), "–")


def _change(scale: instruments.Scale, before: float | int | None, after: float | int | None) -> str:
    if before is None or after is None:
        return ""
    difference = after - before
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    return sign + format_score(abs(difference))


def _cells(
    instrument: instruments.Instrument,
    assessment: Assessment,
    baseline: Assessment | None,
) -> list[Cell]:
    cells = []
    for scale in instrument.scales:
        value = assessment.scores.get(scale.key)
        if instrument.is_categorical:
            cells.append(Cell(scale, _category_label(instrument, value), is_missing=value is None))
            continue
        band = scale.band(value)
        before = baseline.scores.get(scale.key) if baseline is not None else None
        compare = (
            baseline is not None and baseline.pk != assessment.pk and not assessment.is_duplicate
        )
        cells.append(
            Cell(
                scale,
                format_score(value),
                band=band.label if band else "",
                change=_change(scale, before, value) if compare else "",
                improved=compare
                and before is not None
                and value is not None
                and scale.improved(before, value),
                is_missing=value is None,
            )
        )
    return cells


def score_tables(
    case: Case, assessments: Iterable[Assessment], used: Iterable[instruments.Instrument] = ()
) -> list[ScoreTable]:
    """A table per instrument: those the organisation uses first, then any other answered."""
    by_instrument: dict[str, list[Assessment]] = {}
    for assessment in assessments:
        by_instrument.setdefault(assessment.instrument, []).append(assessment)
    codes = [instrument.code for instrument in used]
    codes += [
        code for code in instruments.INSTRUMENTS if code in by_instrument and code not in codes
    ]
    tables = []
    for code in codes:
        instrument = instruments.get(code)
        answered = by_instrument.get(code, [])
        # The baseline each change is measured from: the counted answer at the baseline point.
        baseline = next(
            (
                a
                for a in answered
                if not a.is_duplicate and a.follow_up is not None and a.follow_up.is_baseline
            ),
            None,
        )
        rows = [
            Row(
                assessment=a,
                point=point_label(a.follow_up.months) if a.follow_up is not None else "–",
                cells=_cells(instrument, a, baseline),
            )
            for a in answered
        ]
        tables.append(ScoreTable(instrument, rows))
    return tables


@dataclasses.dataclass(frozen=True)
class CaseOutcomes:
    case: Case
    points: list[Point]
    tables: list[ScoreTable]
    surveys: list[ExperienceSurvey]
    healthcare_use: list[HealthcareUse]
    uses_survey: bool

    @property
    def next_point(self) -> Point | None:
        """The earliest point still to do."""
        return next((point for point in self.points if point.is_pending), None)

    @property
    def duplicates(self) -> int:
        return sum(row.is_duplicate for table in self.tables for row in table.rows) + sum(
            survey.duplicate_of_id is not None for survey in self.surveys
        )

    @property
    def answered_tables(self) -> list[ScoreTable]:
        return [table for table in self.tables if table.rows]


def case_outcomes(case: Case, today: dt.date | None = None) -> CaseOutcomes:
    """The case's schedule (made now if the case is open and has none), scores, surveys and
    health-care use. Six queries, however many follow-ups and answers there are."""
    today = today or timezone.localdate()
    follow_ups = schedule_follow_ups(case) if case.is_open else list(case.follow_ups.all())
    by_pk = {follow_up.pk: follow_up for follow_up in follow_ups}
    assessments = list(
        Assessment.objects.filter(case=case).order_by("answered_on", "created_at", "pk")
    )
    for assessment in assessments:
        # Saves a query per row: the follow-ups are loaded already.
        assessment.follow_up = by_pk.get(assessment.follow_up_id or 0)
    surveys = list(
        ExperienceSurvey.objects.filter(case=case).order_by("answered_on", "created_at", "pk")
    )
    for survey in surveys:
        survey.follow_up = by_pk.get(survey.follow_up_id or 0)
    return CaseOutcomes(
        case=case,
        points=[state_point(f, today, case.is_open) for f in follow_ups],
        tables=score_tables(case, assessments, instruments_for(case)),
        surveys=surveys,
        # Before, then after.
        healthcare_use=sorted(
            HealthcareUse.objects.filter(case=case), key=lambda use: use.period != "before"
        ),
        uses_survey=uses_experience_survey(case),
    )


def state_point(follow_up: FollowUp, today: dt.date, case_is_open: bool = True) -> Point:
    return Point(follow_up, state_of(follow_up, today, case_is_open=case_is_open))
