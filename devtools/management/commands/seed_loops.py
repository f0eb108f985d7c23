from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.progress import terminal_progress
from devtools.generator import HEAVY_EVERY, HEAVY_INTERVIEWER, analyze, pool_sizes, seed_loops
from hiring.models import Loop


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
        report = seed_loops(loops=loops, seed=seed, progress=terminal_progress(self.stderr))
        analyze()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {report} in {elapsed:.1f} s (seed {seed})."))
        sizes = list(pool_sizes(loops=Loop.objects.count()).values())
        self.stdout.write(
            f"Seed accounts (unusable passwords): seed-interviewer-01…{sizes[0]:02d}, "
            f"seed-hiring-manager-01…{sizes[1]:02d}, seed-recruiter-01…{sizes[2]:02d}, and {HEAVY_INTERVIEWER} "
            f"(on one loop in {HEAVY_EVERY})."
        )
