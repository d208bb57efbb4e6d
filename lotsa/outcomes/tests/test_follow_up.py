"""Recording a follow-up with the link worker: every instrument of the organisation with its
instructions, the experience survey at follow-ups only, out-of-range answers refused with a
message and nothing stored, a second answer kept as a flagged duplicate and counted once."""

from __future__ import annotations

import datetime as dt

from lotsa.audit.models import AuditEvent
from lotsa.outcomes.models import Assessment, ExperienceSurvey, Mode, OutcomeSettings
from lotsa.referrals import actions as referral_actions
from lotsa.referrals.models import ActivityReferral, Case
from lotsa.test import BaseTestCase, make_activity_referral, make_case, make_offering

from .answering import SURVEY, follow_up_url, point, posted


class FollowUpTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        OutcomeSettings.objects.create(
            organization=self.health_centre_a, instruments=["ucla3", "who5"]
        )
        self.login(self.link_worker)


class FollowUpPageTests(FollowUpTestCase):
    def test_it_shows_every_instrument_of_the_organisation_with_its_instructions(self) -> None:
        response = self.client.get(follow_up_url(self.case, 0))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Loneliness (UCLA-3)")
        self.assertContains(response, "Wellbeing (WHO-5)")
        self.assertContains(response, "For each of the five statements")
        self.assertContains(response, "How often do you feel left out?")
        self.assertNotContains(response, "SWEMWBS")
        self.assertContains(response, "Baseline: Astrid Lindqvist")

    def test_the_baseline_asks_no_experience_survey(self) -> None:
        response = self.client.get(follow_up_url(self.case, 0))
        self.assertNotContains(response, "Experience survey")
        self.assertNotContains(response, "survey-satisfaction")

    def test_a_follow_up_asks_the_survey_and_shows_attendance_and_stage_read_only(self) -> None:
        offering = make_offering(self.association, "Promenadgruppen")
        referral = make_activity_referral(self.case, offering, self.link_worker)
        ActivityReferral.objects.filter(pk=referral.pk).update(
            status=ActivityReferral.Status.IN_PROGRESS,
            participation=ActivityReferral.Participation.ATTENDING,
            started_on=dt.date(2025, 4, 1),
        )
        referral_actions.change_stage(
            self.case, Case.Stage.IN_ACTIVITY, acting_user=self.link_worker
        )
        response = self.client.get(follow_up_url(self.case, 3))
        self.assertContains(response, "Experience survey")
        self.assertContains(response, 'name="survey-satisfaction"')
        self.assertContains(response, "Attendance and step progression, from the case")
        self.assertContains(response, "Promenadgruppen")
        self.assertContains(response, "Attending")
        self.assertContains(response, "In an activity")

    def test_an_organisation_without_the_survey_is_not_asked_it(self) -> None:
        OutcomeSettings.objects.filter(organization=self.health_centre_a).update(
            experience_survey=False
        )
        response = self.client.get(follow_up_url(self.case, 3))
        self.assertNotContains(response, "survey-satisfaction")

    def test_an_unknown_point_is_not_found(self) -> None:
        self.assertEqual(self.client.get(follow_up_url(self.case, 5)).status_code, 404)


