"""The `load_roles` management command: what an author sees when a fixture is wrong, and that nothing changes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from roles.blueprints import rubric_hash
from roles.models import Anchor, Dimension, Role, RubricVersion
from roles.services import roles_load, rubric_lock
from tests.factories import RubricVersionFactory
from tests.processes import manage
from tests.roles.helpers import (
    REAL_SLUGS,
    dimension_named,
    real_document,
    real_path,
    roles_snapshot,
    write_document,
)

pytestmark = pytest.mark.django_db

SLUG = "principal-ml-scientist"
HEADER = "Nothing was loaded. Fix these problems first:"
MODELING = 'dimension "Modeling depth" (2)'


def _load(*paths: Path) -> str:
    out = StringIO()
    call_command("load_roles", *[str(path) for path in paths], stdout=out)
    return out.getvalue()


def _refused(path: Path) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("load_roles", str(path), stdout=StringIO())
    return str(raised.value)


def _unlocked_version_1_in_the_library() -> None:
    """An unlocked version 1 of the same role: a fixture wrongly let through would be loaded over it."""
    RubricVersionFactory(role__slug=SLUG, dimensions=2, signals=True)


# --- each mutation starts from the real principal-ml-scientist fixture ---------------------------------


def _anchor_level_outside_scale(document: dict) -> None:
    dimension_named(document, "Modeling depth")["anchors"][0]["level"] = 6


def _duplicate_dimension_name(document: dict) -> None:
    dimension_named(document, "Modeling depth")["name"] = "Problem framing"


def _duplicate_dimension_slug(document: dict) -> None:
    dimension_named(document, "Modeling depth")["slug"] = "problem-framing"


def _unknown_signal_kind(document: dict) -> None:
    document["rubric"]["signals"][2]["kind"] = "amazing"


def _dimension_description_not_text(document: dict) -> None:
    dimension_named(document, "Modeling depth")["description"] = ["Depth."]


def _missing_role_title(document: dict) -> None:
    del document["role"]["title"]


def _unknown_dimension_field(document: dict) -> None:
    dimension_named(document, "Modeling depth")["colour"] = "red"


def _unknown_anchor_field(document: dict) -> None:
    dimension_named(document, "Modeling depth")["anchors"][1]["note"] = "check"


def _scale_label_missing(document: dict) -> None:
    del document["rubric"]["scale"]["labels"]["3"]


def _anchors_overlap(document: dict) -> None:
    dimension = dimension_named(document, "Modeling depth")
    dimension["anchors"][0] |= {"level": 2, "level_max": 5}


def _exercise_names_unknown_dimension(document: dict) -> None:
    document["rubric"]["exercises"][0]["dimensions"].append("astrology")


def _wrong_format(document: dict) -> None:
    document["format"] = "role-blueprint/0"


def _weight_given(document: dict) -> None:
    dimension_named(document, "Modeling depth")["weight"] = 2


def _version_as_text(document: dict) -> None:
    document["rubric"]["version"] = "2"


BAD_FIXTURES: list[tuple[str, Callable[[dict], None], str]] = [
    (
        "anchor-level-outside-scale",
        _anchor_level_outside_scale,
        f"{MODELING}: anchors[0].level: 6 is outside the scale 1–5",
    ),
    (
        "duplicate-dimension-name",
        _duplicate_dimension_name,
        'dimension "Problem framing" (2): name: duplicates dimension 1 of this rubric',
    ),
    (
        "duplicate-dimension-slug",
        _duplicate_dimension_slug,
        f'{MODELING}: slug: duplicates dimension slug "problem-framing"',
    ),
    ("unknown-signal-kind", _unknown_signal_kind, "signal 3: kind: 'amazing' is not one of strong, weak, red_flag"),
    (
        "dimension-description-not-text",
        _dimension_description_not_text,
        f"{MODELING}: description: must be text, not a list",
    ),
    ("missing-role-title", _missing_role_title, "role: title: is required"),
    ("unknown-dimension-field", _unknown_dimension_field, f"{MODELING}: colour: is not a known field"),
    ("unknown-anchor-field", _unknown_anchor_field, f"{MODELING}: anchors[1].note: is not a known field"),
    ("scale-label-missing", _scale_label_missing, "scale: labels: has no label for level 3"),
    (
        "anchors-overlap",
        _anchors_overlap,
        f"{MODELING}: anchors[1].level: level 3 has two anchors",
    ),
    (
        "exercise-names-unknown-dimension",
        _exercise_names_unknown_dimension,
        'exercise "Case study 1: End-to-end ML feature design" (1): dimensions: '
        'names "astrology", which is not a dimension of this rubric',
    ),
    ("wrong-format", _wrong_format, "document: format: must be \"role-blueprint/1\", not 'role-blueprint/0'"),
    ("weight-given", _weight_given, f"{MODELING}: weight: is not a known field"),
    ("version-as-text", _version_as_text, "rubric: version: must be a whole number from 1, not '2'"),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [(m, e) for _, m, e in BAD_FIXTURES], ids=[i for i, _, _ in BAD_FIXTURES]
)
def test_a_bad_fixture_is_refused_naming_file_object_and_field_and_changes_nothing(tmp_path, mutate, expected):
    _unlocked_version_1_in_the_library()
    before = roles_snapshot()
    counts = (Role.objects.count(), Dimension.objects.count(), Anchor.objects.count())
    document = real_document(SLUG)
    mutate(document)
    path = write_document(tmp_path, document, f"{SLUG}.json")

    message = _refused(path)

    assert message.splitlines()[0] == HEADER
    assert f"{path}: {expected}" in message.splitlines()
    assert (Role.objects.count(), Dimension.objects.count(), Anchor.objects.count()) == counts
    assert roles_snapshot() == before


def test_malformed_json_is_refused_naming_the_file_and_changes_nothing(tmp_path):
    _unlocked_version_1_in_the_library()
    before = roles_snapshot()
    path = tmp_path / "truncated.json"
    path.write_text(real_path(SLUG).read_text(encoding="utf-8")[:-40], encoding="utf-8")

    message = _refused(path)

    assert message.splitlines()[0] == HEADER
    assert f"{path}: file: -: is not valid JSON: " in message
    assert roles_snapshot() == before


def test_a_missing_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "nowhere.json"
    message = _refused(path)
    assert f"{path}: file: -: cannot be read: " in message
    assert Role.objects.count() == 0


def test_a_changed_rubric_under_a_locked_version_is_refused_and_changes_nothing(tmp_path):
    _load(real_path(SLUG))
    rubric_lock(rubric=RubricVersion.objects.get(role__slug=SLUG, number=1))
    before = roles_snapshot()
    document = real_document(SLUG)
    dimension_named(document, "Modeling depth")["anchors"][0]["text"] = "Reworded after the first scorecard"
    path = write_document(tmp_path, document, f"{SLUG}.json")

    message = _refused(path)

    assert message.splitlines()[0] == HEADER
    [line] = [line for line in message.splitlines() if line.startswith(f"{path}: ")]
    assert line.startswith(f"{path}: rubric: version: version 1 of {SLUG} is used by scorecards (locked ")
    assert line.endswith("and cannot change; load the changed rubric as version 2")
    assert roles_snapshot() == before


def test_a_bad_file_given_with_good_ones_loads_none_of_them(tmp_path):
    document = real_document("senior-ml-scientist")
    _anchors_overlap(document)
    bad = write_document(tmp_path, document, "bad.json")
    with pytest.raises(CommandError):
        call_command("load_roles", str(real_path(SLUG)), str(bad), str(real_path("lead-ml-scientist")))
    assert Role.objects.count() == 0


def test_loading_reports_each_file_then_unchanged_on_the_second_run():
    path = real_path(SLUG)
    assert _load(path) == f"{path}: {SLUG} rubric v1 created\n"
    assert _load(path) == f"{path}: {SLUG} rubric v1 unchanged\n"
    assert Role.objects.count() == 1


def _version(slug: str, number: int, **role: str) -> dict:
    document = real_document(slug)
    document["rubric"]["version"] = number
    document["role"].update(role)
    dimension_named(document, "Modeling depth")["description"] = f"Modeling depth as version {number} words it."
    return document


def test_without_arguments_every_version_of_every_role_in_the_fixtures_folder_loads_in_order(tmp_path, settings):
    """The layout of docs/ROLE_FIXTURES.md: fixtures/<role-slug>/v1.json, v2.json, … (v10 after v9)."""
    other = "principal-research-scientist"
    (tmp_path / SLUG).mkdir()
    (tmp_path / other).mkdir()
    shutil.copy(real_path(other), tmp_path / other / "v1.json")
    for number in (1, 2, 10):
        write_document(tmp_path / SLUG, _version(SLUG, number), f"v{number}.json")
    (tmp_path / SLUG / "notes.txt").write_text("not a fixture", encoding="utf-8")
    settings.ROLE_FIXTURES_DIR = tmp_path

    out = _load()

    assert [line for line in out.splitlines() if not line.startswith("warning:")] == [
        f"{tmp_path / SLUG / 'v1.json'}: {SLUG} rubric v1 created",
        f"{tmp_path / SLUG / 'v2.json'}: {SLUG} rubric v2 created",
        f"{tmp_path / SLUG / 'v10.json'}: {SLUG} rubric v10 created",
        f"{tmp_path / other / 'v1.json'}: {other} rubric v1 created",
    ]
    assert sorted(RubricVersion.objects.values_list("role__slug", "number")) == [
        (SLUG, 1),
        (SLUG, 2),
        (SLUG, 10),
        (other, 1),
    ]
    assert _load().count(" unchanged") == 4


def test_two_files_with_the_same_version_of_a_role_are_refused_naming_both_and_load_nothing(tmp_path, settings):
    (tmp_path / SLUG).mkdir()
    first = write_document(tmp_path / SLUG, _version(SLUG, 2), "v2.json")
    second = write_document(tmp_path / SLUG, _version(SLUG, 2), "v2-copy.json")
    write_document(tmp_path / SLUG, _version(SLUG, 1), "v1.json")
    settings.ROLE_FIXTURES_DIR = tmp_path

    with pytest.raises(CommandError) as raised:
        call_command("load_roles", stdout=StringIO())

    [line] = [line for line in str(raised.value).splitlines() if "version 2 is also in" in line]
    assert str(first) in line
    assert str(second) in line
    assert line.endswith(f"{SLUG} version 2 is also in {first}; each version of a role needs its own number") or (
        line.endswith(f"{SLUG} version 2 is also in {second}; each version of a role needs its own number")
    )
    assert Role.objects.count() == 0


def test_a_new_title_for_a_loaded_role_is_refused_until_confirmed_with_retitle(tmp_path):
    _load(real_path(SLUG))
    rubric_lock(rubric=RubricVersion.objects.get(role__slug=SLUG, number=1))
    before = roles_snapshot()
    path = write_document(tmp_path, _version(SLUG, 2, title="Principal Applied Scientist"), "v2.json")

    message = _refused(path)

    assert message.splitlines()[0] == HEADER
    assert message.splitlines()[1] == (
        f'{path}: role: title: "Principal Applied Scientist" differs from "Principal Machine Learning Scientist", '
        f"the title of {SLUG} (version 1). If this is another role, give it its own slug; "
        f"to retitle {SLUG} from this version on, load it with --retitle"
    )
    assert roles_snapshot() == before

    out = StringIO()
    call_command("load_roles", "--retitle", str(path), stdout=out)

    assert out.getvalue() == f"{path}: {SLUG} rubric v2 created\n"
    assert list(RubricVersion.objects.order_by("number").values_list("number", "title")) == [
        (1, "Principal Machine Learning Scientist"),
        (2, "Principal Applied Scientist"),
    ]


def test_without_arguments_and_no_fixtures_the_command_says_so(tmp_path, settings):
    settings.ROLE_FIXTURES_DIR = tmp_path
    with pytest.raises(CommandError, match="No fixture files given and none found under fixtures/"):
        call_command("load_roles")


# --- the real command, in its own process, on its own database --------------------------------------


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty, migrated SQLite database made by the real `manage.py migrate`."""
    database = tmp_path_factory.mktemp("manage") / "empty.sqlite3"
    result = _manage(database, "migrate", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr
    return database


def _manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    return manage(*args, env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONDONTWRITEBYTECODE": "1"})


def _rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_the_real_command_loads_good_fixtures_and_exits_1_on_a_bad_one_changing_nothing(tmp_path, migrated_sqlite):
    database = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite, database)

    loaded = _manage(database, "load_roles", str(real_path(SLUG)))

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == f"{real_path(SLUG)}: {SLUG} rubric v1 created\n"
    anchors = _rows(database, "SELECT id, level, text FROM roles_anchor ORDER BY id")
    assert len(anchors) == 24

    document = real_document(SLUG)
    _anchor_level_outside_scale(document)
    dimension_named(document, "Problem framing")["anchors"][1]["text"] = "Would have replaced the anchor"
    bad = write_document(tmp_path, document, "bad.json")

    refused = _manage(database, "load_roles", str(real_path("senior-ml-scientist")), str(bad))

    assert refused.returncode == 1
    assert refused.stdout == ""
    assert HEADER in refused.stderr
    assert f"{bad}: {MODELING}: anchors[0].level: 6 is outside the scale 1–5" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _rows(database, "SELECT slug FROM roles_role") == [(SLUG,)]
    assert _rows(database, "SELECT id, level, text FROM roles_anchor ORDER BY id") == anchors


def test_a_dimension_no_exercise_assesses_is_loaded_with_a_warning_naming_it(tmp_path):
    document = real_document(SLUG)
    for exercise in document["rubric"]["exercises"]:
        exercise["dimensions"] = [slug for slug in exercise["dimensions"] if slug != "modeling-depth"]
    path = write_document(tmp_path, document)

    output = _load(path)

    assert f"warning: {path}: {MODELING}: slug: no exercise assesses this dimension" in output
    assert Dimension.objects.filter(rubric__role__slug=SLUG, slug="modeling-depth").exists()


def test_a_sound_fixture_loads_without_warnings(tmp_path):
    output = _load(real_path(SLUG))

    assert "warning:" not in output


@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_a_library_loaded_before_optional_fields_existed_sees_the_shipped_fixtures_unchanged(slug):
    """Such a library stored each version under the fingerprint of the rubric as the file wrote it."""
    written = real_document(slug)
    content = {key: value for key, value in written["rubric"].items() if key != "version"}
    old = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()
    roles_load(paths=[real_path(slug)])
    RubricVersion.objects.filter(role__slug=slug).update(content_hash=old, locked_at=timezone.now())
    before = roles_snapshot()

    [outcome] = roles_load(paths=[real_path(slug)])

    assert outcome.action == "unchanged"
    assert RubricVersion.objects.get(role__slug=slug).content_hash == rubric_hash(written)
    after = roles_snapshot()
    before["roles_rubricversion"][0]["content_hash"] = rubric_hash(written)
    assert after == before
