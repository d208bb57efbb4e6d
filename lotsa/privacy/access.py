"""Access helpers of the privacy pages: the person a request or an emergency is about.

Built on the one policy (`lotsa.accounts.policy`). Each helper returns the person or raises
404, and writes the audit event of the access (or of the refusal) with its purpose.
"""

from __future__ import annotations

import contextlib
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from lotsa.accounts.access import administrator_unit
from lotsa.accounts.policy import allows
from lotsa.audit import events
from lotsa.audit.models import AuditEvent
from lotsa.people.models import Person

# The permission of a person's requests: their log extract, data export and erasure.
HANDLE_REQUEST = "people.handle_request"


def require(request: HttpRequest, permission: str) -> None:
    """404 for a user the policy does not allow `permission` (a page about no one person)."""
    if not allows(request.user, permission):
        raise Http404


def get_person(
    request: HttpRequest,
    key: UUID | str,
    *,
    permission: str,
    purpose: str,
    action: str = AuditEvent.Action.READ,
) -> Person:
    """The person with uuid `key` if the policy allows `permission` on them, else 404.

    Writes one event (`action`, default a read) about the person, with `purpose`; a refusal
    writes a `denied` event instead.
    """
    person = None
    with contextlib.suppress(ValidationError, ValueError):
        person = Person.objects.filter(uuid=key).first()
    if person is None or not allows(request.user, permission, person):
        events.record_denied(
            Person, str(key), user=request.user, purpose=purpose, request=request, person=person
        )
        raise Http404
    events.record(
        action,
        person,
        user=request.user,
        organization_id=administrator_unit(request.user),
        purpose=purpose,
        request=request,
    )
    return person
