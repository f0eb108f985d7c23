"""Benchmark the pages, the debrief aggregation and the export on a throwaway copy of generated data.

The configured database is never touched: the command creates a sibling database (SQLite:
a temporary file; PostgreSQL: `<name>_bench_<pid>` on the same server), migrates it, seeds
it with `hiring.scale`, measures, and drops it, whatever happens. Timings are medians of
`--repeat` runs after a warm-up, with DEBUG off; query counts come from
CaptureQueriesContext. The last line of output is one JSON object for machines.
"""

from __future__ import annotations

import datetime as dt
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
from django.utils import timezone

from devtools.generator import LoopShape, analyze, seed_loops, seed_users
from devtools.urls import FLOOR_PATH
from hiring import exports, policy
from hiring.export_columns import as_moment
from hiring.models import ExportRecord, Interview, Loop, Scorecard
from hiring.selectors.pipeline import RECOMMENDATIONS, PipelineFilter, pipeline_loops

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
    figures: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    pages: dict[str, dict[str, float]] = field(default_factory=dict)  # size label -> page -> median ms
    page_queries: dict[str, int] = field(default_factory=dict)  # page -> queries, at the full size
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)  # size label -> page -> median CPU ms (this process)
    notes: list[str] = field(default_factory=list)


FLOOR = "floor: bare signed-in view"
HEALTH = "/health/ signed out"
BASES = (FLOOR, HEALTH)  # what the pages are measured against


def size_label(loops: int) -> str:
    return f"{loops // 1000}k" if loops >= 1000 and loops % 1000 == 0 else str(loops)


def reference_summary_sql() -> str:
    """The loop-summary export for staff (every loop, newest first), written by hand in one pass.

    Independent of hiring.selectors.pipeline on purpose: three grouped aggregates (scorecards,
    observed signals, per-dimension means of the scored ratings) left-joined to the loops. The
    benchmark checks that the app's export gives the same rows, and streams this through COPY as
    the best the database can do.
    """
    submitted, draft = Scorecard.Status.SUBMITTED.value, Scorecard.Status.DRAFT.value
    recs = ", ".join(f"COALESCE(sc.rec_{v}, 0)" for v in RECOMMENDATIONS)
    rec_sums = ", ".join(
        f"SUM(CASE WHEN s.status = '{submitted}' AND s.recommendation = '{v}' THEN 1 ELSE 0 END) AS rec_{v}"
        for v in RECOMMENDATIONS
    )
    return f"""
SELECT l.id, c.name, rv.title, ro.slug, rv.number, rv.scale_min, rv.scale_max, l.status, l.created_at,
       hm.username, rc.username,
       COALESCE(sc.submitted, 0), COALESCE(sc.expected, 0), COALESCE(sc.overdue, 0), rm.mean,
       COALESCE(sg.strong, 0), COALESCE(sg.weak, 0), COALESCE(sg.red_flag, 0), {recs},
       d.outcome, d.at, du.username, d.rationale, d.rule_outcome, d.overridden, d.override_reason,
       EXISTS (SELECT 1 FROM hiring_decisionbasis b JOIN hiring_scorecard bs ON bs.id = b.scorecard_id
               WHERE b.decision_id = l.decision_id AND b.revision <> bs.revision)
FROM hiring_loop l
JOIN hiring_candidate c ON c.id = l.candidate_id
JOIN roles_rubricversion rv ON rv.id = l.rubric_id
JOIN roles_role ro ON ro.id = rv.role_id
JOIN auth_user hm ON hm.id = l.hiring_manager_id
JOIN auth_user rc ON rc.id = l.recruiter_id
LEFT JOIN hiring_decision d ON d.id = l.decision_id
LEFT JOIN auth_user du ON du.id = d.by_id
LEFT JOIN (SELECT i.loop_id, COUNT(*) AS expected,
                  SUM(CASE WHEN s.status = '{submitted}' THEN 1 ELSE 0 END) AS submitted,
                  SUM(CASE WHEN s.status = '{draft}' AND i.scheduled_at < %s THEN 1 ELSE 0 END) AS overdue, {rec_sums}
           FROM hiring_interview i LEFT JOIN hiring_scorecard s ON s.interview_id = i.id
           GROUP BY i.loop_id) sc ON sc.loop_id = l.id
LEFT JOIN (SELECT i.loop_id, SUM(CASE WHEN g.kind = 'strong' THEN 1 ELSE 0 END) AS strong,
                  SUM(CASE WHEN g.kind = 'weak' THEN 1 ELSE 0 END) AS weak,
                  SUM(CASE WHEN g.kind = 'red_flag' THEN 1 ELSE 0 END) AS red_flag
           FROM hiring_observedsignal o JOIN hiring_scorecard s ON s.id = o.scorecard_id
           JOIN hiring_interview i ON i.id = s.interview_id JOIN roles_signal g ON g.id = o.signal_id
           WHERE s.status = '{submitted}' GROUP BY i.loop_id) sg ON sg.loop_id = l.id
LEFT JOIN (SELECT x.loop_id, AVG(x.mean) AS mean
           FROM (SELECT i.loop_id, r.dimension_id,
                        AVG(CAST(r.score - v.scale_min AS DOUBLE PRECISION) / (v.scale_max - v.scale_min)) AS mean
                 FROM hiring_rating r JOIN hiring_scorecard s ON s.id = r.scorecard_id
                 JOIN hiring_interview i ON i.id = s.interview_id JOIN hiring_loop l2 ON l2.id = i.loop_id
                 JOIN roles_rubricversion v ON v.id = l2.rubric_id
                 WHERE s.status = '{submitted}' AND r.score IS NOT NULL AND NOT r.not_assessed
                 GROUP BY i.loop_id, r.dimension_id) x
           GROUP BY x.loop_id) rm ON rm.loop_id = l.id
ORDER BY l.created_at DESC, l.id DESC"""


