"""A case's outcomes for its link worker: on the case page and on the outcomes page, the
scores over time per instrument and scale with their bands in words, the change since the
baseline, the duplicates flagged; the experience surveys."""

from __future__ import annotations

from lotsa.outcomes import actions
from lotsa.outcomes.actions import SurveyAnswers
from lotsa.outcomes.models import Mode, OutcomeSettings
from lotsa.test import BaseTestCase, make_case

from .answering import en_url, point


class OutcomesPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        OutcomeSettings.objects.create(
            organization=self.health_centre_a, instruments=["who5", "ons_loneliness", "ons4"]
        )
        self.login(self.link_worker)

    def record(self, months: int, who5: int, lonely: int = 2, **extra: object) -> None:
        actions.record_follow_up(
            point(self.case, months),
            answers={
                "who5": dict.fromkeys(("cheerful", "calm", "active", "rested", "interest"), who5),
                "ons_loneliness": {"lonely": lonely},
                "ons4": {"life_satisfaction": 4, "worthwhile": 9, "anxiety": 7},
            },
            mode=Mode.WITH_LINK_WORKER,
            acting_user=self.link_worker,
            **extra,  # type: ignore[arg-type]
        )

    def test_it_shows_the_scores_over_time_with_their_bands_and_the_change(self) -> None:
        self.record(0, who5=2)  # 40
        self.record(3, who5=3)  # 60
        response = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(response, "<strong>40</strong> (Suggests poor wellbeing)", html=False)
        self.assertContains(response, "<strong>60</strong> (Good wellbeing)")
        self.assertContains(response, "+20 since the baseline")
        self.assertContains(response, "Meaningful improvement")
        # A categorical answer in words, never a number.
        self.assertContains(response, "<strong>Some of the time</strong>")
        # ONS4: four separate scores with their own bands, the unanswered one missing.
        self.assertContains(response, "<strong>4</strong> (Low)")
        self.assertContains(response, "<strong>9</strong> (Very high)")
        self.assertContains(response, "<strong>7</strong> (High)")
        self.assertContains(response, "missing: an item was not answered")

    def test_the_case_page_shows_the_latest_counted_scores(self) -> None:
        self.record(0, who5=2)
        self.record(0, who5=5)  # a duplicate: shown on the outcomes page, never as the latest
        response = self.client.get(en_url("referrals:case", key=self.case.uuid))
        self.assertContains(response, "Latest scores")
        self.assertContains(response, "Score (0–100): <strong>40</strong>")
        self.assertNotContains(response, "<strong>100</strong>")
        self.assertContains(response, "3 answers were given twice")

    def test_the_duplicates_are_flagged_on_the_outcomes_page(self) -> None:
        self.record(0, who5=2)
        self.record(0, who5=5)
        response = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(response, "<strong>100</strong>")
        # One duplicate row per instrument answered twice.
        self.assertContains(response, "Duplicate: not counted", count=3)

    def test_it_lists_the_experience_surveys(self) -> None:
        self.record(
            3,
            who5=3,
            survey=SurveyAnswers(
                satisfaction=5, hours_suited="partly", progress="much", would_change="Mer fika."
            ),
        )
        response = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(response, "5 of 5")
        self.assertContains(response, "Partly")
        self.assertContains(response, "Yes, a lot")
        self.assertContains(response, "Mer fika.")

    def test_it_says_when_the_organisation_does_not_use_the_survey(self) -> None:
        OutcomeSettings.objects.update(experience_survey=False)
        response = self.client.get(en_url("outcomes:case", key=self.case.uuid))
        self.assertContains(response, "Your organisation does not use the experience survey.")
