"""What an organisation's system may read over FHIR, and the audited fetchers that hand it out.

An API key acts for one organisation, not for a user, so the web's access helpers (which ask
about the user's memberships) cannot be called as they are. The rules are the same table
(DOMAIN.md, `lotsa.referrals.access`, `lotsa.accounts.policy`), with the key's organisation in
the place of the user's:

- as the employer of link worker teams (TEAM): its teams' referrals, their activity
  referrals, the consents that concern them and the assessments;
- as a provider (PROVIDER): the activity referrals to its own offerings while the person's
  consent to it stands and the referral was sent (`policy.consent_stands`), and of the person
  only what that consent shares (`referrals.access.shared_details`);
- as a referring health centre (REFERRER): the clinicians' referrals its unit made and their
  status; the activity referrals that followed only while the person's consent to feedback
  to that unit stands (as on the web page of a sent referral).

Where one organisation holds several relations to a row, the widest wins (TEAM, PROVIDER,
REFERRER). Like the web's fetchers, each fetcher narrows the query, checks the row found
again, answers 404 for anything else (writing a `denied` event) and writes the read event:
no user, the key's organisation as the unit, the purpose naming the key's prefix.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpRequest

from lotsa.accounts.models import ApiKey
from lotsa.accounts.policy import HIDDEN_FROM_PROVIDERS, consent_stands
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.directory.models import Offering
from lotsa.outcomes.models import Assessment
from lotsa.people.models import Consent, Person
from lotsa.referrals.access import SharedDetails, shared_details
from lotsa.referrals.models import ActivityReferral, ActivityReferralEvent, Referral

from .errors import FhirError

READ = AuditEvent.Action.READ
M = TypeVar("M", bound=Model)


class Relation(enum.Enum):
    """How the key's organisation is related to a row: what decides what it is shown."""

    TEAM = "team"
    PROVIDER = "provider"
    REFERRER = "referrer"


@dataclasses.dataclass(frozen=True)
class Client:
    """The organisation whose API key made the request."""

    api_key: ApiKey

    @property
    def organization_id(self) -> int:
        return self.api_key.organization_id

    def purpose(self, what: str) -> str:
        # The key's prefix is its public name: the log review can tell systems apart.
        return f"FHIR {what} (API key {self.api_key.prefix})"[:200]


def client_of(request: HttpRequest) -> Client:
    """The client ninja's authentication found (`lotsa.accounts.api.ApiKeyAuth`)."""
    api_key = getattr(request, "auth", None)
    if not isinstance(api_key, ApiKey):  # pragma: no cover - every keyed route authenticates
        raise FhirError(401, "A valid API key is required.", code="login")
    return Client(api_key)


# --- what a client may list ----------------------------------------------------------------


def _feedback_consent(organization_id: int, person: str) -> Exists:
    """The person's consent that the referring unit sees how it went, still standing."""
    return Exists(
        Consent.objects.active().filter(
            person_id=OuterRef(person),
            scope=Consent.Scope.FEEDBACK,
            organization_id=organization_id,
        )
    )


def _team_tasks(organization_id: int) -> Q:
    return Q(case__team__organization_id=organization_id)


def _provider_tasks(organization_id: int) -> Q:
    return Q(offering__organization_id=organization_id, consent__withdrawn_at__isnull=True) & ~Q(
        status__in=HIDDEN_FROM_PROVIDERS
    )


def _referrer_tasks(organization_id: int) -> Q:
    return (
        Q(
            case__referral__source=Referral.Source.CLINICIAN,
            case__referral__referring_organization_id=organization_id,
        )
        & ~Q(status__in=HIDDEN_FROM_PROVIDERS)
        & Q(_feedback_consent(organization_id, "case__person_id"))
    )


def tasks(client: Client) -> QuerySet[ActivityReferral]:
    """With `last_updated`: answers move a row by a conditional UPDATE that leaves
    `updated_at` as it was, so the newest event of the row counts too."""
    org = client.organization_id
    last_event = ActivityReferralEvent.objects.filter(activity_referral=OuterRef("pk")).order_by(
        "-at"
    )
    return (
        ActivityReferral.objects.filter(
            _team_tasks(org) | _provider_tasks(org) | _referrer_tasks(org)
        )
        .select_related(
            "case__person", "case__team", "case__referral", "offering__organization", "consent"
        )
        .prefetch_related("case__accessibility_needs")
        .annotate(last_event_at=Subquery(last_event.values("at")[:1]))
        .annotate(last_updated=Greatest("updated_at", Coalesce("last_event_at", "updated_at")))
    )


def _team_referrals(organization_id: int) -> Q:
    return Q(team__organization_id=organization_id)


