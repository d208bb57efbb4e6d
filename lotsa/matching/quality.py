"""The matching's quality, measured: NDCG@5 and hard-rule violations on the case file.

The case file (`tests/quality/cases.json`) holds synthetic people in Umeå municipality and,
for each, the offerings of the demo directory (`manage.py seed_demo`) a careful link worker
would choose, graded 1–3, and the offerings that must never be suggested. `evaluate()` turns
each case into `Needs` (plain values: no person is saved), ranks the directory with
`ranking.rank`, and reports

- NDCG@5 per case and the mean: DCG@5 = Σ_{i=1..5} rel_i / log2(i + 1), where rel_i is the
  link worker's grade of the offering at rank i (0 when not graded), divided by the DCG@5 of
  the ideal order of the graded offerings (linear gain, as in Järvelin and Kekäläinen 2002,
  trec_eval and scikit-learn's `ndcg_score`). 1 means the best possible top five; a case
  with fewer than five graded offerings can still reach 1.
- the hard-rule violations in each top 10, by `ranking.violations` (must be 0), and,
  independently of the ranking's own rules, how many of the case's `never` offerings appear
  in its top 10 (must be 0 too).

Read-only: nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from lotsa.directory.models import Offering
from lotsa.people.models import Person

from . import ranking

CASES_FILE = Path(__file__).resolve().parent / "tests" / "quality" / "cases.json"
K = 5  # NDCG is measured on the top five: what a link worker reads before choosing
TOP = 10  # hard rules are checked in the top ten: what the suggestions page shows first


@dataclasses.dataclass(frozen=True)
class Choice:
    offering: str  # the offering's name in the demo directory
    relevance: int  # 3 propose first, 2 a good alternative, 1 acceptable
    why: str


@dataclasses.dataclass(frozen=True)
class Never:
    offering: str
    why: str  # the hard rule it breaks for this person


@dataclasses.dataclass(frozen=True)
class QualityCase:
    """One synthetic person with their needs, and the link worker's judgement."""

    id: str
    person: str
    age: int | None
    postcode: str
    town: str
    municipality: str
    words: str
    interests: tuple[str, ...]
    days: tuple[str, ...]
    times: tuple[str, ...]
    max_km: float | None
    accessibility: tuple[str, ...]
    languages: tuple[str, ...]
    group: str
    needs_free: bool
    audiences: tuple[str, ...]
    stage: str
    choices: tuple[Choice, ...]
    never: tuple[Never, ...]

    @property
    def relevance(self) -> dict[str, int]:
        return {choice.offering: choice.relevance for choice in self.choices}

    @property
    def has_address(self) -> bool:
        return bool(self.postcode.strip() or self.town.strip())


