"""Every URL of the project × every persona × own organisation, another organisation and no
consent: who gets in, and that nobody sees a person they may not see.

The URLs come from the URL resolver — ours, allauth's, the admin's, the API — and each needs
an entry in POLICY (or in one of its groups, `rule_for`), so that a view cannot be added
without deciding who may open it. For each URL the test builds real objects to fill in its
parameters: those of the personas' own organisations ("own"), those of an organisation none
of them works for ("other"), and for the pages a provider sees under a person's consent,
a referral whose consent was withdrawn ("withdrawn") and one that shares no name
("unshared"). Every persona GETs every page, and POSTs to it when refused.

A leak is a persona outside the rule that gets anything but the refusal (404; the sign-in
page when anonymous; 405 for a GET on a POST-only view), or a response that holds the name of
a person the persona may not see. Each side's person has a last name found nowhere else.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import timezone, translation

from lotsa.accounts.models import Organization, Team, User
from lotsa.directory import actions as directory_actions
from lotsa.directory.models import ClaimRequest, Offering, OfferingChange, ProblemReport
from lotsa.interop.hsds import profile as hsds_profile
from lotsa.outcomes import actions as outcome_actions
from lotsa.outcomes import links as follow_up_links
from lotsa.people.models import Consent, Person
from lotsa.referrals import access, actions
from lotsa.referrals.models import ActivityReferral, Case, Referral
from lotsa.test import (
    BaseTestCase,
    Role,
    make_activity_referral,
    make_case,
    make_offering,
    make_organization,
    make_person,
    make_referral,
    make_team,
    make_user,
    report_figure,
)

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
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
CLINICIANS = frozenset({"gp", "outsider"})
LINK_WORKERS = frozenset({"link_worker", "outsider_link_worker"})
MODERATORS = frozenset({"coordinator", "admin"})
ADMIN = frozenset({"admin"})

# Each side's person: a last name found nowhere else (ASCII, so JSON escapes nothing).
CANARIES = {
    "own": "Kanarieberg",
    "other": "Domherreberg",
    "unshared": "Sidensvansberg",
    "withdrawn": "Talltitaberg",
}
OTHER_MUNICIPALITY = "SE-0180"  # Stockholm: nobody here moderates it but the administrator


@dataclasses.dataclass
class Side:
    """One organisation's objects that URLs take as parameters, around one person."""

    person: Person
    case: Case
    new_referral: Referral  # still in the team's inbox
    activity_referral: ActivityReferral
    token: str
    offering: Offering
    provider_organization: Organization
    change: OfferingChange
    claim: ClaimRequest
    registration: Organization  # registered, not yet approved
    problem: ProblemReport


