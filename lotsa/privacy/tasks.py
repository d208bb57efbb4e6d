"""Background work of the privacy app: the nightly retention purge."""

from __future__ import annotations

from django_tasks import task

from . import actions


@task()
def purge() -> str:
    """The nightly purge (`manage.py purge` does the same); its report is one audit event."""
    return actions.purge().summary()
