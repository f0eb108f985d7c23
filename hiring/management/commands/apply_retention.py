from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hiring.services.retention import retention_run


class Command(BaseCommand):
    help = (
        "Anonymise the candidates not hired whose loops have been still for longer than RETENTION_DAYS_NOT_HIRED "
        "(none under legal hold); the worker runs this daily. --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list who would be anonymised; change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        run = retention_run(now=timezone.now(), dry_run=dry_run)
        ids = ", ".join(str(pk) for pk in run.forgotten) or "none"
        if dry_run:
            self.stdout.write(f"Dry run: {len(run.forgotten)} past {run.days} days would be anonymised: {ids}.")
            return
        self.stdout.write(f"{len(run.forgotten)} candidates past {run.days} days anonymised: {ids}.")
        if run.skipped:
            self.stdout.write(f"Kept (put on legal hold during the run): {', '.join(map(str, run.skipped))}.")
