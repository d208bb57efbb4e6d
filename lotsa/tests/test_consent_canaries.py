"""A provider sees exactly what the person agreed to share with them, and nothing once the
consent is withdrawn (DOMAIN.md; sundhedsloven § 43, GDPR art. 7).

One person holds a value found nowhere else in every sensitive field: names, identity number,
phone, e-mail, address, what matters to them, the referral's details, the plan, a contact's
note, an unmet need recorded from the case, and UCLA answers. They are referred to the
association's activity sharing only their phone number. Every page the provider may open
(the access matrix's POLICY: every URL that lets the `provider` in), the answer link (signed
in or not), the provider's e-mails and the JSON API with the provider's key are searched:
no value the consent does not share appears. Then a second referral shares every detail a
provider may get (they appear there, the rest still does not), and after both consents are
withdrawn nothing appears at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.test import Client

from lotsa.people.models import Consent, Person
from lotsa.referrals import access, actions
from lotsa.referrals.models import ActivityReferral, Referral
from lotsa.test import (
    canary_person,
    canary_values,
    make_offering,
    make_referral,
    report_figure,
)
from lotsa.tests.test_access_matrix import (
    MatrixTestCase,
    Side,
    Url,
    path_of,
    project_urls,
    rule_for,
)

Field = Consent.Field
# Shared when the consent names the field; the rest is never shared with a provider.
SHAREABLE = {
    "first name": Field.NAME,
    "last name": Field.NAME,
    "phone": Field.PHONE,
    "e-mail": Field.EMAIL,
    "what matters": Field.WHAT_MATTERS,
}
# Instead of one detail per answer (1–3, which a page shows everywhere), the phrases that only
# the screening's answers and score print (pages are read in English).
UCLA_PHRASES = ("lack companionship", "of 9")
# Pages that print the questionnaires themselves (the wording, never anyone's answers): the
# person's own follow-up form and the FHIR Questionnaire definitions. Their text holds the
# UCLA phrase by design; every other canary is still searched for there.
BLANK_QUESTIONNAIRES = frozenset({"outcomes:respond", "api:fhir-questionnaire-search"})


def provider_urls() -> list[tuple[Url, Any]]:
    """Every URL the policy lets a provider open, with its rule."""
    found = []
    for url in project_urls():
        rule = rule_for(url)
        if rule is not None and "provider" in rule.who and not rule.post_only:
            found.append((url, rule))
    return found


def api_urls() -> list[Url]:
    """The JSON API's addresses without parameters (a key is the credential there)."""
    return [url for url in project_urls() if url.route.startswith(("api/", "fhir/"))]


