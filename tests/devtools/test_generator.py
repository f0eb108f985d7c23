from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from devtools.generator import seed_loops
from hiring.models import Amendment, Decision, Interview, Loop, ObservedSignal, Rating, Scorecard
from hiring.selectors.decisions import decision_is_changed
from roles.models import Role, RubricVersion
from roles.services import default_fixture_paths

ROOT = Path(__file__).resolve().parents[2]
BENCH_KEYS = {
    "debrief_vs_floor",
    "floor_vs_health",
    "queries_per_page",
    "debrief_queries_small",
    "debrief_queries_large",
    "pipeline_ms",
    "export_rows_per_s",
    "export_vs_copy",
    "export_vs_best_copy",
    "export_peak_mb_first",
    "export_peak_mb_full",
    "page_vs_floor",
    "growth_10k_to_100k",
    "calibration_ms",
}


def _expected_status(statuses: list[tuple[str, int]]) -> str:
    """The loop status hiring.services derives from its scorecards (before any decision)."""
    if statuses and all(status == "submitted" for status, _ in statuses):
        return "complete"
    if any(status == "submitted" or revision > 1 for status, revision in statuses):
        return "in_progress"
    return "planned"


def _exercise_slug(interview: Interview) -> str:
    assert interview.exercise is not None
    return interview.exercise.slug


def _signature(loops: list[Loop]) -> list[tuple]:
    """What a reproducible run must repeat: role, status, and every interview's panel and scores."""
    return [
        (
            loop.rubric.role.slug,
            loop.status,
            [
                (
                    interview.interviewer.username,
                    _exercise_slug(interview),
                    interview.scorecard.recommendation,
                    sorted((r.dimension.slug, r.score) for r in interview.scorecard.ratings.all()),
                )
                for interview in loop.interviews.order_by("pk")
            ],
        )
        for loop in loops
    ]


@pytest.mark.django_db
def test_seed_loops_creates_a_consistent_data_set_for_every_role() -> None:
    out = io.StringIO()
    call_command("seed_loops", loops=30, seed=7, stdout=out)

    assert "Created 30 loops" in out.getvalue()
    loops = list(Loop.objects.select_related("rubric__role").prefetch_related("interviews__scorecard"))
    assert len(loops) == 30
    assert {loop.rubric.role.slug for loop in loops} == set(Role.objects.values_list("slug", flat=True))
    assert Role.objects.count() == len(default_fixture_paths())
    for loop in loops:
        interviews = list(loop.interviews.all())
        assert 4 <= len(interviews) <= 8
        statuses = [(i.scorecard.status, i.scorecard.revision) for i in interviews]
        if loop.status == Loop.Status.DECIDED:
            assert all(status == "submitted" for status, _ in statuses)
        else:
            assert loop.status == _expected_status(statuses)
    assert not Interview.objects.filter(focus_dimensions=None).exists()

    for rating in Rating.objects.select_related("scorecard__interview__loop__rubric"):
        rubric = rating.scorecard.interview.loop.rubric
        if rating.not_assessed:
            assert rating.score is None
        else:
            assert rating.score is not None
            assert rubric.scale_min <= rating.score <= rubric.scale_max
        assert rating.evidence.strip()
    submitted = Scorecard.objects.filter(status="submitted")
    assert submitted.exists()
    assert not submitted.filter(recommendation="").exists()
    assert not submitted.filter(submitted_at=None).exists()
    assert not ObservedSignal.objects.filter(signal__kind="red_flag", note="").exists()

    decided = Loop.objects.filter(status=Loop.Status.DECIDED)
    assert decided.exists()
    assert Decision.objects.count() == decided.count()
    assert not decided.filter(decision=None).exists()
    amendments = list(Amendment.objects.all())
    assert amendments
    assert all(a.changes and {"field", "before", "after"} <= set(a.changes[0]) for a in amendments)
    assert not RubricVersion.objects.filter(pk__in=[loop.rubric_id for loop in loops], locked_at=None).exists()
    for loop in Loop.objects.all():  # the loops' stored flags, as the services would have left them
        red = ObservedSignal.objects.filter(
            scorecard__interview__loop=loop, scorecard__status="submitted", signal__kind="red_flag"
        ).count()
        assert (loop.red_flags, loop.decision_changed) == (
            red,
            loop.decision_id is not None and decision_is_changed(decision_id=loop.decision_id),
        )
    assert Loop.objects.filter(decision_changed=True).exists()

    interviewers = User.objects.filter(username__startswith="seed-interviewer-", groups__name="Interviewers")
    assert interviewers.count() == 40
    assert User.objects.filter(username__startswith="seed-hiring-manager-", groups__name="Hiring managers").count() == 8
    assert User.objects.filter(username__startswith="seed-recruiter-", groups__name="Recruiters").count() == 4
    assert not any(user.has_usable_password() for user in interviewers)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data() -> None:
    def run(seed: int) -> list[tuple]:
        before = set(Loop.objects.values_list("pk", flat=True))
        seed_loops(loops=8, seed=seed)
        created = Loop.objects.exclude(pk__in=before).select_related("rubric__role").order_by("pk")
        return _signature(list(created))

    first = run(11)
    assert first == run(11)
    assert first != run(12)


@pytest.mark.database  # its own throwaway database, on the engine of DATABASE_URL
def test_bench_runs_end_to_end_and_prints_the_json_line() -> None:
    """The real command in a subprocess: it makes (and drops) its own throwaway database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--loops", "20", "--repeat", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) >= BENCH_KEYS
    assert figures["loops"] == 20
    assert figures["debrief_queries_small"] > 0
    assert figures["export_rows_full"] == 22  # 20 generated loops and the 2 probe loops
    assert figures["export_matches_reference"] is True  # the app's export equals the hand-written query's rows
    assert figures["queries_constant"] is True
    assert "debrief" in result.stdout
    assert {"/health/ signed out", "floor: bare signed-in view", "roles"} <= set(figures["queries_per_page"])
    assert "roles" in figures["page_vs_floor"]  # /roles/ is one of the pages now, measured against the bare view
    health = {"hiring health, all loops", "hiring health, one role", "hiring health, one manager"}
    assert health <= set(figures["page_vs_floor"])
    assert set(figures["health_csv"]) == {"2", "20"}  # the file once at each size


@pytest.mark.database  # a database it seeds itself, on the engine of DATABASE_URL
def test_bench_measures_an_existing_database_as_it_is_when_asked(tmp_path) -> None:
    """--reuse: the pages of a database seeded before (here 20 loops), no throwaway copy, no seeding."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "DATABASE_URL": f"sqlite:///{tmp_path / 'kept.sqlite3'}"}

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    manage("migrate", "-v", "0")
    manage("seed_loops", "--loops", "20", "--seed", "2")
    figures = json.loads(manage("bench", "--reuse", "--repeat", "1").stdout.strip().splitlines()[-1])
    assert (figures["loops"], figures["label"]) == (20, "20")
    assert "hiring health, one role" in figures["page_vs_floor"]
    assert figures["health_csv"]["20"]["ms"] > 0
    counted = manage("shell", "-c", "from hiring.models import Loop; print(Loop.objects.count())")
    assert counted.stdout.split()[-1] == "20"  # nothing seeded by the bench
