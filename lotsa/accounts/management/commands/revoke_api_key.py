"""Revoke an API key for good, by its prefix (the part after "lotsa_", in the admin's list)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotsa.accounts import actions
from lotsa.accounts.models import ApiKey


class Command(BaseCommand):
    help = "Revoke an API key by its prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix", help="the key's prefix, e.g. 3f9a1c2b7d4e")

    def handle(self, *args: Any, prefix: str, **options: Any) -> None:
        # Accept the whole key or "lotsa_<prefix>" too, and never echo a secret.
        parts = prefix.strip().split("_")
        wanted = parts[1] if len(parts) > 1 and parts[0] == "lotsa" else parts[0]
        api_key = ApiKey.objects.select_related("organization").filter(prefix=wanted).first()
        if api_key is None:
            raise CommandError("No API key has that prefix.")
        if api_key.is_revoked:
            self.stdout.write(f"API key {api_key.prefix} was already revoked.")
            return
        api_key = actions.revoke_api_key(api_key, acting_user=None)
        self.stdout.write(
            f"API key {api_key.prefix} ({api_key.name}, {api_key.organization.name}) revoked."
        )
