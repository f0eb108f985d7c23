"""Interviewer calibration, panel agreement, the debrief's unusual-disagreement mark and adjusted view (issue #9)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re

import krippendorff
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factory.declarations import SubFactory

from hiring.models import Loop, Rating, Scorecard
from hiring.selectors import calibration, debrief
from hiring.services.loop_status import dimension_spreads_rebuild
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_submit
from hiring.services.statistics import loop_statistics_refresh
from roles.models import Dimension
from tests import factories
from tests.factories import DecisionFactory, RoleFactory, RubricVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

T = dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC)
NA = "n/a"  # a rating marked not assessed


# Local factories and fixtures -----------------------------------------------------------------------------
# tests/factories.py's InterviewerFactory, HiringManagerFactory and RecruiterFactory set `groups = (...)`, which
# replaces UserFactory's post-generation hook with a plain value: calling them raises TypeError, and so do the
# conftest fixtures `interviewer`, `hiring_manager` and `recruiter`, LoopFactory and InterviewFactory. These
# give the same users through the hook.


class LoopFactory(factories.LoopFactory):
    hiring_manager = SubFactory(UserFactory, groups=("Hiring managers",))
    recruiter = SubFactory(UserFactory, groups=("Recruiters",))


class InterviewFactory(factories.InterviewFactory):
    loop = SubFactory(LoopFactory)
    interviewer = SubFactory(UserFactory, groups=("Interviewers",))
    scheduled_at = T


@pytest.fixture
def interviewer(db):
    return UserFactory(groups=("Interviewers",))


@pytest.fixture
def hiring_manager(db):
    return UserFactory(groups=("Hiring managers",))


@pytest.fixture
def recruiter(db):
    return UserFactory(groups=("Recruiters",))


@pytest.fixture(autouse=True)
def _due_hours(settings):
    settings.SCORECARD_DUE_HOURS = 24


# Helpers ---------------------------------------------------------------------------------------------------


def _rubric(*, role=None, dimensions: int = 2, scale_min: int = 1, scale_max: int = 5, **words):
    return RubricVersionFactory(
        role=role or RoleFactory(),
        **words,
        dimensions=dimensions,
        signals=True,
        scale_min=scale_min,
        scale_max=scale_max,
        locked_at=timezone.now(),
    )


def _dimensions(rubric) -> list[Dimension]:
    return list(Dimension.objects.filter(rubric=rubric).order_by("position"))


def _card(loop: Loop, interviewer, scores: list, *, recommendation: str = "yes", hours: float = 1.0) -> Scorecard:
    """A submitted scorecard: `scores` in dimension order (NA: not assessed, None: no rating), `hours` after T."""
    card = InterviewFactory(loop=loop, interviewer=interviewer, scheduled_at=T).scorecard
    card.status = Scorecard.Status.SUBMITTED
    card.recommendation = recommendation
    card.submitted_at = T + dt.timedelta(hours=hours)
    card.save()
    for dimension, score in zip(_dimensions(loop.rubric), scores, strict=False):
        if score is not None:
            Rating.objects.create(
                scorecard=card, dimension=dimension, score=None if score == NA else score, not_assessed=score == NA
            )
    loop_statistics_refresh(loop=loop)  # what every service's write ends in (these rows bypass the services)
    return card


def _decide(loop: Loop, outcome: str) -> None:
    DecisionFactory(loop=loop, outcome=outcome)
    loop_statistics_refresh(loop=loop)


@pytest.fixture
def two_loops(db):
    """Two 1–5 loops, two dimensions, interviewers a, b, c; the figures below are worked out by hand.

    Normalised ((s-1)/4):   loop 1: D1 a 1.00 b .50 c .50 · D2 a .75 b n/a c .25
                            loop 2: D1 a .75 b .25 c .50 · D2 a 1.00 b .50 c n/a
    """
    rubric = _rubric(role=RoleFactory(slug="data-engineer"), title="Data engineer")
    a, b, c = (UserFactory(username=name, groups=("Interviewers",)) for name in ("alice", "bob", "carol"))
    one, two = LoopFactory(rubric=rubric), LoopFactory(rubric=rubric)
    _card(one, a, [5, 4], recommendation="yes", hours=1)  # on time; hire: match
    _card(one, b, [3, NA], recommendation="no", hours=24)  # exactly at the deadline: on time; mismatch
    _card(one, c, [3, 2], recommendation="strong_yes", hours=2)  # match
    _card(two, a, [4, 5], recommendation="strong_yes", hours=30)  # late; no hire: mismatch
    _card(two, b, [2, 3], recommendation="strong_no", hours=24 + 1 / 3600)  # one second late; match
    _card(two, c, [3, NA], recommendation="no", hours=2)  # match
    _decide(one, "hire")
    _decide(two, "no_hire")
    return {"rubric": rubric, "users": (a, b, c), "loops": (one, two)}


def _report(**filters) -> calibration.CalibrationReport:
    return calibration.calibration_report(filters=calibration.CalibrationFilter(**filters))


def _by_name(report) -> dict[str, calibration.InterviewerCalibration]:
    return {row.username: row for row in report.interviewers}


# Student's t quantiles t(0.975, df), from tables: df 2 → 4.303, df 3 → 3.182.
T_975 = {2: 4.302653, 3: 3.182446}


def _ci(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = T_975[len(values) - 1] * sd / math.sqrt(len(values))
    return (mean - half, mean + half)


# Figures against hand-computed cases -----------------------------------------------------------------------


def test_leniency_against_the_other_panel_members(two_loops):
    rows = _by_name(_report())
    # alice: 1-.5, .75-.25, .75-mean(.25,.5), 1-.5
    assert rows["alice"].leniency.mean == pytest.approx(0.46875)
    assert rows["alice"].leniency.n == 4
    assert rows["alice"].leniency.interval == pytest.approx(_ci([0.5, 0.5, 0.375, 0.5]))
    assert rows["alice"].leniency.panel_mean == pytest.approx(0.40625)
    assert rows["alice"].mean == pytest.approx(0.875)
    # bob: .5-mean(1,.5), .25-mean(.75,.5), .5-1 (carol did not assess D2 on loop 2)
    assert rows["bob"].leniency.mean == pytest.approx(-0.375)
    assert rows["bob"].leniency.interval == pytest.approx(_ci([-0.25, -0.375, -0.5]))
    bob_interval, bob_mean = rows["bob"].leniency.interval, rows["bob"].leniency.mean
    assert bob_interval is not None
    assert bob_mean is not None
    assert bob_interval[1] - bob_mean == pytest.approx(T_975[2] * 0.125 / math.sqrt(3), rel=1e-5)
    # carol: .5-mean(1,.5), .25-.75 (bob did not assess), .5-mean(.75,.25)
    assert rows["carol"].leniency.mean == pytest.approx(-0.25)
    half = T_975[2] * 0.25 / math.sqrt(3)
    assert rows["carol"].leniency.interval == pytest.approx((-0.25 - half, -0.25 + half))


def test_not_assessed_share_on_time_decision_match_and_distribution(two_loops):
    rows = _by_name(_report())
    assert [rows[n].scorecards for n in ("alice", "bob", "carol")] == [2, 2, 2]
    assert [rows[n].not_assessed_share for n in ("alice", "bob", "carol")] == [0, 0.25, 0.25]
    assert [rows[n].on_time_rate for n in ("alice", "bob", "carol")] == [0.5, 0.5, 1.0]
    assert [rows[n].decision_match_rate for n in ("alice", "bob", "carol")] == [0.5, 0.5, 1.0]
    assert [rows[n].decision_match_n for n in ("alice", "bob", "carol")] == [2, 2, 2]
    assert rows["alice"].distribution == (0, 0, 0, 2, 2)
    assert rows["bob"].distribution == (0, 1, 2, 0, 0)
    assert rows["bob"].mean == pytest.approx(1.25 / 3)


def test_hold_and_undecided_loops_are_left_out_of_decision_match(two_loops):
    a = two_loops["users"][0]
    held, open_loop = LoopFactory(rubric=two_loops["rubric"]), LoopFactory(rubric=two_loops["rubric"])
    _card(held, a, [3, 3], recommendation="yes")
    _card(open_loop, a, [3, 3], recommendation="no")
    _decide(held, "hold")
    alice = _by_name(_report())["alice"]
    assert (alice.scorecards, alice.decision_match_n, alice.decision_match_rate) == (4, 2, 0.5)


def test_no_interval_below_two_comparisons_and_no_leniency_without_others():
    rubric = _rubric(dimensions=1)
    loop = LoopFactory(rubric=rubric)
    _card(loop, UserFactory(username="solo"), [4])
    pair = LoopFactory(rubric=rubric)
    _card(pair, UserFactory(username="p1"), [5])
    _card(pair, UserFactory(username="p2"), [3])
    rows = _by_name(_report())
    assert rows["solo"].leniency == calibration.NO_LENIENCY
    assert rows["p1"].leniency.mean == pytest.approx(0.5)
    assert rows["p1"].leniency.interval is None


def test_filters_by_role_and_creation_date(two_loops):
    other = LoopFactory(rubric=_rubric(role=RoleFactory(slug="designer")))
    _card(other, UserFactory(username="dora"), [3, 3])
    Loop.objects.filter(pk=two_loops["loops"][0].pk).update(created_at=T - dt.timedelta(days=30))
    assert {r.username for r in _report(role="designer").interviewers} == {"dora"}
    assert {a.role for a in _report(role="designer").agreement} == {"designer"}
    assert _by_name(_report(role="data-engineer"))["alice"].scorecards == 2
    since = (T - dt.timedelta(days=1)).date()
    assert _by_name(_report(role="data-engineer", since=since))["alice"].scorecards == 1
    assert _by_name(_report(until=since))["alice"].scorecards == 1
    assert "dora" not in _by_name(_report(until=since))


# Agreement ------------------------------------------------------------------------------------------------


def test_alpha_matches_krippendorff_on_the_hand_built_matrix(two_loops):
    agreement = {a.dimension: a for a in _report().agreement}
    first, second = _dimensions(two_loops["rubric"])
    # raters (alice, bob, carol) × units (loop 1, loop 2), raw scores; nan where not assessed
    d1 = [[5, 4], [3, 2], [3, 3]]
    d2 = [[4, 5], [np.nan, 3], [2, np.nan]]
    expected_d1 = krippendorff.alpha(reliability_data=np.array(d1, dtype=float), level_of_measurement="ordinal")
    expected_d2 = krippendorff.alpha(reliability_data=np.array(d2, dtype=float), level_of_measurement="ordinal")
    assert agreement[first.slug].alpha == pytest.approx(expected_d1)
    assert agreement[second.slug].alpha == pytest.approx(expected_d2)
    assert agreement[first.slug].loops == agreement[second.slug].loops == 2
    assert expected_d1 < calibration.LOW_AGREEMENT
    assert not agreement[first.slug].low_agreement  # low, but two loops are too few to flag it
    assert agreement[first.slug].too_few_loops_to_flag


def test_alpha_of_tiny_cases_worked_out_by_hand():
    assert calibration.ordinal_alpha([[2, 2], [4, 4]]) == pytest.approx(1.0)  # perfect agreement
    # values 1 and 2, n1 = n2 = 2: o12 = o21 = 2, e12 = e21 = 4/3, ordinal δ²(1,2) = (4 - 2)² = 4
    # alpha = 1 - (2·2·4) / (2·(4/3)·4) = 1 - 1.5
    assert calibration.ordinal_alpha([[1, 2], [2, 1]]) == pytest.approx(-0.5)


def test_alpha_undefined_is_none_not_a_crash():
    assert calibration.ordinal_alpha([[3, 4]]) is None  # one loop
    assert calibration.ordinal_alpha([[3, 3], [3, 3, 3]]) is None  # no variation
    assert calibration.ordinal_alpha([[3], [4]]) is None  # no loop with two ratings
    assert calibration.ordinal_alpha([]) is None


def test_undefined_alpha_is_null_in_json_and_a_dash_on_the_page(login, hiring_manager):
    rubric = _rubric(dimensions=1)
    loop = LoopFactory(rubric=rubric)
    _card(loop, UserFactory(), [3])
    _card(loop, UserFactory(), [4])
    [item] = calibration.report_as_dict(_report())["agreement"]
    assert (item["alpha"], item["loops"], item["low_agreement"]) == (None, 1, False)
    page = login(hiring_manager).get(reverse("calibration")).content.decode()
    assert '<td class="text-nowrap">—</td>' in page


def _disagreeing_loops(rubric, count: int) -> None:
    for index in range(count):
        loop = LoopFactory(rubric=rubric)
        for score in ((1, 2), (2, 1))[index % 2]:
            _card(loop, UserFactory(), [score])


def test_low_agreement_is_flagged_as_a_rubric_candidate_once_there_are_enough_loops(login, hiring_manager):
    rubric = _rubric(dimensions=1)
    _disagreeing_loops(rubric, calibration.MIN_FLAG_LOOPS)
    [item] = _report().agreement
    # every loop holds one 1 and one 2: o12 = o21 = 10, n1 = n2 = 10, alpha = 1 - (n - 1)·20 / 200 = -0.9
    assert item.alpha == pytest.approx(-0.9)
    assert item.loops == calibration.MIN_FLAG_LOOPS
    assert item.low_agreement
    page = login(hiring_manager).get(reverse("calibration")).content.decode()
    assert "low agreement: reword the rubric?" in page
    assert f"on at least {calibration.MIN_FLAG_LOOPS} loops" in page


def test_low_agreement_on_too_few_loops_is_not_flagged(login, hiring_manager):
    rubric = _rubric(dimensions=1)
    _disagreeing_loops(rubric, calibration.MIN_FLAG_LOOPS - 1)
    [item] = _report().agreement
    assert item.alpha is not None
    assert item.alpha < calibration.LOW_AGREEMENT
    assert not item.low_agreement
    page = login(hiring_manager).get(reverse("calibration")).content.decode()
    assert "low agreement: reword the rubric?" not in page
    assert "low, but too few loops to say" in page


def test_one_interviewers_two_interviews_on_a_loop_count_once():
    rubric = _rubric(dimensions=1)
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    only_alice = LoopFactory(rubric=rubric)
    _card(only_alice, alice, [1])
    _card(only_alice, alice, [5])
    both = LoopFactory(rubric=rubric)
    _card(both, alice, [2])
    _card(both, alice, [4])  # alice's mean there: 3 → 0.5
    _card(both, bob, [5])  # → 1.0
    [item] = _report().agreement
    assert item.loops == 1  # the loop only alice scored is not an agreement unit
    rows = _by_name(_report())
    assert rows["alice"].leniency.n == 1  # one cell compared with bob, not two
    assert rows["alice"].leniency.mean == pytest.approx(0.5 - 1.0)


def test_alpha_has_a_reproducible_bootstrap_interval_around_it(work):
    rubric = _rubric(dimensions=1)
    panel = [UserFactory() for _ in range(3)]
    for index in range(12):
        loop = LoopFactory(rubric=rubric)
        for offset, person in enumerate(panel):
            _card(loop, person, [1 + (index + (offset == 2) * (index % 3)) % 5])
    work()  # the worker recomputes the interval (hiring.tasks.agreement_intervals)
    first, second = _report().agreement[0], _report().agreement[0]
    assert first.interval is not None
    assert first.interval == second.interval
    low, high = first.interval
    assert first.alpha is not None
    assert low <= first.alpha <= high
    assert calibration.report_as_dict(_report())["agreement"][0]["alpha_ci"] == [round(low, 4), round(high, 4)]


# Fixed number of queries ----------------------------------------------------------------------------------


def _many_loops(count: int, rubric) -> None:
    panel = [UserFactory(groups=("Interviewers",)) for _ in range(3)]
    for index in range(count):
        loop = LoopFactory(rubric=rubric)
        for offset, person in enumerate(panel):
            _card(loop, person, [1 + (index + offset) % 5, NA if offset == 2 else 3], hours=index % 30)
        if index % 2 == 0:
            _decide(loop, ("hire", "no_hire", "hold")[index // 2 % 3])


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_queries_do_not_grow_with_data(login, hiring_manager):
    rubric = _rubric()
    _many_loops(2, rubric)
    client = login(hiring_manager)
    client.get(reverse("calibration"))  # warm the session
    small = (_queries(_report), _queries(lambda: client.get(reverse("calibration"))))
    _many_loops(18, rubric)  # 20 loops now
    _many_loops(3, _rubric())  # and a second role
    large = (_queries(_report), _queries(lambda: client.get(reverse("calibration"))))
    assert small == large
    # interviewers, dimensions, conformity by role, outcomes (validity; its ratings only once a hire has one),
    # overrides of the decision rule
    assert small[0] == 5


def test_debrief_queries_stay_fixed_with_history_and_adjusted_view(login):
    rubric = _rubric()
    panel = [UserFactory() for _ in range(2)]
    loop = LoopFactory(rubric=rubric)
    for person, score in zip(panel, (2, 4), strict=True):
        _card(loop, person, [score, score])
    client = login(loop.hiring_manager)
    url = reverse("loop_debrief", args=[loop.pk])
    client.get(url)

    def counts():
        return (
            _queries(lambda: debrief.loop_debrief(loop=loop)),
            _queries(lambda: client.get(url)),
            _queries(lambda: client.get(url + "?adjusted=1")),
        )

    before = counts()
    for _ in range(8):
        other = LoopFactory(rubric=rubric)
        for person in panel:
            _card(other, person, [3, 3])
        Loop.objects.filter(pk=other.pk).update(status=Loop.Status.COMPLETE)
    assert counts() == before
    assert before[2] == before[1]  # the adjusted view's leniencies come with the panel's interviews


# Access ---------------------------------------------------------------------------------------------------


def test_access(client, login, interviewer, recruiter, hiring_manager, staff):
    url = reverse("calibration")
    assert login(interviewer).get(url).status_code == 403
    assert login(recruiter).get(url).status_code == 403
    assert login(hiring_manager).get(url).status_code == 200
    assert login(staff).get(url).status_code == 200
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_nav_link_only_for_those_who_may_see_it(login, interviewer, recruiter, hiring_manager):
    link = f'href="{reverse("calibration")}"'
    assert link in login(hiring_manager).get(reverse("home")).content.decode()
    assert link not in login(interviewer).get(reverse("home")).content.decode()
    assert link not in login(recruiter).get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"role": "no-such-role"}, "Select a valid choice"),
        ({"since": "yesterday"}, "Enter a valid date"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "The end date is before the start date."),
    ],
)
def test_invalid_filters_are_a_400_with_the_error(login, hiring_manager, query, error):
    response = login(hiring_manager).get(reverse("calibration"), query)
    assert response.status_code == 400
    assert error in response.content.decode()


# Page, charts and command ---------------------------------------------------------------------------------


def test_the_page_lists_interviewers_a_page_at_a_time_with_the_same_queries(
    login, hiring_manager, two_loops, monkeypatch
):
    monkeypatch.setattr(calibration, "INTERVIEWERS_PER_PAGE", 2)
    client = login(hiring_manager)
    client.get(reverse("calibration"))  # warm the session
    with CaptureQueriesContext(connection) as first_page:
        first = client.get(reverse("calibration"), {"role": "data-engineer"})
    with CaptureQueriesContext(connection) as last_page:
        second = client.get(reverse("calibration"), {"role": "data-engineer", "page": 2})
    assert [row.username for row in first.context["report"].interviewers] == ["alice", "bob"]
    assert [row.username for row in second.context["report"].interviewers] == ["carol"]
    assert 'href="?role=data-engineer&amp;page=2">Next</a>' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert "3 interviewers by username, 2 a page" in first.content.decode()  # counted by the page's own query
    assert len(first_page) == len(last_page)
    # an old link past the end opens the last page, one that is not a number the first, as the paginator's get_page
    past = client.get(reverse("calibration"), {"role": "data-engineer", "page": 9})
    assert [row.username for row in past.context["report"].interviewers] == ["carol"]
    assert "Page 2 of 2" in past.content.decode()
    odd = client.get(reverse("calibration"), {"role": "data-engineer", "page": "x"})
    assert [row.username for row in odd.context["report"].interviewers] == ["alice", "bob"]


def _interviewer_rows(page: str) -> dict[str, str]:
    """Each interviewer's row of the calibration table, by the id of its <tr>."""
    return dict(re.findall(r'<tr id="(interviewer-\d+)">(.*?)</tr>', page, flags=re.S))


