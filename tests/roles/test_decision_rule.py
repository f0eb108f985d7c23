"""A version's decision rule (issue 28): read from the fixture's optional `decision_rule`, checked, stored on the
version and its dimensions, and exported as it was written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roles.blueprints import blueprint_problems, rubric_hash
from roles.models import Dimension, RubricVersion
from roles.selectors import rubric_export
from roles.services import roles_load
from tests.roles.helpers import real_document, write_document

FILE = "rule.json"
RULE = "decision rule"


def _document(rule: Any) -> dict[str, Any]:
    """principal-research-scientist (0–4 scale) with a decision rule, an optional dimension no exercise assesses."""
    document = real_document("principal-research-scientist")
    document["rubric"]["dimensions"].append({"slug": "extra", "name": "Extra", "optional": True})
    document["rubric"]["decision_rule"] = rule
    return document


def _problems(rule: Any) -> list[tuple[str, str, str]]:
    return [(p.obj, p.field, p.message) for p in blueprint_problems(_document(rule), file=FILE)]


def _first_slug() -> str:
    return str(real_document("principal-research-scientist")["rubric"]["dimensions"][0]["slug"])


def test_a_rule_with_a_threshold_and_a_must_have_on_the_scale_is_sound():
    assert _problems({"threshold": 0.7, "no_red_flag": False, "must_have": {_first_slug(): 2}}) == []


@pytest.mark.parametrize("threshold", [1.2, -0.1, "0.7", True])
def test_a_threshold_off_the_normalised_scale_is_refused(threshold):
    [(obj, field, message)] = _problems({"threshold": threshold})
    assert (obj, field) == (RULE, "threshold")
    assert "from 0 to 1" in message


def test_a_rule_naming_a_dimension_the_version_does_not_have_is_refused():
    [(obj, field, message)] = _problems({"threshold": 0.65, "must_have": {"charisma": 2}})
    assert (obj, field) == (RULE, "must_have.charisma")
    assert message.startswith('names "charisma", which is not a dimension of this rubric')


@pytest.mark.parametrize("bar", [5, -1, 2.5])
def test_a_bar_off_the_scale_is_refused_naming_the_scale(bar):
    [(obj, field, message)] = _problems({"threshold": 0.65, "must_have": {_first_slug(): bar}})
    assert (obj, field) == (RULE, f"must_have.{_first_slug()}")
    assert message == f"the bar must be a level of the scale 0–4, not {bar!r}"


def test_a_must_have_on_an_optional_dimension_no_exercise_assesses_is_refused():
    [(obj, field, message)] = _problems({"threshold": 0.65, "must_have": {"extra": 2}})
    assert (obj, field) == (RULE, "must_have.extra")
    assert "optional dimension no exercise assesses" in message


def test_a_rule_needs_its_threshold():
    assert _problems({"must_have": {}}) == [(RULE, "threshold", "is required")]


def test_a_threshold_written_as_a_whole_number_is_the_same_rule():
    assert rubric_hash(_document({"threshold": 1})) == rubric_hash(_document({"threshold": 1.0}))


def test_a_version_without_a_rule_keeps_its_fingerprint():
    document = real_document("principal-research-scientist")
    with_none = real_document("principal-research-scientist")
    with_none["rubric"]["decision_rule"] = None
    assert rubric_hash(document) == rubric_hash(with_none)


@pytest.mark.django_db
def test_a_rule_is_stored_on_the_version_and_its_dimensions_and_exported_as_written(tmp_path: Path):
    slug = _first_slug()
    document = _document({"threshold": 0.7, "no_red_flag": False, "must_have": {slug: 3}})
    roles_load(paths=[write_document(tmp_path, document)])

    rubric = RubricVersion.objects.get(role__slug="principal-research-scientist", number=1)
    assert (rubric.rule_threshold, rubric.rule_no_red_flag) == (0.7, False)
    assert {d.slug: d.must_have_bar for d in Dimension.objects.filter(rubric=rubric) if d.must_have_bar} == {slug: 3}
    exported = rubric_export(role_slug="principal-research-scientist")
    assert exported["rubric"]["decision_rule"] == {"threshold": 0.7, "no_red_flag": False, "must_have": {slug: 3}}


@pytest.mark.django_db
def test_a_version_without_a_rule_exports_none(tmp_path: Path):
    roles_load(paths=[write_document(tmp_path, real_document("principal-research-scientist"))])

    rubric = RubricVersion.objects.get(role__slug="principal-research-scientist")
    assert rubric.rule_threshold is None
    assert "decision_rule" not in rubric_export(role_slug="principal-research-scientist")["rubric"]