CREATED_CELL, MEAN_CELL = 8, 14  # the loop's creation and its normalised mean in a summary row


def _reference_cells(row: tuple[Any, ...]) -> list[str]:
    """A reference row as the CSV writes it (dates in the current time zone, means to 3 places)."""
    cells = list(row)
    created, mean, outcome, at = cells[CREATED_CELL], cells[MEAN_CELL], cells[-8], cells[-7]
    overridden, changed = cells[-3], cells[-1]
    cells[CREATED_CELL] = timezone.localtime(as_moment(created)).date().isoformat()
    cells[MEAN_CELL] = "" if mean is None else f"{mean:.3f}"
    cells[-8] = outcome or ""
    cells[-7] = timezone.localtime(as_moment(at)).isoformat(timespec="seconds") if outcome else ""
    for i in (-6, -5, -4, -2):  # who decided, the rationale, the rule's outcome, the override's reason
        cells[i] = cells[i] if outcome else ""
    cells[-3] = ("yes" if overridden else "no") if outcome else ""
    cells[-1] = ("yes" if changed else "no") if outcome else ""
    return [str(cell) for cell in cells]


def _same_cells(app: list[str], reference: list[str]) -> bool:
    """Equal rows, but for a mean that lies on an exact .xxx5 tie, which two summation orders may round apart."""
    if app[:MEAN_CELL] != reference[:MEAN_CELL] or app[MEAN_CELL + 1 :] != reference[MEAN_CELL + 1 :]:
        return False
    mean, other = app[MEAN_CELL], reference[MEAN_CELL]
    return mean == other or (mean != "" and other != "" and abs(float(mean) - float(other)) < 0.0015)