def _chart_counts(row: str) -> list[int]:
    """The counts a row's distribution chart draws above its bars."""
    return [int(count) for count in re.findall(r'text-anchor="middle" fill="currentColor">(\d+)</text>', row)]


def test_a_chart_shows_its_rows_figures_and_follows_a_submission_that_changes_them(login, hiring_manager, two_loops):
    """The charts are drawn on each request from the figures the table beside them shows, so none is stale: each
    interviewer's distribution adds up to the scores of the row's "not assessed" column, the leniency chart gives
    the row's leniency, and a submission that changes an interviewer's figures changes their chart."""
    a, b, _ = two_loops["users"]
    client = login(hiring_manager)
    page = client.get(reverse("calibration"), {"role": "data-engineer"}).content.decode()
    rows = _interviewer_rows(page)
    leniency_desc = re.search(r'<desc id="leniency-desc">(.*?)</desc>', page, flags=re.S)
    assert leniency_desc is not None
    for user in two_loops["users"]:
        row = rows[f"interviewer-{user.pk}"]
        not_assessed, ratings = map(int, re.findall(r"(\d+) of (\d+)</span>", row)[0])
        assert sum(_chart_counts(row)) == ratings - not_assessed
        table_leniency = re.search(r'<td class="text-nowrap">(-?[\d.]+)', row)
        assert table_leniency is not None
        chart_leniency = re.search(
            rf"{re.escape(user.get_full_name() or user.username)}: ([+-][\d.]+)", leniency_desc[1]
        )
        assert chart_leniency is not None
        assert float(chart_leniency[1]) == float(table_leniency[1])
    assert _chart_counts(rows[f"interviewer-{a.pk}"]) == [0, 0, 0, 2, 2]  # the hand-worked distribution
    assert "0: 0, .25: 0, .5: 0, .75: 2, 1: 2." in rows[f"interviewer-{a.pk}"]

    loop = LoopFactory(rubric=two_loops["rubric"])
    _card(loop, b, [3, 3])
    draft = InterviewFactory(loop=loop, interviewer=a).scorecard
    scores = ScorecardInput(
        ratings={d.pk: RatingInput(score=1, evidence="Could not explain it.") for d in _dimensions(loop.rubric)},
        recommendation=Scorecard.Recommendation.STRONG_NO,
        key_takeaways="Struggled.",
    )
    scorecard_submit(scorecard=draft, by=a, revision=draft.revision, data=scores)

    after = _interviewer_rows(client.get(reverse("calibration"), {"role": "data-engineer"}).content.decode())
    assert _chart_counts(after[f"interviewer-{a.pk}"]) == [2, 0, 0, 2, 2]
    assert "0: 2, .25: 0, .5: 0, .75: 2, 1: 2." in after[f"interviewer-{a.pk}"]
    assert after[f"interviewer-{b.pk}"] != rows[f"interviewer-{b.pk}"]  # bob's figures moved too


