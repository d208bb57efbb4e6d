"""The person's own form behind the link: the organisation's questions in their language,
answers stored as theirs, bad answers refused with the form shown again, used, expired and
tampered links explained, and nothing about the person on the page."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from lotsa.audit.models import AuditEvent
from lotsa.outcomes import actions, instruments, links
from lotsa.outcomes.models import Assessment, ExperienceSurvey, FollowUp, Mode, OutcomeSettings
from lotsa.people.models import Person
from lotsa.test import BaseTestCase, canary_person, canary_values, make_case, make_person

UCLA3 = {"ucla3-companionship": "3", "ucla3-left_out": "2", "ucla3-isolated": "3"}
WHO5 = {f"who5-{key}": "3" for key in instruments.WHO5.item_keys}
SURVEY = {
    "survey-satisfaction": "4",
    "survey-hours_suited": "yes",
    "survey-progress": "some",
    "survey-would_change": "Fler träffar på kvällen.",
}


def text(instrument: instruments.Instrument, item: int, language: str) -> str:
    return instrument.items[item].text[language]


def gettext_in(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


class RespondTestCase(BaseTestCase):
    person: Person

    def setUp(self) -> None:
        self.person = self.person_to_ask()
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=self.person)
        self.baseline, self.three_months, *_rest = actions.schedule_follow_ups(self.case)

    def person_to_ask(self) -> Person:
        return make_person("Astrid", "Lindqvist", contact_preference="sms")

    def url(self, follow_up: FollowUp, language: str = "sv") -> str:
        token = links.issue_token(follow_up)
        with translation.override(language):
            return reverse("outcomes:respond", kwargs={"token": token})

    def answer(self, url: str, data: dict[str, str]) -> Any:
        return self.client.post(url, data)


class TheFormTests(RespondTestCase):
    def test_it_asks_the_organisations_instruments_in_the_language_of_the_link(self) -> None:
        response = self.client.get(self.url(self.three_months))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, text(instruments.UCLA3, 0, "sv"))
        self.assertContains(response, text(instruments.WHO5, 4, "sv"))
        self.assertContains(response, '<html lang="sv">')
        response = self.client.get(self.url(self.three_months, "da"))
        self.assertContains(response, text(instruments.UCLA3, 0, "da"))
        self.assertContains(response, '<html lang="da">')

    def test_an_organisation_with_its_own_instruments_gets_them(self) -> None:
        OutcomeSettings.objects.create(
            organization=self.health_centre_a, instruments=["swemwbs", "ons4"]
        )
        response = self.client.get(self.url(self.three_months))
        self.assertContains(response, text(instruments.SWEMWBS, 0, "sv"))
        self.assertContains(response, text(instruments.ONS4, 3, "sv"))
        self.assertNotContains(response, text(instruments.UCLA3, 0, "sv"))

    def test_the_experience_survey_comes_at_a_follow_up_not_at_the_baseline(self) -> None:
        survey_name = 'name="survey-satisfaction"'
        self.assertContains(self.client.get(self.url(self.three_months)), survey_name)
        self.assertNotContains(self.client.get(self.url(self.baseline)), survey_name)
        OutcomeSettings.objects.create(organization=self.health_centre_a, experience_survey=False)
        self.assertNotContains(self.client.get(self.url(self.three_months)), survey_name)

    def test_each_question_is_a_fieldset_with_its_legend_and_labelled_choices(self) -> None:
        response = self.client.get(self.url(self.baseline))
        body = response.content.decode()
        self.assertEqual(body.count("<fieldset"), 3 + 5)
        self.assertEqual(body.count("<legend>"), 3 + 5)
        self.assertIn('<label for="id_ucla3-companionship_0">', body)
        self.assertIn('id="id_ucla3-companionship_0"', body)
        self.assertIn('name="viewport"', body)
        self.assertNotIn("<script>", body)

    def test_the_link_page_is_kept_out_of_caches_indexes_and_referrers(self) -> None:
        response = self.client.get(self.url(self.baseline))
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_the_language_switcher_keeps_the_link(self) -> None:
        url = self.url(self.baseline)
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": url})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/en/questions/"))
        page = self.client.get(response["Location"])
        self.assertContains(page, text(instruments.UCLA3, 0, "en"))


class NothingAboutThePersonTests(RespondTestCase):
    def person_to_ask(self) -> Person:
        return canary_person("Svar", dt.date(1948, 6, 9))

    def test_the_pages_never_show_who_the_person_is(self) -> None:
        url = self.url(self.three_months)
        pages = [
            self.client.get(url),
            self.answer(url, {**UCLA3, "survey-satisfaction": "9"}),
            self.answer(url, {**UCLA3, **WHO5, **SURVEY}),
            self.client.get(url),
        ]
        self.assertEqual([page.status_code for page in pages], [200, 200, 200, 410])
        for page in pages:
            body = page.content.decode()
            for field, forms in canary_values(self.person).items():
                for form in forms:
                    self.assertNotIn(form, body, field)


class AnsweringTests(RespondTestCase):
    def test_the_answers_are_stored_as_the_persons_own_and_thanked_for(self) -> None:
        url = self.url(self.three_months)
        self.client.force_login(self.link_worker)  # whoever is signed in in the browser
        response = self.answer(url, {**UCLA3, **WHO5, **SURVEY})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, gettext_in("sv", "Thank you for your answers"))
        assessments = Assessment.objects.filter(follow_up=self.three_months).order_by("instrument")
        self.assertEqual([a.instrument for a in assessments], ["ucla3", "who5"])
        for assessment in assessments:
            self.assertEqual(assessment.mode, Mode.SELF)
            self.assertIsNone(assessment.recorded_by)
            self.assertIsNone(assessment.duplicate_of)
        self.assertEqual(assessments[0].score, 8)
        self.assertEqual(assessments[1].score, 60)
        survey = ExperienceSurvey.objects.get(follow_up=self.three_months)
        self.assertEqual(
            (survey.satisfaction, survey.progress, survey.mode), (4, "some", Mode.SELF)
        )
        self.three_months.refresh_from_db()
        self.assertIsNotNone(self.three_months.completed_at)
        self.assertEqual(self.three_months.link_nonce, "")

    def test_the_create_events_name_no_user_and_the_person(self) -> None:
        url = self.url(self.baseline)
        before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0]
        self.client.force_login(self.link_worker)
        self.answer(url, {**UCLA3, **WHO5})
        created = AuditEvent.objects.filter(sequence__gt=before)
        self.assertEqual(
            sorted(created.values_list("action", "object_type")),
            [
                ("create", "outcomes.assessment"),
                ("create", "outcomes.assessment"),
                ("read", "outcomes.followup"),
            ],
        )
        self.assertFalse(created.exclude(user=None).exists())
        self.assertFalse(created.exclude(person_uuid=self.person.uuid).exists())

    def test_a_question_may_be_skipped_and_its_score_is_missing(self) -> None:
        url = self.url(self.baseline)
        self.answer(url, {"ucla3-companionship": "2", "ucla3-left_out": "2", **WHO5})
        ucla3 = Assessment.objects.get(follow_up=self.baseline, instrument="ucla3")
        self.assertIsNone(ucla3.score)
        self.assertEqual(ucla3.answers["isolated"], None)

    def test_answering_again_through_the_same_link_is_refused_kindly(self) -> None:
        url = self.url(self.baseline)
        self.answer(url, {**UCLA3, **WHO5})
        again = self.answer(url, {**UCLA3, **WHO5})
        self.assertEqual(again.status_code, 410)
        self.assertContains(
            again, gettext_in("sv", "Your answers have already been sent"), status_code=410
        )
        self.assertEqual(Assessment.objects.filter(follow_up=self.baseline).count(), 2)

    def test_a_second_answer_that_still_arrives_is_kept_as_a_duplicate(self) -> None:
        url = self.url(self.three_months)
        # Both requests found the link good before either stored its answers (a race).
        stale = FollowUp.objects.select_related("case__person", "case__team").get(
            pk=self.three_months.pk
        )
        with mock.patch.object(links, "get_follow_up_by_token", return_value=stale):
            self.answer(url, {**UCLA3, **WHO5, **SURVEY})
            second = self.answer(url, {**UCLA3, **WHO5, **SURVEY, "survey-satisfaction": "2"})
        self.assertEqual(second.status_code, 200)
        stored = Assessment.objects.filter(follow_up=self.three_months)
        self.assertEqual(stored.count(), 4)
        self.assertEqual(stored.counted().count(), 2)
        self.assertEqual(
            ExperienceSurvey.objects.filter(
                follow_up=self.three_months, duplicate_of__isnull=False
            ).count(),
            1,
        )


class BadAnswerTests(RespondTestCase):
    def assert_nothing_stored(self, follow_up: FollowUp) -> None:
        self.assertFalse(Assessment.objects.filter(follow_up=follow_up).exists())
        self.assertFalse(ExperienceSurvey.objects.filter(follow_up=follow_up).exists())
        follow_up.refresh_from_db()
        self.assertIsNone(follow_up.completed_at)
        self.assertTrue(follow_up.link_nonce)

    def test_out_of_range_answers_show_the_form_again_with_linked_errors(self) -> None:
        url = self.url(self.three_months)
        response = self.answer(
            url,
            {
                **UCLA3,
                "ucla3-companionship": "7",
                **WHO5,
                "who5-cheerful": "-1",
                **SURVEY,
                "survey-satisfaction": "6",
                "survey-progress": "<script>",
            },
        )
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn('class="error-summary"', body)
        for anchor in (
            "id_ucla3-companionship_0",
            "id_who5-cheerful_0",
            "id_survey-satisfaction_0",
            "id_survey-progress_0",
        ):
            self.assertIn(f'href="#{anchor}"', body)
            self.assertIn(f'id="{anchor}"', body)
        self.assertIn('aria-describedby="id_ucla3-companionship-error"', body)
        self.assertNotIn("<script>", body)
        # What was answered well stays chosen.
        self.assertIn('value="2" id="id_ucla3-left_out_1" checked', body)
        self.assertTrue(response.context["problems"])
        self.assert_nothing_stored(self.three_months)

    def test_a_missing_survey_answer_is_asked_for(self) -> None:
        url = self.url(self.three_months)
        response = self.answer(url, {**UCLA3, **WHO5})
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="#id_survey-satisfaction_0"', response.content.decode())
        self.assert_nothing_stored(self.three_months)

    def test_sending_nothing_at_all_is_refused(self) -> None:
        response = self.answer(self.url(self.baseline), {})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["nothing_answered"])
        self.assertContains(
            response, gettext_in("sv", "Answer at least one question before you send.")
        )
        self.assert_nothing_stored(self.baseline)

    def test_answers_the_action_refuses_are_shown_at_their_question(self) -> None:
        url = self.url(self.baseline)
        refusal = instruments.InvalidAnswers({"ucla3.isolated": "4 is not one of [1, 2, 3]"})
        with mock.patch.object(actions, "record_follow_up", side_effect=refusal):
            response = self.answer(url, {**UCLA3, **WHO5})
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="#id_ucla3-isolated_0"', response.content.decode())


class UnusableLinkTests(RespondTestCase):
    def test_a_tampered_link_gets_a_kind_page_not_an_error(self) -> None:
        url = self.url(self.baseline)
        for bad in (
            url[:-5] + "xxxx/",
            url.replace("/questions/", "/questions/a"),
            "/sv/questions/x/",
        ):
            with self.subTest(url=bad):
                response = self.client.get(bad)
                self.assertEqual(response.status_code, 404)
                self.assertContains(
                    response, gettext_in("sv", "The link does not work"), status_code=404
                )
                self.assertContains(
                    response,
                    gettext_in("sv", "Nothing has been saved or changed."),
                    status_code=404,
                )

    def test_an_expired_link_says_to_ask_the_link_worker(self) -> None:
        url = self.url(self.baseline)
        later = timezone.now() + dt.timedelta(days=links.link_days() + 1)
        with time_machine.travel(later, tick=False):
            response = self.client.get(url)
            posted = self.answer(url, {**UCLA3, **WHO5})
        self.assertEqual((response.status_code, posted.status_code), (410, 410))
        self.assertContains(response, gettext_in("sv", "The link has expired"), status_code=410)
        self.assertFalse(Assessment.objects.exists())

    def test_a_replaced_link_says_to_use_the_newest_message(self) -> None:
        url = self.url(self.baseline)
        links.issue_token(self.baseline)
        response = self.client.get(url)
        self.assertContains(
            response, gettext_in("sv", "This link no longer works"), status_code=410
        )

    def test_the_problem_page_is_in_the_language_of_the_link(self) -> None:
        response = self.client.get("/da/questions/x/")
        self.assertContains(response, '<html lang="da">', status_code=404)
        self.assertContains(response, gettext_in("da", "The link does not work"), status_code=404)


@override_settings(RATELIMIT_ENABLE=True, LOTSA_RATE_LIMIT_ANSWER_LINK="3/10m")
class RateLimitTests(RespondTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        traveller = time_machine.travel(timezone.now(), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def test_the_link_page_is_limited_like_the_answer_link(self) -> None:
        url = self.url(self.baseline)
        for _ in range(3):
            self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {**UCLA3, **WHO5})
        self.assertEqual(response.status_code, 429)
        self.assertTrue(int(response["Retry-After"]) > 0)
        self.assertFalse(Assessment.objects.exists())

    def test_guessing_tokens_is_limited_too(self) -> None:
        for n in range(3):
            self.assertEqual(self.client.get(f"/sv/questions/guess{n}/").status_code, 404)
        self.assertEqual(self.client.get("/sv/questions/guess9/").status_code, 429)
