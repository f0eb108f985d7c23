"""The debrief shows, beside each rating's evidence, what the scored level means in the loop's own rubric version:
the band's anchor on each of its levels, the label alone where the rubric writes no anchor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roles.models import Anchor, RubricVersion
from tests.factories import DimensionFactory, InterviewFactory, LoopFactory, RubricVersionFactory, UserFactory
from tests.security.scenario import body, signed_in, submit

pytestmark = pytest.mark.django_db

BAND = "Sets the bar for the team's interfaces"


@pytest.fixture
def debrief() -> str:
    """A 1–10 rubric whose one dimension has a single written anchor, for levels 9–10; scored 10 and 3."""
    rubric: RubricVersion = RubricVersionFactory(scale_max=10, locked_at=None)
    dimension = DimensionFactory(rubric=rubric, name="Visual craft", anchors=False)
    Anchor.objects.create(dimension=dimension, level=9, level_max=10, text=BAND, source="verbatim")
    loop = LoopFactory(rubric=rubric)
    submit(InterviewFactory(loop=loop, exercise=None, title="Portfolio").scorecard, "Best in the pool.", score=10)
    submit(InterviewFactory(loop=loop, exercise=None, title="Critique").scorecard, "Struggled to explain.", score=3)
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("loop_debrief", args=[loop.pk]))
    assert response.status_code == 200
    return body(response)


def test_a_score_in_a_band_shows_the_bands_anchor_on_the_debrief(debrief) -> None:
    assert (
        '<p class="mb-1 small debrief-anchor"><strong>Level 10</strong> — Sets the bar for the team&#x27;s interfaces'
        ' <span class="text-body-secondary">(levels 9–10)</span></p>'
    ) in debrief


def test_a_score_on_a_level_without_an_anchor_shows_its_label_only(debrief) -> None:
    assert '<p class="mb-1 small debrief-anchor"><strong>Level 3</strong></p>' in debrief