class RecordingTests(FollowUpTestCase):
    def test_the_link_worker_records_the_baseline(self) -> None:
        response = self.client.post(
            follow_up_url(self.case, 0), posted(who5=3, ucla3=2), follow=True
        )
        self.assertRedirects(response, f"/en/cases/{self.case.uuid}/outcomes/")
        who5 = Assessment.objects.get(case=self.case, instrument="who5")
        self.assertEqual(who5.scores, {"raw": 15, "percentage": 60})
        self.assertEqual(who5.score, 60.0)
        self.assertEqual(who5.mode, Mode.WITH_LINK_WORKER)
        self.assertEqual(who5.recorded_by, self.link_worker)
        self.assertEqual(who5.follow_up, point(self.case, 0))
        ucla3 = Assessment.objects.get(case=self.case, instrument="ucla3")
        self.assertEqual(ucla3.answers, {"companionship": 2, "left_out": 2, "isolated": 2})
        self.assertEqual(ucla3.score, 6.0)
        self.assertIsNotNone(point(self.case, 0).completed_at)
        self.assertTrue(
            AuditEvent.objects.filter(
                action=AuditEvent.Action.CREATE,
                object_type="outcomes.assessment",
                user=self.link_worker,
                person_uuid=self.case.person.uuid,
            ).exists()
        )
        self.assertContains(response, "The follow-up (Baseline) is recorded.")
        self.assertContains(response, "Good wellbeing")

    def test_a_follow_up_records_the_experience_survey(self) -> None:
        survey = {**SURVEY, "would_change": "Fler träffar på kvällen."}
        self.client.post(follow_up_url(self.case, 3), posted(who5=4, survey=survey))
        saved = ExperienceSurvey.objects.get(case=self.case)
        self.assertEqual(
            (saved.satisfaction, saved.hours_suited, saved.progress, saved.would_change),
            (4, "yes", "some", "Fler träffar på kvällen."),
        )
        self.assertEqual(saved.follow_up, point(self.case, 3))

    def test_the_survey_may_be_left_out_but_not_half_answered(self) -> None:
        response = self.client.post(follow_up_url(self.case, 3), posted(who5=4))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ExperienceSurvey.objects.exists())
        response = self.client.post(
            follow_up_url(self.case, 6), posted(who5=4, survey={"satisfaction": "5"})
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nothing was saved.")
        self.assertFalse(ExperienceSurvey.objects.exists())
        self.assertFalse(Assessment.objects.filter(follow_up=point(self.case, 6)).exists())

    def test_an_unanswered_item_makes_the_score_missing_never_zero(self) -> None:
        data = posted(who5=5, ucla3=1)
        data["who5-rested"] = ""
        self.client.post(follow_up_url(self.case, 0), data)
        who5 = Assessment.objects.get(instrument="who5")
        self.assertEqual(who5.scores, {"raw": None, "percentage": None})
        self.assertIsNone(who5.score)
        self.assertIsNone(who5.answers["rested"])

    def test_an_instrument_left_empty_is_not_recorded(self) -> None:
        self.client.post(follow_up_url(self.case, 0), posted(who5=5))
        self.assertEqual(list(Assessment.objects.values_list("instrument", flat=True)), ["who5"])

    def test_nothing_answered_is_refused(self) -> None:
        response = self.client.post(follow_up_url(self.case, 0), posted())
        self.assertContains(response, "Answer at least one question")
        self.assertIsNone(point(self.case, 0).completed_at)

    def test_a_date_in_the_future_is_refused(self) -> None:
        tomorrow = (self.today() + dt.timedelta(days=1)).isoformat()
        response = self.client.post(
            follow_up_url(self.case, 0), posted(who5=3, answered_on=tomorrow)
        )
        self.assertContains(response, "The date cannot be in the future.")
        self.assertFalse(Assessment.objects.exists())

    def test_a_paper_form_typed_in_later_keeps_its_date(self) -> None:
        day = self.today() - dt.timedelta(days=3)
        self.client.post(follow_up_url(self.case, 0), posted(who5=3, answered_on=day.isoformat()))
        self.assertEqual(Assessment.objects.get().answered_on, day)


class OutOfRangeTests(FollowUpTestCase):
    def test_an_answer_out_of_range_is_refused_with_a_message_and_nothing_is_stored(self) -> None:
        data = posted(who5=3, ucla3=2)
        data["who5-calm"] = "9"
        response = self.client.post(follow_up_url(self.case, 0), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please correct the errors below. Nothing was saved.")
        self.assertContains(
            response, "Select a valid choice. 9 is not one of the available choices."
        )
        self.assertFalse(Assessment.objects.exists())
        self.assertIsNone(point(self.case, 0).completed_at)

    def test_a_value_that_is_not_a_number_is_refused(self) -> None:
        data = posted(ucla3=2)
        data["ucla3-isolated"] = "often"
        response = self.client.post(follow_up_url(self.case, 0), data)
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Assessment.objects.exists())

    def test_a_satisfaction_out_of_range_is_refused(self) -> None:
        response = self.client.post(
            follow_up_url(self.case, 3), posted(who5=3, survey={**SURVEY, "satisfaction": "6"})
        )
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(ExperienceSurvey.objects.exists())


class DuplicateTests(FollowUpTestCase):
    def test_a_second_answer_is_kept_flagged_and_counted_once(self) -> None:
        self.client.post(follow_up_url(self.case, 3), posted(who5=2, survey=SURVEY))
        response = self.client.post(
            follow_up_url(self.case, 3), posted(who5=4, survey=SURVEY), follow=True
        )
        self.assertContains(response, "had already been answered")
        self.assertContains(response, "kept as a duplicate")
        first, second = Assessment.objects.filter(instrument="who5").order_by("pk")
        self.assertIsNone(first.duplicate_of)
        self.assertEqual(second.duplicate_of, first)
        self.assertEqual(Assessment.objects.filter(instrument="who5").count(), 2)
        self.assertEqual(list(Assessment.objects.counted().values_list("score", flat=True)), [40.0])
        surveys = list(ExperienceSurvey.objects.order_by("pk"))
        self.assertEqual(surveys[1].duplicate_of, surveys[0])
        # The outcomes page shows both and says which one does not count.
        self.assertContains(response, "Duplicate: not counted", count=2)
        self.assertContains(response, "answers were given twice")

    def test_the_follow_up_page_says_it_was_answered(self) -> None:
        self.client.post(follow_up_url(self.case, 0), posted(who5=2))
        response = self.client.get(follow_up_url(self.case, 0))
        self.assertContains(response, "Answering it again records the new answers as a duplicate")
        self.assertContains(response, "Answer again")


class ClosedCaseTests(FollowUpTestCase):
    def test_a_closed_cases_follow_up_can_be_read_but_not_answered(self) -> None:
        self.client.post(follow_up_url(self.case, 0), posted(who5=2))
        referral_actions.close_case(
            self.case, reason=Case.ClosureReason.GOALS_MET, acting_user=self.link_worker
        )
        response = self.client.get(follow_up_url(self.case, 0))
        self.assertContains(response, "The case is closed")
        self.assertNotContains(response, "Record the answers")
        response = self.client.post(follow_up_url(self.case, 3), posted(who5=4), follow=True)
        self.assertContains(response, "can no longer be answered")
        self.assertEqual(Assessment.objects.count(), 1)