def load_cases(path: Path = CASES_FILE) -> list[QualityCase]:
    """The cases of the file, in its order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [_case(row) for row in data["cases"]]


def _case(row: Mapping[str, Any]) -> QualityCase:
    return QualityCase(
        id=row["id"],
        person=row["person"],
        age=row.get("age"),
        postcode=row.get("postcode", ""),
        town=row.get("town", ""),
        municipality=row.get("municipality", ""),
        words=row.get("words", ""),
        interests=tuple(row.get("interests", ())),
        days=tuple(row.get("days", ())),
        times=tuple(row.get("times", ())),
        max_km=None if row.get("max_km") is None else float(row["max_km"]),
        accessibility=tuple(row.get("accessibility", ())),
        languages=tuple(row.get("languages", ())),
        group=row.get("group", "either"),
        needs_free=bool(row.get("needs_free", False)),
        audiences=tuple(row.get("audiences", ())),
        stage=row.get("stage", "mapping"),
        choices=tuple(
            Choice(offering=c["offering"], relevance=int(c["relevance"]), why=c["why"])
            for c in row.get("choices", ())
        ),
        never=tuple(Never(offering=n["offering"], why=n["why"]) for n in row.get("never", ())),
    )


def needs_for(case: QualityCase) -> ranking.Needs:
    """The case as the ranking reads it, placed the way the ranking places a person's home.

    The person is an unsaved `Person` that only carries the address to `ranking.origin_of`;
    without a postcode or town the person has no home on record (and no municipality, so the
    ranking cannot fall back to its centre)."""
    home = Person(
        postcode=case.postcode,
        city=case.town,
        municipality=case.municipality if case.has_address else "",
    )
    origin = ranking.origin_of(home)
    return ranking.Needs(
        words=case.words,
        interests=frozenset(case.interests),
        days=frozenset(case.days),
        times=frozenset(case.times),
        max_km=case.max_km,
        origin=(origin.lat, origin.lon) if origin is not None else None,
        accessibility=frozenset(case.accessibility),
        languages=frozenset(case.languages),
        group=case.group,
        needs_free=case.needs_free,
        age=case.age,
        audiences=frozenset(case.audiences),
        stage=case.stage,
        team_id=None,
        municipality=case.municipality,
    )


# --- the metric ---------------------------------------------------------------------------


def dcg(gains: Iterable[float], k: int = K) -> float:
    """Discounted cumulative gain of the first `k` gains: Σ gain_i / log2(i + 1), i from 1."""
    return sum(gain / math.log2(i + 1) for i, gain in enumerate(list(gains)[:k], start=1))


def ndcg(ranked: Sequence[str], relevance: Mapping[str, int], k: int = K) -> float:
    """NDCG@k of a ranked list of names against graded judgements (ungraded names gain 0).

    0 when nothing graded is relevant, as there is no ideal order to compare with."""
    ideal = dcg(sorted(relevance.values(), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([relevance.get(name, 0) for name in ranked], k) / ideal


# --- running the ranking against the file -------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CaseResult:
    case_id: str
    ndcg: float
    ranked: tuple[str, ...]  # the names of the top ten, best first
    violations: dict[str, list[str]]  # offering name → the hard rules it breaks
    forbidden: tuple[str, ...]  # the case's `never` offerings found in its top ten

    @property
    def violation_count(self) -> int:
        return len(self.violations)


@dataclasses.dataclass(frozen=True)
class QualityReport:
    results: tuple[CaseResult, ...]

    @property
    def cases(self) -> int:
        return len(self.results)

    @property
    def mean_ndcg(self) -> float:
        return statistics.fmean(r.ndcg for r in self.results) if self.results else 0.0

    @property
    def violation_count(self) -> int:
        """Suggestions in a top ten that break a hard rule, over all cases."""
        return sum(r.violation_count for r in self.results)

    @property
    def forbidden_count(self) -> int:
        return sum(len(r.forbidden) for r in self.results)

    def summary(self) -> str:
        return (
            f"matching quality: NDCG@{K} {self.mean_ndcg:.2f} over {self.cases} cases, "
            f"{self.violation_count} hard-rule violations in the top {TOP} "
            f"({self.forbidden_count} of the cases' never-suggest offerings in the top {TOP})"
        )

    def worst(self, count: int = 5) -> list[CaseResult]:
        return sorted(self.results, key=lambda r: (r.ndcg, r.case_id))[:count]


def evaluate(
    cases: Sequence[QualityCase] | None = None,
    *,
    today: dt.date | None = None,
    offerings: QuerySet[Offering] | None = None,
) -> QualityReport:
    """Rank `offerings` (default: the ranking's own) for every case and measure the result."""
    today = today or timezone.localdate()
    cases = load_cases() if cases is None else cases
    results = []
    for case in cases:
        needs = needs_for(case)
        suggestions = ranking.rank(needs, limit=TOP, today=today, offerings=offerings)
        # Fetched again with what `violations` reads, so the check does not depend on what
        # the ranking happened to prefetch.
        ids = [s.offering.pk for s in suggestions]
        fetched = Offering.objects.filter(pk__in=ids).prefetch_related(
            "places", "schedules", "accessibility", "referral_teams"
        )
        by_id = {offering.pk: offering for offering in fetched}
        ranked = [by_id[pk] for pk in ids]
        names = tuple(offering.name for offering in ranked)
        broken = {
            offering.name: found
            for offering in ranked
            if (found := ranking.violations(needs, offering, today))
        }
        never = {n.offering for n in case.never}
        results.append(
            CaseResult(
                case_id=case.id,
                ndcg=ndcg(names, case.relevance),
                ranked=names,
                violations=broken,
                forbidden=tuple(name for name in names if name in never),
            )
        )
    return QualityReport(results=tuple(results))