class Bench:
    """One run: seed a first size, measure every page, seed up to the full size, measure again; export, COPY."""

    def __init__(self, *, loops: int, repeat: int, seed: int, out: Callable[[str], None]) -> None:
        self.loops = loops
        self.small_loops = min(10_000, max(1, loops // 10))
        self.repeat = repeat
        self.export_repeat = max(1, min(3, repeat))
        self.seed = seed
        self.out = out
        self.results = Results()
        self.clients: dict[int, Client] = {}
        self.anonymous = Client()

    # Set-up ------------------------------------------------------------------------------------

    def client(self, user: User) -> Client:
        if user.pk not in self.clients:
            client = Client()
            client.force_login(user)
            self.clients[user.pk] = client
        return self.clients[user.pk]

    def get(self, user: User | None, url: str) -> None:
        """GET the page as the user (None: signed out); anything but 200 stops the bench."""
        response = (self.anonymous if user is None else self.client(user)).get(url)
        if response.status_code != 200:
            who = user.username if user else "nobody signed in"
            raise CommandError(f"GET {url} as {who} answered {response.status_code}, not 200.")

    def users(self) -> None:
        interviewers = Group.objects.get_or_create(name=policy.INTERVIEWERS)[0]
        self.pool = seed_users(loops=self.small_loops)
        self.staff = User.objects.create(username="bench-staff", is_staff=True)
        self.nobody = User.objects.create(username="bench-nobody")
        self.fresh = [User.objects.create(username=f"bench-interviewer-{n}") for n in (1, 2)]
        for user in self.fresh:
            user.groups.add(interviewers)

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
        self.results.figures.setdefault("seed_s_phases", []).append(round(elapsed, 1))
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

    def choose_pages(self, probes: dict[str, Probe]) -> None:
        """The pages measured at every size: the same loops, users and URLs each time."""
        decided = (
            Loop.objects.filter(status=Loop.Status.DECIDED)
            .annotate(n=Count("interviews"))
            .filter(n=8)
            .select_related("hiring_manager", "rubric__role")
            .order_by("pk")
            .first()
        ) or Loop.objects.annotate(n=Count("interviews")).select_related("hiring_manager", "rubric__role").order_by(
            "-n", "pk"
        )[0]
        manager, role = decided.hiring_manager, decided.rubric.role.slug
        self.results.figures["debrief_loop_interviews"] = Interview.objects.filter(loop=decided).count()
        large = probes["large"]
        self.pages: dict[str, tuple[User | None, str]] = {
            HEALTH: (None, "/health/"),
            FLOOR: (self.nobody, FLOOR_PATH),
            "roles": (self.nobody, "/roles/"),
            "home, heavy interviewer": (self.pool.heavy, "/"),
            "scorecard form, draft": (large.interviewer, f"/scorecards/{large.draft.pk}/"),
            "debrief, 8 interviews": (manager, f"/loops/{decided.pk}/debrief/"),
            "debrief, adjusted": (manager, f"/loops/{decided.pk}/debrief/?adjusted=1"),
            "pipeline, 50/page": (self.staff, "/loops/"),
            "pipeline, one role": (self.staff, f"/loops/?role={role}"),
            "calibration, all roles": (manager, "/calibration/"),
            "calibration, one role": (manager, f"/calibration/?role={role}"),
            "loop summary": (manager, f"/loops/{decided.pk}/summary/"),
            "hiring health, all loops": (self.staff, "/hiring-health/"),
            "hiring health, one role": (self.staff, f"/hiring-health/?role={role}"),
            "hiring health, one manager": (manager, "/hiring-health/"),
        }
        self.decided = decided

    def measure_pages(self, *, label: str, budget_s: float = 30.0) -> None:
        """Medians of `repeat` rounds; each round requests every page once, so all share the same load.

        A page whose runs pass `budget_s` in all stops after 3 runs (it is then far off target anyway).
        """
        samples: dict[str, list[float]] = {page: [] for page in self.pages}
        cpu: dict[str, list[float]] = {page: [] for page in self.pages}
        spent = dict.fromkeys(self.pages, 0.0)
        for user, url in self.pages.values():
            self.get(user, url)  # warm-up
        for _ in range(self.repeat):
            for page, (user, url) in self.pages.items():
                if len(samples[page]) >= 3 and spent[page] > budget_s:
                    continue
                start, start_cpu = time.perf_counter(), time.process_time()
                self.get(user, url)
                took = time.perf_counter() - start
                cpu[page].append(time.process_time() - start_cpu)
                samples[page].append(took)
                spent[page] += took
        medians = {page: statistics.median(values) * 1000 for page, values in samples.items()}
        self.results.pages[label] = medians
        self.results.cpu[label] = {page: statistics.median(values) * 1000 for page, values in cpu.items()}
        for page, (user, url) in self.pages.items():
            with CaptureQueriesContext(connection) as captured:
                self.get(user, url)
            self.results.page_queries[page] = len(captured)
        self.out("  " + ", ".join(f"{page}: {ms:.1f} ms" for page, ms in medians.items()))

    def health_file(self, *, label: str) -> None:
        """The hiring health CSV (staff, every loop, the default period) once: wall and CPU time, and its ratio
        to the floor's median at the same size (it is measured after the pages)."""
        start, start_cpu = time.perf_counter(), time.process_time()
        response = self.client(self.staff).get("/hiring-health/export/")
        size = len(response.getvalue())  # consumed whole, as a download is
        took, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        if response.status_code != 200 or not size:
            raise CommandError(f"GET /hiring-health/export/ answered {response.status_code} ({size} bytes).")
        floor = self.results.pages[label][FLOOR]
        self.results.figures.setdefault("health_csv", {})[label] = {
            "ms": round(took, 1),
            "cpu_ms": round(cpu, 1),
            "vs_floor": round(took / floor, 1),
        }
        self.out(f"  hiring health CSV: {took:.1f} ms ({took / floor:.1f}x the floor), CPU {cpu:.1f} ms")

    def existing_probe(self) -> Probe:
        """For a run on existing data (--reuse): the newest loop in progress with a draft, as the large probe."""
        draft = (
            Scorecard.objects.filter(status=Scorecard.Status.DRAFT, interview__loop__status=Loop.Status.IN_PROGRESS)
            .select_related("interview__interviewer", "interview__loop")
            .order_by("-interview__loop_id", "-pk")
            .first()
        )
        if draft is None:
            raise CommandError("--reuse needs a loop in progress with a draft scorecard: seed_loops first.")
        return Probe("large", draft.interview.loop, draft.interview.interviewer, draft)

    def run_existing(self) -> Results:
        """Measure the pages on the configured database as it is (no seeding): one size, `repeat` rounds."""
        figures = self.results.figures
        label = size_label(Loop.objects.count())
        figures.update(database=connection.vendor, loops=Loop.objects.count(), label=label)
        figures["load_average_start"] = round(os.getloadavg()[0], 2)
        self.pool = seed_users(loops=Loop.objects.count())  # the generator's pool: created once, found after
        self.staff = User.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})[0]
        self.nobody = User.objects.get_or_create(username="bench-nobody")[0]
        self.choose_pages({"large": self.existing_probe()})
        self.out(f"Measuring pages at {label} ({self.repeat} rounds)…")
        self.measure_pages(label=label)
        self.health_file(label=label)
        pages = self.results.pages[label]
        figures["pages_ms"] = {p: round(ms, 2) for p, ms in pages.items()}
        figures["pages_cpu_ms"] = {p: round(ms, 2) for p, ms in self.results.cpu[label].items()}
        figures["page_vs_floor"] = {p: round(ms / pages[FLOOR], 2) for p, ms in pages.items() if p not in BASES}
        figures["queries_per_page"] = self.results.page_queries
        figures["load_average_end"] = round(os.getloadavg()[0], 2)
        return self.results

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
        if label == "full":
            figures["export_rows_per_s"] = figures["export_rows_per_s_full"]
            figures["export_s"] = round(seconds, 3)
            figures["export_matches_reference"] = self.export_matches_reference(loops)
            figures["copy_rows_per_s"] = self.copy_rows_per_s(exports.summary_select(loops, []), rows)
            figures["best_copy_rows_per_s"] = self.copy_rows_per_s(self.reference(), rows)
            for key, copy in (("export_vs_copy", "copy_rows_per_s"), ("export_vs_best_copy", "best_copy_rows_per_s")):
                figures[key] = round(figures["export_rows_per_s"] / figures[copy], 3) if figures[copy] else None

    def reference(self, now: dt.datetime | None = None) -> tuple[str, list[Any]]:
        cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.SCORECARD_DUE_HOURS)
        return reference_summary_sql(), [cutoff]

    def export_matches_reference(self, loops: Any) -> bool:
        """The app's summary rows, cell for cell, against the hand-written reference query's."""
        now = timezone.now()  # the same for both: an interview may become overdue between two runs
        app = [[str(cell) for cell in row] for row in exports.summary_rows(loops, [], now=now)]
        sql, params = self.reference(now)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            reference = [_reference_cells(row) for row in cursor.fetchall()]
        same = len(app) == len(reference) and all(map(_same_cells, app, reference))
        if not same:
            differing = next(
                (i for i, (a, b) in enumerate(zip(app, reference, strict=False)) if not _same_cells(a, b)),
                min(len(app), len(reference)),
            )
            self.results.notes.append(
                f"export differs from the reference at row {differing}: {app[differing]} vs {reference[differing]}"
                if differing < min(len(app), len(reference))
                else f"export has {len(app)} rows, the reference {len(reference)}"
            )
        return same

    def copy_rows_per_s(self, query: tuple[str, list[Any]], rows: int) -> int | None:
        """PostgreSQL's COPY of a query to STDOUT: what the database itself streams."""
        if connection.vendor != "postgresql":
            note = "COPY figures: skipped, COPY needs PostgreSQL (this run is on SQLite)."
            if note not in self.results.notes:
                self.results.notes.append(note)
            return None
        import psycopg

        sql, params = query
        connection.ensure_connection()
        raw = connection.connection
        text = psycopg.ClientCursor(raw).mogrify(sql, params)

        def run() -> None:
            with raw.cursor() as cursor, cursor.copy(f"COPY ({text}) TO STDOUT WITH (FORMAT csv)") as copy:
                for _ in copy:
                    pass

        seconds = median_ms(run, repeat=self.export_repeat, least=1) / 1000
        return round(rows / seconds)

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
        first, full = size_label(self.small_loops), size_label(self.loops)
        self.out(f"Phase 1: {self.small_loops} loops (+2 probe loops)")
        probes = self.probes(self.seed_phase(loops=self.small_loops, seed=self.seed, shapes=shapes))
        self.choose_pages(probes)
        self.out(f"Measuring pages at {first}…")
        self.measure_pages(label=first)
        self.health_file(label=first)
        self.export(label="first")
        rest = self.loops - self.small_loops
        self.out(f"Phase 2: {rest} more loops, {self.loops} in all")
        if rest:
            self.seed_phase(loops=rest, seed=self.seed + 1)
        figures["heavy_interviews"] = Interview.objects.filter(interviewer=self.pool.heavy).count()
        self.out(f"Measuring pages at {full}…")
        self.measure_pages(label=full)
        self.health_file(label=full)
        self.count_queries(probes)
        self.out("Export and COPY…")
        self.export(label="full")
        small_pages, pages = self.results.pages[first], self.results.pages[full]
        floor = pages[FLOOR]
        figures["sizes"] = [first, full]
        figures["pages_ms"] = {
            label: {p: round(ms, 2) for p, ms in by.items()} for label, by in self.results.pages.items()
        }
        figures["page_vs_floor"] = {page: round(ms / floor, 2) for page, ms in pages.items() if page not in BASES}
        figures["page_vs_floor_first"] = {
            page: round(ms / small_pages[FLOOR], 2) for page, ms in small_pages.items() if page not in BASES
        }
        figures["floor_vs_health"] = round(floor / pages[HEALTH], 2)
        figures["floor_vs_health_first"] = round(small_pages[FLOOR] / small_pages[HEALTH], 2)
        figures["queries_per_page"] = self.results.page_queries
        figures["pages_cpu_ms"] = {
            label: {p: round(ms, 2) for p, ms in by.items()} for label, by in self.results.cpu.items()
        }
        figures["growth_10k_to_100k"] = {page: round(ms / small_pages[page], 2) for page, ms in pages.items()}
        figures["calibration_ms"] = round(pages["calibration, all roles"], 2)
        figures["floor_ms"] = round(floor, 2)
        figures["debrief_ms"] = round(pages["debrief, 8 interviews"], 2)
        figures["debrief_vs_floor"] = figures["page_vs_floor"]["debrief, 8 interviews"]
        figures["pipeline_ms"] = round(pages["pipeline, 50/page"], 2)
        queries = self.results.queries
        figures["debrief_queries_small"] = queries["debrief"]["small"]
        figures["debrief_queries_large"] = queries["debrief"]["large"]
        figures["queries"] = queries
        figures["load_average_end"] = round(os.getloadavg()[0], 2)
        figures["queries_constant"] = all(q["small"] == q["large"] for q in queries.values())
        figures["export_peak_ratio"] = (
            round(figures["export_peak_mb_full"] / figures["export_peak_mb_first"], 2)
            if figures["export_peak_mb_first"]
            else None
        )
        return self.results


