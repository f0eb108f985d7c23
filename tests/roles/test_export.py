"""Any rubric version exports to its fixture file (the role page's download, `export_role`), and loading that
file into an empty library gives the identical version: every shipped role and every test-imported one."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from roles.importing.building import fixture_import
from roles.importing.reading import document_file_read
from roles.models import Anchor, AssessmentArea, Dimension, Exercise, Question, Role, RubricVersion, ScaleLevel, Signal
from roles.selectors import rubric_export
from roles.services import roles_load
from tests.roles.helpers import REAL_SLUGS, real_document, real_path, write_document

BLUEPRINTS = Path(__file__).parent / "blueprints"
DOCUMENTS = sorted(path.name for path in BLUEPRINTS.iterdir())

pytestmark = pytest.mark.django_db


def _version(rubric: RubricVersion) -> dict[str, Any]:
    """Everything a version holds, read from its tables, with slugs where the tables hold ids."""
    dimensions = {d.pk: d.slug for d in Dimension.objects.filter(rubric=rubric)}
    exercises = {e.pk: e.slug for e in Exercise.objects.filter(rubric=rubric)}
    return {
        "version": (
            rubric.role.slug,
            rubric.number,
            rubric.title,
            rubric.level,
            rubric.purpose,
            rubric.source,
            rubric.scale_min,
            rubric.scale_max,
            rubric.scale_rationale,
            rubric.rule_threshold,
            rubric.rule_no_red_flag,
            rubric.content_hash,
        ),
        "levels": list(ScaleLevel.objects.filter(rubric=rubric).values_list("value", "label", "definition")),
        "areas": list(AssessmentArea.objects.filter(rubric=rubric).values_list("position", "name", "questions")),
        "dimensions": list(
            Dimension.objects.filter(rubric=rubric).values_list(
                "slug", "position", "name", "description", "optional", "must_have_bar"
            )
        ),
        "anchors": sorted(
            (dimensions[a.dimension_id], a.level, a.level_max, a.text, a.source)
            for a in Anchor.objects.filter(dimension__rubric=rubric)
        ),
        "exercises": [
            (e.slug, e.position, e.title, e.format, e.duration, e.optional, e.brief, e.ask_for, _slugs(e))
            for e in Exercise.objects.filter(rubric=rubric)
        ],
        "questions": [
            (q.position, q.text, dimensions.get(q.dimension_id or 0), exercises.get(q.exercise_id or 0))
            for q in Question.objects.filter(rubric=rubric)
        ],
        "signals": [
            (s.position, s.kind, s.text, dimensions.get(s.dimension_id or 0))
            for s in Signal.objects.filter(rubric=rubric)
        ],
    }


def _slugs(exercise: Exercise) -> list[str]:
    return sorted(d.slug for d in exercise.dimensions.all())


def _library_emptied() -> None:
    RubricVersion.objects.all().delete()
    Role.objects.all().delete()
    assert not ScaleLevel.objects.exists()
    assert not Dimension.objects.exists()


def _round_trip(path: Path, tmp_path: Path) -> None:
    [outcome] = roles_load(paths=[path])
    before = _version(RubricVersion.objects.get(role__slug=outcome.role, number=outcome.version))
    exported = rubric_export(role_slug=outcome.role, number=outcome.version)
    _library_emptied()

    roles_load(paths=[write_document(tmp_path, exported, "exported.json")])

    assert _version(RubricVersion.objects.get(role__slug=outcome.role, number=outcome.version)) == before
    assert rubric_export(role_slug=outcome.role, number=outcome.version) == exported


@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_a_shipped_role_exported_and_loaded_into_an_empty_library_is_the_identical_version(slug, tmp_path):
    _round_trip(real_path(slug), tmp_path)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_an_imported_role_exported_and_loaded_into_an_empty_library_is_the_identical_version(name, tmp_path):
    fixture = fixture_import(document_file_read(BLUEPRINTS / name))
    _round_trip(write_document(tmp_path, fixture, "imported.json"), tmp_path)


def test_the_export_of_a_shipped_fixture_is_its_file_less_what_the_format_lets_it_leave_out():
    roles_load(paths=[real_path("principal-ml-scientist")])
    exported = rubric_export(role_slug="principal-ml-scientist")
    written = real_document("principal-ml-scientist")
    assert exported["role"] == written["role"]
    for exercise in written["rubric"]["exercises"]:
        if not exercise["ask_for"]:
            del exercise["ask_for"]
        if not exercise["optional"]:
            del exercise["optional"]
    assert exported["rubric"] == written["rubric"]


@pytest.fixture
def two_versions(tmp_path: Path) -> Path:
    """principal-ml-scientist v1 as shipped, and a v2 that rewords one anchor."""
    second = real_document("principal-ml-scientist")
    second["rubric"]["version"] = 2
    second["rubric"]["dimensions"][0]["anchors"][0]["text"] = "Frames the problem better than the team did"
    roles_load(paths=[real_path("principal-ml-scientist"), write_document(tmp_path, second, "v2.json")])
    return tmp_path


def test_export_role_writes_the_newest_version_or_the_one_asked_for_to_its_fixture_file(two_versions):
    out = two_versions / "fixtures"
    stdout = StringIO()
    call_command("export_role", "principal-ml-scientist", "--out", str(out), stdout=stdout)
    call_command("export_role", "principal-ml-scientist", "--version", "1", "--out", str(out), stdout=stdout)

    newest = json.loads((out / "principal-ml-scientist" / "v2.json").read_text(encoding="utf-8"))
    first = json.loads((out / "principal-ml-scientist" / "v1.json").read_text(encoding="utf-8"))
    assert newest["rubric"]["dimensions"][0]["anchors"][0]["text"] == "Frames the problem better than the team did"
    assert (
        first["rubric"]["dimensions"][0]["anchors"][0]["text"]
        == real_document("principal-ml-scientist")["rubric"]["dimensions"][0]["anchors"][0]["text"]
    )
    assert stdout.getvalue().splitlines() == [
        f"{out / 'principal-ml-scientist' / 'v2.json'} written",
        f"{out / 'principal-ml-scientist' / 'v1.json'} written",
    ]


def test_export_role_prints_the_fixture_when_asked_and_refuses_an_unknown_role_or_version(two_versions):
    stdout = StringIO()
    call_command("export_role", "principal-ml-scientist", "--version", "1", "--print", stdout=stdout)
    assert json.loads(stdout.getvalue()) == rubric_export(role_slug="principal-ml-scientist", number=1)
    with pytest.raises(CommandError, match=r"There is no version 3 of role 'principal-ml-scientist' in the library\."):
        call_command("export_role", "principal-ml-scientist", "--version", "3", "--print")
    with pytest.raises(CommandError, match=r"There is no role 'astrologer' in the library\."):
        call_command("export_role", "astrologer")


def test_staff_download_a_versions_fixture_from_the_role_page(two_versions, staff, login):
    client = login(staff)
    kit = client.get(reverse("roles:kit", args=["principal-ml-scientist"]), {"version": "1"}).content.decode()
    assert 'href="/roles/principal-ml-scientist/fixture/?version=1" download>Download fixture (v1)</a>' in kit

    response = client.get(reverse("roles:fixture", args=["principal-ml-scientist"]), {"version": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="principal-ml-scientist-v1.json"'
    assert json.loads(response.content) == rubric_export(role_slug="principal-ml-scientist", number=1)
    missing = client.get(reverse("roles:fixture", args=["principal-ml-scientist"]), {"version": "9"})
    assert missing.status_code == 404


def test_the_fixture_download_is_for_staff_only(two_versions, interviewer, login):
    client = login(interviewer)
    kit = client.get(reverse("roles:kit", args=["principal-ml-scientist"])).content.decode()
    assert "Download fixture" not in kit
    assert client.get(reverse("roles:fixture", args=["principal-ml-scientist"])).status_code == 403
