"""`manage.py print_demo_logins`: where to open the demo and who to sign in as."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from lotsa.accounts.models import Membership, User

from .seed_demo import DEMO_LOGINS, DEMO_PASSWORD

DEMO_URL = "http://127.0.0.1:8000/sv/"  # where `make demo` serves unless told otherwise
Role = Membership.Role


class Command(BaseCommand):
    help = "Print the demo's address and a table of the demo logins (after seed_demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=DEMO_URL, help="the address the demo is served on")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            self._print(options["url"])

    def _print(self, url: str) -> None:
        users = {
            user.email: user
            for user in User.objects.filter(
                email__in=[login.email for login in DEMO_LOGINS]
            ).prefetch_related("memberships__organization")
        }
        if not users:
            self.stdout.write(
                "There are no demo logins in this database: run `manage.py seed_demo` first."
            )
            return
        # seed_demo gives every demo user the same hash, so this is one slow check, not ten.
        verdicts: dict[str, bool] = {}
        rows = [("E-mail", "Password", "Role", "Organisation")]
        for login in DEMO_LOGINS:
            user = users.get(login.email)
            if user is None:
                continue
            if user.password not in verdicts:
                verdicts[user.password] = check_password(DEMO_PASSWORD, user.password)
            password = DEMO_PASSWORD if verdicts[user.password] else "(changed)"
            memberships: list[Membership | None] = [*user.memberships.all()] or [None]
            for membership in memberships:
                rows.append(
                    (
                        user.email,
                        password,
                        _role(user, membership),
                        membership.organization.name if membership else "",
                    )
                )
        self.stdout.write(f"Open {url} and sign in as one of these demo users:\n")
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _role(user: User, membership: Membership | None) -> str:
    role = str(Role(membership.role).label) if membership else "(no role)"
    return f"{role} (superuser)" if user.is_superuser else role
