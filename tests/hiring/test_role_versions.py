"""A loop keeps the role's words it was scored under: a new version with a new title changes no old loop."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from roles.models import RubricVersion
from roles.services import roles_load
from tests.factories import InterviewFactory, LoopFactory, UserFactory
from tests.roles.helpers import real_document, real_path, write_document
from tests.security.scenario import body, signed_in, submit

pytestmark = pytest.mark.django_db

SLUG = "principal-ml-scientist"
NEW_TITLE = "Principal Applied Scientist"
NEW_PURPOSE = "Own the applied science roadmap."


@pytest.fixture
def old_loop(tmp_path):
    """A loop scored on version 1, then version 2 of its role loaded under a new title and purpose."""
    roles_load(paths=[real_path(SLUG)])
    version_1 = RubricVersion.objects.get(role__slug=SLUG, number=1)
    loop = LoopFactory(rubric=version_1, candidate__name="Old Loop Candidate")
    submit(InterviewFactory(loop=loop).scorecard, "Framed the problem well.")
    document = real_document(SLUG)
    document["rubric"]["version"] = 2
    document["role"].update(title=NEW_TITLE, purpose=NEW_PURPOSE)
    roles_load(paths=[write_document(tmp_path, document, "v2.json")], retitle=True)
    return loop


OLD_TITLE = real_document(SLUG)["role"]["title"]


@pytest.fixture
def staff_client():
    return signed_in(UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("page", ["loop_detail", "loop_debrief", "loop_summary", "loop_plan"])
def test_the_pages_of_an_old_loop_show_the_title_it_was_scored_under(old_loop, staff_client, page):
    response = staff_client.get(reverse(page, args=[old_loop.pk]))

    assert response.status_code == 200
    html = body(response)
    assert escape(OLD_TITLE) in html
    assert NEW_TITLE not in html


def test_the_kit_linked_from_an_old_loop_shows_that_versions_title_and_purpose(old_loop, staff_client):
    detail = body(staff_client.get(reverse("loop_detail", args=[old_loop.pk])))
    kit_url = f"{reverse('roles:kit', args=[SLUG])}?version=1"
    assert f'href="{kit_url}"' in detail

    response = staff_client.get(kit_url)

    assert response.status_code == 200
    kit = body(response)

    assert f'<h1 class="h2">{escape(OLD_TITLE)}</h1>' in kit
    assert escape(real_document(SLUG)["role"]["purpose"]) in kit
    assert NEW_PURPOSE not in kit


def _csv(client, kind: str) -> list[dict[str, str]]:
    response = client.get(reverse("loop_export"), {"kind": kind, "format": "csv"})
    return list(csv.DictReader(io.StringIO(body(response).lstrip("\ufeff"))))


def test_exports_name_each_loop_by_the_title_of_its_own_version(old_loop, staff_client):
    new_loop = LoopFactory(rubric=RubricVersion.objects.get(role__slug=SLUG, number=2))
    submit(InterviewFactory(loop=new_loop).scorecard, "Strong roadmap.")

    summary = {int(row["loop_id"]): row["role"] for row in _csv(staff_client, "summary")}
    ratings = {(int(row["loop_id"]), row["role"]) for row in _csv(staff_client, "ratings")}
    documents = json.loads(body(staff_client.get(reverse("loop_export"), {"kind": "summary", "format": "json"})))
    out = io.StringIO()
    call_command("export_loops", "--format", "csv", stdout=out)
    command = {int(row["loop_id"]): row["role"] for row in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))}

    assert summary == {old_loop.pk: OLD_TITLE, new_loop.pk: NEW_TITLE}
    assert ratings == {(old_loop.pk, OLD_TITLE), (new_loop.pk, NEW_TITLE)}
    assert {item["loop"]: item["role"] for item in documents["loops"]} == {
        old_loop.pk: OLD_TITLE,
        new_loop.pk: NEW_TITLE,
    }
    assert command == summary


def test_the_pipeline_lists_old_loops_under_their_title_and_filters_by_the_newest(old_loop, staff_client):
    html = body(staff_client.get(reverse("loop_pipeline")))

    assert f"<td>{escape(OLD_TITLE)}</td>" in html
    assert f'<option value="{SLUG}">{NEW_TITLE}</option>' in html
