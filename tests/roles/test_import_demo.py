"""A role added by import only: the fixtures plus an imported blueprint load, and the demo serves it like any other."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hiring.models import Loop, Scorecard
from roles.models import Role, RubricVersion

pytestmark = pytest.mark.django_db

BLUEPRINT = Path(__file__).parent / "blueprints" / "data-engineer-1-to-4.md"
EVERY_STATE = {"planned", "in_progress", "complete", "decided"}


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_an_imported_role_loads_with_the_fixtures_and_gets_demo_loops_in_every_state(tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.ROLE_FIXTURES_DIR, fixtures)
    shipped = {path.parent.name for path in fixtures.glob("*/v*.json")}
    settings.ROLE_FIXTURES_DIR = fixtures

    call_command("import_blueprint", str(BLUEPRINT), "--out", str(fixtures), stdout=StringIO())
    call_command("load_roles", stdout=StringIO())
    call_command("setup_demo", stdout=StringIO())

    assert set(Role.objects.values_list("slug", flat=True)) == shipped | {"senior-data-engineer"}
    states: dict[str, set[str]] = {}
    for slug, status in Loop.objects.values_list("rubric__role__slug", "status"):
        states.setdefault(slug, set()).add(status)
    assert states == dict.fromkeys(shipped | {"senior-data-engineer"}, EVERY_STATE)

    imported = RubricVersion.objects.get(role__slug="senior-data-engineer")
    kit = _signed_in("interviewer").get(reverse("roles:kit", args=["senior-data-engineer"]))
    assert "Exactly-once results under replay, with a tested recovery path" in kit.content.decode()
    draft = Scorecard.objects.filter(interview__loop__rubric=imported, status="draft").first()
    assert draft is not None
    page = _signed_in(draft.interview.interviewer.username).get(reverse("scorecard", args=[draft.pk]))
    assert page.status_code == 200
    dimension = draft.interview.focus_dimensions.first()
    assert dimension is not None
    assert re.findall(rf'name="score_{dimension.pk}" value="([^"]+)"', page.content.decode()) == [
        "1",
        "2",
        "3",
        "4",
        "na",
    ]  # one row of levels, lowest on the left
    complete = Loop.objects.get(rubric=imported, status="complete")
    assert _signed_in("hiring-manager").get(reverse("loop_debrief", args=[complete.pk])).status_code == 200
