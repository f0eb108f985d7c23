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

from roles.blueprints import blueprint_read
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


# Every item each test document holds, as the document words it.
DOCUMENTS = {
    "data-engineer-1-to-4.md": {
        "title": "Senior Data Engineer",
        "scale": (1, 4),
        "areas": ["Pipeline design", "Data modelling", "Operational ownership", "Collaboration"],
        "exercises": [
            "Case study A: Pipeline design review",
            "Exercise B: Data modelling session",
            "Optional take-home: contract tests",
        ],
        "signals": 7,
        "anchors": {
            "Pipeline design": {
                4: "Exactly-once results under replay, with a tested recovery path",
                3: "Correct pipelines with a recovery plan for common failures",
                2: "Working pipelines that break on late or duplicate data",
                1: "Cannot describe a pipeline's failure modes",
            },
            "Collaboration": {
                4: "Agrees data contracts that producers and consumers keep",
                3: "Works well with neighbouring teams",
                2: "Collaborates when asked",
                1: "Dismisses other teams' needs",
            },
        },
    },
    "product-analyst-meets-exceeds.txt": {
        "title": "Product Analyst",
        "scale": (1, 5),
        "areas": ["Metric design", "Experiment analysis", "Storytelling"],
        "exercises": ["Case study 1: Metric design for onboarding", "Case study 2: Experiment readout"],
        "signals": 4,
        "anchors": {
            "Metric design": {
                5: "Ties metrics to the goal and anticipates gaming",
                3: "Defines a primary metric and guardrails",
                1: "Picks vanity metrics",
            },
            "Storytelling": {
                5: "Changes a team's decision with a clear, honest story",
                3: "Explains the finding and its limits",
                1: "Lists numbers without a point",
            },
        },
    },
    "ml-platform-engineer-0-to-4.html": {
        "title": "Staff ML Platform Engineer",
        "scale": (0, 4),
        "areas": ["Serving architecture", "Platform adoption", "Reliability"],
        "exercises": ["Serving design interview", "Platform adoption discussion"],
        "signals": 5,
        "anchors": {
            "Serving architecture": {
                4: "Meets latency and cost budgets with headroom and a tested fallback",
                2: "Meets the latency budget; cost is an afterthought",
                0: "No design that meets the budget",
            },
            "Reliability": {
                4: "SLOs, capacity plans and rehearsed failovers",
                2: "Alerting and incident response in place",
                0: "Reliability left to chance",
            },
        },
    },
    "security-engineer-unnumbered.md": {
        "title": "Principal Security Engineer",
        "scale": (1, 5),
        "areas": ["Threat modelling", "Secure design", "Incident response", "Influence"],
        "exercises": ["Threat model review", "Incident simulation"],
        "signals": 8,
        "anchors": {},
    },
    "site-reliability-engineer.txt": {
        "title": "Site Reliability Engineer",
        "scale": (1, 5),
        "areas": ["Incident handling", "Capacity planning", "Automation"],
        "exercises": ["Case study 1: Outage drill", "Case study 2: Capacity forecast"],
        "signals": 5,
        "anchors": {},
    },
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_test_blueprint_imports_with_every_item_verbatim_and_its_scale_kept(name, tmp_path):
    expected = DOCUMENTS[name]
    _import(BLUEPRINTS / name, out=tmp_path)
    fixture = _only_fixture(tmp_path)
    rubric = fixture["rubric"]
    assert fixture["role"]["title"] == expected["title"]
    assert (rubric["scale"]["min"], rubric["scale"]["max"]) == expected["scale"]
    assert [area["name"] for area in rubric["areas"]] == expected["areas"]
    assert [exercise["title"] for exercise in rubric["exercises"]] == expected["exercises"]
    assert len(rubric["signals"]) == expected["signals"]
    text = (BLUEPRINTS / name).read_text(encoding="utf-8")
    for signal in rubric["signals"]:
        assert signal["text"] in text
    for dimension, anchors in expected["anchors"].items():
        assert _anchors(fixture, dimension) == {level: (words, "verbatim") for level, words in anchors.items()}
    assert blueprint_read(next(tmp_path.glob("*/v1.json")))["role"]["slug"] == fixture["role"]["slug"]


def test_a_stated_scale_keeps_the_labels_the_document_gives(tmp_path):
    _import(BLUEPRINTS / "data-engineer-1-to-4.md", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert fixture["rubric"]["scale"]["labels"] == {"1": "Not yet", "2": "Developing", "3": "Solid", "4": "Outstanding"}
    assert _review(fixture, "labels") == ["Scale labels: 1 Not yet; 2 Developing; 3 Solid; 4 Outstanding."]


def test_meets_exceeds_below_columns_sit_at_the_middle_top_and_bottom_of_the_chosen_scale(tmp_path):
    _import(BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    labels = fixture["rubric"]["scale"]["labels"]
    assert (labels["1"], labels["3"], labels["5"]) == ("Below", "Meets", "Exceeds")
    assert _review(fixture, "scale") == [
        "No scale stated: chose 1–5, the import default.",
        'Column "Below" placed at level 1 of 1–5.',
        'Column "Meets" placed at level 3 of 1–5.',
        'Column "Exceeds" placed at level 5 of 1–5.',
    ]
    assert "2 Below the bar (chosen)" in _review(fixture, "labels")[0]


def test_a_scale_stated_after_each_dimension_name_is_kept_and_stripped_from_the_names(tmp_path):
    _import(BLUEPRINTS / "site-reliability-engineer.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    names = [dimension["name"] for dimension in fixture["rubric"]["dimensions"]]
    assert names == ["Incident handling", "Capacity planning", "Automation"]
    assert _review(fixture, "scale") == ["Scale 1–5 as the blueprint states it."]


def test_anchors_a_document_lacks_are_derived_from_the_best_matching_signals_and_area(tmp_path):
    _import(BLUEPRINTS / "security-engineer-unnumbered.md", out=tmp_path)
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


def test_a_missing_lowest_anchor_is_derived_while_the_tables_anchors_stay_verbatim(tmp_path):
    _import(BLUEPRINTS / "ml-platform-engineer-0-to-4.html", out=tmp_path)
    sources = {a["source"] for d in _only_fixture(tmp_path)["rubric"]["dimensions"] for a in d["anchors"]}
    assert sources == {"verbatim"}
    _import(BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path / "analyst")
    analyst = _only_fixture(tmp_path / "analyst")
    assert {level for level, (_, source) in _anchors(analyst, "Metric design").items() if source == "derived"} == set()


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


def test_an_exercise_sharing_no_word_with_a_dimension_name_is_mapped_by_its_text_and_flagged(tmp_path):
    _import(BLUEPRINTS / "site-reliability-engineer.txt", out=tmp_path)
    fixture = _only_fixture(tmp_path)
    assert _exercise_dimensions(fixture)["Case study 1: Outage drill"] == ["capacity-planning"]
    assert any("Outage drill" in message and "shares no word" in message for message in _review(fixture, "mapping"))


def test_the_level_comes_from_the_title_or_is_flagged_for_a_person(tmp_path):
    _import(BLUEPRINTS / "data-engineer-1-to-4.md", BLUEPRINTS / "product-analyst-meets-exceeds.txt", out=tmp_path)
    engineer = json.loads((tmp_path / "senior-data-engineer" / "v1.json").read_text(encoding="utf-8"))
    analyst = json.loads((tmp_path / "product-analyst" / "v1.json").read_text(encoding="utf-8"))
    assert engineer["role"]["level"] == "Senior"
    assert analyst["role"]["level"] == "Not stated in the blueprint"
    assert _review(analyst, "level") == ['No level in the title "Product Analyst": set "level" by hand.']


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
    call_command("load_roles", *[str(path) for path in sorted(tmp_path.glob("*/v1.json"))], stdout=StringIO())
    assert RubricVersion.objects.filter(source__in=[seed.name for seed in seeds]).count() == 5


# --- bad documents ---------------------------------------------------------------------------------

SECTION = (
    "# Data Scientist: Role Blueprint\n\nRole purpose: Find signal in noisy data.\n\n"
    "## 19) Hiring Evaluation Criteria\n\n### Scorecard dimensions\n\n"
)
BAD_DOCUMENTS = {
    "no-section.md": (b"# Data Scientist\n\nWe hire data scientists.\n", "has no hiring-evaluation section"),
    "no-dimensions.md": (
        b"# Data Scientist\n\n## 19) Hiring Evaluation Criteria\n\n### Red flags\n\n- Rude\n",
        "its hiring-evaluation section has no scorecard dimensions part",
    ),
    "empty-table.md": (
        (SECTION + "| Dimension | 5 | 3 | 1 |\n|---|---|---|---|\n").encode(),
        "its dimension table has a header but no rows",
    ),
    "ragged-table.md": (
        (SECTION + "| Dimension | 5 | 3 | 1 |\n|---|---|---|---|\n| Rigor | Great | Fine |\n").encode(),
        'its dimension table is ragged: row 2 ("Rigor") has 3 cells; the header has 4',
    ),
    "letter-scale.md": (
        (SECTION + "Use an A to E scale.\n\n- Rigor\n").encode(),
        'states a scale it cannot read ("Use an A to E scale.")',
    ),
    "named-columns.md": (
        (SECTION + "| Dimension | Good | Bad |\n|---|---|---|\n| Rigor | Great | Poor |\n").encode(),
        'has a scale it cannot read: the dimension table column "Good" names no level',
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
    with pytest.raises(CommandError, match=f"{path}: is 50.0 MB; a blueprint document may be at most 1 MB"):
        _import(path, out=tmp_path / "fixtures")
    assert not (tmp_path / "fixtures").exists()


def test_a_refused_import_exits_1(tmp_path):
    path = tmp_path / "no-section.md"
    path.write_text("# Data Scientist\n\nNothing about hiring here.\n", encoding="utf-8")
    result = manage("import_blueprint", str(path), "--out", str(tmp_path / "out"), env=dict(os.environ))
    assert result.returncode == 1
    assert f"{path}: has no hiring-evaluation section" in result.stderr
    assert not (tmp_path / "out").exists()
