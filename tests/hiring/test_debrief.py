"""The debrief aggregation (hiring.debrief): per-dimension statistics, classifications, signals and the rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factory.declarations import Sequence

from hiring.models import Amendment, DecisionBasis, Loop, ObservedSignal, Rating, Scorecard
from hiring.scoring import normalise
from hiring.selectors.debrief import dimension_stats, loop_debrief
from hiring.templatetags.scores import level_class
from roles.models import Dimension, Signal
from tests import factories
from tests.factories import DecisionFactory, RubricVersionFactory, SignalFactory, UserFactory

pytestmark = pytest.mark.django_db

NA = "not assessed"


# Helpers ---------------------------------------------------------------------------------------------------


class InterviewFactory(factories.InterviewFactory):
    """An interview that already took place."""

    scheduled_at = Sequence(lambda n: timezone.now() - dt.timedelta(days=1) + dt.timedelta(minutes=n))


def _loop(*, scale_min: int = 1, scale_max: int = 5, dimensions: int = 3, **kwargs) -> Loop:
    rubric = RubricVersionFactory(
        scale_min=scale_min, scale_max=scale_max, dimensions=dimensions, signals=True, locked_at=timezone.now()
    )
    return factories.LoopFactory(rubric=rubric, **kwargs)


def _dimensions(loop: Loop) -> list[Dimension]:
    return list(loop.rubric.dimensions.order_by("position"))


def _signal(loop: Loop, kind: str) -> Signal:
    signal = loop.rubric.signals.filter(kind=kind).order_by("position").first()
    assert signal is not None
    return signal


def _scorecard(loop: Loop, scores=(), *, signals=None, interviewer=None, evidence: str = "Saw it happen.") -> Scorecard:
    """A draft scorecard on `loop`: scores by dimension position (an int, NA, or None for no rating)."""
    interview = InterviewFactory(loop=loop, **({"interviewer": interviewer} if interviewer else {}))
    scorecard = interview.scorecard
    for dimension, score in zip(_dimensions(loop), scores, strict=False):
        if score is None:
            continue
        if score == NA:
            Rating.objects.create(scorecard=scorecard, dimension=dimension, not_assessed=True)
        else:
            Rating.objects.create(scorecard=scorecard, dimension=dimension, score=score, evidence=evidence)
    for signal, note in (signals or {}).items():
        ObservedSignal.objects.create(scorecard=scorecard, signal=signal, note=note)
    return scorecard


def _submitted(loop: Loop, scores=(), *, recommendation: str = "yes", **kwargs) -> Scorecard:
    scorecard = _scorecard(loop, scores, **kwargs)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.recommendation = recommendation
    scorecard.save()
    return scorecard


def _summary(debrief, dimension: Dimension):
    return next(s for s in debrief.dimensions if s.dimension == dimension)


# dimension_stats -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "scale", "normalised", "classification"),
    [
        pytest.param([4, 4], (1, 5), 0.75, "strong", id="1-5 mean exactly 0.75 is strong"),
        pytest.param([3, 3], (0, 4), 0.75, "strong", id="0-4 mean exactly 0.75 is strong"),
        pytest.param([4, 4, 4, 4, 4, 4, 4, 4, 4, 3], (1, 5), 0.725, "meets", id="1-5 just under 0.75 meets"),
        pytest.param([3, 3, 3, 3, 3, 3, 3, 3, 3, 2], (0, 4), 0.725, "meets", id="0-4 just under 0.75 meets"),
        pytest.param([3, 3], (1, 5), 0.5, "meets", id="1-5 mean exactly 0.5 meets"),
        pytest.param([2, 2], (0, 4), 0.5, "meets", id="0-4 mean exactly 0.5 meets"),
        pytest.param([3, 3, 3, 3, 3, 3, 3, 3, 3, 2], (1, 5), 0.475, "weak", id="1-5 just under 0.5 is weak"),
        pytest.param([2, 2, 2, 2, 2, 2, 2, 2, 2, 1], (0, 4), 0.475, "weak", id="0-4 just under 0.5 is weak"),
        pytest.param([3, 5], (1, 5), 0.75, "split", id="1-5 spread of half the scale is split, before strong"),
        pytest.param([2, 4], (0, 4), 0.75, "split", id="0-4 spread of half the scale is split, before strong"),
        pytest.param([1, 3], (1, 5), 0.25, "split", id="1-5 split comes before weak"),
        pytest.param([1, 5], (1, 5), 0.5, "split", id="1-5 whole-scale spread is split"),
        pytest.param([4, 5], (1, 5), 0.875, "strong", id="1-5 spread under half is not split"),
        pytest.param([2, 3], (0, 4), 0.625, "meets", id="0-4 spread under half is not split"),
        pytest.param([1, 1], (1, 5), 0.0, "weak", id="1-5 bottom of the scale is weak"),
        pytest.param([4, 4], (0, 4), 1.0, "strong", id="0-4 top of the scale is strong"),
    ],
)
def test_dimension_stats_classifies_at_each_boundary(scores, scale, normalised, classification):
    scale_min, scale_max = scale

    stats = dimension_stats(scores, scale_min=scale_min, scale_max=scale_max)

    assert stats.normalised == pytest.approx(normalised)
    assert stats.classification == classification
    assert stats.count == len(scores)


@pytest.mark.parametrize(
    ("scores", "scale", "expected"),
    [
        pytest.param([2, 3, 5], (1, 5), (3, 10 / 3, 3, 2, 5, 3, 7 / 12), id="1-5 odd count"),
        pytest.param([3, 4], (1, 5), (2, 3.5, 3.5, 3, 4, 1, 0.625), id="1-5 even count median between"),
        pytest.param([3, 4, 4, 4], (0, 4), (4, 3.75, 4, 3, 4, 1, 0.9375), id="0-4"),
        pytest.param([0], (0, 4), (1, 0.0, 0, 0, 0, 0, 0.0), id="0-4 a single zero is a score"),
    ],
)
def test_dimension_stats_computes_count_mean_median_range_and_normalised_mean(scores, scale, expected):
    count, mean, median, low, high, spread, normalised = expected

    stats = dimension_stats(scores, scale_min=scale[0], scale_max=scale[1])

    assert stats.count == count
    assert stats.mean == pytest.approx(mean)
    assert stats.median == pytest.approx(median)
    assert (stats.low, stats.high, stats.spread) == (low, high, spread)
    assert stats.normalised == pytest.approx(normalised)


@pytest.mark.parametrize("scale", [(1, 5), (0, 4)])
def test_dimension_stats_with_no_scores_is_uncovered_with_no_statistics(scale):
    stats = dimension_stats([], scale_min=scale[0], scale_max=scale[1])

    assert stats.classification == "uncovered"
    assert stats.count == 0
    assert (stats.mean, stats.median, stats.low, stats.high, stats.normalised, stats.spread) == (None,) * 6


# normalise and level_class ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        (1, (1, 5), 0.0),
        (3, (1, 5), 0.5),
        (5, (1, 5), 1.0),
        (4, (1, 5), 0.75),
        (0, (0, 4), 0.0),
        (2, (0, 4), 0.5),
        (4, (0, 4), 1.0),
        (3, (0, 4), 0.75),
        (3.5, (1, 5), 0.625),
    ],
)
def test_normalise_maps_the_scale_onto_0_to_1(value, scale, expected):
    assert normalise(value, scale_min=scale[0], scale_max=scale[1]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("scale", "levels"),
    [
        ((1, 5), {1: "level-0", 2: "level-1", 3: "level-2", 4: "level-3", 5: "level-4"}),
        ((0, 4), {0: "level-0", 1: "level-1", 2: "level-2", 3: "level-3", 4: "level-4"}),
    ],
)
def test_level_class_puts_the_minimum_at_level_0_and_the_maximum_at_level_4(scale, levels):
    coloured = {score: level_class(normalise(score, scale_min=scale[0], scale_max=scale[1])) for score in levels}
    assert coloured == levels


def test_level_class_of_no_score_is_level_none():
    assert level_class(None) == "level-none"


# loop_debrief ----------------------------------------------------------------------------------------------


def test_not_assessed_never_lowers_a_mean():
    loop = _loop()
    first, second, _third = _dimensions(loop)
    _submitted(loop, [5, 3])
    marked = _submitted(loop, [NA, 3])

    debrief = loop_debrief(loop=loop)

    stats = _summary(debrief, first).stats
    assert (stats.count, stats.mean, stats.median, stats.low, stats.high) == (1, 5.0, 5, 5, 5)
    assert _summary(debrief, second).stats.count == 2
    row = next(r for r in debrief.rows if r.scorecard == marked)
    rating = row.cells[0].rating
    assert rating is not None
    assert rating.not_assessed
    assert row.cells[0].normalised is None


def test_a_dimension_only_marked_not_assessed_is_uncovered():
    loop = _loop()
    first = _dimensions(loop)[0]
    _submitted(loop, [NA, 3, 3])
    _submitted(loop, [NA, 4, 4])

    stats = _summary(loop_debrief(loop=loop), first).stats

    assert (stats.classification, stats.count, stats.mean) == ("uncovered", 0, None)


def test_drafts_are_not_counted_and_show_as_pending_with_their_interviewer():
    loop = _loop()
    first = _dimensions(loop)[0]
    _submitted(loop, [4, 4, 4])
    late = UserFactory(groups=("Interviewers",), first_name="Dana", last_name="Late")
    draft = _scorecard(loop, [1, 1, 1], signals={_signal(loop, "red_flag"): "Draft note."}, interviewer=late)

    debrief = loop_debrief(loop=loop)

    stats = _summary(debrief, first).stats
    assert (stats.count, stats.mean, stats.low) == (1, 4.0, 4)
    assert draft.interview not in [r.interview for r in debrief.rows]
    assert debrief.pending == [draft.interview]
    assert debrief.pending[0].interviewer == late
    assert debrief.observations["red_flag"] == []
    assert (debrief.submitted, debrief.expected) == (1, 2)


def test_expected_and_submitted_count_every_interview_of_the_loop():
    loop = _loop()
    for _ in range(3):
        _submitted(loop, [3, 3, 3])
    _scorecard(loop, [3])
    _scorecard(loop)
    _submitted(_loop(), [3, 3, 3])  # another loop's scorecard

    debrief = loop_debrief(loop=loop)

    assert (debrief.expected, debrief.submitted, len(debrief.pending), len(debrief.rows)) == (5, 3, 2, 3)


def test_every_red_flag_observed_is_listed_with_its_interviewer_and_note_and_red_flags_come_first():
    loop = _loop()
    red = _signal(loop, "red_flag")
    other_red = SignalFactory(rubric=loop.rubric, kind="red_flag", text="Dismissed the customer.")
    strong, weak = _signal(loop, "strong"), _signal(loop, "weak")
    ann = _submitted(
        loop, [3, 3, 3], signals={red: "Blamed the team.", other_red: "Said customers are dumb.", strong: ""}
    )
    ben = _submitted(loop, [3, 3, 3], signals={red: "Same blame story.", weak: "Vague."})

    debrief = loop_debrief(loop=loop)

    assert sorted(
        (o.signal.pk, o.interview.interviewer.pk, o.note) for o in debrief.observations["red_flag"]
    ) == sorted(
        [
            (red.pk, ann.interview.interviewer.pk, "Blamed the team."),
            (other_red.pk, ann.interview.interviewer.pk, "Said customers are dumb."),
            (red.pk, ben.interview.interviewer.pk, "Same blame story."),
        ]
    )
    assert [(o.signal, o.note) for o in debrief.observations["strong"]] == [(strong, "")]
    assert [(o.signal, o.note) for o in debrief.observations["weak"]] == [(weak, "Vague.")]
    assert debrief.signal_counts == {"red_flag": 3, "strong": 1, "weak": 1}
    sections = debrief.signal_sections
    assert [(kind, title) for kind, title, _ in sections] == [
        ("red_flag", "Red flags"),
        ("strong", "Strong signals"),
        ("weak", "Weak signals"),
    ]
    assert sections[0][2] == debrief.observations["red_flag"]


def test_recommendation_tally_counts_each_value():
    loop = _loop()
    for recommendation in ("strong_yes", "yes", "yes", "no"):
        _submitted(loop, [3, 3, 3], recommendation=recommendation)
    _scorecard(loop)  # a draft has no recommendation to count

    assert loop_debrief(loop=loop).recommendation_tally == [
        ("strong_no", "Strong no", 0),
        ("no", "No", 1),
        ("yes", "Yes", 2),
        ("strong_yes", "Strong yes", 1),
    ]


def _rule(debrief) -> tuple[str, list[tuple[str, float | None, float, bool | None]]]:
    return debrief.rule.outcome, [(i.kind, i.value, i.threshold, i.met) for i in debrief.rule.inputs]


def test_the_default_rule_says_no_hire_when_a_red_flag_is_observed_whatever_the_scores():
    loop = _loop()
    _submitted(loop, [4, 4, 4], recommendation="strong_yes")
    _submitted(loop, [4, 4, 4], signals={_signal(loop, "red_flag"): "Blamed the team."})

    # every dimension 4 of 1-5: normalised 0.75 >= 0.65 met; one red flag: not met
    assert _rule(loop_debrief(loop=loop)) == ("no_hire", [("mean", 0.75, 0.65, True), ("red_flags", 1, 0, False)])


def test_the_rule_ignores_recommendations_a_strong_no_alone_does_not_stop_a_hire():
    loop = _loop()
    _submitted(loop, [4, 4, 4], recommendation="yes")
    _submitted(loop, [4, 4, 4], recommendation="strong_no")

    assert loop_debrief(loop=loop).rule.outcome == "hire"


def test_the_rule_has_no_outcome_while_scorecards_are_pending():
    loop = _loop()
    _submitted(loop, [5, 5, 5])
    _scorecard(loop)

    debrief = loop_debrief(loop=loop)

    assert _rule(debrief) == ("", [("mean", 1.0, 0.65, True), ("red_flags", 0, 0, True)])
    assert debrief.rule.waiting == 1


def test_the_rule_has_no_outcome_when_nothing_is_submitted():
    loop = _loop()
    _scorecard(loop, [5, 5, 5])

    assert _rule(loop_debrief(loop=loop)) == ("", [("mean", None, 0.65, None), ("red_flags", 0, 0, None)])


def test_the_default_rule_says_hire_at_a_normalised_mean_of_0_65_or_more_on_1_to_5():
    loop = _loop()
    _submitted(loop, [4, 3, 5], recommendation="no")
    _submitted(loop, [4, 3, 4], recommendation="no")

    # means 4, 3, 4.5 of 1-5: normalised 0.75, 0.5, 0.875; their mean 2.125 / 3 = 0.7083 >= 0.65
    outcome, [(kind, value, threshold, met), _flags] = _rule(loop_debrief(loop=loop))
    assert (outcome, kind, threshold, met) == ("hire", "mean", 0.65, True)
    assert value == pytest.approx(0.708333, abs=1e-6)


def test_the_default_rule_says_no_hire_just_under_the_threshold_on_1_to_5():
    loop = _loop()
    _submitted(loop, [2, 4, 4])
    _submitted(loop, [2, 4, 4])

    # normalised 0.25, 0.75, 0.75: mean 0.5833 < 0.65
    outcome, [(_, value, _, met), _flags] = _rule(loop_debrief(loop=loop))
    assert (outcome, met) == ("no_hire", False)
    assert value == pytest.approx(0.583333, abs=1e-6)


def test_a_must_have_under_its_bar_on_0_to_4_says_no_hire_though_the_mean_is_met():
    loop = _loop(scale_min=0, scale_max=4)
    first, _second, _third = _dimensions(loop)
    Dimension.objects.filter(pk=first.pk).update(must_have_bar=2)
    RubricVersionFactory._meta.model.objects.filter(pk=loop.rubric.pk).update(
        rule_threshold=0.6, rule_no_red_flag=False
    )
    loop.rubric.refresh_from_db()
    _submitted(loop, [1, 4, 4])
    _submitted(loop, [2, 4, 4])

    # first: mean 1.5 of 0-4 < bar 2; normalised 0.375, 1, 1: mean 2.375 / 3 = 0.7917 >= 0.6; red flags not asked
    outcome, inputs = _rule(loop_debrief(loop=loop))
    assert outcome == "no_hire"
    assert inputs[1:] == [("must_have", 1.5, 2, False)]
    assert inputs[0][0] == "mean"
    assert inputs[0][1] == pytest.approx(0.791667, abs=1e-6)
    assert inputs[0][3] is True


def test_a_must_have_at_its_bar_on_1_to_10_says_hire():
    loop = _loop(scale_min=1, scale_max=10)
    first, _second, _third = _dimensions(loop)
    Dimension.objects.filter(pk=first.pk).update(must_have_bar=6)
    RubricVersionFactory._meta.model.objects.filter(pk=loop.rubric.pk).update(rule_threshold=0.6)
    loop.rubric.refresh_from_db()
    _submitted(loop, [5, 7, 8])
    _submitted(loop, [7, 7, 8])

    # first: mean 6 of 1-10 = bar 6, met; normalised (6-1)/9, (7-1)/9, (8-1)/9 = 0.5556, 0.6667, 0.7778: mean 0.6667
    outcome, inputs = _rule(loop_debrief(loop=loop))
    assert outcome == "hire"
    assert inputs[1:] == [("red_flags", 0, 0, True), ("must_have", 6.0, 6, True)]
    assert inputs[0][1] == pytest.approx(0.666667, abs=1e-6)


def test_a_must_have_nobody_rated_leaves_the_rule_without_an_outcome():
    loop = _loop()
    first, _second, _third = _dimensions(loop)
    Dimension.objects.filter(pk=first.pk).update(must_have_bar=3)
    _submitted(loop, [NA, 5, 5])

    outcome, inputs = _rule(loop_debrief(loop=loop))
    assert outcome == ""
    assert inputs[-1] == ("must_have", None, 3, None)


def test_a_dimension_nobody_rated_is_uncovered():
    loop = _loop()
    _first, _second, third = _dimensions(loop)
    _submitted(loop, [3, 4])
    _submitted(loop, [4, 4, None])
    _scorecard(loop, [4, 4, 2])  # a draft's rating does not cover it

    summary = _summary(loop_debrief(loop=loop), third)

    assert summary.stats.classification == "uncovered"
    assert summary.label == "Uncovered"
    assert (summary.stats.count, summary.stats.mean, summary.stats.normalised) == (0, None, None)


def test_cells_link_to_their_evidence_and_carry_the_level_colour():
    loop = _loop(scale_min=0, scale_max=4)
    first, second, third = _dimensions(loop)
    scorecard = _submitted(loop, [0, 4, None])

    row = loop_debrief(loop=loop).rows[0]

    assert [cell.dimension for cell in row.cells] == [first, second, third]
    assert [cell.anchor_id for cell in row.cells] == [
        f"evidence-{scorecard.pk}-{first.pk}",
        f"evidence-{scorecard.pk}-{second.pk}",
        "",
    ]
    assert [cell.normalised for cell in row.cells] == [0.0, 1.0, None]


def test_the_debrief_and_summary_colour_each_score_by_its_place_on_the_scale():
    loop = _loop(scale_min=0, scale_max=4)
    _submitted(loop, [0, 4, None])
    client = Client()
    client.force_login(loop.hiring_manager)

    for page in ("loop_debrief", "loop_summary"):
        html = client.get(reverse(page, args=[loop.pk])).content.decode()

        assert [html.count(f'class="text-center {level}"') for level in ("level-0", "level-4", "level-none")] == [
            1,
            1,
            1,
        ], page
        chips = re.findall(r'class="([^"]*\bscore-chip\b[^"]*)"', html)  # the evidence's scores, however laid out
        assert all(re.search(r"\blevel-(\d|none)\b", chip) for chip in chips), (page, chips)
        assert len(chips) >= (2 if page == "loop_debrief" else 0), page  # the debrief lists both scores' evidence


def test_loop_debrief_uses_the_loops_own_scale():
    loop = _loop(scale_min=0, scale_max=4)
    first = _dimensions(loop)[0]
    _submitted(loop, [2, 2, 2])
    _submitted(loop, [4, 2, 2])

    stats = _summary(loop_debrief(loop=loop), first).stats

    assert (stats.mean, stats.normalised, stats.classification) == (pytest.approx(3.0), pytest.approx(0.75), "split")


# Query count -----------------------------------------------------------------------------------------------


def _grid_loop(interviewers: int, dimensions: int) -> Loop:
    """A decided loop: every cell rated, every signal observed, each scorecard amended after the decision."""
    loop = _loop(dimensions=dimensions)
    rubric_dimensions = _dimensions(loop)
    signals = list(loop.rubric.signals.all())
    cards = []
    for i in range(interviewers):
        scorecard = _submitted(loop, recommendation=("yes", "no", "strong_yes")[i % 3])
        Rating.objects.bulk_create(
            Rating(scorecard=scorecard, dimension=d, score=1 + (i + j) % 5, evidence=f"Evidence {i}-{j}.")
            for j, d in enumerate(rubric_dimensions)
        )
        ObservedSignal.objects.bulk_create(
            ObservedSignal(scorecard=scorecard, signal=s, note=f"Note {i}-{s.pk}.") for s in signals
        )
        cards.append(scorecard)
    _scorecard(loop)  # one still pending
    decision = DecisionFactory(loop=loop, outcome="hire", rationale="Strong panel.")
    DecisionBasis.objects.bulk_create(DecisionBasis(decision=decision, scorecard=c, revision=c.revision) for c in cards)
    for i, scorecard in enumerate(cards):
        Scorecard.objects.filter(pk=scorecard.pk).update(revision=scorecard.revision + 1)
        Amendment.objects.create(
            scorecard=scorecard,
            by=scorecard.interview.interviewer,
            reason=f"Fix {i}.",
            after_decision=True,
            revision=scorecard.revision + 1,
        )
    loop.refresh_from_db()
    return loop


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def test_loop_debrief_issues_the_same_number_of_queries_whatever_the_panel_and_rubric_size():
    small, large = _grid_loop(2, 2), _grid_loop(10, 10)

    small_count = _queries(lambda: loop_debrief(loop=small))
    large_count = _queries(lambda: loop_debrief(loop=large))

    assert small_count == large_count
    assert len(loop_debrief(loop=large).rows) == 10


def _page_queries(loop: Loop) -> tuple[int, str]:
    """The number of queries of the hiring manager's GET of the debrief page, and the page."""
    client = Client()
    client.force_login(loop.hiring_manager)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("loop_debrief", args=[loop.pk]))
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_the_debrief_page_issues_the_same_number_of_queries_whatever_the_panel_and_rubric_size():
    small, large = _grid_loop(2, 2), _grid_loop(10, 10)

    small_count, _ = _page_queries(small)
    large_count, page = _page_queries(large)

    assert small_count == large_count
    assert page.count('class="evidence card') == 100
    assert page.count("Fix ") == 10
