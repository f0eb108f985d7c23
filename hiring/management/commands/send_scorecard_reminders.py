from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hiring.services.reminders import scorecard_reminders_send


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
        sent = scorecard_reminders_send(now=timezone.now(), after_hours=hours)
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
