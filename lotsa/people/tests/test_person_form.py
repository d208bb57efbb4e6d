"""The person form: identity numbers, phone numbers, e-mail and how to contact."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import SimpleTestCase
from django.utils import translation

from lotsa.people.forms import INVALID_IDENTITY_NUMBER, PersonForm
from lotsa.people.models import Person

PERSONNUMMER = "19121212-1212"
SAMORDNINGSNUMMER = "197010632391"
CPR = "0707614285"  # also a valid samordningsnummer: the municipality tells them apart


def person_form(**overrides: Any) -> PersonForm:
    data = {
        "first_name": "Astrid",
        "last_name": "Lindqvist",
        "municipality": "SE-2480",
        "phone": "070-123 45 67",
        "language": "sv",
        "contact_preference": "phone",
    }
    data.update(overrides)
    return PersonForm(data={k: v for k, v in data.items() if v is not None})


class PersonFormTests(SimpleTestCase):
    def setUp(self) -> None:
        # Messages compare in English whatever is translated.
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_it_normalises_a_personnummer_and_fills_the_birth_date(self) -> None:
        form = person_form(identity_number=PERSONNUMMER)
        self.assertTrue(form.is_valid(), form.errors)
        fields = form.person_fields()
        self.assertEqual(fields["identity_number"], "191212121212")
        self.assertEqual(fields["identity_kind"], "personnummer")
        self.assertEqual(fields["birth_date"], dt.date(1912, 12, 12))

    def test_it_recognises_a_samordningsnummer(self) -> None:
        form = person_form(identity_number=SAMORDNINGSNUMMER)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "samordningsnummer")
        self.assertEqual(form.cleaned_data["birth_date"], dt.date(1970, 10, 3))

    def test_it_reads_the_number_in_the_country_of_the_municipality(self) -> None:
        form = person_form(identity_number=CPR, municipality="DK-101", phone="33 12 34 56")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "cpr")
        self.assertEqual(form.cleaned_data["birth_date"], dt.date(1961, 7, 7))

    def test_it_reads_the_number_as_swedish_without_a_municipality(self) -> None:
        form = person_form(identity_number=CPR, municipality="")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "samordningsnummer")

    def test_it_accepts_a_number_valid_only_in_the_other_country(self) -> None:
        form = person_form(identity_number="2110625629")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "cpr")

    def test_an_edited_persons_unchanged_number_keeps_its_country(self) -> None:
        person = Person(
            pk=1, first_name="Mette", identity_number=CPR, identity_kind="cpr", phone=""
        )
        data = {
            "first_name": "Mette",
            "identity_number": CPR,
            "municipality": "SE-2480",
            "language": "da",
            "contact_preference": "none",
        }
        form = PersonForm(data=data, instance=person)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "cpr")
        self.assertEqual(form.cleaned_data["birth_date"], dt.date(1961, 7, 7))

    def test_it_rejects_an_invalid_identity_number_without_repeating_it(self) -> None:
        form = person_form(identity_number="19121212-1213")
        self.assertFalse(form.is_valid())
        errors = form.errors["identity_number"]
        self.assertEqual(errors, [str(INVALID_IDENTITY_NUMBER)])
        self.assertNotIn("1213", " ".join(errors))

    def test_it_refuses_a_birth_date_that_disagrees_with_the_identity_number(self) -> None:
        form = person_form(identity_number=PERSONNUMMER, birth_date="1912-12-13")
        self.assertFalse(form.is_valid())
        self.assertIn("does not match", form.errors["birth_date"][0])

    def test_it_accepts_a_birth_date_that_agrees(self) -> None:
        form = person_form(identity_number=PERSONNUMMER, birth_date="1912-12-12")
        self.assertTrue(form.is_valid(), form.errors)

    def test_an_identity_number_is_optional(self) -> None:
        form = person_form(identity_number="", birth_date="1950-01-02")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.person_fields()["identity_kind"], "")

    def test_it_stores_phone_numbers_in_international_form(self) -> None:
        form = person_form(phone="070-123 45 67")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["phone"], "+46701234567")

    def test_it_reads_a_phone_number_in_the_country_of_the_municipality(self) -> None:
        form = person_form(phone="20 12 34 56", municipality="DK-101")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["phone"], "+4520123456")

    def test_it_rejects_an_invalid_phone_number(self) -> None:
        form = person_form(phone="12")
        self.assertFalse(form.is_valid())
        self.assertIn("not a valid phone number", form.errors["phone"][0])

    def test_it_rejects_an_invalid_email(self) -> None:
        form = person_form(email="astrid@")
        self.assertFalse(form.is_valid())
        self.assertIn("email", form.errors)

    def test_it_asks_for_a_phone_number_to_call(self) -> None:
        form = person_form(phone="", contact_preference="phone")
        self.assertFalse(form.is_valid())
        self.assertIn("Enter a phone number", form.errors["phone"][0])

    def test_it_asks_for_a_mobile_number_for_text_messages(self) -> None:
        form = person_form(phone="090-12 34 56", contact_preference="sms")
        self.assertFalse(form.is_valid())
        self.assertIn("mobile number", form.errors["phone"][0])

    def test_it_accepts_a_mobile_number_for_text_messages(self) -> None:
        form = person_form(phone="070-123 45 67", contact_preference="sms")
        self.assertTrue(form.is_valid(), form.errors)

    def test_it_asks_for_the_address_for_letters(self) -> None:
        form = person_form(contact_preference="letter", address="Storgatan 1")
        self.assertFalse(form.is_valid())
        self.assertIn("postcode", form.errors)
        self.assertIn("city", form.errors)
        self.assertNotIn("address", form.errors)

    def test_it_needs_no_contact_details_when_the_person_is_not_to_be_contacted(self) -> None:
        form = person_form(contact_preference="none", phone="")
        self.assertTrue(form.is_valid(), form.errors)

    def test_it_offers_every_municipality_of_both_countries(self) -> None:
        form = person_form()
        rendered = str(form["municipality"])
        self.assertIn("Umeå", rendered)
        self.assertIn("København", rendered)


def test_an_anonymised_person_is_named_as_such() -> None:
    with translation.override("en"):
        assert Person(first_name="", last_name="").full_name == "(anonymised)"
        assert Person(first_name="Astrid", last_name="").full_name == "Astrid"
