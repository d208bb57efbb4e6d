"""The access policy: who may do what to whose data, as one `rules` rule set.

This is the table "Law: who may see what" in DOMAIN.md as code. Every access helper that
hands out a person's data asks it (`allows`) after narrowing its query, so the rule holds
twice: in the SQL that finds the row and here, on the row found. Anything not named here is
refused (`RuleSet.test_rule` answers False for an unknown permission): deny by default.

The predicates read the objects by attribute (`team_id`, `case`, `offering`, `consent`) so
that this module needs no model from the apps above `accounts`.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from . import access

POLICY = rules.RuleSet()

# Activity referral statuses a provider never sees: not sent, or entered in error.
HIDDEN_FROM_PROVIDERS = frozenset({"draft", "entered-in-error"})


def allows(user: Any, permission: str, obj: Any = None) -> bool:
    """Whether `user` may do `permission` (to `obj`); False for a permission nobody named."""
    return POLICY.test_rule(permission, user, obj)


# --- who the user is --------------------------------------------------------------------


@rules.predicate
def is_administrator(user: Any) -> bool:
    return access.is_administrator(user)


@rules.predicate
def is_connector(user: Any) -> bool:
    return access.is_connector(user)


@rules.predicate
def manages_an_organization(user: Any) -> bool:
    """A manager of an organisation: its outcome, flow and cost reports, in aggregate."""
    return access.organizations_for(user, access.Role.MANAGER).exists()


@rules.predicate
def is_researcher(user: Any) -> bool:
    """A researcher of an organisation (the pseudonymised, k-anonymous research export)."""
    return access.organizations_for(user, access.Role.RESEARCHER).exists()


@rules.predicate
def plans_for_a_municipality(user: Any) -> bool:
    """A coordinator or a manager of an organisation (the municipality's planners)."""
    return access.organizations_for(user, access.Role.COORDINATOR, access.Role.MANAGER).exists()


# --- the user's relation to a referral, a case, an activity referral --------------------


@rules.predicate
def works_in_its_team(user: Any, obj: Any) -> bool:
    """A link worker of the team a referral or case belongs to."""
    return access.teams_for(user).filter(pk=obj.team_id).exists()


@rules.predicate
def works_in_its_case_team(user: Any, activity_referral: Any) -> bool:
    return access.teams_for(user).filter(pk=activity_referral.case.team_id).exists()


@rules.predicate
def referred_it_from_their_unit(user: Any, referral: Any) -> bool:
    """A clinician of the unit that made a clinician's referral."""
    return (
        referral.source == "clinician"
        and referral.referring_organization_id is not None
        and access.referring_organizations(user)
        .filter(pk=referral.referring_organization_id)
        .exists()
    )


@rules.predicate
def raised_the_flag(user: Any, referral: Any) -> bool:
    """The volunteer connector who raised a flag (while they are still a connector)."""
    return referral.source == "connector" and referral.referred_by_id == user.pk


@rules.predicate
def answers_for_its_provider(user: Any, activity_referral: Any) -> bool:
    """A contact or activity lead of the organisation whose offering the person was sent to."""
    organization_id = activity_referral.offering.organization_id
    return access.answering_organizations(user).filter(pk=organization_id).exists()


@rules.predicate
def consent_stands(_user: Any, activity_referral: Any) -> bool:
    """The person's consent to this provider stands and the referral was sent, not withdrawn."""
    return (
        activity_referral.consent.withdrawn_at is None
        and activity_referral.status not in HIDDEN_FROM_PROVIDERS
    )


@rules.predicate
def edits_for_its_organization(user: Any, obj: Any) -> bool:
    """A provider, coordinator or administrator of the organisation (or its offering)."""
    organization_id = getattr(obj, "organization_id", None) or obj.pk
    return access.organizations_for(user, *access.EDITOR_ROLES).filter(pk=organization_id).exists()


@rules.predicate
def moderates_its_municipality(user: Any, municipality: Any) -> bool:
    """A moderator of `municipality` (a municipality key); None: of any municipality."""
    return access.can_moderate(user, municipality)


@rules.predicate
def holds_break_glass(user: Any, person: Any) -> bool:
    """An emergency access the user opened, with a reason, for this person and still running."""
    return person.break_glass.filter(user=user.pk, ends_at__gt=timezone.now()).exists()


is_signed_in = rules.is_authenticated & rules.is_active

# --- the table --------------------------------------------------------------------------

# The directory: an organisation's own listings, and the municipality's moderation.
POLICY.add_rule("directory.edit_listing", is_signed_in & edits_for_its_organization)
POLICY.add_rule("directory.moderate", is_signed_in & moderates_its_municipality)
# The link worker's work: triage the team's inbox, work on the team's cases.
POLICY.add_rule("referrals.triage_referral", is_signed_in & works_in_its_team)
POLICY.add_rule("referrals.work_on_case", is_signed_in & works_in_its_team)
POLICY.add_rule("referrals.work_on_activity_referral", is_signed_in & works_in_its_case_team)
# The referrer follows what they sent: the clinician's unit, the connector's own flags.
POLICY.add_rule(
    "referrals.follow_referral",
    is_signed_in & (referred_it_from_their_unit | (is_connector & raised_the_flag)),
)
# The provider answers referrals to their own offerings while the person's consent stands.
POLICY.add_rule(
    "referrals.answer_activity_referral",
    is_signed_in & answers_for_its_provider & consent_stands,
)
# The provider without an account: the signed link is the credential; the consent must stand.
POLICY.add_rule("referrals.answer_activity_referral_by_link", consent_stands)
# The municipality's planners: gaps and capacity pressure, in aggregate (no person shown).
POLICY.add_rule("reports.view_gaps", is_signed_in & plans_for_a_municipality)
# The researcher: the research export of their organisations' cases, pseudonymised and
# k-anonymous, of the people whose consent to research stands.
POLICY.add_rule("reports.export_research", is_signed_in & is_researcher)
# Managers: flow, outcomes and return on investment of their organisation's referrals, in
# aggregate, every group under LOTSA_REPORT_MIN_GROUP suppressed (no person shown).
POLICY.add_rule("reports.view_outcomes", is_signed_in & manages_an_organization)
# The administrator: the log review, a person's requests (log extract, export, erasure),
# and — only with a reason, for a limited time, logged — a person's record (break-glass).
POLICY.add_rule("audit.review_log", is_signed_in & is_administrator)
POLICY.add_rule("people.handle_request", is_signed_in & is_administrator)
POLICY.add_rule("people.open_break_glass", is_signed_in & is_administrator)
POLICY.add_rule("people.read_by_break_glass", is_signed_in & is_administrator & holds_break_glass)