class ConsentCanaryTests(MatrixTestCase):
    person: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        born = dt.date(1931, 7, 29)
        cls.person = canary_person("Samtycke", born)
        referral = make_referral(
            cls.team_a,
            cls.gp,
            cls.person,
            details="Kanariedetaljer: ensam sedan våren.",
            ucla3=(3, 3, 3),
        )
        cls.case = actions.open_case(referral, acting_user=cls.link_worker)
        actions.update_case(
            cls.case,
            {"what_matters": "Kanarieviktigt: sjunga i kör igen.", "plan": "Kanarieplan: kören."},
            acting_user=cls.link_worker,
        )
        actions.record_contact(
            cls.case,
            channel="phone",
            acting_user=cls.link_worker,
            note="Kanariesamtal: orolig för bussen.",
        )
        actions.record_unmet_need(
            team=cls.team_a,
            municipality=cls.team_a.municipality,
            reasons=["none_exists"],
            acting_user=cls.link_worker,
            need_text="Kanariebehov: sorgegrupp på kvällstid.",
        )
        cls.walk = make_offering(cls.association, "Kvällspromenaden")
        cls.choir = make_offering(cls.association, "Kören")

    def setUp(self) -> None:
        super().setUp()
        self.pages = 0
        self.leaks: list[str] = []
        values = canary_values(self.person)
        values["identity number"] += (self.person.birth_date.isoformat(),)  # type: ignore[union-attr]
        values["what matters"] = ("Kanarieviktigt",)
        values["referral details"] = ("Kanariedetaljer",)
        values["plan"] = ("Kanarieplan",)
        values["contact note"] = ("Kanariesamtal",)
        values["unmet need"] = ("Kanariebehov",)
        values["UCLA answers"] = UCLA_PHRASES
        self.values = values

    def refer(self, offering: Any, fields: tuple[str, ...]) -> ActivityReferral:
        """Refer on, running the e-mails to the provider as a commit would."""
        with self.captureOnCommitCallbacks(execute=True):
            return actions.refer_to_offering(
                self.case,
                offering,
                fields=fields,
                consent_method=Consent.Method.VERBAL,
                acting_user=self.link_worker,
            )

    def side(self, referral: ActivityReferral, token: str) -> Side:
        """What the URLs of a provider take as parameters, for one activity referral."""
        return Side(
            person=self.person,
            case=self.case,
            new_referral=self.case.referral,
            activity_referral=referral,
            token=token,
            offering=referral.offering,
            provider_organization=self.association,
            change=None,  # type: ignore[arg-type]
            claim=None,  # type: ignore[arg-type]
            registration=None,  # type: ignore[arg-type]
            problem=None,  # type: ignore[arg-type]
        )

    def search(
        self,
        where: str,
        text: str,
        shared: set[str],
        must_show: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        """Count a leak for each value `text` holds that `shared` does not allow, and fail
        when a value that must show does not (the search would be blind)."""
        self.pages += 1
        url_key = where.removeprefix("API ").split(" ")[0]
        for field, forms in self.values.items():
            if field == "UCLA answers" and url_key in BLANK_QUESTIONNAIRES:
                continue
            found = any(form in text for form in forms)
            if found and SHAREABLE.get(field) not in shared:
                self.leaks.append(f"{where}: {field}")
            if not found and field in must_show:
                self.fail(f"{where} does not show the {field}: is the search blind?")

    def walk_provider_pages(
        self, referrals: list[tuple[ActivityReferral, str]], must_show: frozenset[str] = frozenset()
    ) -> None:
        shared: set[str] = set()
        for referral, _token in referrals:
            referral.consent.refresh_from_db()
            if referral.consent.is_active:
                shared |= set(referral.consent.fields)
        for url, rule in provider_urls():
            for referral, token in referrals if rule.params else referrals[:1]:
                # A page about one referral may show that referral's shared details only.
                own = set(referral.consent.fields) if referral.consent.is_active else set()
                allowed = own if rule.params else shared
                if rule.params:
                    params = rule.params(self.side(referral, token))
                else:
                    params = self.params(url, rule, "own")
                path = path_of(url, params)
                clients = [self.clients["provider"]]
                if url.key == "referrals:answer-by-link":
                    clients.append(Client())  # the link works without an account
                for client in clients:
                    response = client.get(path)
                    body = response.content.decode(errors="replace")
                    shows = rule.provider_side and rule.params and response.status_code == 200
                    wanted = {f for f in must_show if shows and SHAREABLE[f] in own}
                    self.search(f"{url.key} ({response.status_code})", body, allowed, wanted)
        for message in mail.outbox:
            text = f"{message.subject}\n{message.body}"
            self.search(f"e-mail {message.subject!r} to {message.to}", text, shared)
        self.walk_api(shared)

    def walk_api(self, shared: set[str]) -> None:
        """The JSON API with a key of the provider's organisation, every scope it may have."""
        try:
            from lotsa.accounts import actions as account_actions
            from lotsa.accounts import apikeys
        except ImportError:  # pragma: no cover - no API yet
            return
        _key, secret = account_actions.create_api_key(
            self.association, name="Canary", scopes=apikeys.SCOPES, acting_user=self.admin
        )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        for url in api_urls():
            if "<" in url.route or "(?P" in url.route:
                continue  # no parameters to fill in for the API yet
            response = client.get(path_of(url, {}))
            self.search(
                f"API {url.key} ({response.status_code})", response.content.decode(), shared
            )

    def test_a_provider_sees_only_what_the_person_agreed_to_share(self) -> None:
        phone_only = self.refer(self.walk, (Field.PHONE,))
        phone_token = access.issue_answer_token(phone_only)
        self.walk_provider_pages([(phone_only, phone_token)], must_show=frozenset({"phone"}))

        everything = self.refer(self.choir, tuple(Field.values))
        full_token = access.issue_answer_token(everything)
        self.walk_provider_pages(
            [(everything, full_token), (phone_only, phone_token)],
            must_show=frozenset({"first name", "last name", "phone", "e-mail", "what matters"}),
        )

        for referral in (phone_only, everything):
            actions.withdraw_consent(referral.consent, acting_user=self.link_worker)
        mail.outbox.clear()
        self.walk_provider_pages([(everything, full_token), (phone_only, phone_token)])

        report_figure(
            "consent canaries",
            f"{self.pages} provider pages × {len(self.values)} sensitive fields, "
            f"{len(self.leaks)} leaks",
        )
        self.assertFalse(self.leaks, "\n" + "\n".join(self.leaks))

    def test_the_referrer_sees_how_it_went_only_with_the_persons_feedback_consent(self) -> None:
        """The clinician's page of a referral without feedback consent shows no activity."""
        self.refer(self.walk, (Field.PHONE,))
        self.case.referral.refresh_from_db()
        page = path_of(
            next(url for url in project_urls() if url.key == "referrals:sent-detail"),
            {"key": self.case.referral.uuid},
        )
        self.assertContains(self.clients["gp"].get(page), "Kvällspromenaden")
        feedback = Consent.objects.get(person=self.person, scope=Consent.Scope.FEEDBACK)
        actions.withdraw_consent(feedback, acting_user=self.link_worker)
        response = self.clients["gp"].get(page)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Kvällspromenaden")
        self.assertNotContains(response, "Kanarieviktigt")
        self.assertEqual(Referral.objects.get(pk=self.case.referral.pk).person, self.person)

    def test_the_link_worker_sees_the_canaries_so_the_search_is_not_blind(self) -> None:
        body = ""
        for name in ("referrals:case", "referrals:person-edit"):
            url = next(url for url in project_urls() if url.key == name)
            page = path_of(url, {"key": self.case.uuid})
            body += self.clients["link_worker"].get(page).content.decode()
        missing = [
            field
            for field, forms in self.values.items()
            if field != "unmet need" and not any(form in body for form in forms)
        ]
        self.assertEqual(missing, [])
