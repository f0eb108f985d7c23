"""The API reads and plans every role a rubric allows (issue 24): banded anchors and question banks in a rubric's
JSON, and the plan of a role without exercises (interviews the recruiter names)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hiring.models import Interview, Loop
from roles.models import Anchor, Question, RubricVersion
from tests.api import ApiClient
from tests.factories import (
    DimensionFactory,
    ExerciseFactory,
    HiringManagerFactory,
    InterviewerFactory,
    RecruiterFactory,
    RubricVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric() -> RubricVersion:
    """A 1–10 role without exercises: one dimension with a band (9–10) and a level (5), a question for it and one
    for the whole role."""
    rubric: RubricVersion = RubricVersionFactory(scale_max=10, role__slug="product-designer")
    craft = DimensionFactory(rubric=rubric, name="Visual craft", anchors=False)
    Anchor.objects.create(dimension=craft, level=9, level_max=10, text="Sets the bar", source="verbatim")
    Anchor.objects.create(dimension=craft, level=5, text="Clean, some inconsistencies", source="verbatim")
    Question.objects.create(rubric=rubric, position=0, dimension=craft, text="Which screen did you redo twice?")
    Question.objects.create(rubric=rubric, position=1, text="What would you change about our app?")
    return rubric


def test_the_rubric_gives_each_anchors_band_and_the_questions_where_the_rubric_puts_them(rubric) -> None:
    body = ApiClient(InterviewerFactory()).get("roles/product-designer/rubrics/1/").json()

    [craft] = body["dimensions"]
    assert sorted((a["level"], a["level_max"], a["text"]) for a in craft["anchors"]) == [
        (5, None, "Clean, some inconsistencies"),
        (9, 10, "Sets the bar"),
    ]
    assert craft["questions"] == ["Which screen did you redo twice?"]
    assert body["questions"] == ["What would you change about our app?"]
    assert body["exercises"] == []


def test_an_exercises_question_bank_is_in_the_rubric_too(rubric) -> None:
    exercise = ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()))
    Question.objects.create(rubric=rubric, position=2, exercise=exercise, text="Talk us through the brief.")

    body = ApiClient(InterviewerFactory()).get("roles/product-designer/rubrics/1/").json()

    assert body["exercises"][0]["questions"] == ["Talk us through the brief."]
    assert body["questions"] == ["What would you change about our app?"]


def _plan(rubric: RubricVersion, interviewer, **row) -> dict:
    return {
        "candidate": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "role": rubric.role.slug,
        "hiring_manager": HiringManagerFactory().username,
        "interviews": [
            {
                "interviewer": interviewer.username,
                "scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
                "focus": list(rubric.dimensions.values_list("pk", flat=True)),
                **row,
            }
        ],
    }


def test_a_role_without_exercises_is_planned_with_interviews_the_recruiter_names(rubric) -> None:
    interviewer = InterviewerFactory()

    response = ApiClient(RecruiterFactory()).post("loops/", _plan(rubric, interviewer, title="Portfolio review"))

    assert response.status_code == 201, response.content
    [interview] = Interview.objects.filter(loop__rubric=rubric)
    assert (interview.exercise, interview.title, interview.interviewer) == (None, "Portfolio review", interviewer)
    assert response.json()["interviews"][0]["exercise_title"] == "Portfolio review"


def test_an_untitled_interview_of_a_role_without_exercises_is_refused_and_nothing_is_created(rubric) -> None:
    response = ApiClient(RecruiterFactory()).post("loops/", _plan(rubric, InterviewerFactory()))

    assert response.status_code == 422
    assert "Give each interview a title" in response.content.decode()
    assert not Loop.objects.exists()


def test_a_role_with_exercises_still_wants_one_named(rubric) -> None:
    ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()))

    response = ApiClient(RecruiterFactory()).post("loops/", _plan(rubric, InterviewerFactory(), title="Chat"))

    assert response.status_code == 422
    assert "choose one of this role's exercises" in response.content.decode()
    assert not Loop.objects.exists()
