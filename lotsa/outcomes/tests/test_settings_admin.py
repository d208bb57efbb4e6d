"""An organisation's outcome settings in the Django admin: which instruments (known codes
only, each once) and whether the experience survey is asked; the defaults without them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import override_settings

from lotsa.outcomes import actions
from lotsa.outcomes.admin import OutcomeSettingsForm
from lotsa.outcomes.models import OutcomeSettings
from lotsa.test import BaseTestCase, make_case

from .answering import en_url


class OutcomeSettingsTests(BaseTestCase):
    def setUp(self) -> None:
        self.case = make_case(self.team_a, self.link_worker, self.gp)
        self.admin.is_staff = self.admin.is_superuser = True
        self.admin.save()

    @override_settings(LOTSA_DEFAULT_INSTRUMENTS=["ucla3", "who5"])
    def test_without_settings_the_default_instruments_and_the_survey_are_used(self) -> None:
        self.assertEqual([i.code for i in actions.instruments_for(self.case)], ["ucla3", "who5"])
        self.assertTrue(actions.uses_experience_survey(self.case))

    def test_the_organisations_choice_is_used(self) -> None:
        OutcomeSettings.objects.create(
            organization=self.health_centre_a,
            instruments=["swemwbs", "djg6"],
            experience_survey=False,
        )
        self.assertEqual([i.code for i in actions.instruments_for(self.case)], ["swemwbs", "djg6"])
        self.assertFalse(actions.uses_experience_survey(self.case))

    def test_the_form_takes_known_instruments_in_their_order(self) -> None:
        form = OutcomeSettingsForm(
            {
                "organization": self.health_centre_a.pk,
                "instruments": ["who5", "ucla3"],
                "experience_survey": "on",
            }
        )
        self.assertTrue(form.is_valid(), form.errors)
        saved = form.save()
        self.assertEqual(saved.instruments, ["ucla3", "who5"])

    def test_the_form_refuses_an_unknown_instrument(self) -> None:
        form = OutcomeSettingsForm(
            {"organization": self.health_centre_a.pk, "instruments": ["who5", "phq9"]}
        )
        self.assertFalse(form.is_valid())
        self.assertIn("instruments", form.errors)

    def test_the_model_refuses_unknown_or_repeated_codes(self) -> None:
        for codes in (["who5", "phq9"], ["who5", "who5"], "who5", [1]):
            with self.subTest(codes=codes):
                settings = OutcomeSettings(organization=self.health_centre_a, instruments=codes)
                with self.assertRaises(ValidationError):
                    settings.full_clean()

    def test_the_admin_edits_them(self) -> None:
        self.login(self.admin)
        response = self.client.post(
            en_url("admin:outcomes_outcomesettings_add"),
            {
                "organization": self.health_centre_a.pk,
                "instruments": ["ons4", "ons_loneliness"],
                "experience_survey": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        saved = OutcomeSettings.objects.get(organization=self.health_centre_a)
        self.assertEqual(saved.instruments, ["ons_loneliness", "ons4"])
        listing = self.client.get(en_url("admin:outcomes_outcomesettings_changelist"))
        self.assertContains(listing, "Personal wellbeing (ONS4)")
        refused = self.client.post(
            en_url("admin:outcomes_outcomesettings_change", object_id=saved.pk),
            {"organization": self.health_centre_a.pk, "instruments": ["nope"]},
        )
        self.assertEqual(refused.status_code, 200)
        saved.refresh_from_db()
        self.assertEqual(saved.instruments, ["ons_loneliness", "ons4"])
