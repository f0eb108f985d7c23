"""The stored running statistics (issue 16) equal a recomputation from scratch, whatever the sequence of writes.

The reference below recomputes every figure directly from the scorecards and ratings, following
the definitions of hiring.selectors.calibration, without the running totals' code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any, cast

import krippendorff
import numpy as np
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiring.agreement import alpha_from_coincidences
from hiring.models import (
    INTERVIEWER_FIGURES,
    Candidate,
    Decision,
    DecisionBasis,
    DimensionFigures,
    DimensionSpread,
    Interview,
    InterviewerFigures,
    Loop,
    LoopDimensionFigures,
    LoopInterviewerFigures,
    ObservedSignal,
    Rating,
    Scorecard,
    SpreadTotal,
)
from hiring.policy import SYSTEM
from hiring.selectors import calibration, debrief, home
from hiring.services.decisions import DecisionConflict, loop_decide, loop_decision_revisit
from hiring.services.loops import PlanRow, loop_plan_save
from hiring.services.privacy import candidate_forget
from hiring.services.scorecards import (
    RatingInput,
    ScorecardInput,
    scorecard_amend,
    scorecard_save_draft,
    scorecard_submit,
)
from hiring.services.statistics import statistics_rebuild
from roles.models import Dimension, SignalKind
from tests.factories import CandidateFactory, ExerciseFactory, RoleFactory, RubricVersionFactory, UserFactory
from tests.fuzzing import examples

pytestmark = pytest.mark.django_db(transaction=False)

NA = -1  # a rating marked not assessed; None: left empty (allowed off the focus only)
OUTCOMES = ("hire", "no_hire", "hold")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")


# The world every example starts from ------------------------------------------------------------------------


@pytest.fixture
def world(db) -> dict[str, Any]:
    """Two roles (1–5 and 0–4), four interviewers, three loops of three interviews, one interviewer twice."""
    manager = UserFactory(groups=("Hiring managers",))
    recruiter = UserFactory(groups=("Recruiters",))
    panel = [UserFactory(groups=("Interviewers",)) for _ in range(4)]
    rubrics = [
        RubricVersionFactory(role=RoleFactory(), dimensions=2, signals=True, locked_at=timezone.now()),
        RubricVersionFactory(
            role=RoleFactory(), dimensions=2, signals=True, scale_min=0, scale_max=4, locked_at=timezone.now()
        ),
    ]
    loops = []
    for index, rubric in enumerate((rubrics[0], rubrics[0], rubrics[1])):
        loop = Loop.objects.create(
            candidate=CandidateFactory(), rubric=rubric, hiring_manager=manager, recruiter=recruiter
        )
        exercise = ExerciseFactory(rubric=rubric)
        focus = list(Dimension.objects.filter(rubric=rubric))
        people = [panel[index], panel[(index + 1) % 4], panel[index]]  # panel[index] interviews twice
        rows = [
            PlanRow(
                exercise=exercise, interviewer=person, scheduled_at=timezone.now() + dt.timedelta(hours=h), focus=focus
            )
            for h, person in zip((-30, -1, 2), people, strict=True)
        ]
        loop_plan_save(loop=loop, rows=rows, by=recruiter)
        loops.append(loop)
    return {"manager": manager, "recruiter": recruiter, "panel": panel, "loops": loops}


# The steps -----------------------------------------------------------------------------------------------------

scores = st.lists(st.sampled_from([NA, 0, 1, 2, 3, 4, 5]), min_size=2, max_size=2)
step = st.one_of(
    st.tuples(st.just("draft"), st.integers(0, 11), scores),
    st.tuples(st.just("submit"), st.integers(0, 11), scores, st.sampled_from(RECOMMENDATIONS)),
    st.tuples(st.just("amend"), st.integers(0, 11), scores, st.sampled_from(RECOMMENDATIONS)),
    st.tuples(st.just("decide"), st.integers(0, 2), st.sampled_from(OUTCOMES)),
    st.tuples(st.just("revisit"), st.integers(0, 2), st.sampled_from(OUTCOMES)),
    st.tuples(st.just("add interview"), st.integers(0, 2), st.integers(0, 3)),
    st.tuples(st.just("reschedule"), st.integers(0, 11), st.integers(-60, 60)),
    st.tuples(st.just("forget"), st.integers(0, 2)),
)


def _input(scorecard: Scorecard, values: list[int], recommendation: str = "") -> ScorecardInput:
    rubric = scorecard.interview.loop.rubric
    ratings = {}
    for dimension, value in zip(Dimension.objects.filter(rubric=rubric).order_by("position"), values, strict=False):
        if value == NA:
            ratings[dimension.pk] = RatingInput(not_assessed=True)
        else:
            ratings[dimension.pk] = RatingInput(
                score=min(max(value, rubric.scale_min), rubric.scale_max), evidence="Said so."
            )
    # A red flag (with its note) on about one card in three: the loop's stored count must follow it.
    flags = {} if sum(values) % 3 else {s.pk: "Seen." for s in rubric.signals.filter(kind=SignalKind.RED_FLAG)}
    return ScorecardInput(ratings=ratings, signals=flags, recommendation=recommendation)


def _interview(world: dict[str, Any], index: int) -> Interview | None:
    interviews = list(
        Interview.objects.filter(loop__in=world["loops"]).select_related("scorecard", "loop").order_by("pk")
    )
    return interviews[index % len(interviews)] if interviews else None


def _run(world: dict[str, Any], action: tuple[Any, ...]) -> None:
    kind = action[0]
    try:
        if kind in ("draft", "submit", "amend"):
            interview = _interview(world, action[1])
            assert interview is not None
            card = Scorecard.objects.select_related("interview__loop__rubric", "interview__interviewer").get(
                interview=interview
            )
            data = _input(card, action[2], action[3] if len(action) > 3 else "")
            who, revision = card.interview.interviewer, card.revision
            if kind == "draft":
                scorecard_save_draft(scorecard=card, by=who, revision=revision, data=data)
            elif kind == "submit":
                scorecard_submit(scorecard=card, by=who, revision=revision, data=data)
            else:
                scorecard_amend(scorecard=card, by=who, revision=revision, data=data, reason="Second thoughts.")
        elif kind == "decide":
            loop = Loop.objects.get(pk=world["loops"][action[1]].pk)
            loop_decide(
                loop=loop, by=world["manager"], outcome=action[2], rationale="Weighed.", without_scorecards=True
            )
        elif kind == "revisit":
            loop = Loop.objects.select_related("decision").get(pk=world["loops"][action[1]].pk)
            if loop.decision is not None:
                loop_decision_revisit(
                    loop=loop, by=world["manager"], supersedes=loop.decision, outcome=action[2], rationale="Again."
                )
        elif kind == "add interview":  # reopens a complete loop
            loop = Loop.objects.select_related("rubric").get(pk=world["loops"][action[1]].pk)
            row = PlanRow(
                exercise=ExerciseFactory(rubric=loop.rubric),
                interviewer=world["panel"][action[2]],
                scheduled_at=timezone.now(),
                focus=list(Dimension.objects.filter(rubric=loop.rubric)),
            )
            loop_plan_save(loop=loop, rows=[row], by=world["recruiter"])
        elif kind == "reschedule":  # moves a submitted scorecard in or out of "on time"
            interview = _interview(world, action[1])
            assert interview is not None
            row = PlanRow(
                exercise=interview.exercise,
                interviewer=interview.interviewer,
                scheduled_at=timezone.now() + dt.timedelta(hours=action[2]),
                focus=list(interview.focus_dimensions.all()),
                interview=interview,
            )
            loop_plan_save(loop=interview.loop, rows=[row], by=world["recruiter"])
        elif kind == "forget":
            candidate_forget(candidate=Candidate.objects.get(loops__pk=world["loops"][action[1]].pk), by=SYSTEM)
    except (ValidationError, DecisionConflict):
        pass  # refused: nothing changed, and the figures must still agree


# The reference: every figure from scratch ----------------------------------------------------------------------


def _scratch() -> dict[str, Any]:
    due = dt.timedelta(hours=24)
    interviewers: dict[tuple[int, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for card in Scorecard.objects.filter(status=Scorecard.Status.SUBMITTED).select_related("interview__loop__decision"):
        figures = interviewers[(card.interview.interviewer_id, card.interview.loop.rubric_id)]
        assert card.submitted_at is not None
        figures["scorecards"] += 1
        figures["on_time"] += card.submitted_at <= card.interview.scheduled_at + due
        decision = card.interview.loop.decision
        if decision is not None and decision.outcome in ("hire", "no_hire"):
            figures["decided"] += 1
            figures["matched"] += (decision.outcome == "hire" and card.recommendation in ("yes", "strong_yes")) or (
                decision.outcome == "no_hire" and card.recommendation in ("no", "strong_no")
            )
    cells: dict[tuple[int, int], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    dimensions: dict[int, dict[str, Any]] = defaultdict(lambda: {"ratings": 0, "units": 0, "coincidences": Counter()})
    rubric_of: dict[int, int] = {}
    for rating in Rating.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED).select_related(
        "scorecard__interview__loop__rubric"
    ):
        interview = rating.scorecard.interview
        rubric = interview.loop.rubric
        rubric_of[interview.loop_id] = rubric.pk
        figures = interviewers[(interview.interviewer_id, rubric.pk)]
        dimensions[rating.dimension_id]["ratings"] += 1
        if rating.not_assessed:
            figures["not_assessed"] += 1
        elif rating.score is not None:
            value = (rating.score - rubric.scale_min) / (rubric.scale_max - rubric.scale_min)
            figures["scored"] += 1
            figures["score_sum"] += value
            figures[f"bucket_{round(value * 4)}"] += 1
            cells[(interview.loop_id, rating.dimension_id)][interview.interviewer_id].append(value)
    units: dict[int, list[list[float]]] = defaultdict(list)
    for (loop_id, dimension_id), by_person in sorted(cells.items()):
        means = {person: sum(values) / len(values) for person, values in by_person.items()}
        for person, value in means.items():
            others = [other for who, other in means.items() if who != person]
            if others:
                panel = sum(others) / len(others)
                figures = interviewers[(person, rubric_of[loop_id])]
                figures["compared"] += 1
                figures["deviation_sum"] += value - panel
                figures["deviation_squares"] += (value - panel) ** 2
                figures["panel_sum"] += panel
        unit = list(means.values())
        if len(unit) >= 2:
            units[dimension_id].append(unit)
            dimensions[dimension_id]["units"] += 1
            for i, first in enumerate(unit):
                for j, second in enumerate(unit):
                    if i != j:
                        dimensions[dimension_id]["coincidences"][f"{first!r} {second!r} {len(unit)}"] += 1
    spreads = {
        (row["role_id"], row["dimension_slug"]): (row["n"], row["total"])
        for row in DimensionSpread.objects.values("role_id", "dimension_slug").annotate(
            n=Count("pk"), total=Sum("spread")
        )
    }
    return {"interviewers": interviewers, "dimensions": dimensions, "units": units, "spreads": spreads}


def _close(stored: float, expected: float) -> bool:
    return math.isclose(stored, expected, rel_tol=1e-9, abs_tol=1e-9)


def _assert_stored_equal_scratch() -> None:
    scratch = _scratch()
    stored = {
        (row.interviewer_id, row.rubric_id): row
        for row in InterviewerFigures.objects.all()
        if row.scorecards or row.scored
    }
    expected = {key: figures for key, figures in scratch["interviewers"].items() if figures.get("scorecards")}
    assert set(stored) == set(expected)
    for key, row in stored.items():
        for name in INTERVIEWER_FIGURES:
            assert _close(getattr(row, name), expected[key].get(name, 0)), (key, name)
    loop_sums = LoopInterviewerFigures.objects.values("interviewer_id", "rubric_id").annotate(
        **{name: Sum(name) for name in INTERVIEWER_FIGURES}
    )
    for loop_row in loop_sums:
        # django-stubs types the .values() keys only; those annotate(**{...}) adds are the summed figures.
        sums = cast(Mapping[str, float], loop_row)
        stored_row = stored[(loop_row["interviewer_id"], loop_row["rubric_id"])]
        for name in INTERVIEWER_FIGURES:
            assert _close(sums[name], getattr(stored_row, name))
    dimensions = {row.dimension_id: row for row in DimensionFigures.objects.all() if row.ratings}
    assert set(dimensions) == {pk for pk, figures in scratch["dimensions"].items() if figures["ratings"]}
    for pk, dimension_row in dimensions.items():
        figures = scratch["dimensions"][pk]
        assert (dimension_row.ratings, dimension_row.units, dimension_row.coincidences) == (
            figures["ratings"],
            figures["units"],
            dict(figures["coincidences"]),
        )
        found = scratch["units"][pk]
        if len(found) >= 2:
            matrix = np.full((max(map(len, found)), len(found)), np.nan)
            for column, unit in enumerate(found):
                matrix[: len(unit), column] = unit
            try:
                library = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal"))
            except ValueError:
                library = math.nan
            alpha = alpha_from_coincidences(dimension_row.coincidences)
            assert (alpha is None) == (not math.isfinite(library))
            if alpha is not None:
                assert alpha == pytest.approx(library, abs=1e-9)
    assert LoopDimensionFigures.objects.filter(units=1).count() == sum(map(len, scratch["units"].values()))
    red = ObservedSignal.objects.filter(scorecard__status=Scorecard.Status.SUBMITTED, signal__kind=SignalKind.RED_FLAG)
    flags = Counter(red.values_list("scorecard__interview__loop_id", flat=True))
    stored_flags = dict(Loop.objects.values_list("pk", "red_flags"))
    assert stored_flags == {pk: flags[pk] for pk in stored_flags}
    current = dict(Loop.objects.exclude(decision=None).values_list("decision_id", "pk"))
    basis = DecisionBasis.objects.filter(decision_id__in=current)
    moved = {
        current[d] for d, at, now in basis.values_list("decision_id", "revision", "scorecard__revision") if at != now
    }
    assert set(Loop.objects.filter(decision_changed=True).values_list("pk", flat=True)) == moved
    _assert_health_columns_equal_scratch()
    totals = {
        (row.role_id, row.dimension_slug): (row.loops, row.total) for row in SpreadTotal.objects.filter(loops__gt=0)
    }
    assert set(totals) == set(scratch["spreads"])
    for spread_key, (loops, total) in totals.items():
        assert loops == scratch["spreads"][spread_key][0]
        assert _close(total, scratch["spreads"][spread_key][1])


def _assert_health_columns_equal_scratch() -> None:
    """Hiring health's stored columns equal their definitions, read from the interviews and scorecards here."""
    interviews = Interview.objects.select_related("scorecard")
    for interview in interviews:
        card = interview.scorecard
        assert interview.scorecard_submitted_at == (card.submitted_at if card.is_submitted else None)
    for loop in Loop.objects.select_related("decision").prefetch_related("decisions"):
        panel = [i for i in interviews if i.loop_id == loop.pk]
        assert loop.last_interview_at == max((i.scheduled_at for i in panel), default=None)
        assert loop.scorecards_missing == sum(not i.scorecard.is_submitted for i in panel)
        submitted = [i.scorecard.submitted_at for i in panel if i.scorecard.is_submitted]
        assert loop.last_scorecard_at == max((at for at in submitted if at is not None), default=None)
        decided = [d.at for d in loop.decisions.all() if d.kind == Decision.Kind.DECIDED]
        assert loop.first_decided_at == min(decided, default=None)
        assert loop.decision_outcome == (loop.decision.outcome if loop.decision else "")


