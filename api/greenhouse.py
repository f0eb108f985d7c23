"""Scorecards in the shape of Greenhouse's Harvest scorecard object (`?format=greenhouse`), docs/API.md.

Greenhouse rates each attribute on five points; a rating here is put on the same five points by its
place on the role's own scale (hiring.scoring.normalise): bottom → definitely_not, top → strong_yes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from hiring.models import Scorecard
from hiring.scoring import normalise

FIVE_POINTS = ("definitely_not", "no", "mixed", "yes", "strong_yes")
RECOMMENDATIONS = {"strong_no": "definitely_not", "no": "no", "yes": "yes", "strong_yes": "strong_yes"}
NO_DECISION = "no_decision"


def attribute_rating(score: int | None, *, scale_min: int, scale_max: int) -> str:
    if score is None:
        return NO_DECISION
    return FIVE_POINTS[round(normalise(score, scale_min=scale_min, scale_max=scale_max) * 4)]


class GreenhouseUserSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    name = serializers.SerializerMethodField()
    employee_id = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return user.get_full_name() or user.username

    def get_employee_id(self, user: User) -> str | None:
        return None


class GreenhouseStepSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GreenhouseAttributeSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    type = serializers.CharField()
    note = serializers.CharField(allow_null=True)
    rating = serializers.ChoiceField(choices=[*FIVE_POINTS, NO_DECISION])


class GreenhouseQuestionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(allow_null=True)
    question = serializers.CharField()
    answer = serializers.CharField(allow_blank=True)


class GreenhouseRatingsSerializer(serializers.Serializer[Any]):
    definitely_not = serializers.ListField(child=serializers.CharField())
    no = serializers.ListField(child=serializers.CharField())
    mixed = serializers.ListField(child=serializers.CharField())
    yes = serializers.ListField(child=serializers.CharField())
    strong_yes = serializers.ListField(child=serializers.CharField())


class GreenhouseScorecardSerializer(serializers.Serializer[Any]):
    """One scorecard as Greenhouse Harvest's scorecard object."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    interview = serializers.CharField()
    interview_step = GreenhouseStepSerializer()
    candidate_id = serializers.IntegerField()
    application_id = serializers.IntegerField()
    interviewed_at = serializers.DateTimeField()
    submitted_by = GreenhouseUserSerializer()
    interviewer = GreenhouseUserSerializer()
    submitted_at = serializers.DateTimeField(allow_null=True)
    overall_recommendation = serializers.ChoiceField(choices=[*RECOMMENDATIONS.values(), NO_DECISION])
    attributes = GreenhouseAttributeSerializer(many=True)
    ratings = GreenhouseRatingsSerializer()
    questions = GreenhouseQuestionSerializer(many=True)

    def to_representation(self, scorecard: Scorecard) -> dict[str, Any]:
        return super().to_representation(greenhouse_scorecard(scorecard))


def greenhouse_scorecard(scorecard: Scorecard) -> dict[str, Any]:
    """The Harvest fields from a scorecard with its interview, loop, rubric, ratings and signals loaded."""
    interview = scorecard.interview
    rubric = interview.loop.rubric
    ratings = sorted(scorecard.ratings.all(), key=lambda r: r.dimension.position)
    attributes = [
        {
            "name": rating.dimension.name,
            "type": "Dimension",
            "note": rating.evidence or None,
            "rating": attribute_rating(
                None if rating.not_assessed else rating.score, scale_min=rubric.scale_min, scale_max=rubric.scale_max
            ),
        }
        for rating in ratings
    ]
    questions = [{"id": None, "question": "Key Take-Aways", "answer": scorecard.key_takeaways}]
    questions += [
        {
            "id": None,
            "question": f"{observed.signal.get_kind_display()}: {observed.signal.text}",
            "answer": observed.note,
        }
        for observed in sorted(scorecard.observed_signals.all(), key=lambda o: o.signal.position)
    ]
    return {
        "id": scorecard.pk,
        "created_at": scorecard.updated_at,
        "updated_at": scorecard.updated_at,
        "interview": interview.name,
        "interview_step": {"id": interview.exercise_id, "name": interview.name},
        "candidate_id": interview.loop.candidate_id,
        "application_id": interview.loop_id,
        "interviewed_at": interview.scheduled_at,
        "submitted_by": interview.interviewer,
        "interviewer": interview.interviewer,
        "submitted_at": scorecard.submitted_at,
        "overall_recommendation": RECOMMENDATIONS.get(scorecard.recommendation, NO_DECISION)
        if scorecard.is_submitted
        else NO_DECISION,
        "attributes": attributes,
        "ratings": {point: [a["name"] for a in attributes if a["rating"] == point] for point in FIVE_POINTS},
        "questions": questions,
    }
