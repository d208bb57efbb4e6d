"""Every URL of the referral loop × every persona: who gets in, and that nobody else sees the
person. A URL without an entry in POLICY fails the test, so a new view cannot be added
without deciding who may open it.

A canary person (a name found nowhere else) is referred by the GP of Health centre A to team
A, has a case, and is referred on to the association's activity with consent to share the
name. For each URL and persona the test GETs the page (and POSTs to views that only take
POST): people outside the policy get 404 (or 405 for a GET on a POST-only view, or the
sign-in page when anonymous), and nobody outside `sees` finds the canary in any response.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import get_resolver, reverse

from lotsa.referrals import access, urls
from lotsa.referrals.actions import Answer
from lotsa.test import (
    BaseTestCase,
    make_activity_referral,
    make_case,
    make_offering,
    make_person,
    make_referral,
)

CANARY = "Kanariefågelsson"
PERSONAS = (
    "gp",
    "link_worker",
    "provider",
    "coordinator",
    "connector",
    "manager",
    "researcher",
    "admin",
    "outsider",
    "outsider_link_worker",
    "anonymous",
)
CLINICIANS = {"gp", "outsider"}
LINK_WORKERS = {"link_worker", "outsider_link_worker"}
EVERYONE = set(PERSONAS)

# url name: (who may open it, who may see the canary there, POST-only)
POLICY: dict[str, tuple[set[str], set[str], bool]] = {
    "new": (CLINICIANS, set(), False),
    "sent": (CLINICIANS, {"gp"}, False),
    "sent-detail": ({"gp"}, {"gp"}, False),
    "flags": ({"connector"}, set(), False),
    "flag": ({"connector"}, set(), False),
    "self-referral": (EVERYONE, set(), False),
    "self-referral-done": (EVERYONE, set(), False),
    "inbox": (LINK_WORKERS, {"link_worker"}, False),
    "triage": ({"link_worker"}, {"link_worker"}, False),
    "caseload": (LINK_WORKERS, {"link_worker"}, False),
    "case": ({"link_worker"}, {"link_worker"}, False),
    "case-edit": ({"link_worker"}, {"link_worker"}, False),
    "person-edit": ({"link_worker"}, {"link_worker"}, False),
    "add-contact": ({"link_worker"}, {"link_worker"}, True),
    "change-stage": ({"link_worker"}, {"link_worker"}, True),
    "close-case": ({"link_worker"}, {"link_worker"}, False),
    "withdraw-consent": ({"link_worker"}, {"link_worker"}, True),
    "find-offering": ({"link_worker"}, {"link_worker"}, False),
    "refer": ({"link_worker"}, {"link_worker"}, False),
    "unmet-need": ({"link_worker"}, {"link_worker"}, False),
    "activity-referral": ({"link_worker"}, {"link_worker"}, False),
    "prescription-pdf": ({"link_worker"}, set(), False),
    "prescription-ics": ({"link_worker"}, set(), False),
    "provider-inbox": ({"provider", "coordinator"}, {"provider"}, False),
    "provider-referral": ({"provider"}, {"provider"}, False),
    # The link is the credential: whoever holds it sees what it answers, signed in or not.
    "answer-by-link": (EVERYONE, EVERYONE, False),
}


class AccessMatrixTests(BaseTestCase):
    def setUp(self) -> None:
        offering = make_offering(self.association, capacity=5)
        person = make_person("Kanarie", CANARY)
        self.case = make_case(self.team_a, self.link_worker, self.gp, person=person)
        self.activity_referral = make_activity_referral(self.case, offering, self.link_worker)
        self.new_referral = make_referral(self.team_a, self.gp, make_person("Kanarie", CANARY))
        self.token = access.issue_answer_token(self.activity_referral)
        self.offering = offering

    def kwargs_for(self, name: str) -> dict[str, Any]:
        case, referral = self.case, self.activity_referral
        return {
            "sent-detail": {"key": case.referral.uuid},
            "triage": {"key": self.new_referral.uuid},
            "withdraw-consent": {"key": case.uuid, "consent_id": referral.consent_id},
            "refer": {"key": case.uuid, "offering": self.offering.uuid},
            "activity-referral": {"key": referral.uuid},
            "prescription-pdf": {"key": referral.uuid},
            "prescription-ics": {"key": referral.uuid},
            "provider-referral": {"key": referral.uuid},
            "answer-by-link": {"token": self.token},
        }.get(name, {"key": case.uuid} if "<uuid:key>" in self.route(name) else {})

    @staticmethod
    def route(name: str) -> str:
        return next(str(p.pattern) for p in urls.urlpatterns if p.name == name)

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(self, persona))
        return client

    def test_every_url_has_a_policy(self) -> None:
        names = {p.name for p in urls.urlpatterns}
        self.assertEqual(names - set(POLICY), set(), "add these URLs to POLICY")
        self.assertEqual(set(POLICY) - names, set(), "POLICY names URLs that do not exist")
        self.assertIn("referrals", get_resolver().app_dict)

    def test_nobody_outside_the_policy_gets_in_or_sees_the_person(self) -> None:
        checks, leaks = 0, []
        for name, (allowed, sees, post_only) in POLICY.items():
            path = "/en" + reverse(f"referrals:{name}", kwargs=self.kwargs_for(name))[3:]
            for persona in PERSONAS:
                client = self.client_for(persona)
                methods = ("get", "post") if post_only and persona not in allowed else ("get",)
                for method in methods:
                    response = getattr(client, method)(path)
                    checks += 1
                    status = response.status_code
                    body = response.content.decode(errors="replace")
                    if persona in allowed:
                        ok = status in (200, 405) if post_only else status == 200
                    elif persona == "anonymous":
                        ok = status == 302 and "/account/login/" in response["Location"]
                    else:
                        ok = status in (404, 405)
                    if not ok:
                        leaks.append(f"{persona} {method.upper()} {name}: {status}")
                    if CANARY in body and persona not in sees:
                        leaks.append(f"{persona} {method.upper()} {name}: sees the person")
        print(f"\naccess matrix: {checks} checks, {len(leaks)} leaks, 0 URLs without a policy")
        self.assertEqual(leaks, [])

    def test_a_used_answer_link_shows_nobody_the_person(self) -> None:
        from lotsa.referrals import actions

        actions.answer_activity_referral(
            self.activity_referral, Answer.ACCEPT, acting_user=self.provider
        )
        path = reverse("referrals:answer-by-link", kwargs={"token": self.token})
        response = Client().get(path)
        self.assertEqual(response.status_code, 410)
        self.assertNotContains(response, CANARY, status_code=410)
