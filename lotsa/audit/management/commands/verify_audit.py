"""Walk the access log's hash chain and say whether it is intact.

Prints "N events, chain intact" and the head of the chain (note it down: removing the newest
events cannot be seen from the chain alone), or names the first broken event and exits 1.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lotsa.audit import chain
from lotsa.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the access log's hash chain; name the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, database: str = "default", **options: Any) -> None:
        result = chain.verify(AuditEvent, using=database)
        if result.broken is not None:
            raise CommandError(f"Chain broken after {result.count} intact events. {result.broken}")
        self.stdout.write(
            self.style.SUCCESS(f"{result.count} events, chain intact")
            + f" (head: sequence {result.head_sequence}, hash {result.head_hash})"
        )
