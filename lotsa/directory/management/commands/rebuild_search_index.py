"""Rebuild the whole full-text index of offerings (after a restore or a bulk import)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from lotsa.directory import search
from lotsa.directory.models import Offering


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all offerings."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            search.reindex()
        self.stdout.write(f"Indexed {Offering.objects.count()} offerings.")
