"""Writing audit events, in the caller's transaction.

Every event is chained (chain.py) as it is written. `person` names the person whose data was
touched — a Person, or their UUID — and is filled in by itself when `obj` is a Person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import models

from . import chain, context
from .context import client_ip
from .models import AuditEvent

READ = AuditEvent.Action.READ

if TYPE_CHECKING:
    from django.http import HttpRequest

PERSON_MODEL = "people.person"


def _ip(request: HttpRequest | None) -> str | None:
    """The request's client address, or the current request's (`context`) when not given."""
    if request is not None:
        return client_ip(request)
    current = context.current()
    return current.ip_address if current else None


def unit_of(obj: models.Model | None) -> int | None:
    """The organisation responsible for `obj`: its team's, or its case's team's (else None).

    For events written outside a request (tasks, commands, the demo), where no access helper
    said which unit acts."""
    if obj is None:
        return None
    if getattr(obj, "team_id", None) is not None:
        return obj.team.organization_id  # type: ignore[attr-defined]
    if getattr(obj, "case_id", None) is not None:
        return unit_of(obj.case)  # type: ignore[attr-defined]
    return None


def _unit(organization_id: int | None, obj: models.Model | None = None) -> int | None:
    """The unit given, which the rest of the request then acts for; else the unit an earlier
    event of the request named (the access helper's read, before the action's change); outside
    a request, the unit responsible for `obj`."""
    if organization_id is not None:
        context.acting_for(organization_id)
        return organization_id
    current = context.current()
    if current is None:
        return unit_of(obj)
    return current.unit


def person_of(obj: models.Model | None) -> Any:
    """The person `obj` is about: itself, its `person`, or its case's person (else None).

    Follows the relations (one query each unless they were select_related)."""
    if obj is None:
        return None
    if obj._meta.label_lower == PERSON_MODEL:
        return obj
    if getattr(obj, "person_id", None) is not None:
        return obj.person  # type: ignore[attr-defined]
    if getattr(obj, "case_id", None) is not None:
        return person_of(obj.case)  # type: ignore[attr-defined]
    return None


# `record_many`'s parameter shadows the function: keep a name for the default.
def _find_person(obj: models.Model | None) -> Any:
    return person_of(obj)


def person_key(person: Any, obj: models.Model | None = None) -> UUID | None:
    """The opaque key of `person` (a Person, a UUID or its text), or of `obj` if a Person."""
    if person is None and obj is not None and obj._meta.label_lower == PERSON_MODEL:
        person = obj
    if person is None:
        return None
    if isinstance(person, models.Model):
        person = person.uuid  # type: ignore[attr-defined]
    return person if isinstance(person, UUID) else UUID(str(person))


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def record(
    action: str,
    obj: models.Model,
    *,
    user: Any,
    organization_id: int | None = None,
    purpose: str = "",
    request: HttpRequest | None = None,
    person: Any = None,
) -> AuditEvent:
    """Write one event about `obj`; call inside the transaction that does the action."""
    event = AuditEvent(
        action=action,
        user=_user(user),
        organization_id=_unit(organization_id, obj),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        purpose=purpose,
        ip_address=_ip(request),
        # Whose data it is, found through the object when not given (`person_of`).
        person_uuid=person_key(person if person is not None else person_of(obj), obj),
    )
    return chain.append([event])[0]


def record_denied(
    model: type[models.Model],
    key: str,
    *,
    user: Any,
    purpose: str = "",
    request: HttpRequest | None = None,
    person: Any = None,
) -> AuditEvent:
    """Write one event about a refused attempt to reach a protected object."""
    event = AuditEvent(
        action=AuditEvent.Action.DENIED,
        user=_user(user),
        object_type=model._meta.label_lower,
        object_id=key[:64],
        purpose=purpose,
        ip_address=_ip(request),
        person_uuid=person_key(person),
    )
    return chain.append([event])[0]


def record_many(
    action: str,
    objects: Iterable[models.Model],
    *,
    user: Any,
    purpose: str = "",
    request: HttpRequest | None = None,
    organization_of: Callable[[Any], int | None] | None = None,
    person: Any = None,
    person_of: Callable[[Any], Any] | None = None,
) -> list[AuditEvent]:
    """One event per object in one query: a list page that shows people's details.

    `person` is the one person all objects are about; `person_of(obj)` gives it per object."""
    ip_address = _ip(request)
    return chain.append(
        [
            AuditEvent(
                action=action,
                user=_user(user),
                organization_id=_unit(organization_of(obj) if organization_of else None),
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                purpose=purpose,
                ip_address=ip_address,
                person_uuid=person_key(
                    (person_of or _find_person)(obj) if person is None else person, obj
                ),
            )
            for obj in objects
        ]
    )