def test_page_renders_seed_like_data_with_accessible_svg(login, staff):
    rubric = _rubric(dimensions=3)
    _many_loops(10, rubric)
    eve = UserFactory(username="eve", first_name="<script>alert(1)</script>", groups=("Interviewers",))
    odd = LoopFactory(rubric=rubric)
    _card(odd, eve, [2, 2, 2])
    _card(odd, UserFactory(), [4, 4, 4])
    response = login(staff).get(reverse("calibration"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == len(response.context["report"].interviewers) + 1
    assert '<title id="distribution-' in page
    assert '<desc id="distribution-' in page
    assert 'role="img" aria-labelledby="leniency-title leniency-desc"' in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "style=" not in page


def test_page_shows_the_hand_computed_figures(login, hiring_manager, two_loops):
    page = login(hiring_manager).get(reverse("calibration"), {"role": "data-engineer"}).content.decode()
    assert "0.47 [0.37, 0.57]" in page  # alice's leniency and its Student's t interval (df 3)
    assert "-0.38 [-0.69, -0.06]" in page  # bob's (df 2)
    assert "25%<br>" in page
    assert "50%<br>" in page
    assert "100%<br>" in page
    assert "1 = top. 0: 0, .25: 0, .5: 0, .75: 2, 1: 2." in page  # alice's distribution, in the chart's desc


def test_command_json_matches_the_page(login, hiring_manager, two_loops):
    response = login(hiring_manager).get(reverse("calibration"), {"role": "data-engineer"})
    out = io.StringIO()
    call_command("calibration_report", "--role", "data-engineer", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == calibration.report_as_dict(response.context["report"])
    alice = next(row for row in printed["interviewers"] if row["username"] == "alice")
    assert alice == {
        "username": "alice",
        "scorecards": 2,
        "mean": 0.875,
        "panel_mean": 0.4062,
        "leniency": 0.4688,
        "leniency_ci": [0.3693, 0.5682],
        "leniency_n": 4,
        "distribution": {"0.0": 0, "0.25": 0, "0.5": 0, "0.75": 2, "1.0": 2},
        "not_assessed_share": 0.0,
        "on_time_rate": 0.5,
        "decision_match_rate": 0.5,
        "decision_match_n": 2,
        "conformity_moves": 0,
        "conformity_toward": 0,
    }
    assert {item["role"] for item in printed["agreement"]} == {"data-engineer"}


def test_command_table_and_unknown_role():
    out = io.StringIO()
    call_command("calibration_report", stdout=out)
    assert "Agreement (Krippendorff's alpha, ordinal" in out.getvalue()
    with pytest.raises(CommandError, match="No role with slug"):
        call_command("calibration_report", "--role", "nope", stdout=io.StringIO())


def test_charts_escape_text_and_name_themselves():
    from hiring import charts

    svg = charts.bar_chart(chart_id="c1", title='A "<b>"', desc="d & e", labels=["<x>"], values=[3])
    assert '<title id="c1-title">A &quot;&lt;b&gt;&quot;</title>' in svg
    assert '<desc id="c1-desc">d &amp; e</desc>' in svg
    assert "&lt;x&gt;" in svg
    plot = charts.dot_plot(
        chart_id="p", title="t", desc="d", dots=[charts.Dot("x", 0.2, 0.1, 0.3), charts.Dot("y", None)]
    )
    assert "<circle" in plot
    assert "no comparison" in plot


# Debrief: unusual disagreement and adjusted view ----------------------------------------------------------


def _history(rubric, count: int, scores=(3, 3)) -> None:
    for _ in range(count):
        loop = LoopFactory(rubric=rubric)
        _card(loop, UserFactory(), [scores[0], 3])
        _card(loop, UserFactory(), [scores[1], 3])
        Loop.objects.filter(pk=loop.pk).update(status=Loop.Status.COMPLETE)
        dimension_spreads_rebuild(loops=Loop.objects.filter(pk=loop.pk))


def _split_loop(rubric) -> Loop:
    loop = LoopFactory(rubric=rubric)
    _card(loop, UserFactory(), [1, 3])
    _card(loop, UserFactory(), [5, 4])  # D1 spread 1.0 of the scale; D2 .25
    return loop


def test_debrief_marks_an_unusual_disagreement(login):
    rubric = _rubric()
    _history(rubric, 4, scores=(3, 4))  # usual spread .25
    _history(LoopFactory(rubric=_rubric()).rubric, 3)  # another role does not count
    in_progress = LoopFactory(rubric=rubric)  # neither does a loop still in progress
    _card(in_progress, UserFactory(), [1, 3])
    _card(in_progress, UserFactory(), [1, 3])
    loop = _split_loop(rubric)
    first, second = debrief.loop_debrief(loop=loop).dimensions
    assert not first.unusual_disagreement
    assert first.usual_spread is None
    _history(rubric, 1, scores=(3, 4))
    first, second = debrief.loop_debrief(loop=loop).dimensions
    assert first.unusual_disagreement
    assert first.usual_spread == pytest.approx(0.25)
    assert not second.unusual_disagreement  # .25 is not above 0 + .25
    page = login(loop.hiring_manager).get(reverse("loop_debrief", args=[loop.pk])).content.decode()
    assert page.count('class="badge text-bg-warning unusual-disagreement"') == 1
    assert "spread 1.00 of the scale, usually 0.25" in page


def test_debrief_adjusted_view_is_labelled_and_keeps_the_raw_scores(login):
    rubric = _rubric()
    lenient, harsh = UserFactory(username="lenient"), UserFactory(username="harsh")
    before = LoopFactory(rubric=rubric)
    _card(before, lenient, [5, 5])
    _card(before, harsh, [3, 3])  # leniency ±.5 on the 0–1 scale: ±2 points of a 1–5 scale
    loop = LoopFactory(rubric=rubric)
    _card(loop, lenient, [4, NA])
    _card(loop, harsh, [2, 3])
    client = login(loop.hiring_manager)
    url = reverse("loop_debrief", args=[loop.pk])

    plain = client.get(url).content.decode()
    assert "Leniency-adjusted scores" not in plain
    assert "?adjusted=1" in plain

    page = client.get(url, {"adjusted": "1"}).content.decode()
    assert "Leniency-adjusted scores" in page
    assert "adjusted, not the panel's scores" in page
    assert '<span class="adjusted-score">2.0</span> <span class="small text-body-secondary">(raw 4)</span>' in page
    assert '<span class="adjusted-score">4.0</span> <span class="small text-body-secondary">(raw 2)</span>' in page
    assert '<span class="adjusted-score">5.0</span> <span class="small text-body-secondary">(raw 3)</span>' in page
    assert 'aria-label="Dimension' in page
    assert "Score matrix" in page
    adjusted = debrief.loop_debrief(loop=loop, adjusted=True).adjusted
    assert adjusted is not None
    assert [row.shift for row in adjusted.rows] == [pytest.approx(2.0), pytest.approx(-2.0)]
    assert adjusted.means == [pytest.approx(3.0), pytest.approx(5.0)]


def test_adjusted_view_is_not_shown_to_interviewers(login):
    rubric = _rubric()
    loop = LoopFactory(rubric=rubric)
    member = UserFactory(groups=("Interviewers",))
    _card(loop, member, [4, 4])
    _card(loop, UserFactory(), [2, 2])
    page = login(member).get(reverse("loop_debrief", args=[loop.pk]), {"adjusted": "1"}).content.decode()
    assert "Leniency-adjusted scores" not in page
    assert "?adjusted=1" not in page


def test_the_page_says_how_many_interviews_each_dimension_needs_once_there_are_enough_loops(login, hiring_manager):
    """Ten loops of two interviewers: alpha from krippendorff, the panel size by the closed form written here."""
    rubric = _rubric(dimensions=1)
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 4), (1, 2), (4, 4), (2, 4)]
    for pair in pairs:
        loop = LoopFactory(rubric=rubric)
        for score in pair:
            _card(loop, UserFactory(), [score])
    expected_alpha = krippendorff.alpha(
        reliability_data=np.array(list(zip(*pairs, strict=True)), dtype=float), level_of_measurement="ordinal"
    )
    [item] = _report().agreement
    assert item.alpha == pytest.approx(expected_alpha)
    assert 0 < expected_alpha < 0.8
    needed = math.ceil(0.8 * (1 - expected_alpha) / (expected_alpha * (1 - 0.8)))
    assert item.panel.needed == needed
    page = login(hiring_manager).get(reverse("calibration")).content.decode()
    assert "Interviews needed for 0.8" in page
    assert f'<td class="text-nowrap">{needed}</td>' in page


def test_a_dimension_with_few_loops_gets_no_panel_size(login, hiring_manager):
    rubric = _rubric(dimensions=1)
    _disagreeing_loops(rubric, 3)
    page = login(hiring_manager).get(reverse("calibration")).content.decode()
    assert "not enough loops yet" in page


def test_the_plan_page_sets_each_dimensions_planned_interviews_beside_the_number_it_needs(login):
    """The same ten loops as above give the dimension its panel size; a new loop's plan, with no interview of
    it planned yet, shows 0 planned against that number and says it is short."""
    rubric = _rubric(dimensions=1)
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (2, 3), (3, 4), (1, 2), (4, 4), (2, 4)]
    for pair in pairs:
        loop = LoopFactory(rubric=rubric)
        for score in pair:
            _card(loop, UserFactory(), [score])
    [item] = _report().agreement
    needed = item.panel.needed
    assert needed is not None
    [dimension] = _dimensions(rubric)
    fresh = LoopFactory(rubric=rubric)

    page = login(fresh.recruiter).get(reverse("loop_plan", args=[fresh.pk])).content.decode()

    row = page[page.index(f'<tr data-dimension="{dimension.pk}" data-needed="{needed}">') :]
    row = row[: row.index("</tr>")]
    assert '<span class="planned-count">0</span>' in row
    assert '<span class="badge text-bg-warning panel-short">fewer than needed</span>' in row
    assert f"<td>{needed}" in row


def test_a_plan_for_a_role_without_history_says_there_are_not_enough_loops_yet(login):
    fresh = LoopFactory(rubric=_rubric(dimensions=2))
    page = login(fresh.recruiter).get(reverse("loop_plan", args=[fresh.pk])).content.decode()
    section = page[page.index('id="panel-size"') : page.index("</section>", page.index('id="panel-size"'))]
    assert section.count("not enough loops yet") == 2
    assert "data-needed" not in section
