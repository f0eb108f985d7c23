"""Validation of role-blueprint documents (roles.blueprints), without the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from roles.blueprints import (
    BlueprintError,
    Problem,
    blueprint_canonical,
    blueprint_complete,
    blueprint_open,
    blueprint_problems,
    blueprint_read,
    rubric_hash,
)
from tests.roles.helpers import REAL_SLUGS, real_document, real_path

FILE = "roles/test.json"


def _document() -> dict[str, Any]:
    """The smallest sound blueprint: a 1–3 scale, one dimension anchored at 1, 2 and 3."""
    return {
        "format": "role-blueprint/1",
        "role": {
            "slug": "data-scientist",
            "title": "Data Scientist",
            "level": "Senior",
            "purpose": "Find signal in noisy data.",
            "source": "memo.txt",
        },
        "rubric": {
            "version": 1,
            "scale": {
                "min": 1,
                "max": 3,
                "rationale": "Three levels are enough.",
                "labels": {"1": "Below", "2": "At", "3": "Above"},
            },
            "areas": [{"name": "Statistics", "questions": ["Can they test a hypothesis?"]}],
            "exercises": [
                {
                    "slug": "ab-test-review",
                    "title": "A/B test review",
                    "format": "case study",
                    "duration": "30 minutes",
                    "optional": False,
                    "brief": "Review a flawed A/B test.",
                    "ask_for": ["a critique"],
                    "dimensions": ["statistics"],
                }
            ],
            "dimensions": [
                {
                    "slug": "statistics",
                    "name": "Statistics",
                    "description": "Uses statistics correctly.",
                    "anchors": [
                        {"level": 3, "text": "Chooses the right test and explains why", "source": "verbatim"},
                        {"level": 2, "text": "Knows the common tests", "source": "derived"},
                        {"level": 1, "text": "Confuses significance with effect size", "source": "verbatim"},
                    ],
                }
            ],
            "signals": [{"kind": "strong", "text": "Reports effect sizes with intervals."}],
        },
    }


def _dimension(document: dict) -> dict:
    return document["rubric"]["dimensions"][0]


def _problems(document: Any) -> set[tuple[str, str, str]]:
    return {(p.obj, p.field, p.message) for p in blueprint_problems(document, file=FILE)}


def _fields(document: Any) -> set[tuple[str, str]]:
    return {(p.obj, p.field) for p in blueprint_problems(document, file=FILE)}


DIMENSION = 'dimension "Statistics" (1)'


# --- sound documents ------------------------------------------------------------------------------


def test_the_smallest_sound_document_has_no_problems():
    assert blueprint_problems(_document(), file=FILE) == []


@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_every_real_fixture_reads_without_problems(slug):
    assert blueprint_read(real_path(slug)) == blueprint_complete(real_document(slug))


def test_a_rubric_needs_only_a_title_a_scale_and_one_dimension():
    document = {
        "format": "role-blueprint/1",
        "role": {"slug": "data-scientist", "title": "Data Scientist"},
        "rubric": {
            "version": 1,
            "scale": {"min": 1, "max": 2, "labels": {"1": "Reconsider", "2": "Hire"}},
            "dimensions": [{"slug": "statistics", "name": "Statistics"}],
        },
    }
    assert blueprint_problems(document, file=FILE) == []
    complete = blueprint_complete(document)
    assert complete["role"] | complete["rubric"]["dimensions"][0] == {
        "slug": "statistics",
        "title": "Data Scientist",
        "level": "",
        "purpose": "",
        "source": "",
        "name": "Statistics",
        "description": "",
        "optional": False,
        "anchors": [],
        "questions": [],
    }
    assert (complete["rubric"]["areas"], complete["rubric"]["exercises"], complete["rubric"]["signals"]) == ([], [], [])
    assert blueprint_canonical(complete) == document


def test_every_problem_carries_the_path_of_its_field_for_an_editor():
    document = _document()
    _dimension(document)["anchors"][1]["level"] = 9
    document["rubric"]["exercises"][0]["dimensions"] = ["nowhere"]
    document["role"]["title"] = ""
    assert {p.path for p in blueprint_problems(document, file=FILE)} == {
        "role.title",
        "rubric.dimensions[0].anchors[1].level",
        "rubric.exercises[0].dimensions",
    }


def test_a_problem_reads_as_file_object_field_and_message():
    problem = Problem("a.json", 'dimension "Modeling depth" (2)', "anchors[0].level", "6 is outside the scale 1–5")
    assert str(problem) == 'a.json: dimension "Modeling depth" (2): anchors[0].level: 6 is outside the scale 1–5'
    error = BlueprintError([problem, Problem("b.json", "role", "title", "is required")])
    assert str(error).splitlines() == [str(problem), "b.json: role: title: is required"]


def test_every_problem_names_the_file_it_was_found_in():
    document = _document()
    document["role"]["title"] = " "
    document["rubric"]["signals"][0]["kind"] = "loud"
    problems = blueprint_problems(document, file="somewhere/else.json")
    assert len(problems) == 2
    assert {p.file for p in problems} == {"somewhere/else.json"}


# --- the document and the role -------------------------------------------------------------------


@pytest.mark.parametrize("document", [[], "text", None, 3])
def test_a_document_that_is_not_an_object_is_refused(document):
    assert _fields(document) == {("document", "-")}


def test_an_unknown_format_is_refused():
    document = _document()
    document["format"] = "role-blueprint/2"
    assert _problems(document) == {("document", "format", "must be \"role-blueprint/1\", not 'role-blueprint/2'")}


def test_unknown_fields_are_refused():
    document = _document()
    document["notes"] = "draft"
    document["role"]["salary"] = "secret"
    assert _problems(document) == {
        ("document", "notes", "is not a known field"),
        ("role", "salary", "is not a known field"),
    }


@pytest.mark.parametrize(
    ("where", "typo", "meant"),
    [
        (("role",), "titel", "title"),
        (("rubric",), "dimension", "dimensions"),
        (("rubric", "scale"), "lables", "labels"),
        (("rubric", "exercises", 0), "askfor", "ask_for"),
    ],
)
def test_a_misspelt_field_suggests_the_field_meant(where, typo, meant):
    document = _document()
    target = document
    for key in where:
        target = target[key]
    target[typo] = target.pop(meant)
    messages = {message for _, field, message in _problems(document) if field == typo}
    assert messages == {f'is not a known field; did you mean "{meant}"?'}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "is required and must not be blank"),
        ("   ", "is required and must not be blank"),
        (None, "must be text, not NoneType"),
        (42, "must be text, not int"),
    ],
)
def test_role_title_must_be_non_blank_text(value, message):
    document = _document()
    document["role"]["title"] = value
    assert _problems(document) == {("role", "title", message)}


def test_a_missing_role_field_is_named():
    document = _document()
    del document["role"]["title"]
    assert _problems(document) == {("role", "title", "is required")}


@pytest.mark.parametrize("slug", ["Data-Scientist", "data scientist", "data-", "-data", "data--scientist", ""])
def test_role_slug_must_be_lowercase_words_joined_by_hyphens(slug):
    document = _document()
    document["role"]["slug"] = slug
    assert _fields(document) == {("role", "slug")}


def test_a_missing_rubric_is_refused():
    document = _document()
    del document["rubric"]
    assert ("rubric", "-", "is required and must be an object") in _problems(document)


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_rubric_version_must_be_a_whole_number_from_1(version):
    document = _document()
    document["rubric"]["version"] = version
    assert _problems(document) == {("rubric", "version", f"must be a whole number from 1, not {version!r}")}


def test_missing_and_unknown_rubric_fields_are_named():
    document = _document()
    del document["rubric"]["scale"]
    document["rubric"]["owner"] = "me"
    assert {("rubric", "scale"), ("rubric", "owner")} == _fields(document)


def test_a_rubric_without_dimensions_is_refused_but_areas_exercises_and_signals_may_be_empty():
    document = _document()
    for key in ("areas", "exercises", "signals"):
        document["rubric"][key] = []
    assert _problems(document) == set()
    document["rubric"]["dimensions"] = []
    assert _problems(document) == {("rubric", "dimensions", "must not be empty: a rubric needs one dimension at least")}


# --- the scale ----------------------------------------------------------------------------------


def test_scale_labels_missing_a_level_name_the_level():
    document = _document()
    del document["rubric"]["scale"]["labels"]["2"]
    assert _problems(document) == {("scale", "labels", "has no label for level 2")}


def test_scale_labels_outside_the_scale_are_refused():
    document = _document()
    document["rubric"]["scale"]["labels"]["4"] = "Beyond"
    assert _problems(document) == {("scale", "labels", "level 4 is outside the scale 1–3")}


def test_a_blank_scale_label_names_its_level():
    document = _document()
    document["rubric"]["scale"]["labels"]["2"] = " "
    assert _problems(document) == {("scale", "labels", "the label of level 2 is blank")}


@pytest.mark.parametrize(("labels", "shown"), [(["Below", "At", "Above"], "a list"), ("1-3", "text"), (None, "null")])
def test_scale_labels_in_the_wrong_shape_say_the_shape_expected(labels, shown):
    document = _document()
    document["rubric"]["scale"]["labels"] = labels
    expected = 'must be an object mapping each level to its label, e.g. {"1": "Below the bar", "2": "At the bar"}'
    assert _problems(document) == {("scale", "labels", f"{expected}, not {shown}")}


def test_a_scale_label_that_is_not_text_names_its_level():
    document = _document()
    document["rubric"]["scale"]["labels"]["3"] = 3
    assert _problems(document) == {("scale", "labels", "the label of level 3 must be text, not a number")}


@pytest.mark.parametrize(
    ("low", "high", "problem"),
    [
        (-1, 3, ("scale", "min", "must not be negative, not -1")),
        (3, 3, ("scale", "max", "must be above min (3), not 3: a scale needs two levels")),
        (3, 1, ("scale", "max", "must be above min (3), not 1: a scale needs two levels")),
        (0, 11, ("scale", "max", "gives 12 levels; at most 11 are allowed")),
    ],
)
def test_an_impossible_scale_is_refused(low, high, problem):
    document = _document()
    document["rubric"]["scale"].update(min=low, max=high)
    assert problem in _problems(document)


def test_a_scale_of_eleven_levels_is_allowed():
    document = _document()
    scale = document["rubric"]["scale"]
    scale.update(min=0, max=10, labels={str(level): f"Level {level}" for level in range(11)})
    _dimension(document)["anchors"] = [
        {"level": level, "text": f"At {level}", "source": "derived"} for level in (0, 5, 10)
    ]
    assert _problems(document) == set()


# --- dimensions and anchors -------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "field"), [(4, "anchors[0].level"), (0, "anchors[0].level")])
def test_an_anchor_outside_the_scale_is_refused_naming_dimension_and_anchor(level, field):
    document = _document()
    anchor = {"level": level, "text": "Off the chart", "source": "derived"}
    _dimension(document)["anchors"].insert(0, anchor)
    assert _problems(document) == {(DIMENSION, field, f"{level} is outside the scale 1–3")}


@pytest.mark.parametrize(("level", "shown"), [(True, "True"), (2.0, "2.0"), ("2", "'2'"), (None, "None")])
def test_an_anchor_level_must_be_a_whole_number_and_nothing_else_is_reported_about_it(level, shown):
    document = _document()
    _dimension(document)["anchors"][1]["level"] = level
    assert _problems(document) == {(DIMENSION, "anchors[1].level", f"must be a whole number, not {shown}")}


def test_two_anchors_at_the_same_level_are_refused():
    document = _document()
    _dimension(document)["anchors"].append({"level": 2, "text": "Also at the bar", "source": "derived"})
    assert _problems(document) == {(DIMENSION, "anchors[3].level", "level 2 has two anchors")}


@pytest.mark.parametrize("anchors", [[3, 1], [2], []])
def test_a_dimension_may_anchor_some_levels_or_none(anchors):
    document = _document()
    _dimension(document)["anchors"] = [
        {"level": level, "text": f"At {level}", "source": "verbatim"} for level in anchors
    ]
    assert _problems(document) == set()


def test_a_band_anchors_several_levels_with_one_text():
    document = _document()
    _dimension(document)["anchors"] = [
        {"level": 2, "level_max": 3, "text": "Solid to strong", "source": "verbatim"},
        {"level": 1, "text": "Weak", "source": "verbatim"},
    ]
    assert _problems(document) == set()


@pytest.mark.parametrize(
    ("anchors", "problem"),
    [
        (
            [{"level": 2, "level_max": 4}],
            ("anchors[0].level", "2–4 is outside the scale 1–3"),
        ),
        (
            [{"level": 2, "level_max": 2}],
            ("anchors[0].level_max", "must be above level (2) for a band, not 2"),
        ),
        (
            [{"level": 1, "level_max": 2}, {"level": 2}],
            ("anchors[1].level", "level 2 has two anchors"),
        ),
    ],
)
def test_a_band_off_the_scale_empty_or_overlapping_another_anchor_is_refused(anchors, problem):
    document = _document()
    _dimension(document)["anchors"] = [anchor | {"text": "Text", "source": "verbatim"} for anchor in anchors]
    assert _problems(document) == {(DIMENSION, *problem)}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source": "invented"}, ("anchors[0].source", "'invented' is not one of verbatim, derived")),
        ({"text": ""}, ("anchors[0].text", "is required and must not be blank")),
        ({"colour": "red"}, ("anchors[0].colour", "is not a known field")),
        ({"lvl": 3}, ("anchors[0].lvl", 'is not a known field; did you mean "level"?')),
    ],
)
def test_anchor_fields_are_checked_and_named(change, problem):
    document = _document()
    _dimension(document)["anchors"][0].update(change)
    assert _problems(document) == {(DIMENSION, *problem)}


def test_an_anchor_that_is_not_an_object_is_named_by_position():
    document = _document()
    _dimension(document)["anchors"].append("Excellent")
    assert (DIMENSION, "anchors[3]", "must be an object") in _problems(document)


@pytest.mark.parametrize("weight", [1, 0.5, 2])
def test_a_dimension_weight_is_not_part_of_the_format(weight):
    """Every mean is a plain mean (docs/ROLE_FIXTURES.md), so a weight would be a promise the app does not keep."""
    document = _document()
    _dimension(document)["weight"] = weight
    assert _problems(document) == {(DIMENSION, "weight", "is not a known field")}


def test_a_dimension_with_a_bad_field_is_still_known_to_the_exercises_naming_it():
    document = _document()
    _dimension(document)["description"] = 7
    assert _problems(document) == {(DIMENSION, "description", "must be text, not a number")}


def test_a_second_dimension_with_the_same_name_ignoring_case_and_spaces_is_refused():
    document = _document()
    twin = {**_dimension(document), "slug": "statistics-again", "name": " statistics "}
    document["rubric"]["dimensions"].append(twin)
    assert _problems(document) == {('dimension " statistics " (2)', "name", "duplicates dimension 1 of this rubric")}


def test_a_second_dimension_with_the_same_slug_is_refused():
    document = _document()
    twin = {**_dimension(document), "name": "Probability"}
    document["rubric"]["dimensions"].append(twin)
    assert _problems(document) == {('dimension "Probability" (2)', "slug", 'duplicates dimension slug "statistics"')}


def test_a_dimension_without_a_name_is_named_by_position():
    document = _document()
    del _dimension(document)["name"]
    assert ("dimension 1", "name", "is required") in _problems(document)


# --- exercises, areas and signals -------------------------------------------------------------------


EXERCISE = 'exercise "A/B test review" (1)'


def _with_second_dimension(document: dict) -> dict:
    second = {**_dimension(document), "slug": "experiment-design", "name": "Experiment design"}
    document["rubric"]["dimensions"].append(second)
    return document


def test_an_exercise_naming_an_unknown_dimension_is_refused_listing_the_slugs():
    document = _with_second_dimension(_document())
    document["rubric"]["exercises"][0]["dimensions"].append("astrology")
    message = (
        'names "astrology", which is not a dimension of this rubric\n'
        "    dimension slugs of this rubric: statistics, experiment-design"
    )
    assert _problems(document) == {(EXERCISE, "dimensions", message)}


def test_an_exercise_naming_a_dimension_by_its_name_is_told_the_slug():
    document = _with_second_dimension(_document())
    document["rubric"]["exercises"][0]["dimensions"] = ["Experiment  Design"]
    message = (
        'names "Experiment  Design", which is a dimension\'s name; use its slug "experiment-design"\n'
        "    dimension slugs of this rubric: statistics, experiment-design"
    )
    assert _problems(document) == {(EXERCISE, "dimensions", message)}


def test_an_exercise_naming_a_misspelt_dimension_slug_is_asked_if_it_meant_the_close_one():
    document = _with_second_dimension(_document())
    document["rubric"]["exercises"][0]["dimensions"] = ["statistic"]
    [(_, _, message)] = _problems(document)
    assert 'did you mean "statistics"?' in message


def test_a_dimension_slug_written_wrongly_is_reported_once_not_again_in_the_exercises():
    document = _document()
    _dimension(document)["slug"] = "Statistics"
    document["rubric"]["exercises"][0]["dimensions"] = ["Statistics"]
    assert _fields(document) == {(DIMENSION, "slug")}


def test_dimensions_that_are_not_a_list_give_one_problem_not_one_per_exercise():
    document = _document()
    document["rubric"]["dimensions"] = {"statistics": {}}
    document["rubric"]["exercises"][0]["dimensions"] = []
    assert _problems(document) == {("rubric", "dimensions", "must be a list")}


def test_a_dimension_no_exercise_assesses_is_a_warning_not_a_problem(tmp_path):
    document = _with_second_dimension(_document())
    path = tmp_path / "role.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    blueprint = blueprint_open(path)
    assert blueprint.document == blueprint_complete(document)
    assert [(w.obj, w.message) for w in blueprint.warnings] == [
        ('dimension "Experiment design" (2)', "no exercise assesses this dimension")
    ]


def test_the_import_review_list_is_accepted_and_is_not_rubric_content():
    document = _document()
    reviewed = {**document, "review": [{"topic": "scale", "message": "No scale stated: chose 1–5."}]}
    assert blueprint_problems(reviewed, file=FILE) == []
    assert rubric_hash(reviewed) == rubric_hash(document)


@pytest.mark.parametrize(
    ("review", "field"),
    [("check it", ("document", "review")), ([{"topic": "scale"}], ("review item 1", "message"))],
)
def test_a_review_list_in_the_wrong_shape_is_refused(review, field):
    document = {**_document(), "review": review}
    assert _fields(document) == {field}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"format": "quiz"}, "format", "'quiz' is not one of case study, take-home, live exercise,"),
        ({"optional": "no"}, "optional", "must be true or false, not 'no'"),
        ({"ask_for": "a plan"}, "ask_for", "must be a list of texts"),
        ({"ask_for": ["a plan", " "]}, "ask_for", "item 1 is required and must not be blank"),
        ({"brief": None}, "brief", "must be text, not null"),
        ({"questions": ["Why?", ""]}, "questions", "item 1 is required and must not be blank"),
    ],
)
def test_exercise_fields_are_checked_and_named(change, field, message):
    document = _document()
    document["rubric"]["exercises"][0].update(change)
    [(obj, got_field, got_message)] = _problems(document)
    assert (obj, got_field) == ('exercise "A/B test review" (1)', field)
    assert got_message.startswith(message)


def test_two_exercises_with_the_same_slug_are_refused():
    document = _document()
    exercise = document["rubric"]["exercises"][0]
    document["rubric"]["exercises"].append({**exercise, "title": "Second review"})
    assert _problems(document) == {
        ('exercise "Second review" (2)', "slug", 'duplicates exercise slug "ab-test-review"')
    }


def test_an_area_question_must_be_text():
    document = _document()
    document["rubric"]["areas"][0]["questions"] = ["Fine?", 7]
    assert _problems(document) == {('area "Statistics" (1)', "questions", "item 1 must be text, not int")}


def test_an_unknown_signal_kind_is_refused():
    document = _document()
    document["rubric"]["signals"][0]["kind"] = "amazing"
    assert _problems(document) == {("signal 1", "kind", "'amazing' is not one of strong, weak, red_flag")}


def test_the_same_signal_twice_is_refused_but_the_same_text_under_another_kind_or_dimension_is_not():
    document = _document()
    signals = document["rubric"]["signals"]
    signals.append({"kind": "red_flag", "text": "Reports effect sizes with intervals."})
    signals.append({"kind": "strong", "text": "Reports effect sizes with intervals.", "dimension": "statistics"})
    assert _problems(document) == set()
    signals.append({"kind": "strong", "text": "  reports effect sizes WITH intervals. "})
    assert _problems(document) == {("signal 4", "text", "duplicates an earlier strong signal")}


def test_a_signal_listed_under_a_dimension_must_name_one_of_the_rubric():
    document = _document()
    document["rubric"]["signals"][0]["dimension"] = "statistic"
    [(obj, field, message)] = _problems(document)
    assert (obj, field) == ("signal 1", "dimension")
    assert message.startswith('names "statistic", which is not a dimension of this rubric; did you mean "statistics"?')


def test_all_problems_are_reported_together():
    document = _document()
    document["role"]["title"] = ""
    _dimension(document)["anchors"][0]["source"] = "guessed"
    document["rubric"]["signals"][0]["kind"] = "amazing"
    del document["rubric"]["scale"]["labels"]["1"]
    assert _fields(document) == {
        ("role", "title"),
        (DIMENSION, "anchors[0].source"),
        ("signal 1", "kind"),
        ("scale", "labels"),
    }


# --- reading files and hashing ----------------------------------------------------------------------


def test_reading_a_missing_file_names_it(tmp_path: Path):
    path = tmp_path / "absent.json"
    with pytest.raises(BlueprintError) as raised:
        blueprint_read(path)
    [problem] = raised.value.problems
    assert (problem.file, problem.obj, problem.field) == (str(path), "file", "-")
    assert problem.message.startswith("cannot be read")


@pytest.mark.parametrize("content", [b'{"format": ', b"\xff\xfe not utf-8", b""])
def test_reading_a_file_that_is_not_json_names_it(tmp_path: Path, content: bytes):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(BlueprintError) as raised:
        blueprint_read(path)
    [problem] = raised.value.problems
    assert (problem.file, problem.obj, problem.field) == (str(path), "file", "-")
    assert problem.message.startswith("is not valid JSON")


def test_rubric_hash_ignores_the_version_and_key_order_but_not_the_content():
    document = _document()
    renumbered = _document()
    renumbered["rubric"]["version"] = 7
    reordered = _document()
    reordered["rubric"] = dict(reversed(reordered["rubric"].items()))
    reworded = _document()
    _dimension(reworded)["anchors"][0]["text"] += "."

    assert rubric_hash(document) == rubric_hash(renumbered) == rubric_hash(reordered)
    assert rubric_hash(document) != rubric_hash(reworded)


def test_rubric_hash_is_the_same_however_the_optional_fields_are_written():
    document = _document()
    spelled_out = blueprint_complete(_document())
    assert spelled_out != document
    assert rubric_hash(spelled_out) == rubric_hash(document)
    _dimension(spelled_out)["questions"] = ["Which test would you choose?"]
    assert rubric_hash(spelled_out) != rubric_hash(document)


def test_rubric_hash_ignores_the_role_text():
    document = _document()
    renamed = _document()
    renamed["role"]["title"] = "Staff Data Scientist"
    assert rubric_hash(document) == rubric_hash(renamed)
