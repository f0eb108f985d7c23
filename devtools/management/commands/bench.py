"""Benchmark the pages, the debrief aggregation and the export on a throwaway copy of generated data.

The configured database is never touched: the command creates a sibling database (SQLite:
a temporary file; PostgreSQL: `<name>_bench_<pid>` on the same server), migrates it, seeds
it with `hiring.scale`, measures, and drops it, whatever happens. Timings are medians of
`--repeat` runs after a warm-up, with DEBUG off; query counts come from
CaptureQueriesContext. The last line of output is one JSON object for machines.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from devtools.generator import LoopShape, analyze, seed_loops, seed_users
from hiring import exports, policy
from hiring.models import ExportRecord, Interview, Loop, Rating, Scorecard
from hiring.selectors.debrief import loop_debrief
from hiring.selectors.pipeline import PipelineFilter, pipeline_loops

MB = 1024 * 1024


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Point the default connection at a new, migrated database for the duration; drop it afterwards."""
    db = connections[DEFAULT_DB_ALIAS]
    old_name = db.settings_dict["NAME"]
    test_settings = db.settings_dict.setdefault("TEST", {})
    saved = test_settings.get("NAME")
    directory = None
    if db.vendor == "sqlite":
        directory = tempfile.mkdtemp(prefix="scorecards-bench-")
        test_settings["NAME"] = os.path.join(directory, "bench.sqlite3")
    else:
        test_settings["NAME"] = f"{old_name}_bench_{os.getpid()}"
    try:
        name = db.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            yield name
        finally:
            db.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        test_settings["NAME"] = saved
        if directory:
            shutil.rmtree(directory, ignore_errors=True)


def median_ms(
    run: Callable[[], object], *, repeat: int, warmup: int = 1, budget_s: float = 20.0, least: int = 3
) -> float:
    """Median wall time of `repeat` runs after `warmup` runs; a slow figure stops after `budget_s` (>= `least` runs)."""
    for _ in range(warmup):
        run()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < repeat:
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
        if len(samples) >= least and time.perf_counter() - started > budget_s:
            break
    return statistics.median(samples) * 1000


@dataclass
class Probe:
    """A loop made for the query counts, with the users who open each of its pages."""

    label: str
    loop: Loop
    interviewer: User
    draft: Scorecard


