"""`manage.py export_hsds DIR`: write the public directory as an HSDS 3.0 tabular
datapackage (datapackage.json and one CSV file per table) into DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lotsa.interop.hsds import exporting

from .import_hsds import ProgressBar


class Command(BaseCommand):
    help = "Write the public directory as an HSDS 3.0 datapackage (CSV files) into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="The folder to write (made if missing).")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the taxonomy terms' names. Default: the site's.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["directory"])
        progress = ProgressBar(self.stderr) if options["verbosity"] > 0 else exporting._no_progress
        counts = exporting.export(folder, language=options["language"], progress=progress)
        rows = ", ".join(f"{counts[path]} {path}" for path in exporting.TABLES if counts[path])
        self.stdout.write(self.style.SUCCESS(f"Wrote {folder}/datapackage.json: {rows}."))
