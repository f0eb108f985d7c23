"""Scorecards in the shape of Greenhouse's Harvest scorecard object (`?format=greenhouse` and /harvest/v1/).

Greenhouse rates each attribute on five points; a rating here is put on the same five points by its
place on the role's own scale: the one mapping of scale levels to Harvest ratings (`harvest_rating`,
table in docs/API.md).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from django.contrib.auth.models import User
from rest_framework import serializers

from hiring.models import Scorecard
from hiring.scoring import counted_score

FIVE_POINTS = ("definitely_not", "no", "mixed", "yes", "strong_yes")
RECOMMENDATIONS = {"strong_no": "definitely_not", "no": "no", "yes": "yes", "strong_yes": "strong_yes"}
NO_DECISION = "no_decision"


def harvest_rating(score: int | None, *, scale_min: int, scale_max: int) -> str:
    """A level of a scale of 2 to 11 levels as one of Harvest's five ratings; None (not assessed) → no_decision.

    The level's place on the scale, 0 at the bottom to 4 at the top, computed exactly (no float), goes to the
    nearest of the five points; a place exactly halfway between two points (only on a 9-level scale: 2, 4, 6
    and 8 of 1–9) goes to the point nearer the middle, so the mapping is symmetric and never rounds half to
    even. So bottom → definitely_not, top → strong_yes, the middle level of an odd scale → mixed. On 1–4 the
    inner levels sit at 1⅓ and 2⅔, nearer no and yes than mixed: a 4-level scale is a forced choice and
    never yields mixed (nor does 2 levels); longer even scales do, for the levels nearest the middle.
    """
    if score is None:
        return NO_DECISION
    place = Fraction(4 * (score - scale_min), scale_max - scale_min)
    half = Fraction(1, 2)
    point = math.floor(place + half) if place < 2 else math.ceil(place - half)
    return FIVE_POINTS[point]


def harvest_rating_table(*, scale_min: int, scale_max: int) -> dict[int, str]:
    """Every level of a scale with its Harvest rating (for the docs and their test)."""
    levels = range(scale_min, scale_max + 1)
    return {level: harvest_rating(level, scale_min=scale_min, scale_max=scale_max) for level in levels}


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


def harvest_user(user: User) -> dict[str, Any]:
    """A user as Harvest's user reference (id, first_name, last_name, name, employee_id)."""
    return dict(GreenhouseUserSerializer(user).data)


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
            "rating": harvest_rating(counted_score(rating), scale_min=rubric.scale_min, scale_max=rubric.scale_max),
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
        # Harvest's scorecards are submitted ones: one comes to exist there when it is submitted (a draft,
        # read with ?format=greenhouse, at its last save).
        "created_at": scorecard.submitted_at or scorecard.updated_at,
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
