"""?format=greenhouse: a real scorecard (a real role's rubric, submitted through the service) as Harvest's object."""

from __future__ import annotations

import pytest

from hiring.models import Scorecard
from hiring.services import scorecards
from hiring.services.scorecards import RatingInput, ScorecardInput
from roles.models import RubricVersion, Signal
from roles.services import default_fixture_paths, roles_load
from tests.api import ApiClient
from tests.factories import InterviewFactory, LoopFactory, scale_mid

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    """A scorecard on a real role's rubric (its fixture loaded), submitted through the scorecard service."""
    roles_load(paths=default_fixture_paths()[:1])
    rubric = RubricVersion.objects.get()
    loop = LoopFactory(rubric=rubric)
    dimensions = list(rubric.dimensions.order_by("position"))
    interview = InterviewFactory(
        loop=loop, exercise=rubric.exercises.order_by("position").first(), focus=dimensions[:3]
    )
    red_flag = rubric.signals.filter(kind=Signal.Kind.RED_FLAG).order_by("position").first()
    assert red_flag is not None
    low, mid, high = rubric.scale_min, scale_mid(rubric), rubric.scale_max
    card = Scorecard.objects.get(interview=interview)
    scorecards.scorecard_submit(
        scorecard=card,
        by=interview.interviewer,
        revision=card.revision,
        data=ScorecardInput(
            ratings={
                dimensions[0].pk: RatingInput(score=high, evidence="Designed the rollout in stages."),
                dimensions[1].pk: RatingInput(score=mid),
                dimensions[2].pk: RatingInput(score=low, evidence="Could not explain the trade-off."),
                dimensions[3].pk: RatingInput(not_assessed=True),
            },
            signals={red_flag.pk: "Blamed the team for the outage."},
            recommendation="strong_no",
            key_takeaways="Not yet.",
        ),
    )
    return Scorecard.objects.get(pk=card.pk), dimensions, red_flag


def test_a_submitted_scorecard_reads_as_greenhouses_scorecard_object(submitted):
    card, dimensions, red_flag = submitted
    interview = card.interview

    response = ApiClient(interview.interviewer).get(f"scorecards/{card.pk}/", {"format": "greenhouse"})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == card.pk
    assert body["candidate_id"] == interview.loop.candidate_id
    assert body["application_id"] == interview.loop_id
    assert body["interview"] == interview.exercise.title
    assert body["interview_step"] == {"id": interview.exercise_id, "name": interview.exercise.title}
    assert body["submitted_by"]["id"] == interview.interviewer_id
    assert body["submitted_by"]["name"] == interview.interviewer.username
    assert body["overall_recommendation"] == "definitely_not"  # Harvest's value for our strong no
    assert body["attributes"] == [
        {
            "name": dimensions[0].name,
            "type": "Dimension",
            "note": "Designed the rollout in stages.",
            "rating": "strong_yes",
        },
        {"name": dimensions[1].name, "type": "Dimension", "note": None, "rating": "mixed"},
        {
            "name": dimensions[2].name,
            "type": "Dimension",
            "note": "Could not explain the trade-off.",
            "rating": "definitely_not",
        },
        {"name": dimensions[3].name, "type": "Dimension", "note": None, "rating": "no_decision"},
    ]
    assert body["ratings"] == {
        "definitely_not": [dimensions[2].name],
        "no": [],
        "mixed": [dimensions[1].name],
        "yes": [],
        "strong_yes": [dimensions[0].name],
    }
    assert body["questions"] == [
        {"id": None, "question": "Key Take-Aways", "answer": "Not yet."},
        {"id": None, "question": f"Red flag: {red_flag.text}", "answer": "Blamed the team for the outage."},
    ]


def test_the_list_in_greenhouse_format_holds_submitted_scorecards_only(submitted, settings):
    settings.SCORECARD_DRAFTS_VISIBLE_TO_MANAGERS = True  # so the manager's native list shows the draft
    card, _dimensions, _red_flag = submitted
    InterviewFactory(loop=card.interview.loop)  # a draft on the same loop
    client = ApiClient(card.interview.loop.hiring_manager)

    listed = client.get("scorecards/", {"format": "greenhouse", "loop": card.interview.loop_id}).json()
    native = client.get("scorecards/", {"loop": card.interview.loop_id}).json()

    assert [item["id"] for item in listed["results"]] == [card.pk]
    assert listed["results"][0]["overall_recommendation"] == "definitely_not"
    assert native["count"] == 2


def test_an_unknown_format_is_a_400(submitted):
    card, _dimensions, _red_flag = submitted
    response = ApiClient(card.interview.interviewer).get(f"scorecards/{card.pk}/", {"format": "lever"})
    assert response.status_code == 400
    assert "format" in response.json()["fields"]