def _leniency_scratch(interviewer: int, *, leaving_out: int) -> tuple[int, float | None]:
    """(cells, mean deviation) of an interviewer over the loops other than `leaving_out`, from the ratings."""
    cells: dict[tuple[int, int], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rating in Rating.objects.filter(
        scorecard__status=Scorecard.Status.SUBMITTED, not_assessed=False, score__isnull=False
    ).select_related("scorecard__interview__loop__rubric"):
        interview = rating.scorecard.interview
        if interview.loop_id == leaving_out:
            continue
        rubric = interview.loop.rubric
        assert rating.score is not None  # score__isnull=False
        value = (rating.score - rubric.scale_min) / (rubric.scale_max - rubric.scale_min)
        cells[(interview.loop_id, rating.dimension_id)][interview.interviewer_id].append(value)
    deviations = []
    for by_person in cells.values():
        means = {person: statistics.fmean(values) for person, values in by_person.items()}
        others = [value for person, value in means.items() if person != interviewer]
        if interviewer in means and others:
            deviations.append(means[interviewer] - statistics.fmean(others))
    return len(deviations), (statistics.fmean(deviations) if deviations else None)


# The property --------------------------------------------------------------------------------------------------


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(
        st.tuples(st.just("submit"), st.integers(0, 11), scores, st.sampled_from(RECOMMENDATIONS)), max_size=9
    ),
    steps=st.lists(step, min_size=1, max_size=20),
)
def test_stored_statistics_equal_a_recomputation_after_any_sequence_of_writes(world, settings_fixture, first, steps):
    """Some submissions first (so that decisions, amendments and plan changes meet scorecards), then anything."""
    with transaction.atomic():
        for action in [*first, *steps]:
            _run(world, action)
        _assert_stored_equal_scratch()
        loop = world["loops"][0]
        people = [person.pk for person in world["panel"]]
        for person, leniency in calibration.leniency_elsewhere(interviewer_ids=people, loop=loop).items():
            n, mean = _leniency_scratch(person, leaving_out=loop.pk)
            assert leniency.n == n
            assert (leniency.mean is None) == (mean is None)
            if mean is not None:
                assert leniency.mean == pytest.approx(mean, abs=1e-9)
        slugs = list(Dimension.objects.filter(rubric=loop.rubric).values_list("slug", flat=True))
        usual = debrief.usual_spreads(loop=loop, role_id=loop.rubric.role_id, slugs=slugs)
        for slug in slugs:
            others = list(
                DimensionSpread.objects.filter(role_id=loop.rubric.role_id, dimension_slug=slug)
                .exclude(loop=loop)
                .values_list("spread", flat=True)
            )
            assert usual[slug][1] == len(others)
            assert usual[slug][0] == (pytest.approx(statistics.fmean(others), abs=1e-9) if others else None)
        _assert_home_counts_live(world)
        statistics_rebuild()  # and a rebuild from scratch lands on the same figures
        _assert_stored_equal_scratch()
        _assert_home_counts_live(world)
        transaction.set_rollback(True)


