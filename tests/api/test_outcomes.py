"""POST /api/v1/outcomes/: the same rules as the CSV import, all or nothing, each problem by its place in the list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hiring.models import Decision, HiringOutcome, Loop
from tests.api import ApiClient
from tests.factories import DecisionFactory, InterviewerFactory, LoopFactory, RecruiterFactory

pytestmark = pytest.mark.django_db


def _hire(recruiter) -> Loop:
    return DecisionFactory(loop=LoopFactory(recruiter=recruiter), outcome=Decision.Outcome.HIRE).loop


def _outcome(**given):
    return {"date": "2026-03-31", "rating": 4, "scale_min": 1, "scale_max": 5, "still_employed": True, **given}


def test_a_recruiter_records_outcomes_by_loop_and_by_candidate():
    recruiter = RecruiterFactory()
    first, second = _hire(recruiter), _hire(recruiter)

    response = ApiClient(recruiter).post(
        "outcomes/",
        {"outcomes": [_outcome(loop_id=first.pk), _outcome(candidate_id=second.candidate_id, rating="2.5")]},
    )

    assert response.status_code == 201, response.content
    assert [(row["loop_id"], row["rating"]) for row in response.json()] == [(first.pk, 4.0), (second.pk, 2.5)]
    assert sorted(HiringOutcome.objects.values_list("rating", flat=True)) == [Decimal("2.5"), Decimal("4")]


def test_a_refused_outcome_saves_none_and_names_its_place():
    recruiter = RecruiterFactory()
    hired = _hire(recruiter)

    response = ApiClient(recruiter).post(
        "outcomes/",
        {
            "outcomes": [
                _outcome(loop_id=hired.pk),
                _outcome(loop_id=hired.pk, date="2026-04-01", rating=9),
                _outcome(loop_id=424242, date="9999-12-31"),
            ]
        },
    )

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["outcomes[1].rating"] == ["Row 2, rating: 9 is outside its stated scale 1–5."]
    assert fields["outcomes[2].loop_id"] == ["Row 3, loop_id: no loop 424242 among the loops you run."]
    assert fields["outcomes[2].date"][0].startswith("Row 3, date: 9999-12-31 is not from 2000-01-01 to today")
    assert not HiringOutcome.objects.exists()


def test_more_outcomes_than_the_limit_are_refused_by_shape():
    recruiter = RecruiterFactory()

    response = ApiClient(recruiter).post("outcomes/", {"outcomes": [_outcome(loop_id=1)] * 5_001})

    assert response.status_code == 400
    assert "outcomes" in response.json()["fields"]


def test_an_interviewer_cannot_record_outcomes():
    response = ApiClient(InterviewerFactory()).post("outcomes/", {"outcomes": [_outcome(loop_id=1)]})

    assert response.status_code == 403
