"""The offering form: what a provider may send, and the clear message for each mistake."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from lotsa.directory.forms import OfferingForm
from lotsa.directory.models import Offering, OfferingChange
from lotsa.test import BaseTestCase

# `@task()` configures the task backends when lotsa.directory.tasks is first imported, which
# can be before conftest sets TASKS; an override (which signals the change) makes sure the
# tasks run at once in the tests that read the mails they send.
run_tasks_at_once = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)


def url(name: str, *args: Any) -> str:
    """A URL under /en/, so that messages compare in English whatever is translated."""
    with translation.override("en"):
        return reverse(name, args=args)


def offering_post(**overrides: Any) -> dict[str, Any]:
    """A valid new listing as the browser posts it; a value of None leaves the field out."""
    data: dict[str, Any] = {
        "name": "Stickcafé",
        "description": "Vi stickar, pratar och dricker kaffe.",
        "text_language": "sv",
        "categories": ["creative"],
        "audiences": ["everyone", "older-people"],
        "min_age": "",
        "max_age": "",
        "accessibility": ["wheelchair"],
        "languages": ["sv"],
        "is_free": "on",
        "fee": "",
        "contact_name": "Anna Andersson",
        "phone": "090-12 34 56",
        "email": "anna@example.org",
        "website": "",
        "how_to_join": "drop_in",
        "capacity": "12",
        "places_taken": "3",
        "waitlist_length": "0",
        "has_waitlist": "on",
        "status": "active",
        "place_name": "Folkets hus",
        "address": "Storgatan 2",
        "postcode": "903 26",
        "city": "Umeå",
        "municipality": "SE-2480",
        "latitude": "63.8258",
        "longitude": "20.263",
        "directions": "",
        "schedule0_days": ["WE"],
        "schedule0_starts": "18:00",
        "schedule0_ends": "20:00",
        "schedule0_interval": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_from_form(form: OfferingForm, **overrides: Any) -> dict[str, Any]:
    """What the browser would post for a form as rendered, with some fields changed."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            data[name] = [str(item) for item in value or []]
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class OfferingFormTest(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.provider)
        self.create_url = url("directory:offering-create", self.association.pk)

    def post_invalid(self, field: str, message: str, **overrides: Any) -> None:
        response = self.client.post(self.create_url, offering_post(**overrides))
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], field, message)
        self.assertFalse(OfferingChange.objects.exists())
        self.assertFalse(Offering.objects.exists())

    def test_a_valid_listing_is_sent_for_review_as_json_data(self) -> None:
        response = self.client.post(self.create_url, offering_post())
        self.assertRedirects(response, url("directory:my-listings"))
        change = OfferingChange.objects.get()
        self.assertEqual(change.status, OfferingChange.Status.PENDING)
        self.assertIsNone(change.offering)
        self.assertFalse(Offering.objects.exists())
        data = change.data
        self.assertEqual(json.loads(json.dumps(data)), data)
        self.assertEqual(data["categories"], ["creative"])
        self.assertEqual(data["audiences"], ["everyone", "older-people"])
        self.assertEqual(data["place"]["municipality"], "SE-2480")
        self.assertEqual(data["place"]["latitude"], 63.8258)
        self.assertEqual(
            data["schedules"],
            [
                {
                    "byday": ["WE"],
                    "interval": 1,
                    "single_date": None,
                    "opens_at": "18:00",
                    "closes_at": "20:00",
                    "valid_from": None,
                    "valid_to": None,
                    "note": "",
                }
            ],
        )
        self.assertEqual(data["capacity"], 12)
        self.assertTrue(data["is_free"])

    def test_dates_are_stored_as_iso_strings(self) -> None:
        self.client.post(
            self.create_url,
            offering_post(
                schedule0_days=None,
                schedule0_date="2030-05-17",
                schedule1_days=["MO", "TH"],
                schedule1_starts="10:00",
                schedule1_ends="11:30",
                schedule1_valid_from="2030-01-07",
                schedule1_valid_to="2030-06-10",
            ),
        )
        schedules = OfferingChange.objects.get().data["schedules"]
        self.assertEqual(schedules[0]["single_date"], "2030-05-17")
        self.assertEqual(schedules[1]["byday"], ["MO", "TH"])
        self.assertEqual(schedules[1]["valid_to"], "2030-06-10")

    def test_it_refuses_an_end_time_before_the_start(self) -> None:
        self.post_invalid(
            "schedule0_ends",
            "The end time must be after the start time.",
            schedule0_starts="18:00",
            schedule0_ends="17:00",
        )

    def test_it_refuses_an_end_time_equal_to_the_start(self) -> None:
        self.post_invalid(
            "schedule0_ends",
            "The end time must be after the start time.",
            schedule0_starts="18:00",
            schedule0_ends="18:00",
        )

    def test_it_refuses_a_maximum_age_below_the_minimum(self) -> None:
        self.post_invalid(
            "max_age",
            "The maximum age cannot be lower than the minimum age.",
            min_age="30",
            max_age="18",
        )

    def test_it_refuses_negative_numbers_with_a_clear_message(self) -> None:
        for field in ("capacity", "places_taken", "waitlist_length", "min_age"):
            with self.subTest(field=field):
                self.post_invalid(field, "Enter zero or a positive number.", **{field: "-1"})

    def test_it_refuses_more_places_taken_than_places(self) -> None:
        self.post_invalid(
            "places_taken",
            "Places taken cannot be more than the number of places. "
            "Put the rest on the waiting list.",
            capacity="10",
            places_taken="11",
        )

    def test_it_refuses_coordinates_outside_sweden_and_denmark(self) -> None:
        # Latitude and longitude swapped: a common slip that lands in the Indian Ocean.
        self.post_invalid(
            "latitude",
            "These coordinates are not in Sweden or Denmark. "
            "Check that latitude and longitude are not swapped.",
            latitude="20.263",
            longitude="63.8258",
        )

    def test_it_asks_for_both_coordinates_or_neither(self) -> None:
        self.post_invalid(
            "longitude",
            "Enter both latitude and longitude, or leave both empty.",
            longitude="",
        )

    def test_empty_coordinates_take_the_centre_of_the_town(self) -> None:
        self.client.post(self.create_url, offering_post(latitude="", longitude=""))
        place = OfferingChange.objects.get().data["place"]
        self.assertAlmostEqual(place["latitude"], 63.83, places=1)
        self.assertAlmostEqual(place["longitude"], 20.26, places=1)

    def test_place_fields_are_required_unless_online(self) -> None:
        response = self.client.post(
            self.create_url, offering_post(address="", postcode="", city="", municipality="")
        )
        form = response.context["form"]
        for field in ("address", "postcode", "city", "municipality"):
            self.assertFormError(form, field, "Required unless the activity is online.")
        self.assertFalse(OfferingChange.objects.exists())

    def test_an_online_listing_needs_no_place_and_skips_the_coordinate_check(self) -> None:
        response = self.client.post(
            self.create_url,
            offering_post(
                is_online="on",
                address="",
                postcode="",
                city="",
                municipality="",
                latitude="1",
                longitude="1",
            ),
        )
        self.assertEqual(response.status_code, 302)
        data = OfferingChange.objects.get().data
        self.assertTrue(data["is_online"])
        self.assertIsNone(data["place"])

    def test_a_schedule_row_needs_weekdays_or_a_date(self) -> None:
        self.post_invalid(
            "schedule1_days",
            "Choose weekdays, or enter one date.",
            schedule1_starts="10:00",
            schedule1_ends="12:00",
        )

    def test_a_schedule_row_has_weekdays_or_a_date_not_both(self) -> None:
        self.post_invalid(
            "schedule0_date",
            "Choose weekdays or one date, not both.",
            schedule0_date="2030-05-17",
        )

    def test_a_schedule_row_needs_its_times(self) -> None:
        self.post_invalid("schedule0_starts", "Enter the time it starts.", schedule0_starts="")

    def test_a_schedule_cannot_end_before_it_begins(self) -> None:
        self.post_invalid(
            "schedule0_valid_to",
            "The last date cannot be before the first date.",
            schedule0_valid_from="2030-06-01",
            schedule0_valid_to="2030-05-01",
        )

    def test_empty_schedule_rows_are_left_out(self) -> None:
        self.client.post(self.create_url, offering_post(schedule1_interval="1"))
        self.assertEqual(len(OfferingChange.objects.get().data["schedules"]), 1)

    def test_a_fee_is_required_when_not_free(self) -> None:
        self.post_invalid("fee", "Say what it costs, or tick “Free of charge”.", is_free=None)

    def test_a_fee_is_kept_when_not_free(self) -> None:
        self.client.post(self.create_url, offering_post(is_free=None, fee="50 kr"))
        data = OfferingChange.objects.get().data
        self.assertEqual((data["is_free"], data["fee"]), (False, "50 kr"))

    def test_it_requires_a_category(self) -> None:
        self.post_invalid("categories", "Choose at least one category.", categories=None)

    def test_terms_are_labelled_in_the_users_language(self) -> None:
        response = self.client.get(self.create_url)
        self.assertContains(response, "Walking and outdoors")
        with translation.override("da"):
            danish = reverse("directory:offering-create", args=[self.association.pk])
        self.assertContains(self.client.get(danish), "Gåture og friluftsliv")

    def test_the_form_starts_in_the_organisations_municipality(self) -> None:
        form = self.client.get(self.create_url).context["form"]
        self.assertEqual(form["municipality"].value(), "SE-2480")
