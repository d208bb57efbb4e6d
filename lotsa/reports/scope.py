"""A manager's scope: which referrals their flow, outcome and cost reports count.

The policy (`reports.view_outcomes`) lets in the managers of an organisation; each sees
aggregates of their own organisations' referrals, never a row about a person (DOMAIN.md):

- a manager of a **municipality unit** sees the municipality's programme: the referrals to
  every link worker team of that municipality (`Team.municipality`);
- a manager of **any other organisation** (a health centre, a contractor) sees the referrals
  to the link worker teams it employs and the referrals its own clinicians made.

No audit event is written: the reports show counts and statistics over groups of at least
`LOTSA_REPORT_MIN_GROUP` people, not a person's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest

from lotsa.accounts import access
from lotsa.accounts.models import Organization, Team
from lotsa.accounts.policy import allows
from lotsa.referrals.models import Referral

VIEW_OUTCOMES = "reports.view_outcomes"


@dataclass(frozen=True)
class Scope:
    """The organisations a manager reports for, and the referrals that belong to them."""

    organization_ids: tuple[int, ...]
    organization_names: tuple[str, ...]
    municipalities: tuple[str, ...]  # of the municipality units among them
    country: str  # of the first organisation: the currency of the cost calculator

    def referrals(self, prefix: str = "") -> Q:
        """The referrals in scope, as a filter on `Referral` (or on a model reaching it
        through `prefix`, e.g. "referral__")."""
        return (
            Q(**{f"{prefix}team__municipality__in": self.municipalities})
            | Q(**{f"{prefix}team__organization__in": self.organization_ids})
            | Q(**{f"{prefix}referring_organization__in": self.organization_ids})
        )

    def teams(self) -> list[Team]:
        """The link worker teams whose referrals the manager may see some of: the units to
        filter by (one query)."""
        # EXISTS, not a join: a join reads every referral of the scope (a million at
        # national scale) to find a few thousand teams.
        referred_by_us = Referral.objects.filter(
            team=OuterRef("pk"), referring_organization__in=self.organization_ids
        )
        return list(
            Team.objects.filter(
                Q(municipality__in=self.municipalities)
                | Q(organization__in=self.organization_ids)
                | Exists(referred_by_us)
            ).order_by("name", "pk")
        )


def scope_of(user: object) -> Scope | None:
    """The scope of the organisations where `user` is a manager; None if there are none."""
    organizations = list(access.organizations_for(user, access.Role.MANAGER).order_by("name", "pk"))
    if not organizations:
        return None
    return Scope(
        organization_ids=tuple(organization.pk for organization in organizations),
        organization_names=tuple(organization.name for organization in organizations),
        municipalities=tuple(
            sorted(
                {
                    organization.municipality
                    for organization in organizations
                    if organization.kind == Organization.Kind.MUNICIPALITY
                    and organization.municipality
                }
            )
        ),
        country=organizations[0].country,
    )


def require_manager(request: HttpRequest) -> Scope:
    """The requesting manager's scope; 404 for anyone the policy does not let in."""
    if not allows(request.user, VIEW_OUTCOMES):
        raise Http404
    scope = scope_of(request.user)
    if scope is None:
        raise Http404
    return scope
