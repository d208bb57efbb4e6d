"""Background work of the reports: computing every manager's default flow, outcome and
cost reports ahead (`snapshots`), so that the first manager to open them does not wait."""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from lotsa.accounts.models import Membership, User

from . import snapshots
from .filters import ManagerReportForm, follow_up_points
from .scope import scope_of


def refresh() -> int:
    """Compute the default reports of every active manager's scope, in their language, and
    keep them; returns how many scopes were computed (the same scope and language once)."""
    points = follow_up_points()
    done: set[tuple[object, str]] = set()
    managers = User.objects.filter(
        is_active=True, memberships__role=Membership.Role.MANAGER
    ).distinct()
    for manager in managers.order_by("pk").iterator():
        scope = scope_of(manager)
        if scope is None:
            continue
        language = manager.message_language
        if (scope, language) in done:
            continue
        done.add((scope, language))
        # The period an unfiltered page shows, as its own form makes it.
        period = ManagerReportForm(None, scope=scope).period()
        with translation.override(language):
            snapshots.flow(period, fresh=True)
            snapshots.use_pairs(period, fresh=True)
            if points:
                snapshots.outcomes(period, points[0], points, fresh=True)
    return len(done)


@task()
def refresh_reports() -> int:
    return refresh()
