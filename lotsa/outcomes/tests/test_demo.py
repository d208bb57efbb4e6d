"""`seed_demo_outcomes` fills the outcome reports: instruments per demo organisation,
baselines and follow-ups with varied scores, surveys and health-care use in groups of at
least five, follow-ups due now and one link sent; run twice, it changes nothing."""

from __future__ import annotations

from collections import Counter, defaultdict
from io import StringIO
from typing import Any
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory, TestCase

from lotsa.messaging import sms
from lotsa.outcomes import demo, instruments, links
from lotsa.outcomes.models import (
    Assessment,
    ExperienceSurvey,
    FollowUp,
    HealthcareUse,
    Mode,
    OutcomeSettings,
)
from lotsa.people.models import Person
from lotsa.referrals.models import Case, Referral

MIN_GROUP = 5


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo_outcomes", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Assessment, ExperienceSurvey, FollowUp, HealthcareUse, OutcomeSettings)
    } | {"people": Person.objects.count(), "referrals": Referral.objects.count()}


def pairs(team: Any, code: str, months: int) -> dict[int, tuple[float, float]]:
    """Case → (baseline, follow-up) score of the instrument's first scale, both answered."""
    scale = instruments.get(code).scales[0].key
    answered: dict[int, dict[int, float]] = defaultdict(dict)
    for case_id, point, scores in (
        Assessment.objects.counted()
        .filter(case__team=team, instrument=code, follow_up__months__in=(0, months))
        .values_list("case_id", "follow_up__months", "scores")
    ):
        if scores[scale] is not None:
            answered[case_id][point] = scores[scale]
    return {
        case: (points[0], points[months])
        for case, points in answered.items()
        if 0 in points and months in points
    }


