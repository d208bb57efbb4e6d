"""`manage.py bench_hsds export|import DIR`: one timed HSDS export or import, for
`manage.py bench`; prints one JSON line {"services": N, "seconds": S}."""

from __future__ import annotations

import json
import time
from io import StringIO
from typing import Any

from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandParser

from lotsa.directory.models import Offering


class Command(BaseCommand):
    help = "Time one HSDS export (of this database) or import (into it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("direction", choices=["export", "import"])
        parser.add_argument("folder")

    def handle(self, *args: Any, direction: str, folder: str, **options: Any) -> None:
        before = Offering.objects.count()
        # Loaded before the clock starts: the figure is the throughput, not Python's imports.
        command = load_command_class(get_commands()[f"{direction}_hsds"], f"{direction}_hsds")
        started = time.perf_counter()
        call_command(command, folder, stdout=StringIO(), stderr=StringIO())
        seconds = time.perf_counter() - started
        services = before if direction == "export" else Offering.objects.count() - before
        self.stdout.write(json.dumps({"services": services, "seconds": round(seconds, 3)}))
