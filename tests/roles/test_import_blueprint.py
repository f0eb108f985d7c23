"""`import_blueprint`: blueprint documents of many shapes become role fixtures that load, with a review list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from roles.models import RubricVersion
from tests.processes import manage
from tests.roles.helpers import roles_snapshot

BLUEPRINTS = Path(__file__).parent / "blueprints"
SHARED = Path(settings.BASE_DIR).parent / "shared"


def _import(*paths: Path, out: Path, extra: tuple[str, ...] = ()) -> str:
    stdout = StringIO()
    call_command("import_blueprint", *[str(path) for path in paths], "--out", str(out), *extra, stdout=stdout)
    return stdout.getvalue()


def _only_fixture(out: Path) -> dict:
    [path] = sorted(out.glob("*/v*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def _anchors(fixture: dict, name: str) -> dict[int, tuple[str, str]]:
    dimension = next(d for d in fixture["rubric"]["dimensions"] if d["name"] == name)
    return {anchor["level"]: (anchor["text"], anchor["source"]) for anchor in dimension["anchors"]}


def _review(fixture: dict, topic: str) -> list[str]:
    return [item["message"] for item in fixture["review"] if item["topic"] == topic]


def _exercise_dimensions(fixture: dict) -> dict[str, list[str]]:
    return {exercise["title"]: exercise["dimensions"] for exercise in fixture["rubric"]["exercises"]}


# What each document holds, item by item, is in test_import_documents.py; these tests drive the command.


def test_a_stated_scale_keeps_the_labels_the_document_gives(tmp_path):
    _import(BLUEPRINTS / "data-engineer-1-to-4.md", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert fixture["rubric"]["scale"]["labels"] == {"1": "Not yet", "2": "Developing", "3": "Solid", "4": "Outstanding"}
    assert _review(fixture, "labels") == ["Scale labels: 1 Not yet; 2 Developing; 3 Solid; 4 Outstanding."]


def test_level_words_without_a_stated_scale_are_the_scale_worst_first(tmp_path):
    _import(BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert fixture["rubric"]["scale"]["labels"] == {"1": "Below", "2": "Meets", "3": "Exceeds"}
    assert _review(fixture, "scale") == [
        "Scale 1–3: one level per level word, worst first.",
        '"Below" placed at level 1 of 1–3.',
        '"Meets" placed at level 2 of 1–3.',
        '"Exceeds" placed at level 3 of 1–3.',
    ]


def test_meets_exceeds_below_columns_sit_at_the_middle_top_and_bottom_of_a_stated_scale(tmp_path):
    path = tmp_path / "analyst.md"
    path.write_text(
        "# Product Analyst\n\nRate each dimension on a 1–5 scale.\n\n"
        "| Dimension | Below | Meets | Exceeds |\n|---|---|---|---|\n| Metric design | Vanity | Guardrails | Goal |\n",
        encoding="utf-8",
    )
    _import(path, out=tmp_path / "out")
    fixture = _only_fixture(tmp_path / "out")
    labels = fixture["rubric"]["scale"]["labels"]
    assert (labels["1"], labels["3"], labels["5"]) == ("Below", "Meets", "Exceeds")
    assert _anchors(fixture, "Metric design") == {5: ("Goal", "verbatim"), 3: ("Guardrails", "verbatim")} | {
        1: ("Vanity", "verbatim")
    }
    assert "2 Below the bar (chosen)" in _review(fixture, "labels")[0]


def test_a_scale_stated_after_each_dimension_name_is_kept_and_stripped_from_the_names(tmp_path):
    _import(BLUEPRINTS / "site-reliability-engineer.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    names = [dimension["name"] for dimension in fixture["rubric"]["dimensions"]]
    assert names == ["Incident handling", "Capacity planning", "Automation"]
    assert _review(fixture, "scale") == ["Scale 1–5 as the document states it."]


def test_a_level_without_a_written_anchor_gets_none_unless_a_person_asks_for_derived_ones(tmp_path):
    _import(BLUEPRINTS / "security-engineer-unnumbered.md", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert [dimension["anchors"] for dimension in fixture["rubric"]["dimensions"]] == [[], [], [], []]
    assert len(_review(fixture, "anchors")) == 4  # one per dimension: "… has no written anchor …"


def test_anchors_a_document_lacks_are_derived_from_the_best_matching_signals_and_area_on_request(tmp_path):
    _import(BLUEPRINTS / "security-engineer-unnumbered.md", out=tmp_path, extra=("--derive-anchors",))
    fixture = _only_fixture(tmp_path)
    assert _anchors(fixture, "Threat modelling") == {
        5: ("Ranks threats by likelihood and impact and explains the ranking.", "derived"),
        3: ("Can the candidate find the threats that matter in a design they have not seen before?", "derived"),
        1: ("Lists every possible threat without ranking them.", "derived"),
    }
    assert _anchors(fixture, "Incident response")[1] == ("Hides incidents or blames individuals.", "derived")
    assert (
        '"Threat modelling" level 5 derived from the strong signal '
        '"Ranks threats by likelihood and impact and explains the ranking." (shares threa).'
    ) in _review(fixture, "anchors")


def test_derived_anchors_fill_only_levels_the_document_leaves_unwritten(tmp_path):
    _import(BLUEPRINTS / "technical-writer-plain.txt", out=tmp_path, extra=("--derive-anchors",))
    clarity = _anchors(_only_fixture(tmp_path), "Clarity")
    assert {level: source for level, (_, source) in clarity.items()} == {5: "verbatim", 3: "verbatim", 1: "verbatim"}


def test_exercises_assess_the_dimensions_whose_names_they_share_a_word_with(tmp_path):
    _import(BLUEPRINTS / "data-engineer-1-to-4.md", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert _exercise_dimensions(fixture) == {
        "Case study A: Pipeline design review": ["pipeline-design"],
        "Exercise B: Data modelling session": ["data-modelling"],
        "Optional take-home: contract tests": ["data-modelling"],
    }
    assert 'No exercise assesses "Collaboration": it is rated from the conversation.' in _review(fixture, "mapping")
    assert _review(fixture, "optional") == ['"Optional take-home: contract tests" is optional.']


def test_an_exercise_matching_no_dimension_assesses_none_and_a_person_is_asked_to_choose(tmp_path):
    _import(BLUEPRINTS / "site-reliability-engineer.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert _exercise_dimensions(fixture)["Case study 1: Outage drill"] == []
    assert '"Case study 1: Outage drill" matches no dimension: choose the dimensions it assesses.' in _review(
        fixture, "mapping"
    )


def test_the_level_comes_from_the_title_or_is_flagged_for_a_person(tmp_path):
    _import(BLUEPRINTS / "data-engineer-1-to-4.md", BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path)
    engineer = json.loads((tmp_path / "senior-data-engineer" / "v1.json").read_text(encoding="utf-8"))
    analyst = json.loads((tmp_path / "product-analyst" / "v1.json").read_text(encoding="utf-8"))
    assert engineer["role"]["level"] == "Senior"
    assert analyst["role"]["level"] == ""
    assert _review(analyst, "level") == ['No level in the title "Product Analyst": set one if the role has it.']


def test_check_prints_the_review_list_and_writes_nothing(tmp_path):
    output = _import(BLUEPRINTS / "security-engineer-unnumbered.md", out=tmp_path, extra=("--check",))
    assert "(check) security-engineer-unnumbered.md: Principal Security Engineer v1 (new role)" in output
    assert "- [scale] No scale stated: chose 1–5, the import default." in output
    assert list(tmp_path.iterdir()) == []


# --- versions ---------------------------------------------------------------------------------------


def test_a_changed_document_becomes_the_next_version_and_an_unchanged_one_is_not_written(tmp_path):
    source = BLUEPRINTS / "data-engineer-1-to-4.md"
    out = tmp_path / "fixtures"
    _import(source, out=out)
    assert "unchanged" in _import(source, out=out)
    changed = tmp_path / "data-engineer-1-to-4.md"
    changed.write_text(source.read_text(encoding="utf-8").replace("Collaborates when asked", "Helps when asked"))
    output = _import(changed, out=out)
    assert "Senior Data Engineer v2 (next version of senior-data-engineer)" in output
    assert sorted(p.name for p in (out / "senior-data-engineer").iterdir()) == ["v1.json", "v2.json"]
    second = json.loads((out / "senior-data-engineer" / "v2.json").read_text(encoding="utf-8"))
    assert second["rubric"]["version"] == 2
    assert _anchors(second, "Collaboration")[2] == ("Helps when asked", "verbatim")


def test_a_document_with_the_title_of_a_role_under_another_slug_becomes_that_roles_next_version(tmp_path):
    _import(BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path, extra=("--slug", "analyst"))
    changed = tmp_path / "analyst.txt"
    text = (BLUEPRINTS / "product-analyst-meets-exceeds.txt").read_text(encoding="utf-8")
    changed.write_text(text.replace("Picks vanity metrics", "Picks vanity metrics only"), encoding="utf-8")
    _import(changed, out=tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/v*.json")) == [
        "analyst/v1.json",
        "analyst/v2.json",
    ]


# --- the five customer blueprints ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_five_raw_seed_blueprints_import_with_every_item_and_load(tmp_path):
    assert (SHARED / "seeds" / "raw").is_dir(), f"the shared seeds are missing: expected them at {SHARED}"
    seeds = sorted((SHARED / "seeds" / "raw").iterdir())
    assert len(seeds) == 5
    _import(*seeds, out=tmp_path)
    coverage = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "seed_coverage.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert coverage.returncode == 0, coverage.stdout
    assert coverage.stdout.splitlines()[-1] == "seed coverage: 237/237 items present in 5 fixture files"
    counts = {}
    for path in sorted(tmp_path.glob("*/v1.json")):
        rubric = json.loads(path.read_text(encoding="utf-8"))["rubric"]
        counts[path.parent.name] = tuple(len(rubric[key]) for key in ("dimensions", "areas", "exercises", "signals"))
    assert counts == {  # dimensions, areas, exercises, signals: each where the blueprint puts it
        "lead-machine-learning-scientist": (8, 7, 3, 16),
        "principal-ai-research-scientist": (8, 6, 5, 15),
        "principal-machine-learning-scientist": (8, 7, 4, 16),
        "principal-research-scientist": (8, 6, 4, 13),
        "senior-machine-learning-scientist": (8, 7, 4, 16),
    }
    call_command("load_roles", *[str(path) for path in sorted(tmp_path.glob("*/v1.json"))], stdout=StringIO())
    assert RubricVersion.objects.filter(source__in=[seed.name for seed in seeds]).count() == 5


# --- bad documents ---------------------------------------------------------------------------------

RUBRIC = "# Data Scientist\n\nData scientists find signal in noisy data.\n\n"
BAD_DOCUMENTS = {
    "no-rubric.md": (
        b"# Data Scientist\n\nWe hire data scientists.\n\n- Good pay\n- Free lunch\n",
        "has no rubric in it: no dimension was found",
    ),
    "empty-table.md": (
        (RUBRIC + "| Dimension | 5 | 3 | 1 |\n|---|---|---|---|\n").encode(),
        "its dimension table at line 5 has a header but no rows: no usable rows",
    ),
    "ragged-text-table.txt": (
        (RUBRIC + "Scorecard dimensions\n\nDimension\t5\t3\t1\nRigor\tGreat\tFine\tPoor\tExtra\tMore\n").encode(),
        'its dimension table is ragged: the row at line 8 ("Rigor") has 6 cells; the header has 4',
    ),
    "named-columns.md": (
        (RUBRIC + "## Scorecard\n\n| Dimension | Good | Bad |\n|---|---|---|\n| Rigor | Great | Poor |\n").encode(),
        'has a dimension table whose columns name no level (line 7: "Good", "Bad")',
    ),
    "one-level.md": (
        (RUBRIC + "Rate each dimension on a 1–1 scale.\n\n## Rigor\n\n- Can they test a hypothesis?\n").encode(),
        'states a scale of one level ("Rate each dimension on a 1–1 scale."); a scale needs 2 to 11 levels',
    ),
    "one-level-table.md": (
        (RUBRIC + "## Rigor\n\n| Score | What it looks like |\n|---|---|\n| 3 | Sound |\n| 3 | Also sound |\n")
        .replace("| 3 | Also sound |\n", "")
        .replace("| 3 |", "| 1 |")
        .encode(),
        "has a scale of one level (1); a scale needs 2 to 11 levels",
    ),
    "twenty-levels.md": (
        (RUBRIC + "Rate each dimension on a 0–20 scale.\n\n## Rigor\n\n- Can they test a hypothesis?\n").encode(),
        'states a scale it cannot read ("Rate each dimension on a 0–20 scale."): 0–20 is not a range of 2 to 11 levels',
    ),
    "blank-name.md": (
        (RUBRIC + "| Dimension | 5 | 1 |\n|---|---|---|\n| | Great | Poor |\n").encode(),
        "its dimension table row at line 7 has no dimension name",
    ),
    "same-name-twice.md": (
        (
            RUBRIC + "## Coaching\n\n- How do you coach?\n- Tell me about a report.\n\n"
            "## Coaching\n\n- Who did you grow?\n- Describe a hard review.\n"
        ).encode(),
        'has two dimensions named "Coaching" (lines 5 and 10); give each its own name',
    ),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not a text document"),
    "latin-1.txt": ("# Développeur\n\n19) Hiring Evaluation Criteria\n".encode("latin-1"), "is not UTF-8 text"),
    "script.html": (
        b"<h1>Data Scientist</h1><h2>19) Hiring Evaluation Criteria</h2><script>alert(1)</script>",
        "contains a <script> element",
    ),
    "handler.html": (
        b'<h1>Data Scientist</h1><h2>19) Hiring Evaluation Criteria</h2><img src="x" onerror="alert(1)">',
        "has a script in the onerror attribute of a <img> element",
    ),
    "export.json": (b'{"title": {"rendered": "Data Scientist"}}', "is JSON but not a blog export"),
    "brackets.md": (b"[" * 999_000, "has no rubric in it"),
    "deep-export.json": (
        b'{"content": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "nests its JSON more than 200 levels deep",
    ),
    "deep-front-matter.md": (
        b"---\ntitle: " + b"[" * 5_000 + b"\n---\n# Data Scientist\n",
        "nests its front matter more than 200 levels deep",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_a_bad_document_is_refused_naming_the_file_and_nothing_is_written(name, tmp_path):
    data, message = BAD_DOCUMENTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "fixtures"
    before = roles_snapshot()
    with pytest.raises(CommandError) as raised:
        _import(BLUEPRINTS / "data-engineer-1-to-4.md", path, out=out)
    assert str(raised.value).startswith("Nothing was written.\n")
    assert f"{path}: {message}" in str(raised.value)
    assert not out.exists()
    assert roles_snapshot() == before


@pytest.mark.django_db
def test_a_50_mb_document_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)
    with pytest.raises(CommandError, match=f"{path}: is 50.0 MB; a rubric document may be at most 1 MB"):
        _import(path, out=tmp_path / "fixtures")
    assert not (tmp_path / "fixtures").exists()


def test_a_refused_import_exits_1(tmp_path):
    path = tmp_path / "no-rubric.md"
    path.write_text("# Data Scientist\n\nNothing about hiring here.\n", encoding="utf-8")
    result = manage("import_blueprint", str(path), "--out", str(tmp_path / "out"), env=dict(os.environ))
    assert result.returncode == 1
    assert f"{path}: has no rubric in it" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