@dataclass
class Results:
    figures: dict = field(default_factory=dict)
    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Bench:
    """One benchmark run: seed in two phases (the '1k' figures, then the full size), measure, collect figures."""

    def __init__(self, *, loops: int, repeat: int, seed: int, out: Callable[[str], None]) -> None:
        self.loops = loops
        self.small_loops = min(1000, max(1, loops // 10))
        self.repeat = repeat
        self.export_repeat = max(1, min(3, repeat))
        self.seed = seed
        self.out = out
        self.results = Results()
        self.clients: dict[int, Client] = {}

    # Set-up ------------------------------------------------------------------------------------

    def client(self, user: User) -> Client:
        if user.pk not in self.clients:
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def get(self, user: User, url: str) -> None:
        response = self.client(user).get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} as {user.username} answered {response.status_code}, not 200.")

    def users(self) -> None:
        pools = seed_users()
        interviewers = Group.objects.get(name=policy.INTERVIEWERS)
        self.staff = User.objects.create(username="bench-staff", is_staff=True)
        self.nobody = User.objects.create(username="bench-nobody")
        self.fresh = [User.objects.create(username=f"bench-interviewer-{n}") for n in (1, 2)]
        for user in self.fresh:
            user.groups.add(interviewers)
        self.pool = pools

    def probes(self, shaped: list[Loop]) -> dict[str, Probe]:
        probes = {}
        for label, loop in zip(("small", "large"), shaped, strict=True):
            loop = Loop.objects.select_related("rubric__role", "hiring_manager", "recruiter").get(pk=loop.pk)
            last = Interview.objects.filter(loop=loop).select_related("interviewer", "scorecard").order_by("-pk")[0]
            probes[label] = Probe(label, loop, last.interviewer, last.scorecard)
        return probes

    def seed_phase(self, *, loops: int, seed: int, shapes: tuple[LoopShape, ...] = ()) -> list[Loop]:
        start = time.perf_counter()
        report = seed_loops(loops=loops, seed=seed, shapes=shapes)
        analyze()
        elapsed = time.perf_counter() - start
        self.results.figures.setdefault("seed_s", 0.0)
        self.results.figures["seed_s"] += round(elapsed, 2)
        self.out(f"  seeded {report} in {elapsed:.1f} s")
        return report.shaped

    # Measurements ------------------------------------------------------------------------------

    def page_queries(self, probe: Probe) -> dict[str, tuple[User, str]]:
        loop = probe.loop
        return {
            "home": (probe.interviewer, "/"),
            "scorecard form": (probe.interviewer, f"/scorecards/{probe.draft.pk}/"),
            "debrief": (loop.hiring_manager, f"/loops/{loop.pk}/debrief/"),
            "pipeline": (self.staff, "/loops/"),
            "loop detail": (loop.recruiter, f"/loops/{loop.pk}/"),
            "summary": (loop.hiring_manager, f"/loops/{loop.pk}/summary/"),
            "role kit": (probe.interviewer, f"/roles/{loop.rubric.role.slug}/"),
        }

    def count_queries(self, probes: dict[str, Probe]) -> None:
        for label, probe in probes.items():
            for page, (user, url) in self.page_queries(probe).items():
                self.get(user, url)  # warm: sessions, caches
                with CaptureQueriesContext(connection) as captured:
                    self.get(user, url)
                self.results.queries.setdefault(page, {})[label] = len(captured)
                self.results.timings[f"{page} ({label} loop) ms"] = median_ms(
                    lambda user=user, url=url: self.get(user, url), repeat=min(5, self.repeat), warmup=0, least=1
                )

    def export(self, *, label: str) -> None:
        """Stream the loop-summary CSV of every loop: rows/s (median) and tracemalloc peak of one run."""
        loops = pipeline_loops(user=self.staff, filters=PipelineFilter())
        rows = loops.count()

        def run() -> int:
            # Not exports.export_start: its full_clean refuses the empty filter of an unfiltered export.
            record = ExportRecord.objects.create(by=self.staff, kind="summary", format="csv", source="command")
            size = 0
            for piece in exports.export_stream(
                loops=loops, kind="summary", fmt="csv", columns=[], filters={}, record=record
            ):
                size += len(piece)
            return size

        seconds = median_ms(run, repeat=self.export_repeat, least=1) / 1000
        tracemalloc.start()
        tracemalloc.reset_peak()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        figures = self.results.figures
        figures[f"export_rows_{label}"] = rows
        figures[f"export_rows_per_s_{label}"] = round(rows / seconds)
        figures[f"export_peak_mb_{label}"] = round(peak / MB, 2)
        if label == "10k":
            figures["export_rows_per_s"] = figures["export_rows_per_s_10k"]
            figures["export_s"] = round(seconds, 3)
            copy = self.copy_rows_per_s(loops, rows)
            figures["copy_rows_per_s"] = copy
            figures["export_vs_copy"] = round(figures["export_rows_per_s"] / copy, 3) if copy else None

    def copy_rows_per_s(self, loops, rows: int) -> int | None:
        """PostgreSQL's COPY of the very query the export runs: the database's own floor."""
        if connection.vendor != "postgresql":
            self.results.notes.append("export_vs_copy: skipped, COPY needs PostgreSQL (this run is on SQLite).")
            return None
        import psycopg

        sql, params = loops.query.sql_with_params()
        connection.ensure_connection()
        raw = connection.connection
        query = psycopg.ClientCursor(raw).mogrify(sql, params)

        def run() -> None:
            with raw.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
                for _ in copy:
                    pass

        seconds = median_ms(run, repeat=self.export_repeat, least=1) / 1000
        return round(rows / seconds)

    def debrief(self) -> None:
        """The debrief of the biggest decided loop: page vs floor page, aggregation vs one raw SQL join."""
        loop = (
            Loop.objects.filter(status=Loop.Status.DECIDED)
            .annotate(n=Count("interviews"))
            .filter(n=8)
            .select_related("hiring_manager")
            .order_by("pk")
            .first()
        ) or Loop.objects.annotate(n=Count("interviews")).select_related("hiring_manager").order_by("-n", "pk")[0]
        manager = loop.hiring_manager
        figures = self.results.figures
        figures["debrief_loop_interviews"] = loop.n
        figures["debrief_ms"] = median_ms(lambda: self.get(manager, f"/loops/{loop.pk}/debrief/"), repeat=self.repeat)
        floors = {
            "home, user with no interviews": median_ms(lambda: self.get(self.nobody, "/"), repeat=self.repeat),
            "/roles/": median_ms(lambda: self.get(self.nobody, "/roles/"), repeat=self.repeat),
        }
        page = min(floors, key=floors.get)
        figures["floor_page"] = page
        figures["floor_candidates_ms"] = {key: round(value, 2) for key, value in floors.items()}
        figures["floor_ms"] = floors[page]
        figures["debrief_vs_floor"] = round(figures["debrief_ms"] / figures["floor_ms"], 2)

        fresh = Loop.objects.get(pk=loop.pk)
        figures["aggregation_ms"] = median_ms(lambda: loop_debrief(loop=fresh), repeat=self.repeat)
        quote = connection.ops.quote_name
        sql = (
            "SELECT r.id, r.scorecard_id, r.dimension_id, r.score, r.not_assessed, r.evidence, s.recommendation, "
            "i.id, i.interviewer_id, i.exercise_id, i.scheduled_at "
            f"FROM {quote(Rating._meta.db_table)} r "
            f"JOIN {quote(Scorecard._meta.db_table)} s ON s.id = r.scorecard_id "
            f"JOIN {quote(Interview._meta.db_table)} i ON i.id = s.interview_id "
            "WHERE i.loop_id = %s AND s.status = %s ORDER BY i.scheduled_at, i.id"
        )

        def raw() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [loop.pk, Scorecard.Status.SUBMITTED])
                cursor.fetchall()

        figures["raw_sql_ms"] = median_ms(raw, repeat=self.repeat)
        figures["aggregation_vs_sql"] = round(figures["aggregation_ms"] / figures["raw_sql_ms"], 2)

    def pipeline(self, *, label: str) -> None:
        self.results.figures[f"pipeline_ms_{label}"] = median_ms(
            lambda: self.get(self.staff, "/loops/"), repeat=self.repeat
        )
        with CaptureQueriesContext(connection) as captured:
            self.get(self.staff, "/loops/")
        self.results.figures[f"pipeline_queries_{label}"] = len(captured)

    # The run -----------------------------------------------------------------------------------

    def run(self) -> Results:
        figures = self.results.figures
        figures.update(database=connection.vendor, loops=self.loops, small_loops=self.small_loops)
        figures["load_average_start"] = round(os.getloadavg()[0], 2)
        self.users()
        pool = self.pool.interviewers
        shapes = (
            LoopShape(interviews=2, panel=tuple(self.fresh), last_draft=True),
            LoopShape(interviews=8, panel=(*pool[:7], pool[-1]), last_draft=True),
        )
        self.out(f"Phase 1: {self.small_loops} loops (+2 probe loops)")
        probes = self.probes(self.seed_phase(loops=self.small_loops, seed=self.seed, shapes=shapes))
        self.export(label="1k")
        self.pipeline(label="1k")
        rest = self.loops - self.small_loops
        self.out(f"Phase 2: {rest} more loops, {self.loops} in all")
        if rest:
            self.seed_phase(loops=rest, seed=self.seed + 1)
        self.out("Measuring pages, aggregation, export…")
        self.debrief()
        self.pipeline(label="10k")
        figures["pipeline_ms"] = figures["pipeline_ms_10k"]
        self.count_queries(probes)
        self.export(label="10k")
        queries = self.results.queries
        figures["debrief_queries_small"] = queries["debrief"]["small"]
        figures["debrief_queries_large"] = queries["debrief"]["large"]
        figures["queries"] = queries
        figures["load_average_end"] = round(os.getloadavg()[0], 2)
        figures["queries_constant"] = all(q["small"] == q["large"] for q in queries.values())
        figures["export_peak_ratio"] = (
            round(figures["export_peak_mb_10k"] / figures["export_peak_mb_1k"], 2)
            if figures["export_peak_mb_1k"]
            else None
        )
        return self.results


