from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hiring.services.reminders import scorecard_reminders_send

MAX_DUE_HOURS = 24 * 366


class Command(BaseCommand):
    help = "Email interviewers whose scorecard is still a draft N hours after the interview (once a day at most)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=settings.SCORECARD_DUE_HOURS,
            help="hours after the interview before reminding (default: SCORECARD_DUE_HOURS, %(default)s)",
        )

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        if not 0 <= hours <= MAX_DUE_HOURS:
            raise CommandError(f"--hours must be between 0 and {MAX_DUE_HOURS} (a year), not {hours}.")
        sent = scorecard_reminders_send(now=timezone.now(), after_hours=hours)
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