def _submitted_live(person: User) -> int:
    return Scorecard.objects.filter(interview__interviewer=person, status=Scorecard.Status.SUBMITTED).count()


def _assert_home_counts_live(world: dict[str, Any]) -> None:
    """Each interviewer's home counts their submitted scorecards (a stored figure) and lists the latest (by the
    stored submission time) as a count and a sort over their scorecards would."""
    now = timezone.now()
    for person in world["panel"]:
        sections = home.interviewer_sections(user=person, now=now)
        assert sections.submitted.total == _submitted_live(person)
        latest = home.submitted_interviews(user=person)[: home.HOME_SUBMITTED]
        assert [item.interview.pk for item in sections.submitted.items] == [i.pk for i in latest]


def _home_submitted(client: Client) -> str:
    page = client.get("/").content.decode()
    found = re.search(r"Submitted \(([^)]*)\)", page)
    assert found is not None
    return found.group(1)


def test_the_home_pages_count_of_submitted_scorecards_follows_every_write_and_a_rebuild(world, settings_fixture, login):
    """Someone's "Submitted (n)" is a stored figure: it follows submissions, amendments, decisions and revisits, a
    candidate forgotten, a plan changed, and a rebuild from scratch gives the same."""
    person = world["panel"][0]  # two interviews on the first loop
    client = login(person)
    assert (_home_submitted(client), _submitted_live(person)) == ("0", 0)
    steps: list[tuple[tuple[Any, ...], int]] = [
        (("submit", 0, [3, 4], "yes"), 1),
        (("draft", 2, [2, 2]), 1),
        (("submit", 2, [2, 2], "no"), 2),
        (("amend", 0, [1, 1], "no"), 2),
        (("decide", 0, "hire"), 2),
        (("revisit", 0, "no_hire"), 2),
        (("add interview", 0, 0), 2),  # a third interview for them, not yet written
        (("reschedule", 0, -50), 2),
        (("forget", 0), 2),  # forgetting keeps the scorecards, anonymous
        (("submit", 3, [1, 2], "yes"), 2),  # someone else's
    ]
    for action, expected in steps:
        _run(world, action)
        assert (_home_submitted(client), _submitted_live(person)) == (str(expected), expected), action
    InterviewerFigures.objects.filter(interviewer=person).delete()  # out of step, as before a rebuild
    assert _home_submitted(client) == "0"
    statistics_rebuild()
    assert (_home_submitted(client), _submitted_live(person)) == ("2", 2)


