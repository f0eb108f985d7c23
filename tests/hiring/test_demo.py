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

from hiring.models import Amendment, Candidate, Interview, Loop, Scorecard
from roles.models import RubricVersion

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "recruiter": {"Recruiters"},
    "hiring-manager": {"Hiring managers"},
    "interviewer": {"Interviewers"},
    "interviewer2": {"Interviewers"},
    "admin": set(),
}
ROLES = {
    "lead-ml-scientist",
    "principal-ai-research-scientist",
    "principal-ml-scientist",
    "principal-research-scientist",
    "senior-ml-scientist",
}


@pytest.fixture
def demo(role_fixtures) -> str:
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


def test_setup_demo_creates_accounts_and_loops_for_every_role_in_every_state_once(demo):
    assert "Created 20 demo loops." in demo
    users = {user.username: user for user in User.objects.filter(username__in=ACCOUNTS)}
    assert {name: set(user.groups.values_list("name", flat=True)) for name, user in users.items()} == ACCOUNTS
    assert (users["admin"].is_staff, users["admin"].is_superuser) == (True, True)
    assert not any(users[name].is_staff for name in ACCOUNTS if name != "admin")
    states: dict[str, set[str]] = {}
    for slug, status in Loop.objects.values_list("rubric__role__slug", "status"):
        states.setdefault(slug, set()).add(status)
    assert set(states) == ROLES
    for slug, seen in states.items():
        assert {"planned", "in_progress", "complete"} <= seen, slug
    before = _counts()

    again = StringIO()
    call_command("setup_demo", stdout=again)

    assert _counts() == before
    assert "Created" not in again.getvalue()
    assert User.objects.get(username="interviewer").groups.filter(name="Interviewers").exists()


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
    assert any(titles[slug] in to_write for slug in ROLES - {"principal-research-scientist"})  # a 1–5 role

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
    assert values == ["4", "3", "2", "1", "0", "na"]