def _unit_referrals(organization_id: int) -> Q:
    return Q(source=Referral.Source.CLINICIAN, referring_organization_id=organization_id)


def service_requests(client: Client) -> QuerySet[Referral]:
    """With the referral each one replaces, when it was forwarded from another team."""
    org = client.organization_id
    original = Referral.objects.filter(
        person_id=OuterRef("person_id"),
        status=Referral.Status.FORWARDED,
        forwarded_to_id=OuterRef("team_id"),
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at")
    return (
        Referral.objects.filter(_team_referrals(org) | _unit_referrals(org))
        .select_related("person", "team", "referring_organization", "case")
        .annotate(
            replaces_uuid=Subquery(original.values("uuid")[:1]),
            replaces_team_organization=Subquery(original.values("team__organization_id")[:1]),
            replaces_referrer=Subquery(original.values("referring_organization_id")[:1]),
        )
    )


def replaces(client: Client, referral: Referral) -> str | None:
    """The forwarded referral this one replaces, if the client may see that one too."""
    key = getattr(referral, "replaces_uuid", None)
    org = client.organization_id
    if key is None or org not in (
        getattr(referral, "replaces_team_organization", None),
        getattr(referral, "replaces_referrer", None),
    ):
        return None
    return str(key)


def people(client: Client) -> QuerySet[Person]:
    org = client.organization_id
    referred = Referral.objects.filter(_team_referrals(org) | _unit_referrals(org))
    provided = ActivityReferral.objects.filter(_provider_tasks(org))
    return Person.objects.filter(
        Q(pk__in=referred.order_by().values("person_id"))
        | Q(pk__in=provided.order_by().values("case__person_id"))
    )


def consents(client: Client) -> QuerySet[Consent]:
    """Team: the consents that concern its teams' referrals (to the team, the referrer's
    feedback, the providers it referred to, research). Provider: the consent to itself behind
    each referral it may see. Referrer: the consents given with its own referrals."""
    org = client.organization_id
    team_referral = Referral.objects.filter(
        team__organization_id=org, person_id=OuterRef("person_id")
    )
    own_referral = Referral.objects.filter(_unit_referrals(org), person_id=OuterRef("person_id"))
    team_rows = Q(Exists(team_referral)) & (
        Q(scope=Consent.Scope.TEAM, team__organization_id=org)
        | Q(
            scope=Consent.Scope.FEEDBACK,
            organization_id__in=Referral.objects.filter(
                team__organization_id=org, referring_organization__isnull=False
            )
            .order_by()
            .values("referring_organization_id"),
        )
        | Q(
            pk__in=ActivityReferral.objects.filter(_team_tasks(org)).order_by().values("consent_id")
        )
        | Q(scope=Consent.Scope.RESEARCH)
    )
    provider_rows = Q(
        scope=Consent.Scope.PROVIDER,
        organization_id=org,
        withdrawn_at__isnull=True,
        pk__in=ActivityReferral.objects.filter(_provider_tasks(org))
        .order_by()
        .values("consent_id"),
    )
    referrer_rows = (
        Q(scope=Consent.Scope.FEEDBACK, organization_id=org) & Q(Exists(own_referral))
    ) | (Q(scope=Consent.Scope.TEAM) & Q(Exists(own_referral.filter(team_id=OuterRef("team_id")))))
    return Consent.objects.filter(team_rows | provider_rows | referrer_rows).select_related(
        "person", "team", "organization"
    )


def assessments(client: Client) -> QuerySet[Assessment]:
    """Scores are the link worker team's: providers never see them (DOMAIN.md), and the
    referring unit is told status and outcome, not answers."""
    return Assessment.objects.filter(
        case__team__organization_id=client.organization_id
    ).select_related("case__person")


def healthcare_services(client: Client) -> QuerySet[Offering]:
    """The public directory, and the client's own offerings however they are listed."""
    return (
        Offering.objects.filter(
            Q(is_published=True, organization__is_approved=True)
            | Q(organization_id=client.organization_id)
        )
        .select_related("organization")
        .prefetch_related("places", "schedules", "categories")
    )


# --- the relation to one row, checked on the row found ---------------------------------------


def task_relation(client: Client, task: Any, *, checked: bool = False) -> Any:
    """TEAM, PROVIDER or REFERRER (None: none holds). `checked`: the row comes from `tasks`,
    whose query already asked for the feedback consent, so it is not asked again."""
    org = client.organization_id
    if task.case.team.organization_id == org:
        return Relation.TEAM
    if task.offering.organization_id == org and consent_stands(None, task):
        return Relation.PROVIDER
    referral = task.case.referral
    if (
        referral.source == Referral.Source.CLINICIAN
        and referral.referring_organization_id == org
        and task.status not in HIDDEN_FROM_PROVIDERS
        and (
            checked
            or Consent.objects.active()
            .filter(
                person_id=task.case.person_id, scope=Consent.Scope.FEEDBACK, organization_id=org
            )
            .exists()
        )
    ):
        return Relation.REFERRER
    return None


def referral_relation(client: Client, referral: Referral) -> Relation | None:
    org = client.organization_id
    if referral.team.organization_id == org:
        return Relation.TEAM
    if referral.source == Referral.Source.CLINICIAN and referral.referring_organization_id == org:
        return Relation.REFERRER
    return None


def person_relation(client: Client, person: Person) -> Relation | None:
    org = client.organization_id
    referred = Referral.objects.filter(person_id=person.pk)
    if referred.filter(_team_referrals(org)).exists():
        return Relation.TEAM
    if ActivityReferral.objects.filter(_provider_tasks(org), case__person_id=person.pk).exists():
        return Relation.PROVIDER
    if referred.filter(_unit_referrals(org)).exists():
        return Relation.REFERRER
    return None


def person_relations(client: Client, people: list[Person]) -> dict[int, Relation]:
    """`person_relation` of each of a page of people, in three queries."""
    org = client.organization_id
    keys = [person.pk for person in people]
    referred = Referral.objects.filter(person_id__in=keys).order_by()
    team = set(referred.filter(_team_referrals(org)).values_list("person_id", flat=True))
    provider = set(
        ActivityReferral.objects.filter(_provider_tasks(org), case__person_id__in=keys)
        .order_by()
        .values_list("case__person_id", flat=True)
    )
    relations = {}
    for key in keys:
        if key in team:
            relations[key] = Relation.TEAM
        elif key in provider:
            relations[key] = Relation.PROVIDER
        else:
            # `people` holds only related rows: the last relation left is the referrer's.
            relations[key] = Relation.REFERRER
    return relations


def provider_details(client: Client, person: Person) -> SharedDetails:
    """What the person shares with the client as a provider: each field any standing consent
    to it shares, from the newest referral that shares it."""
    shared: dict[str, Any] = {}
    found = (
        ActivityReferral.objects.filter(_provider_tasks(client.organization_id))
        .filter(case__person_id=person.pk)
        .select_related("case__person", "consent")
        .prefetch_related("case__accessibility_needs")
        .order_by("-created_at")
    )
    for task in found:
        details = shared_details(task)
        for field in details.fields:
            shared.setdefault(field, getattr(details, field))
    return SharedDetails(**shared)


# --- fetching, with the audit events ------------------------------------------------------


def uuid_or_none(key: str) -> UUID | None:
    try:
        return UUID(key)
    except ValueError:
        return None


def _key(key: str, field: str) -> Any:
    """The id in the URL as the column holds it; None for one no row can have."""
    if field == "pk":
        # Digits only, and short enough for a bigint: anything else would be a database error.
        return int(key) if key.isascii() and key.isdigit() and len(key) <= 18 else None
    try:
        return UUID(key)
    except ValueError:
        return None


def _denied(
    request: HttpRequest, client: Client, model: type[Model], key: str, what: str
) -> FhirError:
    events.record_denied(
        model, key[:64], user=None, purpose=client.purpose(f"{what} read"), request=request
    )
    return FhirError(404, f"No {what} with this id.", code="not-found")


def get(
    request: HttpRequest,
    client: Client,
    queryset: QuerySet[M],
    key: str,
    what: str,
    *,
    field: str = "uuid",
) -> M:
    """The row `key` names among those the client may see, with its read event; else 404."""
    value = _key(key, field)
    found = queryset.filter(**{field: value}).first() if value is not None else None
    if found is None:
        raise _denied(request, client, queryset.model, key, what)
    return found


def record_read(request: HttpRequest, client: Client, obj: Model, what: str) -> None:
    events.record(
        READ,
        obj,
        user=None,
        organization_id=client.organization_id,
        purpose=client.purpose(f"{what} read"),
        request=request,
    )


def record_search(
    request: HttpRequest, client: Client, objects: Iterable[Model], what: str
) -> None:
    """One read event per row of a page of results, in one query."""
    organization_id = client.organization_id
    events.record_many(
        READ,
        list(objects),
        user=None,
        purpose=client.purpose(f"{what} search"),
        request=request,
        organization_of=lambda _obj: organization_id,
    )


def refuse(request: HttpRequest, client: Client, obj: Model, what: str) -> FhirError:
    """The row was found but the relation does not hold on it: as if it did not exist."""
    return _denied(request, client, type(obj), str(getattr(obj, "uuid", obj.pk)), what)
