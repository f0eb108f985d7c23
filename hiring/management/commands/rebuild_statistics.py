"""Recompute the stored calibration and agreement statistics from the scorecards."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.progress import terminal_progress
from hiring.services.statistics import statistics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every stored statistic (interviewer figures, agreement coincidences, spread totals) from "
        "the scorecards: after a bulk load, a restore, deleting loops in the admin, or changing "
        "SCORECARD_DUE_HOURS. Bootstrap intervals are left to the worker unless --intervals."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--intervals", action="store_true", help="also recompute the bootstrap intervals now")

    def handle(self, *args: Any, intervals: bool, **options: Any) -> None:
        counts = statistics_rebuild(intervals=intervals, progress=terminal_progress(self.stderr))
        self.stdout.write(
            f"Rebuilt the statistics of {counts['loops']} loops: {counts['interviewer_figures']} interviewer "
            f"and {counts['dimension_figures']} dimension totals."
        )
