"""The demo data of the README's first command (setup_demo): accounts, loops in every state, idempotent."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hiring.demo import STATES
from hiring.models import Amendment, Candidate, Interview, Loop, Scorecard
from roles.models import Role, RubricVersion
from tests.factories import ExerciseFactory, RubricVersionFactory

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "recruiter": {"Recruiters"},
    "hiring-manager": {"Hiring managers"},
    "interviewer": {"Interviewers"},
    "interviewer2": {"Interviewers"},
    "admin": set(),
}


@pytest.fixture
def demo(role_fixtures) -> str:
    return _setup_demo()


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


def test_setup_demo_creates_accounts_and_loops_for_every_role_in_every_state_once(demo):
    roles = set(Role.objects.values_list("slug", flat=True))
    assert f"Created {len(STATES) * len(roles)} demo loops." in demo
    users = {user.username: user for user in User.objects.filter(username__in=ACCOUNTS)}
    assert {name: set(user.groups.values_list("name", flat=True)) for name, user in users.items()} == ACCOUNTS
    assert (users["admin"].is_staff, users["admin"].is_superuser) == (True, True)
    assert not any(users[name].is_staff for name in ACCOUNTS if name != "admin")
    assert _states_by_role() == dict.fromkeys(roles, EVERY_STATE)
    before = _counts()

    again = _setup_demo()

    assert _counts() == before
    assert "Created" not in again
    assert User.objects.get(username="interviewer").groups.filter(name="Interviewers").exists()


def _factory_roles(count: int, prefix: str = "role") -> list[str]:
    """Small roles (two dimensions, one exercise assessing both, a signal of each kind), built fast."""
    slugs = []
    for number in range(count):
        rubric = RubricVersionFactory(role__slug=f"{prefix}-{number:02d}", dimensions=2, signals=True)
        ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()))
        slugs.append(rubric.role.slug)
    return slugs


@pytest.mark.parametrize("count", [1, 50])
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


def _to_write(response) -> str:
    match = re.search(r'id="write-heading".*?</section>', response.content.decode(), re.DOTALL)
    return html.unescape(match.group(0)) if match else ""


def _log_in(username: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": settings.DEMO_PASSWORD, "next": "/"}, follow=True
    )
    return client, response


def test_the_demo_accounts_log_in_and_the_interviewer_has_scorecards_to_write_on_both_scales(demo):
    for username in ACCOUNTS:
        _, response = _log_in(username)
        assert response.status_code == 200, username
        assert response.context["user"].username == username

    client, response = _log_in("interviewer")

    to_write = _to_write(response)
    titles = dict(RubricVersion.objects.values_list("role__slug", "title"))
    assert titles["principal-research-scientist"] in to_write  # the 0–4 role
    assert any(title in to_write for slug, title in titles.items() if slug != "principal-research-scientist")  # 1–5

    # The 0–4 role's scorecard opens as a form on its own scale.
    scorecard = Scorecard.objects.filter(
        interview__interviewer__username="interviewer",
        interview__loop__rubric__role__slug="principal-research-scientist",
        interview__loop__status="in_progress",
        status="draft",
    ).first()
    page = client.get(reverse("scorecard", args=[scorecard.pk]))
    assert page.status_code == 200
    dimension = scorecard.interview.focus_dimensions.first()
    values = re.findall(rf'name="score_{dimension.pk}" value="([^"]+)"', page.content.decode())
    assert values == ["0", "1", "2", "3", "4", "na"]  # one row of levels, lowest on the left
