"""Calibration's validity: each dimension's and the loop mean's correlation with hires' later performance."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from scipy import stats

from hiring.models import Decision, HiringOutcome, Loop, Scorecard
from hiring.selectors.calibration import CalibrationFilter, calibration_report
from hiring.selectors.validity import LOOP_MEAN, fisher_interval
from tests.factories import DecisionFactory, InterviewFactory, LoopFactory, RatingFactory, RubricVersionFactory

pytestmark = pytest.mark.django_db

# Five hires on a 1–5 role. Dimension A's scores 1..5 normalise to 0, .25, .5, .75, 1; their later ratings on a 1–5
# scale, 2 1 3 5 4, normalise to .25, 0, .5, 1, .75. Deviations from the means (in quarters): x −2 −1 0 1 2,
# y −1 −2 0 2 1; Σxy = 8, Σx² = Σy² = 10, so r = 8 / 10 = 0.8.
# Fisher: z = atanh .8 = 1.0986, ± 1.96 / √(5 − 3) = ± 1.3859 → tanh(−0.2873) = −0.2796, tanh(2.4845) = 0.9862.
# Dimension B is scored 3 by everyone: no variation, no correlation. The loop mean is (A + .5) / 2, a straight
# line of A, so its r is A's: 0.8.
SCORES_A = [1, 2, 3, 4, 5]
LATER = [2, 1, 3, 5, 4]


@pytest.fixture
def hires(recruiter):
    rubric = RubricVersionFactory(dimensions=2, scale_min=1, scale_max=5)
    first, second = rubric.dimensions.order_by("position")
    loops = []
    for score, later in zip(SCORES_A, LATER, strict=True):
        loop = LoopFactory(rubric=rubric, recruiter=recruiter)
        card = InterviewFactory(loop=loop).scorecard
        Scorecard.objects.filter(pk=card.pk).update(
            status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
        )
        RatingFactory(scorecard=card, dimension=first, score=score)
        RatingFactory(scorecard=card, dimension=second, score=3)
        DecisionFactory(loop=loop, outcome=Decision.Outcome.HIRE)
        HiringOutcome.objects.create(
            loop=loop,
            date=dt.date(2025, 1, 1),
            rating=1,
            scale_min=1,
            scale_max=5,
            still_employed=True,
            recorded_by=recruiter,
        )  # an earlier outcome: the latest one counts
        HiringOutcome.objects.create(
            loop=loop,
            date=dt.date(2026, 1, 1),
            rating=later,
            scale_min=1,
            scale_max=5,
            still_employed=True,
            recorded_by=recruiter,
        )
        loops.append(loop)
    return rubric, first, second, loops


def test_correlations_equal_the_hand_computed_figures_and_scipy(hires, settings):
    settings.VALIDITY_MIN_HIRES = 5
    _rubric, first, second, _ = hires

    report = {item.dimension: item for item in calibration_report(filters=CalibrationFilter()).validity}

    a, b, mean = report[first.slug], report[second.slug], report[LOOP_MEAN]
    assert a.hires == b.hires == mean.hires == 5
    assert a.r == pytest.approx(0.8)
    assert a.interval == pytest.approx((-0.2796, 0.9862), abs=1e-4)
    assert b.r is None
    assert mean.r == pytest.approx(0.8)
    expected = stats.pearsonr([(s - 1) / 4 for s in SCORES_A], [(y - 1) / 4 for y in LATER])
    interval = expected.confidence_interval(0.95)
    assert a.r == pytest.approx(expected.statistic)
    assert a.interval == pytest.approx((interval.low, interval.high))


def test_below_the_minimum_sample_no_figure_is_shown(hires, settings, login, hiring_manager):
    settings.VALIDITY_MIN_HIRES = 6

    page = login(hiring_manager).get(reverse("calibration")).content.decode()

    assert page.count("not enough hires yet") == 3  # the loop mean and both dimensions, on 5 hires
    assert "0.80" not in page
    assert "restricted range" in page


def test_the_page_shows_r_with_its_interval_and_the_hires_behind_it(
    hires, settings, login, hiring_manager, django_assert_num_queries
):
    settings.VALIDITY_MIN_HIRES = 5
    client = login(hiring_manager)
    client.get(reverse("calibration"))  # the session's first request writes; pin the next one

    # validity: 2 of them (outcomes; ratings grouped by loop and dimension); the decision rule's overrides: 1
    with django_assert_num_queries(9):
        page = client.get(reverse("calibration")).content.decode()

    assert "0.80 [-0.28, 0.99]" in page
    assert "Loop&#x27;s normalised mean" in page or "Loop's normalised mean" in page


def test_a_loop_no_longer_decided_hire_leaves_the_figures(hires, settings):
    settings.VALIDITY_MIN_HIRES = 4
    *_, loops = hires
    DecisionFactory(loop=loops[-1], outcome=Decision.Outcome.NO_HIRE)

    report = calibration_report(filters=CalibrationFilter()).validity

    assert {item.hires for item in report} == {4}
    assert Loop.objects.filter(decision__outcome="hire").count() == 4


def test_fisher_interval_needs_four_hires_and_is_a_point_at_one():
    assert fisher_interval(0.5, 3) is None
    assert fisher_interval(1.0, 10) == (1.0, 1.0)
    low, high = fisher_interval(0.0, 12) or (0.0, 0.0)
    assert high == pytest.approx(math.tanh(1.959964 / 3), abs=1e-6)
    assert low == pytest.approx(-high)


def test_the_command_reports_validity_as_json(hires, settings, capsys):
    settings.VALIDITY_MIN_HIRES = 5
    _rubric, first, _second, _ = hires

    call_command("calibration_report", "--json")

    rows = {row["dimension"]: row for row in json.loads(capsys.readouterr().out)["validity"]}
    assert rows[first.slug]["r"] == 0.8
    assert rows[first.slug]["r_ci"] == [-0.2796, 0.9862]
    assert rows[None]["dimension_name"] == "Loop's normalised mean"
    assert rows[None]["hires"] == 5