class SeedDemoOutcomesTest(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", stdout=StringIO())
        call_command("seed_demo_referrals", stdout=StringIO())
        cls.output = seed()
        cls.teams = demo.teams_by_key()

    def test_it_says_what_it_seeded(self) -> None:
        self.assertIn("Seeded the outcomes of 104 people", self.output)
        self.assertIn("Due now for the demo link workers", self.output)
        self.assertIn("1 with a link sent", self.output)

    def test_each_demo_organisation_has_its_instruments(self) -> None:
        chosen = {
            key: OutcomeSettings.objects.get(organization=team.organization).instruments
            for key, team in self.teams.items()
        }
        self.assertEqual(
            chosen, {"a": ["ucla3", "who5", "swemwbs"], "dk": ["who5", "djg6", "ons4"]}
        )
        for key, team in self.teams.items():
            used = set(
                Assessment.objects.filter(case__team=team).values_list("instrument", flat=True)
            )
            self.assertEqual(used, set(chosen[key]))

    def test_every_instrument_has_people_enough_at_every_follow_up(self) -> None:
        for key, team in self.teams.items():
            for code in demo.INSTRUMENTS[key]:
                found = {months: len(pairs(team, code, months)) for months in (3, 6, 12)}
                with self.subTest(team=key, instrument=code):
                    self.assertGreaterEqual(found[3], 30)
                    self.assertGreaterEqual(found[6], 20)
                    self.assertGreaterEqual(found[12], MIN_GROUP)

    def test_the_groups_of_the_reports_reach_five(self) -> None:
        team = self.teams["a"]
        cases = Case.objects.filter(pk__in=pairs(team, "who5", 3)).select_related(
            "person", "referral"
        )
        by_sex = Counter(case.person.sex for case in cases)
        by_source = Counter(case.referral.source for case in cases)
        by_reason = Counter(case.referral.reasons[0] for case in cases)
        self.assertGreaterEqual(min(by_sex["female"], by_sex["male"]), MIN_GROUP)
        self.assertGreaterEqual(min(by_source.values()), MIN_GROUP)
        self.assertEqual(set(by_source), {"clinician", "self", "connector"})
        self.assertGreaterEqual(sum(n >= MIN_GROUP for n in by_reason.values()), 4)

    def test_scores_vary_some_improve_and_some_do_not(self) -> None:
        who5 = instruments.WHO5.scale("percentage")
        for key, team in self.teams.items():
            found = pairs(team, "who5", 3)
            improved = [who5.improved(before * 4, after * 4) for before, after in found.values()]
            with self.subTest(team=key):
                self.assertGreater(sum(improved), len(found) / 3)
                self.assertGreater(len(improved) - sum(improved), 5)
        scores = Assessment.objects.filter(instrument="who5").values_list("score", flat=True)
        self.assertGreater(len(set(scores)), 15)

    def test_every_answer_is_valid_and_a_few_items_are_missing(self) -> None:
        missing = 0
        for assessment in Assessment.objects.all():
            definition = assessment.definition
            definition.validate(assessment.answers)
            self.assertEqual(definition.score(assessment.answers), assessment.scores)
            missing += None in assessment.answers.values()
        total = Assessment.objects.count()
        self.assertGreater(missing, 0)
        self.assertLess(missing, total * 0.06)

    def test_one_follow_up_was_answered_twice_and_counts_once(self) -> None:
        duplicates = Assessment.objects.filter(duplicate_of__isnull=False)
        self.assertEqual(duplicates.values("follow_up").distinct().count(), 1)
        follow_up = duplicates.first().follow_up  # type: ignore[union-attr]
        self.assertEqual(
            Assessment.objects.counted().filter(follow_up=follow_up).count(),
            len(demo.INSTRUMENTS["a"]),
        )
        self.assertEqual(set(duplicates.values_list("mode", flat=True)), {Mode.SELF})
        self.assertEqual(
            ExperienceSurvey.objects.filter(
                follow_up=follow_up, duplicate_of__isnull=False
            ).count(),
            1,
        )

    def test_surveys_come_at_follow_ups_and_answers_by_link_have_no_user(self) -> None:
        self.assertFalse(ExperienceSurvey.objects.filter(follow_up__months=0).exists())
        self.assertGreater(ExperienceSurvey.objects.count(), 100)
        self.assertGreater(ExperienceSurvey.objects.exclude(would_change="").count(), 10)
        by_link = Assessment.objects.filter(mode=Mode.SELF)
        self.assertGreater(by_link.count(), 10)
        self.assertFalse(by_link.exclude(recorded_by=None).exists())
        self.assertFalse(by_link.filter(follow_up__link_sent_at=None).exists())
        self.assertFalse(
            Assessment.objects.filter(mode=Mode.WITH_LINK_WORKER, recorded_by=None).exists()
        )

    def test_health_care_use_before_and_after_for_enough_people(self) -> None:
        for key, team in self.teams.items():
            periods = Counter(
                HealthcareUse.objects.filter(case__team=team)
                .values_list("case_id", flat=True)
                .order_by()
            )
            both = sum(n == 2 for n in periods.values())
            with self.subTest(team=key):
                self.assertGreaterEqual(both, 20)

    def test_the_history_is_closed_and_its_points_not_answered_are_cancelled(self) -> None:
        history = Case.objects.filter(referral__in=demo.history_referrals())
        self.assertEqual(history.count(), 104)
        self.assertFalse(history.filter(closed_at=None).exists())
        self.assertFalse(FollowUp.objects.pending().filter(case__in=history).exists())
        for case in history.select_related("referral")[:20]:
            baseline = case.follow_ups.get(months=0)
            self.assertEqual(
                baseline.due_on,
                case.referral.first_contact_at.date(),  # type: ignore[union-attr]
            )
            self.assertLess(case.referral.created_at, baseline.completed_at)
            self.assertLess(baseline.completed_at, case.closed_at)

    def test_follow_ups_are_due_now_for_the_demo_link_workers_one_with_a_link(self) -> None:
        due = FollowUp.objects.due().filter(
            case__team__in=self.teams.values(), case__closed_at=None
        )
        self.assertGreaterEqual(due.count(), 3)
        sent = FollowUp.objects.exclude(link_nonce="")
        self.assertEqual(sent.count(), 1)
        follow_up = sent.get()
        self.assertIn(follow_up, due)
        self.assertEqual(follow_up.link_channel, FollowUp.Channel.SMS)
        self.assertEqual(links.preferred_channel(follow_up.case.person), "sms")
        request = RequestFactory().get("/")
        self.assertEqual(links.get_follow_up_by_token(request, links.sign(follow_up)), follow_up)

    def test_nothing_was_sent_while_seeding(self) -> None:
        self.assertEqual((mail.outbox, sms.outbox), ([], []))

    def test_running_it_twice_changes_nothing(self) -> None:
        before = counts()
        self.assertIn("already seeded; nothing changed", seed())
        self.assertEqual(counts(), before)

    def test_remove_leaves_the_referral_loop_and_reset_seeds_the_same_again(self) -> None:
        def loop() -> list[Any]:
            return list(
                Referral.objects.exclude(submission_key__in=demo.history_keys())
                .order_by("pk")
                .values_list("pk", "status", "case__closed_at")
            )

        def fingerprint() -> list[Any]:
            return sorted(
                Assessment.objects.values_list(
                    "case__referral__submission_key", "follow_up__months", "instrument", "answers"
                ),
                key=str,
            )

        cases = loop()
        self.assertIn("Removed 104 people of the history", seed("--remove"))
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(OutcomeSettings.objects.exists())
        self.assertFalse(demo.history_referrals().exists())
        self.assertEqual(loop(), cases)
        # The same choices on every run (a small history, to keep the test short).
        with mock.patch.dict(demo.HISTORY_SIZE, {"a": 4, "dk": 3}):
            seed()
            first = fingerprint()
            self.assertIn("Removed 7 people", seed("--reset"))
            self.assertEqual(fingerprint(), first)