def _table(results: Results) -> list[str]:
    f = results.figures
    copy = f.get("copy_rows_per_s")
    lines = [
        "",
        f"Database {f['database']}; {f['loops']} loops ({f['small_loops']} for the '1k' figures); seeding "
        f"{f['seed_s']:.1f} s; load average {f['load_average_start']} at the start, {f['load_average_end']} at the end "
        f"({os.cpu_count()} CPUs)",
        "",
        f"{'measure':<44}{'value':>14}  {'reference':<36}{'ratio':>8}",
        f"{'debrief page (median ms)':<44}{f['debrief_ms']:>14.2f}  "
        f"{'floor: ' + f['floor_page'] + ' ' + format(f['floor_ms'], '.2f'):<36}{f['debrief_vs_floor']:>8.2f}",
        f"{'debrief aggregation (median ms)':<44}{f['aggregation_ms']:>14.2f}  "
        f"{'one raw SQL join ' + format(f['raw_sql_ms'], '.2f') + ' ms':<36}{f['aggregation_vs_sql']:>8.2f}",
        f"{'pipeline page, staff, 50/page (median ms)':<44}{f['pipeline_ms_10k']:>14.2f}  "
        f"{'same at ' + str(f['small_loops']) + ' loops: ' + format(f['pipeline_ms_1k'], '.2f') + ' ms':<36}"
        f"{f['pipeline_ms_10k'] / f['pipeline_ms_1k']:>8.2f}",
        f"{'summary CSV export (rows/s)':<44}{f['export_rows_per_s']:>14,}  "
        f"{('COPY ' + format(copy, ',') + ' rows/s') if copy else 'COPY: n/a on SQLite':<36}"
        f"{(f['export_vs_copy'] or 0):>8.2f}",
        f"{'export peak memory (MB, tracemalloc)':<44}{f['export_peak_mb_10k']:>14.2f}  "
        f"{'at ' + str(f['export_rows_1k']) + ' loops: ' + format(f['export_peak_mb_1k'], '.2f') + ' MB':<36}"
        f"{(f['export_peak_ratio'] or 0):>8.2f}",
        "",
        f"{'page (queries)':<20}{'small loop':>12}{'large loop':>12}  same",
    ]
    for page, counts in results.queries.items():
        same = "yes" if counts["small"] == counts["large"] else "NO"
        lines.append(f"{page:<20}{counts['small']:>12}{counts['large']:>12}  {same}")
    lines += ["", "page timings at full size (median ms):"]
    lines += [f"  {name:<42}{value:>10.2f}" for name, value in results.timings.items()]
    lines += [f"note: {note}" for note in results.notes]
    return lines


