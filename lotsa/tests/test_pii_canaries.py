"""No person's identity number or name in a log line, an e-mail subject or an error page.

conftest.py watches every test of the suite: it remembers every person saved and every log
record of every logger, and fails a test whose records or e-mail subjects hold a person's
identity number (Swedish personnummer/samordningsnummer, Danish CPR, in any usual spelling)
or full name. These tests check the watch itself, and render every error page for an address
about a person while the request carries the person's details.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from unittest import mock

from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from lotsa.people.models import Person
from lotsa.test import (
    LOG_RECORDS,
    PEOPLE_SEEN,
    BaseTestCase,
    canary_person,
    canary_values,
    make_case,
    pii_findings,
    swedish_identity_number,
)


class TheWatchTests(BaseTestCase):
    def setUp(self) -> None:
        self.person = canary_person("Vakt", dt.date(1944, 2, 11))

    def tearDown(self) -> None:
        # What these tests log on purpose must not fail them.
        LOG_RECORDS.clear()
        mail.outbox.clear()

    def test_it_finds_a_persons_identity_number_in_any_spelling(self) -> None:
        number = self.person.identity_number
        for spelling in (
            number,
            number[2:],
            f"{number[:8]}-{number[8:]}",
            f"{number[2:8]}-{number[8:]}",
        ):
            with self.subTest(spelling=spelling):
                LOG_RECORDS.clear()
                logging.getLogger("lotsa.test").warning("Looked up %s", spelling)
                self.assertEqual(
                    pii_findings(LOG_RECORDS, []),
                    ["identity number of a person in a WARNING of 'lotsa.test'"],
                )

    def test_it_finds_a_full_name_also_where_the_logger_does_not_propagate(self) -> None:
        quiet = logging.getLogger("django.server")
        self.assertFalse(quiet.propagate)
        quiet.error("Request from %s", self.person.full_name)
        self.assertEqual(
            pii_findings(LOG_RECORDS, []), ["full name of a person in a ERROR of 'django.server'"]
        )

    def test_it_finds_them_in_a_traceback_and_in_an_e_mail_subject(self) -> None:
        try:
            raise ValueError(f"duplicate key {self.person.identity_number}")
        except ValueError:
            logging.getLogger("lotsa.errors").exception("Server error")
        mail.send_mail(f"About {self.person.full_name}", "Body", None, ["lw@example.org"])
        self.assertEqual(
            sorted(pii_findings(LOG_RECORDS, [m.subject for m in mail.outbox])),
            [
                "full name of a person in the e-mail subject 'About FornamnVakt KanarieVakt'",
                "identity number of a person in a ERROR of 'lotsa.errors'",
            ],
        )

    def test_it_lets_numbers_and_names_of_nobody_pass(self) -> None:
        nobody = swedish_identity_number(dt.date(1902, 3, 4), 999)
        logging.getLogger("lotsa.test").warning("Order %s from Ingen Alls", nobody)
        logging.getLogger("lotsa.test").warning("Reference 20240101-1234, first name FornamnVakt")
        self.assertEqual(pii_findings(LOG_RECORDS, []), [])

    def test_it_knows_people_whose_test_transaction_is_gone(self) -> None:
        self.assertIn(self.person.identity_number[-10:], PEOPLE_SEEN.identity_numbers)
        Person.objects.filter(pk=self.person.pk).delete()
        logging.getLogger("lotsa.test").warning("Was %s", self.person.full_name)
        self.assertTrue(pii_findings(LOG_RECORDS, []))


def en(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@override_settings(DEBUG=False)
class ErrorPageTests(BaseTestCase):
    """Each error page, for the address of a person's case, with the person's details in the
    query string, the form and the headers: the page shows none of them."""

    def setUp(self) -> None:
        person = canary_person("Felsida", dt.date(1950, 12, 24))
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=person)
        self.values = canary_values(person)
        self.details = {
            "name": person.full_name,
            "identity_number": person.identity_number,
            "phone": person.phone,
            "note": f"{person.full_name} {person.identity_number}",
        }
        self.headers = {"HTTP_REFERER": f"https://example.org/?pnr={person.identity_number}"}

    def client_for(self, persona: str, **extra: Any) -> Client:
        client = Client(raise_request_exception=False, **extra)
        client.force_login(getattr(self, persona))
        return client

    def assertShowsNoOne(self, response: Any, status: int) -> None:
        self.assertEqual(response.status_code, status)
        body = response.content.decode()
        shown = [field for field, forms in self.values.items() if any(f in body for f in forms)]
        self.assertEqual(shown, [], f"the {status} page shows them")
        self.assertIn("reference", body.lower())
        self.assertEqual(pii_findings(LOG_RECORDS, []), [])

    def test_the_404_page(self) -> None:
        client = self.client_for("outsider_link_worker")
        response = client.get(
            en("referrals:case", key=self.case.uuid), self.details, **self.headers
        )
        self.assertShowsNoOne(response, 404)

    def test_the_403_page(self) -> None:
        with mock.patch(
            "lotsa.referrals.access.get_case_for_user", side_effect=PermissionDenied("no")
        ):
            response = self.client_for("link_worker").get(
                en("referrals:case", key=self.case.uuid), self.details, **self.headers
            )
        self.assertShowsNoOne(response, 403)

    def test_the_400_page(self) -> None:
        response = self.client_for("link_worker").get(
            en("referrals:case", key=self.case.uuid),
            self.details,
            HTTP_HOST="lotsa.invalid",
            **self.headers,
        )
        self.assertShowsNoOne(response, 400)

    def test_the_500_page(self) -> None:
        with mock.patch(
            "lotsa.referrals.access.get_case_for_user", side_effect=RuntimeError("the view failed")
        ):
            response = self.client_for("link_worker").post(
                en("referrals:add-contact", key=self.case.uuid), self.details, **self.headers
            )
        self.assertShowsNoOne(response, 500)

    def test_the_csrf_failure_page(self) -> None:
        client = self.client_for("link_worker", enforce_csrf_checks=True)
        response = client.post(
            en("referrals:add-contact", key=self.case.uuid), self.details, **self.headers
        )
        self.assertShowsNoOne(response, 403)
        self.assertFalse(self.case.contacts.exists())
