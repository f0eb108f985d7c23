"""Database constraints of the rubric library hold even when model validation is bypassed (as loaddata does)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from roles.models import (
    Anchor,
    AssessmentArea,
    Dimension,
    Exercise,
    Question,
    Role,
    RubricVersion,
    ScaleLevel,
    Signal,
)
from tests.factories import (
    DimensionFactory,
    ExerciseFactory,
    RoleFactory,
    RubricVersionFactory,
    SignalFactory,
)

pytestmark = pytest.mark.django_db


def _rubric_row(role: Role, **overrides: Any) -> RubricVersion:
    values = {
        "number": 1,
        "title": "Data Scientist",
        "level": "Senior",
        "purpose": "Why.",
        "source": "x.txt",
        "scale_min": 1,
        "scale_max": 5,
        "scale_rationale": "Why.",
        "content_hash": "0" * 64,
    }
    return RubricVersion.objects.create(role=role, **{**values, **overrides})


def _refused(create: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.mark.parametrize(
    "scale",
    [
        {"scale_min": 3, "scale_max": 3},
        {"scale_min": 5, "scale_max": 1},
        {"scale_min": -1, "scale_max": 3},
        {"scale_min": 0, "scale_max": 11},
        {"number": 0},
        {"title": ""},
    ],
    ids=["min-equals-max", "min-above-max", "negative-min", "twelve-levels", "version-0", "no-title"],
)
def test_an_impossible_rubric_version_is_refused_by_the_database(scale):
    role = RoleFactory()
    _refused(lambda: _rubric_row(role, **scale))
    assert not RubricVersion.objects.filter(role=role).exists()


def test_the_widest_allowed_scale_and_version_1_are_accepted():
    rubric = _rubric_row(RoleFactory(), scale_min=0, scale_max=10)
    assert list(rubric.scale_values) == list(range(11))


def test_a_role_cannot_have_the_same_version_twice():
    role = RoleFactory()
    _rubric_row(role)
    _refused(lambda: _rubric_row(role))
    assert RubricVersion.objects.filter(role=role).count() == 1


def test_two_anchors_at_the_same_level_of_a_dimension_are_refused():
    dimension = DimensionFactory(anchors=False)
    _refused(
        lambda: Anchor.objects.bulk_create(
            [
                Anchor(dimension=dimension, level=3, text="At the bar", source="verbatim"),
                Anchor(dimension=dimension, level=3, text="Also at the bar", source="derived"),
            ]
        )
    )
    assert not dimension.anchors.exists()


def test_the_same_level_on_two_dimensions_is_fine():
    rubric = RubricVersionFactory()
    first, second = DimensionFactory(rubric=rubric, anchors=False), DimensionFactory(rubric=rubric, anchors=False)
    Anchor.objects.bulk_create(
        [Anchor(dimension=d, level=3, text="At the bar", source="verbatim") for d in (first, second)]
    )
    assert Anchor.objects.filter(level=3).count() == 2


@pytest.mark.parametrize(
    "fields",
    [{"source": "guessed"}, {"source": ""}, {"level": -1}, {"text": ""}],
    ids=["unknown-source", "blank-source", "negative-level", "blank-text"],
)
def test_an_invalid_anchor_is_refused_by_the_database(fields):
    dimension = DimensionFactory(anchors=False)
    values = {"level": 1, "text": "Vague goals", "source": "verbatim", **fields}
    _refused(lambda: Anchor.objects.create(dimension=dimension, **values))
    assert not dimension.anchors.exists()


@pytest.mark.parametrize("kind", ["amazing", "", "Strong", "red flag"])
def test_a_signal_of_unknown_kind_is_refused_by_the_database(kind):
    rubric = RubricVersionFactory()
    _refused(lambda: Signal.objects.create(rubric=rubric, kind=kind, position=0, text="Ships things."))
    assert not rubric.signals.exists()


@pytest.mark.parametrize("kind", ["strong", "weak", "red_flag"])
def test_each_known_signal_kind_is_accepted(kind):
    signal = SignalFactory(kind=kind)
    assert signal.is_red_flag == (kind == "red_flag")


def test_two_signals_at_the_same_position_are_refused():
    rubric = RubricVersionFactory()
    SignalFactory(rubric=rubric, position=0)
    _refused(lambda: SignalFactory(rubric=rubric, position=0))


def test_a_dimension_without_a_name_is_refused_by_the_database():
    rubric = RubricVersionFactory()
    values = {"slug": "modeling-depth", "position": 0, "name": "", "description": "Depth."}
    _refused(lambda: Dimension.objects.create(rubric=rubric, **values))
    assert not rubric.dimensions.exists()


def test_a_band_must_end_above_the_level_it_starts_at():
    dimension = DimensionFactory(anchors=False)
    _refused(lambda: Anchor.objects.create(dimension=dimension, level=3, level_max=3, text="Solid", source="verbatim"))
    Anchor.objects.create(dimension=dimension, level=3, level_max=4, text="Solid", source="verbatim")
    assert [(a.levels_shown, a.covers(4), a.covers(5)) for a in dimension.anchors.all()] == [("3–4", True, False)]


def test_a_question_belongs_to_one_dimension_or_one_exercise_at_most():
    dimension = DimensionFactory(anchors=False)
    exercise = ExerciseFactory(rubric=dimension.rubric)
    _refused(
        lambda: Question.objects.create(
            rubric=dimension.rubric, position=0, text="Why?", dimension=dimension, exercise=exercise
        )
    )
    Question.objects.create(rubric=dimension.rubric, position=0, text="Why?")  # the role's own question
    _refused(lambda: Question.objects.create(rubric=dimension.rubric, position=1, text=""))


@pytest.mark.parametrize("field", ["slug", "name"])
def test_two_dimensions_of_a_rubric_cannot_share_a_slug_or_a_name(field):
    rubric = RubricVersionFactory()
    first = DimensionFactory(rubric=rubric, anchors=False)
    _refused(lambda: DimensionFactory(rubric=rubric, anchors=False, **{field: getattr(first, field)}))
    assert rubric.dimensions.count() == 1


def test_dimensions_of_different_rubrics_may_share_slug_and_name():
    first = DimensionFactory(slug="modeling-depth", name="Modeling depth")
    second = DimensionFactory(slug="modeling-depth", name="Modeling depth")
    assert first.rubric_id != second.rubric_id


def test_a_role_without_a_slug_is_refused():
    _refused(lambda: Role.objects.create(slug=""))
    assert not Role.objects.exists()


def test_two_roles_cannot_share_a_slug():
    RoleFactory(slug="data-scientist")
    _refused(lambda: Role.objects.create(slug="data-scientist"))


def test_an_exercise_without_a_title_is_refused():
    rubric = RubricVersionFactory()
    values = {"slug": "case", "position": 0, "title": "", "format": "case study", "duration": "", "brief": ""}
    _refused(lambda: Exercise.objects.create(rubric=rubric, **values))


def test_two_exercises_of_a_rubric_cannot_share_a_slug():
    rubric = RubricVersionFactory()
    ExerciseFactory(rubric=rubric, slug="case")
    _refused(lambda: ExerciseFactory(rubric=rubric, slug="case"))


def test_a_scale_level_needs_a_label_and_a_unique_value():
    rubric = RubricVersionFactory()  # labels levels 1..5
    _refused(lambda: ScaleLevel.objects.create(rubric=rubric, value=1, label="Again"))
    _refused(lambda: ScaleLevel.objects.create(rubric=rubric, value=6, label=""))
    assert list(rubric.scale_levels.values_list("value", flat=True)) == [1, 2, 3, 4, 5]


def test_an_area_needs_a_name_and_a_unique_position():
    rubric = RubricVersionFactory()
    AssessmentArea.objects.create(rubric=rubric, position=0, name="Statistics")
    _refused(lambda: AssessmentArea.objects.create(rubric=rubric, position=0, name="Again"))
    _refused(lambda: AssessmentArea.objects.create(rubric=rubric, position=1, name=""))


def test_a_role_with_rubrics_cannot_be_deleted():
    rubric = RubricVersionFactory()
    with pytest.raises(ProtectedError):
        rubric.role.delete()
    assert RubricVersion.objects.filter(pk=rubric.pk).exists()


# --- what the models compute --------------------------------------------------------------------------


def test_question_and_ask_for_lists_skip_blank_lines():
    area = AssessmentArea(name="Area", questions="First?\n\n  \nSecond?")
    exercise = Exercise(title="Case", ask_for="a plan\n\nits risks\n")
    assert area.question_list == ["First?", "Second?"]
    assert exercise.ask_for_list == ["a plan", "its risks"]


def test_natural_keys_find_what_they_name():
    dimension = DimensionFactory(rubric__role__slug="data-scientist", rubric__number=2, slug="statistics")
    exercise = ExerciseFactory(rubric=dimension.rubric, slug="case")
    assert Role.objects.get_by_natural_key(*dimension.rubric.role.natural_key()) == dimension.rubric.role
    assert RubricVersion.objects.get_by_natural_key(*dimension.rubric.natural_key()) == dimension.rubric
    assert dimension.natural_key() == ("data-scientist", 2, "statistics")
    assert Dimension.objects.get_by_natural_key(*dimension.natural_key()) == dimension
    assert Exercise.objects.get_by_natural_key(*exercise.natural_key()) == exercise
