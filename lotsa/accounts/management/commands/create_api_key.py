"""Make an API key for an organisation's system and print it, once.

    manage.py create_api_key --organization 12 --name "Journal system" \\
        --scope directory:read --scope referrals:read [--expires 2027-06-30]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lotsa.accounts import actions, apikeys
from lotsa.accounts.models import Organization


class Command(BaseCommand):
    help = "Make an API key for an organisation's system; the key is printed once, never kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", type=int, required=True, help="its id (pk)")
        parser.add_argument("--name", required=True, help="which system uses the key")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=sorted(apikeys.SCOPES),
            help="may be given more than once",
        )
        parser.add_argument(
            "--expires", help="last day the key works (YYYY-MM-DD); default: never expires"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(pk=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organisation with id {options['organization']}.")
        expires_at = None
        if options["expires"]:
            try:
                last_day = dt.date.fromisoformat(options["expires"])
            except ValueError as error:
                raise CommandError("--expires must be a date, YYYY-MM-DD.") from error
            # Valid through the whole last day, in the site's time zone.
            expires_at = timezone.make_aware(
                dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
            )
        try:
            api_key, key = actions.create_api_key(
                organization,
                name=options["name"],
                scopes=options["scope"],
                expires_at=expires_at,
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"API key {api_key.prefix} for {organization.name} ({', '.join(api_key.scopes)}). "
            "Copy it now: it is shown only this once."
        )
        self.stdout.write(key)
