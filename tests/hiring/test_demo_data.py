"""The demo of the README's first command (setup_demo) on the five real roles, built once for the module:
accounts, loops in every state, idempotent, and an interviewer with scorecards to write on both scales."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from hiring.demo import STATES
from hiring.models import Decision, Scorecard
from roles.models import Role, RubricVersion
from tests.hiring.test_demo import ACCOUNTS, EVERY_STATE, _counts, _setup_demo, _states_by_role

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse  # what the test client answers (stubs only)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """setup_demo's output on the real role fixtures, run once for the module in a transaction rolled back
    at its end; each test's own transaction nests inside it."""
    from roles.services import default_fixture_paths, roles_load

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # The fast hasher of tests/conftest.py is not yet in place for a module-scoped fixture.
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                roles_load(paths=default_fixture_paths())
                yield _setup_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


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


def _to_write(response) -> str:
    match = re.search(r'id="write-heading".*?</section>', response.content.decode(), re.DOTALL)
    return html.unescape(match.group(0)) if match else ""


def _log_in(username: str) -> tuple[Client, _MonkeyPatchedWSGIResponse]:
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
    assert scorecard is not None
    page = client.get(reverse("scorecard", args=[scorecard.pk]))
    assert page.status_code == 200
    dimension = scorecard.interview.focus_dimensions.first()
    assert dimension is not None
    values = re.findall(rf'name="score_{dimension.pk}" value="([^"]+)"', page.content.decode())
    assert values == ["0", "1", "2", "3", "4", "na"]  # one row of levels, lowest on the left


def test_the_demo_manager_follows_the_decision_rule_on_some_loops_and_overrules_it_with_a_reason_on_others(demo):
    decided = list(Decision.objects.filter(kind=Decision.Kind.DECIDED).order_by("loop__rubric__role_id"))
    overridden = [d for d in decided if d.overridden]
    followed = [d for d in decided if not d.overridden]
    assert overridden, "calibration's override rates would read none"
    assert followed, "calibration's override rates would read all"
    assert all(d.override_reason for d in overridden)
    assert not any(d.override_reason for d in followed)
    assert all(d.outcome == d.rule_outcome for d in followed)
    client, _ = _log_in("hiring-manager")
    page = client.get(reverse("calibration")).content.decode()
    row = re.search(r'id="overrides-managers".*?<th scope="row">Harper Manager</th>(.*?)</tr>', page, re.DOTALL)
    assert row is not None
    share = round(100 * len(overridden) / len(decided))
    assert re.findall(r"<td>(.*?)</td>", row.group(1))[:3] == [str(len(decided)), str(len(overridden)), f"{share}%"]
