"""The demo data of the README's first command (setup_demo): accounts, loops in every state, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from hiring.demo import STATES
from hiring.models import Amendment, Candidate, Interview, Loop, Scorecard
from tests.factories import ExerciseFactory, RubricVersionFactory

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "recruiter": {"Recruiters"},
    "hiring-manager": {"Hiring managers"},
    "interviewer": {"Interviewers"},
    "interviewer2": {"Interviewers"},
    "admin": set(),
}


def _setup_demo() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple:
    return (
        User.objects.count(),
        Candidate.objects.count(),
        Loop.objects.count(),
        Interview.objects.count(),
        Amendment.objects.count(),
        sorted(Scorecard.objects.values_list("pk", "status", "revision")),
    )


def _states_by_role() -> dict[str, set[str]]:
    states: dict[str, set[str]] = {}
    for slug, status in Loop.objects.values_list("rubric__role__slug", "status"):
        states.setdefault(slug, set()).add(status)
    return states


EVERY_STATE = {"planned", "in_progress", "complete", "decided"}


def _factory_roles(count: int, prefix: str = "role") -> list[str]:
    """Small roles (two dimensions, one exercise assessing both, a signal of each kind), built fast."""
    slugs = []
    for number in range(count):
        rubric = RubricVersionFactory(role__slug=f"{prefix}-{number:02d}", dimensions=2, signals=True)
        ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()))
        slugs.append(rubric.role.slug)
    return slugs


@pytest.mark.parametrize("count", [1, 8])  # 8 roles: 32 candidates, past the 20 first names
def test_setup_demo_gives_each_of_any_number_of_roles_its_loops_in_every_state(count):
    slugs = _factory_roles(count)

    out = _setup_demo()

    assert f"Created {len(STATES) * count} demo loops." in out
    assert _states_by_role() == dict.fromkeys(slugs, EVERY_STATE)
    names = list(Candidate.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names) == len(STATES) * count
    before = _counts()
    assert "Created" not in _setup_demo()
    assert _counts() == before


def test_a_role_added_after_the_demo_gets_its_loops_on_the_next_run_and_nobody_else_changes():
    _factory_roles(2)
    _setup_demo()
    before = sorted(Loop.objects.values_list("pk", "candidate__name", "status", "rubric__role__slug"))
    [added] = _factory_roles(1, prefix="added")

    out = _setup_demo()

    assert f"Created {len(STATES)} demo loops." in out
    after = sorted(Loop.objects.values_list("pk", "candidate__name", "status", "rubric__role__slug"))
    assert after[: len(before)] == before
    assert {slug for *_, slug in after[len(before) :]} == {added}
    assert _states_by_role()[added] == EVERY_STATE
    names = [name for _, name, _, _ in after]
    assert len(set(names)) == len(names)
