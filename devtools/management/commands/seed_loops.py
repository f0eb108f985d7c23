from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.generator import analyze, seed_loops


class Command(BaseCommand):
    help = (
        "Generate N realistic loops in bulk (every loaded role, 4–8 interviews each, ratings, signals, decisions, "
        "amendments) with a pool of seed accounts; the same --seed gives the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loops", type=int, required=True, help="how many loops to create")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")

    def handle(self, *args: Any, loops: int, seed: int, **options: Any) -> None:
        if loops < 1:
            raise CommandError("--loops must be at least 1.")
        started = time.perf_counter()
        report = seed_loops(loops=loops, seed=seed)
        analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {report} in {elapsed:.1f} s (seed {seed})."))
        self.stdout.write(
            "Seed accounts (unusable passwords): seed-interviewer-01…40, seed-hiring-manager-01…08, "
            "seed-recruiter-01…04."
        )