@pytest.fixture
def settings_fixture(settings):
    settings.SCORECARD_DUE_HOURS = 24
    return settings


def test_seeded_data_gets_the_same_figures_as_a_recomputation(settings_fixture):
    from devtools.generator import seed_loops

    seed_loops(loops=12, seed=3)
    _assert_stored_equal_scratch()


def test_the_page_shows_the_age_of_the_background_interval(login, work, settings_fixture):
    from django.urls import reverse

    from tests.hiring.test_calibration import LoopFactory, _card, _rubric

    rubric = _rubric(dimensions=1)
    panel = [UserFactory() for _ in range(3)]
    for index in range(6):
        loop = LoopFactory(rubric=rubric)
        for offset, person in enumerate(panel):
            _card(loop, person, [1 + (index + offset * (index % 2)) % 5])
    manager = UserFactory(groups=("Hiring managers",))
    page = login(manager).get(reverse("calibration")).content.decode()
    assert "interval being computed" in page
    work()
    page = login(manager).get(reverse("calibration")).content.decode()
    assert "interval as of" in page
    assert "being recomputed" not in page
    [item] = calibration.calibration_report(filters=calibration.CalibrationFilter()).agreement
    assert item.interval is not None
    assert item.interval_loops == item.loops == 6
    loop = LoopFactory(rubric=rubric)
    for offset, person in enumerate(panel):
        _card(loop, person, [1 + offset])
    page = login(manager).get(reverse("calibration")).content.decode()
    assert "on 6 loops; being recomputed" in page
