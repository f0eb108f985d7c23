from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hiring.tasks import reminders_start, retention_start


class Command(BaseCommand):
    help = (
        "Run a background worker (reminders, retention, emails, webhook deliveries): starts the reminder and "
        "retention schedules if none is waiting, then runs django-tasks-db's db_worker. Start one per machine, "
        "as many as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1)")

    def handle(self, *args: Any, batch: bool, interval: float, **options: Any) -> None:
        if reminders_start():
            self.stdout.write("Started the scorecard reminder schedule.")
        if retention_start():
            self.stdout.write("Started the daily retention run.")
        call_command("db_worker", batch=batch, interval=interval, reload=False, startup_delay=not batch)