def _existing_table(results: Results) -> list[str]:
    f = results.figures
    label = f["label"]
    pages, cpu = results.pages[label], results.cpu[label]
    lines = [
        "",
        f"Database {f['database']} as it is; {f['loops']} loops; load average {f['load_average_start']} at the "
        f"start, {f['load_average_end']} at the end ({os.cpu_count()} CPUs)",
        "",
        f"{'page (median ms)':<28}{label:>10}{'x floor':>9}{'CPU ms':>8}{'CPU x':>7}{'queries':>9}",
    ]
    for page, ms in pages.items():
        lines.append(
            f"{page:<28}{ms:>10.2f}{ms / pages[FLOOR]:>9.2f}{cpu[page]:>8.2f}{cpu[page] / cpu[FLOOR]:>7.2f}"
            f"{results.page_queries[page]:>9}"
        )
    csv = f["health_csv"][label]
    lines.append(f"hiring health CSV once: {csv['ms']} ms ({csv['vs_floor']}x the floor), CPU {csv['cpu_ms']} ms")
    return lines


def _table(results: Results) -> list[str]:
    f = results.figures
    first, full = f["sizes"]
    lines = [
        "",
        f"Database {f['database']}; {f['loops']} loops (first measured at {f['small_loops']}); seeding "
        f"{f['seed_s']:.1f} s {f['seed_s_phases']}; load average {f['load_average_start']} at the start, "
        f"{f['load_average_end']} at the end ({os.cpu_count()} CPUs); heavy interviewer: "
        f"{f['heavy_interviews']} interviews",
        "",
        f"{'page (median ms)':<28}{first:>10}{'x floor':>9}{full:>10}{'x floor':>9}{'growth':>8}"
        f"{'CPU ms':>8}{'queries':>9}",
    ]
    small, large, cpu = results.pages[first], results.pages[full], results.cpu[full]
    for page in large:
        lines.append(
            f"{page:<28}{small[page]:>10.2f}{small[page] / small[FLOOR]:>9.2f}{large[page]:>10.2f}"
            f"{large[page] / large[FLOOR]:>9.2f}{large[page] / small[page]:>8.2f}{cpu[page]:>8.2f}"
            f"{results.page_queries[page]:>9}"
        )
    lines.append(f"the bare view costs {f['floor_vs_health']:.2f}x /health/ signed out")
    copy, best = f.get("copy_rows_per_s"), f.get("best_copy_rows_per_s")
    lines += [
        "",
        f"summary CSV export: {f['export_rows_full']:,} rows at {f['export_rows_per_s']:,} rows/s "
        f"(at {f['export_rows_first']:,} rows: {f['export_rows_per_s_first']:,} rows/s); identical to the "
        f"hand-written reference: {'yes' if f['export_matches_reference'] else 'NO'}",
        f"COPY of the app's statement: {copy or 'n/a'} rows/s (x{f.get('export_vs_copy') or 0:.2f}); "
        f"COPY of the reference: {best or 'n/a'} rows/s (export x{f.get('export_vs_best_copy') or 0:.2f})",
        f"export peak memory (tracemalloc): {f['export_peak_mb_first']:.2f} MB at {f['export_rows_first']:,} rows, "
        f"{f['export_peak_mb_full']:.2f} MB at {f['export_rows_full']:,} (x{f['export_peak_ratio'] or 0:.2f})",
        "",
        f"{'page (queries)':<20}{'small loop':>12}{'large loop':>12}  same",
    ]
    for page, counts in results.queries.items():
        same = "yes" if counts["small"] == counts["large"] else "NO"
        lines.append(f"{page:<20}{counts['small']:>12}{counts['large']:>12}  {same}")
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
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the pages on the configured database as it is (seeded before with seed_loops; "
            "migrated): no throwaway database, no seeding, one size; adds the users bench-staff and bench-nobody",
        )

    def handle(self, *args: Any, loops: int, repeat: int, seed: int, reuse: bool = False, **options: Any) -> None:
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
        measured = {
            "DEBUG": False,
            "ALLOWED_HOSTS": hosts,
            "SECURE_SSL_REDIRECT": False,
            "STORAGES": storages,
            "ROOT_URLCONF": "devtools.urls",  # the app's URLs and the bare view, FLOOR_PATH
        }
        if reuse:
            with override_settings(**measured):
                self.stdout.write(f"Measuring the configured database {connection.settings_dict['NAME']} as it is")
                results = Bench(loops=loops, repeat=repeat, seed=seed, out=self.stdout.write).run_existing()
            for line in _existing_table(results):
                self.stdout.write(line)
            self.stdout.write(json.dumps(results.figures, sort_keys=True))
            return
        with (
            throwaway_database() as name,
            override_settings(**measured),
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