class Command(BaseCommand):
    help = (
        "Benchmark pages, debrief aggregation and exports on a throwaway database seeded with N loops "
        "(the configured database is not touched); prints a table and one JSON line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loops", type=int, default=10_000, help="loops to generate (default: %(default)s)")
        parser.add_argument("--repeat", type=int, default=15, help="timed runs per figure (default: %(default)s)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")

    def handle(self, *args: Any, loops: int, repeat: int, seed: int, **options: Any) -> None:
        if loops < 2 or repeat < 1:
            raise CommandError("--loops must be at least 2 and --repeat at least 1.")
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        storages = {**settings.STORAGES}
        # The manifest storage needs collectstatic; page timings do not depend on it.
        storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        # A terminated run still drops its database: SIGTERM unwinds like an exception.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        # WhiteNoise warns when collectstatic has not run; static files play no part here.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        started = time.perf_counter()
        with (
            throwaway_database() as name,
            override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, SECURE_SSL_REDIRECT=False, STORAGES=storages),
        ):
            self.stdout.write(f"Benchmark database: {name} (dropped at the end)")
            results = Bench(loops=loops, repeat=repeat, seed=seed, out=self.stdout.write).run()
        results.figures["total_s"] = round(time.perf_counter() - started, 1)
        for line in _table(results):
            self.stdout.write(line)
        figures = {
            key: round(value, 3) if isinstance(value, float) else value for key, value in results.figures.items()
        }
        figures["notes"] = results.notes
        self.stdout.write(json.dumps(figures, sort_keys=True))