Params = Callable[[Side], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Rule:
    """Who may open a URL, and whose person they may see there."""

    who: frozenset[str]  # let in, on their own organisation's objects
    sees: frozenset[str] = NOBODY  # see the own organisation's person there
    other: frozenset[str] = NOBODY  # let in on another organisation's objects
    other_sees: frozenset[str] = NOBODY  # see that organisation's person there
    params: Params | None = None  # the URL's parameters, from a side
    ok: frozenset[int] = frozenset({200})  # what letting in answers
    ok_for: tuple[tuple[str, frozenset[int]], ...] = ()  # ... for some personas otherwise
    post_only: bool = False
    refused: frozenset[int] = frozenset({404})  # what a signed-in persona outside `who` gets
    sign_in: str = "/en/account/login/"  # where a refused anonymous visitor is sent
    refused_post: bool = True  # POST too when refused (the admin refuses before the method)
    touches_person: bool = False  # reads or changes a person's data (audit coverage)
    provider_side: bool = False  # a provider's page: only what the consent shares
    consent: bool = False  # checked also with the consent withdrawn and the name unshared
    shows: bool = True  # those in `sees` do find the person (False: PDF, calendar file)

    def answers(self, persona: str) -> frozenset[int]:
        return dict(self.ok_for).get(persona, self.ok)


def public(**extra: Any) -> Rule:
    return Rule(who=EVERYONE, other=EVERYONE, **extra)


def signed_in(**extra: Any) -> Rule:
    """Any signed-in user; the page shows only what is theirs."""
    return Rule(who=SIGNED_IN, other=SIGNED_IN, **extra)


def case_key(side: Side) -> dict[str, Any]:
    return {"key": side.case.uuid}


def activity_referral_key(side: Side) -> dict[str, Any]:
    return {"key": side.activity_referral.uuid}


def offering_uuid(side: Side) -> dict[str, Any]:
    return {"uuid": side.offering.uuid}


def provider_pk(side: Side) -> dict[str, Any]:
    return {"pk": side.provider_organization.pk}


def follow_up_token(side: Side) -> dict[str, Any]:
    """A fresh link to the baseline of the side's case: the person's own follow-up form."""
    baseline = outcome_actions.schedule_follow_ups(side.case)[0]
    return {"token": follow_up_links.issue_token(baseline)}


LINK_WORKER = frozenset({"link_worker"})
CASE_WORK = Rule(
    who=LINK_WORKER, sees=LINK_WORKER, params=case_key, touches_person=True, consent=False
)
CASE_POST = dataclasses.replace(CASE_WORK, post_only=True)
MODERATION = Rule(who=MODERATORS, other=ADMIN)
ADMINISTRATORS_ONLY = Rule(who=ADMIN, other=ADMIN)
ABOUT_A_PERSON = Rule(  # the privacy pages about one person: administrators only
    who=ADMIN,
    sees=ADMIN,
    other=ADMIN,
    other_sees=ADMIN,
    params=lambda side: {"key": side.person.uuid},
    touches_person=True,
)

API_KEY_ONLY = Rule(who=NOBODY, refused=frozenset({401}))


def api_read(key: Callable[[Side], Any]) -> Rule:
    """A FHIR read of one resource: only a key gets in, whatever the session."""
    return dataclasses.replace(API_KEY_ONLY, params=lambda side: {"id": key(side)})


# url name (or route, for a pattern without a name): who may open it, and see whom there.
POLICY: dict[str, Rule] = {
    # No language: the language switch and the bare address (a redirect to the directory).
    "set_language": public(ok=frozenset({302, 204})),
    "": public(ok=frozenset({302})),
    # The public directory: everyone, nobody's person.
    "directory:search": public(),
    "directory:offering": public(params=offering_uuid),
    "directory:offering-print": public(params=offering_uuid),
    "directory:report-problem": public(params=offering_uuid),
    "directory:register": public(),
    # Providers' self-service: their own organisations and listings.
    "directory:my-listings": signed_in(),
    "directory:claim": signed_in(),
    "directory:organization-edit": Rule(who=frozenset({"provider"}), params=provider_pk),
    "directory:offering-create": Rule(who=frozenset({"provider"}), params=provider_pk),
    "directory:offering-edit": Rule(who=frozenset({"provider"}), params=offering_uuid),
    "directory:offering-confirm": Rule(
        who=frozenset({"provider"}), params=offering_uuid, post_only=True
    ),
    # Moderation: the municipality's coordinator for its own municipality; administrators.
    "directory:moderation": Rule(who=MODERATORS),
    "directory:problems": Rule(who=MODERATORS),
    "directory:stale": Rule(who=MODERATORS),
    "directory:change-decide": dataclasses.replace(
        MODERATION, params=lambda side: {"pk": side.change.pk}
    ),
    "directory:claim-decide": dataclasses.replace(
        MODERATION, params=lambda side: {"pk": side.claim.pk}
    ),
    "directory:organization-decide": dataclasses.replace(
        MODERATION, params=lambda side: {"pk": side.registration.pk}
    ),
    "directory:problem-resolve": dataclasses.replace(
        MODERATION, params=lambda side: {"pk": side.problem.pk}
    ),
    # The staff start page: what the user can do.
    "accounts:home": signed_in(),
    # Referring: clinicians, volunteer connectors, the person themself.
    "referrals:new": Rule(who=CLINICIANS, touches_person=True),
    "referrals:sent": Rule(who=CLINICIANS, sees=frozenset({"gp"}), touches_person=True),
    "referrals:sent-detail": Rule(
        who=frozenset({"gp"}),
        sees=frozenset({"gp"}),
        params=lambda side: {"key": side.case.referral.uuid},
        touches_person=True,
        consent=True,
    ),
    "referrals:flags": Rule(who=frozenset({"connector"}), touches_person=True),
    "referrals:flag": Rule(who=frozenset({"connector"}), touches_person=True),
    "referrals:self-referral": public(touches_person=True),
    "referrals:self-referral-done": public(),
    # The link worker: their team's inbox, caseload and cases.
    "referrals:inbox": Rule(who=LINK_WORKERS, sees=LINK_WORKER, touches_person=True),
    "referrals:caseload": Rule(who=LINK_WORKERS, sees=LINK_WORKER, touches_person=True),
    "referrals:triage": dataclasses.replace(
        CASE_WORK, params=lambda side: {"key": side.new_referral.uuid}
    ),
    "referrals:case": CASE_WORK,
    "referrals:case-edit": CASE_WORK,
    "referrals:person-edit": CASE_WORK,
    "referrals:close-case": CASE_WORK,
    "referrals:find-offering": CASE_WORK,
    # Matching: the ranked suggestions for a case, for its team's link worker.
    "matching:suggestions": CASE_WORK,
    # Outcomes: the case's scores, follow-ups and health-care use, for its team only.
    "outcomes:case": CASE_WORK,
    "outcomes:follow-up": dataclasses.replace(
        CASE_WORK, params=lambda side: {"key": side.case.uuid, "months": 3}
    ),
    "outcomes:send-link": dataclasses.replace(
        CASE_POST, params=lambda side: {"key": side.case.uuid, "months": 3}
    ),
    "outcomes:healthcare-use": CASE_POST,
    "outcomes:follow-ups": Rule(who=LINK_WORKERS, sees=LINK_WORKER, touches_person=True),
    # The import matches rows to the team's cases and shows no one (its rows are audited).
    "outcomes:import": Rule(who=LINK_WORKERS),
    "outcomes:import-template": Rule(who=LINK_WORKERS),
    # Unmet needs are recorded without the person (an age band and a target group).
    "referrals:unmet-need": dataclasses.replace(CASE_WORK, shows=False),
    "referrals:add-contact": CASE_POST,
    "referrals:change-stage": CASE_POST,
    "referrals:withdraw-consent": dataclasses.replace(
        CASE_POST,
        params=lambda side: {
            "key": side.case.uuid,
            "consent_id": side.activity_referral.consent_id,
        },
    ),
    "referrals:refer": dataclasses.replace(
        CASE_WORK, params=lambda side: {"key": side.case.uuid, "offering": side.offering.uuid}
    ),
    "referrals:activity-referral": dataclasses.replace(
        CASE_WORK, params=activity_referral_key, consent=True
    ),
    "referrals:prescription-pdf": dataclasses.replace(
        CASE_WORK, params=activity_referral_key, consent=True, shows=False
    ),
    "referrals:prescription-ics": dataclasses.replace(
        CASE_WORK, params=activity_referral_key, consent=True, shows=False
    ),
    # Providers: referrals to their own offerings, only what the person shares with them.
    "referrals:provider-inbox": Rule(
        who=frozenset({"provider", "coordinator"}),
        sees=frozenset({"provider"}),
        touches_person=True,
        provider_side=True,
    ),
    "referrals:provider-referral": Rule(
        who=frozenset({"provider"}),
        sees=frozenset({"provider"}),
        params=activity_referral_key,
        touches_person=True,
        provider_side=True,
        consent=True,
    ),
    # The link is the credential: whoever holds it sees what it answers, signed in or not;
    # once the consent is withdrawn it is used up (410) for everyone.
    "referrals:answer-by-link": Rule(
        who=EVERYONE,
        sees=EVERYONE,
        other=EVERYONE,
        other_sees=EVERYONE,
        params=lambda side: {"token": side.token},
        refused=frozenset({410}),
        touches_person=True,
        provider_side=True,
        consent=True,
    ),
    # The person's own follow-up link: the link is the credential, signed in or not. The
    # form shows nothing about the person, not even their name.
    "outcomes:respond": Rule(
        who=EVERYONE, other=EVERYONE, params=follow_up_token, touches_person=True
    ),
    # The municipality's planners: gaps and capacity pressure, in aggregate (no person shown).
    "reports:gaps": Rule(who=frozenset({"coordinator", "manager"})),
    "reports:gap-examples": Rule(who=frozenset({"coordinator", "manager"})),
    "reports:gaps-csv": Rule(who=frozenset({"coordinator", "manager"})),
    "reports:capacity": Rule(who=frozenset({"coordinator", "manager"})),
    "reports:capacity-csv": Rule(who=frozenset({"coordinator", "manager"})),
    # Managers: flow, outcomes and return on investment, in aggregate (no person shown).
    "reports:flow": Rule(who=frozenset({"manager"})),
    "reports:flow-csv": Rule(who=frozenset({"manager"})),
    "reports:flow-xlsx": Rule(who=frozenset({"manager"})),
    "reports:outcomes": Rule(who=frozenset({"manager"})),
    "reports:outcomes-csv": Rule(who=frozenset({"manager"})),
    "reports:outcomes-xlsx": Rule(who=frozenset({"manager"})),
    "reports:roi": Rule(who=frozenset({"manager"})),
    "reports:roi-csv": Rule(who=frozenset({"manager"})),
    "reports:roi-xlsx": Rule(who=frozenset({"manager"})),
    # The researcher: the pseudonymised, k-anonymous research export (no person shown; the
    # download is a POST, whose events research's own tests check).
    "reports:research": Rule(who=frozenset({"researcher"})),
    # The API: an organisation's API key only; a session is no credential there (what each
    # organisation's key reads is lotsa/interop/tests/test_fhir_access.py's matrix).
    "api:key-info": API_KEY_ONLY,
    "api:openapi-json": public(),
    "api:openapi-view": public(),
    "api:fhir-metadata": public(),
    "api:fhir-base": public(ok=frozenset({404})),
    "api:fhir-unknown": public(ok=frozenset({404}), params=lambda side: {"rest": "Observation/1"}),
    "api:fhir-patient-read": api_read(lambda side: side.person.uuid),
    "api:fhir-patient-search": API_KEY_ONLY,
    "api:fhir-service-request-read": api_read(lambda side: side.case.referral.uuid),
    "api:fhir-service-request-search": API_KEY_ONLY,
    "api:fhir-task-read": api_read(lambda side: side.activity_referral.uuid),
    "api:fhir-task-update": api_read(lambda side: side.activity_referral.uuid),
    "api:fhir-task-search": API_KEY_ONLY,
    "api:fhir-consent-read": api_read(lambda side: side.activity_referral.consent_id),
    "api:fhir-consent-search": API_KEY_ONLY,
    "api:fhir-questionnaire-read": api_read(lambda side: "ucla3"),
    "api:fhir-questionnaire-search": API_KEY_ONLY,
    "api:fhir-questionnaire-response-read": api_read(lambda side: side.person.uuid),
    "api:fhir-questionnaire-response-search": API_KEY_ONLY,
    "api:fhir-healthcare-service-read": api_read(lambda side: side.offering.uuid),
    "api:fhir-healthcare-service-search": API_KEY_ONLY,
    # The HSDS directory API: public directory data, for everyone, without a key.
    "api:hsds-about": public(),
    "api:hsds-profile": public(),
    "api:hsds-services": public(),
    "api:hsds-service": public(params=lambda side: {"id": side.offering.uuid}),
    "api:hsds-organizations": public(),
    "api:hsds-organization": public(params=lambda side: {"id": side.provider_organization.uuid}),
    "api:hsds-service-at-locations": public(),
    "api:hsds-service-at-location": public(
        params=lambda side: {"id": side.offering.places.get().service_at_location_uuid}
    ),
    "api:hsds-taxonomies": public(),
    "api:hsds-taxonomy": public(
        params=lambda side: {"id": hsds_profile.VOCABULARY_TAXONOMIES["category"].id}
    ),
    "api:hsds-taxonomy-terms": public(),
    "api:hsds-taxonomy-term": public(
        params=lambda side: {"id": side.offering.categories.get().uuid}
    ),
    # The privacy pages: administrators only (the log review, a person's requests,
    # break-glass access). Those about one person show who the person is.
    "privacy:review": ADMINISTRATORS_ONLY,
    "privacy:review-sample": ADMINISTRATORS_ONLY,
    "privacy:review-alerts": ADMINISTRATORS_ONLY,
    "privacy:find-person": ADMINISTRATORS_ONLY,
    "privacy:review-user": dataclasses.replace(
        ADMINISTRATORS_ONLY, params=lambda side: {"pk": side.case.assigned_to_id}
    ),
    # The person's events, by their opaque key: the page needs no name.
    "privacy:review-person": dataclasses.replace(ABOUT_A_PERSON, shows=False),
    "privacy:log-extract": ABOUT_A_PERSON,
    "privacy:log-extract-pdf": dataclasses.replace(ABOUT_A_PERSON, shows=False),
    "privacy:export": ABOUT_A_PERSON,
    "privacy:export-json": ABOUT_A_PERSON,
    "privacy:erase": ABOUT_A_PERSON,
    "privacy:person": ABOUT_A_PERSON,
    "privacy:break-glass": ABOUT_A_PERSON,
    "privacy:break-glass-record": dataclasses.replace(
        ABOUT_A_PERSON, ok=frozenset({200, 302}), shows=False
    ),
}


# --- groups of URLs that are not ours: allauth's account pages and the Django admin -------

# allauth: signing in and out, passwords and two factors. The pages of the signed-out flow
# are public (a signed-in user is sent on); those about one's own account need a sign-in
# and answer by the user's own state (no recovery codes yet: 404; no password: a redirect).
# Neither takes a parameter that could name someone else.
SIGNED_OUT_FLOW = public(ok=frozenset({200, 301, 302, 401, 404}))
OWN_ACCOUNT = Rule(who=SIGNED_IN, ok=frozenset({200, 302, 404}))
ACCOUNT_PAGES: dict[str, Rule] = {
    **dict.fromkeys(
        (
            "account_login",
            "account_logout",
            "account_signup",
            "account_inactive",
            "account_email_verification_sent",
            "account_confirm_email",
            "account_confirm_login_code",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "mfa_authenticate",
            "socialaccount_login_cancelled",
            "socialaccount_login_error",
            "socialaccount_signup",
            "openid_connect_login",
            "openid_connect_callback",
            # allauth's old addresses of the social pages, redirected to the new ones.
            "<lang>/account/social/login/cancelled/",
            "<lang>/account/social/login/error/",
            "<lang>/account/social/signup/",
            "<lang>/account/social/connections/",
        ),
        SIGNED_OUT_FLOW,
    ),
    **dict.fromkeys(
        (
            "account_reauthenticate",
            "account_email",
            "account_change_password",
            "account_set_password",
            "mfa_index",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "socialaccount_connections",
        ),
        OWN_ACCOUNT,
    ),
}

# The Django admin: staff only (`admin`, a superuser here as in the demo); everyone else is
# sent to the admin's sign-in (which sends on to allauth's). What it answers its staff varies
# by page (403 where a model may not be added, 302 for a row that does not exist); it holds
# no person (test_the_admin_holds_no_person).
STAFF_ONLY = Rule(
    who=ADMIN,
    ok=frozenset({200, 302, 403, 404, 405}),
    refused=frozenset({302}),
    sign_in="/en/admin/",
    refused_post=False,
)
ADMIN_PAGES: dict[str, Rule] = {
    # Its own sign-in page sends everyone to allauth's (two factors).
    "admin:login": public(ok=frozenset({302})),
}


def rule_for(url: Url) -> Rule | None:
    if url.key in POLICY:
        return POLICY[url.key]
    if url.key in ACCOUNT_PAGES:
        return ACCOUNT_PAGES[url.key]
    if url.key in ADMIN_PAGES:
        return ADMIN_PAGES[url.key]
    if url.route.startswith("<lang>/admin/"):
        return STAFF_ONLY
    return None


# --- the URLs of the project, from the resolver ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class Url:
    key: str  # "namespace:name", or the route of a pattern without a name
    name: str | None
    route: str  # the language prefix written "<lang>/"


def walk(patterns: list[Any], route: str = "", namespace: str = "") -> Iterator[Url]:
    for pattern in patterns:
        part = (
            "<lang>/" if isinstance(pattern.pattern, LocalePrefixPattern) else str(pattern.pattern)
        )
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, route + part, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Url(key=name or route + part, name=name, route=route + part)


def project_urls() -> list[Url]:
    return list(walk(get_resolver().url_patterns))


CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def path_of(url: Url, kwargs: dict[str, Any]) -> str:
    """The address, in English, with `kwargs` filled in."""
    if url.name:
        with translation.override("en"):
            return reverse(url.name, kwargs=kwargs)
    route = url.route.replace("<lang>/", "en/").replace("^", "").replace("$", "")
    return "/" + CONVERTER.sub(lambda m: str(kwargs[m.group(1) or m.group(2)]), route)


def admin_params(url: Url, own: Side) -> dict[str, Any]:
    """Real objects for the admin's URLs: one row of the model the URL is about."""
    match = re.match(r"<lang>/admin/(\w+)/(\w+)/<", url.route)
    if url.route.startswith("<lang>/admin/r/"):
        content_type = ContentType.objects.get_for_model(Person)
        return {"content_type_id": content_type.pk, "object_id": own.person.pk}
    if "(?P<app_label>" in url.route:
        return {"app_label": "accounts"}
    if "(?P<url>" in url.route:
        return {"url": "no-such-page/"}
    if match is None:
        return {}
    model = ContentType.objects.get_by_natural_key(*match.groups()).model_class()
    assert model is not None
    row = model._default_manager.order_by("pk").first()
    key = "id" if "<id>" in url.route else "object_id"
    return {key: row.pk if row is not None else 0}


def account_params(url: Url) -> dict[str, Any]:
    """allauth's links from e-mails, with keys that are not valid."""
    names = set(CONVERTER.findall(url.route.replace("<lang>/", "")))
    params = {"key": "no-such-key", "uidb36": "1", "provider_id": "openid_connect"}
    return {name: params[name] for pair in names for name in pair if name}


# --- the world ----------------------------------------------------------------------------


def build_side(
    canary: str,
    phone: str,
    *,
    gp: User,
    link_worker: User,
    team: Team,
    provider_organization: Organization,
    provider: User,
    municipality: str,
    fields: tuple[str, ...] = (Consent.Field.NAME, Consent.Field.PHONE),
    feedback_consent: bool = True,
) -> Side:
    """A person referred by `gp` to `team`, their case, and a referral to an activity of
    `provider_organization` sharing `fields`; the directory's objects to moderate."""
    offering = make_offering(provider_organization, capacity=5, municipality=municipality)
    # First names are unique too: the audit coverage test finds who a page shows by them.
    person = make_person(f"Fornamn{canary}", canary, phone=phone)
    case = make_case(team, link_worker, gp, person=person, feedback_consent=feedback_consent)
    activity_referral = make_activity_referral(case, offering, link_worker, fields=fields)
    new_referral = make_referral(
        team, gp, make_person(f"Nyfornamn{canary}", canary, phone=phone[:-1] + "9")
    )
    registration = make_organization("Nya föreningen", municipality=municipality, is_approved=False)
    return Side(
        person=person,
        case=case,
        new_referral=new_referral,
        activity_referral=activity_referral,
        token=access.issue_answer_token(activity_referral),
        offering=offering,
        provider_organization=provider_organization,
        change=OfferingChange.objects.create(
            organization=provider_organization,
            offering=offering,
            data=directory_actions.offering_data(offering),
            submitted_by=provider,
        ),
        claim=ClaimRequest.objects.create(
            organization=provider_organization, user=provider, message="Vi driver den."
        ),
        registration=registration,
        problem=ProblemReport.objects.create(offering=offering, kind="other", message="Stängt."),
    )


def build_admin_rows(user: User) -> None:
    """One row of each model in the admin that the world does not make anyway."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    Group.objects.create(name="Kanarie-gruppen")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00", "used_mask": 0}
    )
    attempt = {"user_agent": "test", "http_accept": "*/*", "path_info": "/en/account/login/"}
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend's models moved
        return
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="lotsa.directory.tasks.send_freshness_reminders",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


class MatrixTestCase(BaseTestCase):
    """The personas' world, with a side of objects in each organisation the matrix needs."""

    own: Side
    other: Side
    unshared: Side
    withdrawn: Side
    flag: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # The administrator runs the Django admin too, as in the demo.
        cls.admin.is_staff = cls.admin.is_superuser = True
        cls.admin.save()
        own = {
            "gp": cls.gp,
            "link_worker": cls.link_worker,
            "team": cls.team_a,
            "provider_organization": cls.association,
            "provider": cls.provider,
            "municipality": cls.association.municipality,
        }
        cls.own = build_side(CANARIES["own"], "+46705550010", **own)
        # The name is not among the details shared, nor any feedback to the referrer.
        cls.unshared = build_side(
            CANARIES["unshared"],
            "+46705550020",
            **own,
            fields=(Consent.Field.PHONE,),
            feedback_consent=False,
        )
        cls.withdrawn = build_side(CANARIES["withdrawn"], "+46705550030", **own)
        actions.withdraw_consent(
            cls.withdrawn.activity_referral.consent, acting_user=cls.link_worker
        )
        # An organisation nobody of the personas works for, in another municipality.
        centre = make_organization(
            "Vårdcentralen Söder", Organization.Kind.HEALTH_CENTRE, municipality=OTHER_MUNICIPALITY
        )
        association = make_organization("Föreningen Söder", municipality=OTHER_MUNICIPALITY)
        other_link_worker = make_user("lw@soder.example", centre, Role.LINK_WORKER)
        cls.other = build_side(
            CANARIES["other"],
            "+46705550040",
            gp=make_user("gp@soder.example", centre, Role.CLINICIAN),
            link_worker=other_link_worker,
            team=make_team("Hälsolotsarna Söder", centre, other_link_worker),
            provider_organization=association,
            provider=make_user("provider@soder.example", association, Role.PROVIDER),
            municipality=OTHER_MUNICIPALITY,
        )
        # A volunteer connector's flag: a first name and a phone number.
        cls.flag = actions.refer_to_team(
            make_person("Flaggfornamn", "", phone="+46705550050"),
            cls.team_a,
            source=Referral.Source.CONNECTOR,
            acting_user=cls.connector,
            referring_organization=cls.health_centre_a,
            agreed_to_be_called=True,
        )
        build_admin_rows(cls.gp)

    def setUp(self) -> None:
        self.clients: dict[str, Client] = {}
        for persona in PERSONAS:
            client = Client(raise_request_exception=False)
            if persona != "anonymous":
                client.force_login(getattr(self, persona))
            self.clients[persona] = client

    def side(self, variant: str) -> Side:
        side: Side = getattr(self, variant)
        return side

    def params(self, url: Url, rule: Rule, variant: str) -> dict[str, Any]:
        if rule.params is not None:
            return rule.params(self.side(variant))
        if url.route.startswith("<lang>/admin/"):
            return admin_params(url, self.own)
        return account_params(url)


# --- what a response may be, and what it may show ----------------------------------------


def variants_of(rule: Rule) -> tuple[str, ...]:
    if rule.params is None:
        return ("own",)
    if rule.consent:
        return ("own", "other", "unshared", "withdrawn")
    return ("own", "other")


def let_in(rule: Rule, variant: str) -> frozenset[str]:
    if variant == "other":
        return rule.other
    if variant == "withdrawn" and rule.provider_side:
        return NOBODY  # the provider's access ends with the consent
    return rule.who


def may_see(rule: Rule, variant: str, canary: str) -> frozenset[str]:
    """Who may find the person of side `canary` in this response."""
    if canary == "other":
        return rule.other_sees if variant == "other" else NOBODY
    if canary in ("unshared", "withdrawn") and rule.provider_side:
        return NOBODY  # the name is not shared, or no longer
    return rule.sees


def is_sign_in(response: Any, rule: Rule) -> bool:
    return response.status_code == 302 and response["Location"].startswith(rule.sign_in)


def judge(rule: Rule, variant: str, persona: str, method: str, response: Any) -> list[str]:
    """What is wrong with `response`: a way in that the rule does not give, or a person seen."""
    problems = []
    status = response.status_code
    allowed = persona in let_in(rule, variant)
    if method == "get" and rule.post_only:
        good = status == 405 or (persona == "anonymous" and is_sign_in(response, rule))
    elif allowed:
        good = status in rule.answers(persona)
    elif status == 405:
        good = True  # a method the view does not take, refused before anything is looked up
    elif persona == "anonymous":
        good = is_sign_in(response, rule) or status in rule.refused or status == 404
    else:
        good = status in rule.refused or (rule.refused == {302} and is_sign_in(response, rule))
    if not good:
        problems.append(f"answers {status}")
    body = response.content.decode(errors="replace") if not response.streaming else ""
    for side, canary in CANARIES.items():
        if canary in body and persona not in may_see(rule, variant, side):
            problems.append(f"shows the {side} person")
    if (
        variant == "own"
        and allowed
        and method == "get"
        and not rule.post_only
        and rule.shows
        and persona in rule.sees
        and CANARIES["own"] not in body
    ):
        problems.append("does not show the person it should (is the canary check blind?)")
    return problems


class AccessMatrixTests(MatrixTestCase):
    def test_every_url_has_a_policy(self) -> None:
        urls = project_urls()
        missing = sorted(url.key for url in urls if rule_for(url) is None)
        self.assertEqual(
            missing, [], "add these URLs to POLICY in lotsa/tests/test_access_matrix.py"
        )
        self.assertGreater(len(urls), 100)

    def test_nobody_outside_the_policy_gets_in_or_sees_a_person(self) -> None:
        checks, leaks, unknown = 0, [], []
        for url in project_urls():
            rule = rule_for(url)
            if rule is None:
                unknown.append(url.key)
                continue
            for variant in variants_of(rule):
                path = path_of(url, self.params(url, rule, variant))
                for persona in PERSONAS:
                    allowed = persona in let_in(rule, variant)
                    methods = ("get", "post") if rule.refused_post and not allowed else ("get",)
                    for method in methods:
                        response = getattr(self.clients[persona], method)(path)
                        checks += 1
                        for problem in judge(rule, variant, persona, method, response):
                            leaks.append(
                                f"{url.key} [{variant}] {persona} {method.upper()}: {problem}"
                            )
        report_figure(
            "access matrix",
            f"{checks} checks, {len(leaks)} leaks, {len(unknown)} URLs without a policy",
        )
        self.assertFalse(leaks, "\n" + "\n".join(leaks))
        self.assertFalse(unknown, f"URLs without a policy: {unknown}")

    def test_the_admin_holds_no_person(self) -> None:
        """DOMAIN.md: an administrator sees configuration, users and audit metadata, never
        people's content except by logged break-glass. No model of a person's record is in
        the admin, nor one that points at a person."""
        people_apps = {"people", "referrals", "audit", "privacy"}
        registered = list(admin.site._registry)
        self.assertFalse([m._meta.label for m in registered if m._meta.app_label in people_apps])
        pointing = [
            f"{model._meta.label}.{field.name}"
            for model in registered
            for field in model._meta.get_fields()
            if field.is_relation and field.related_model is Person
        ]
        self.assertEqual(pointing, [])

    def test_a_used_answer_link_shows_nobody_the_person(self) -> None:
        actions.answer_activity_referral(
            self.own.activity_referral, actions.Answer.ACCEPT, acting_user=self.provider
        )
        for persona in ("anonymous", "provider", "link_worker"):
            response = self.clients[persona].get(
                reverse("referrals:answer-by-link", kwargs={"token": self.own.token})
            )
            self.assertEqual(response.status_code, 410)
            self.assertNotContains(response, CANARIES["own"], status_code=410)

    def test_break_glass_opens_one_persons_record_to_the_administrator_who_asked(self) -> None:
        from lotsa.people import actions as people_actions

        people_actions.open_break_glass(
            self.own.person, acting_user=self.admin, reason="The person's daughter called."
        )
        url = next(url for url in project_urls() if url.key == "privacy:break-glass-record")
        rule = POLICY[url.key]
        for variant, canary in (("own", CANARIES["own"]), ("other", CANARIES["other"])):
            path = path_of(url, {"key": self.side(variant).person.uuid})
            for persona in PERSONAS:
                response = self.clients[persona].get(path)
                opened = persona == "admin" and variant == "own"
                with self.subTest(variant=variant, persona=persona):
                    if opened:
                        self.assertContains(response, canary)
                    else:
                        self.assertNotContains(response, canary, status_code=response.status_code)
                        self.assertFalse(judge(rule, "other", persona, "get", response))
