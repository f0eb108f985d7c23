"""The adverse-impact report (issue 29 item 2): every figure against values computed by hand on a small world.

The world, one role (scale 1–5, one dimension), every loop created today:

    sex      loops  recommended (yes)  hired   dimension scores (normalised = (score − 1) / 4)
    Female     5    3 of 5             2       2, 3, 3, 4, 3  → 0.25, 0.5, 0.5, 0.75, 0.5   mean 0.5
    Male       5    5 of 5             4       3, 4, 4, 5, 4  → 0.5, 0.75, 0.75, 1.0, 0.75  mean 0.75
    Declined   1    0 of 1             0       1              → 0
    (none)     1    not planned        0       —

Every planned loop has one interview, its scorecard submitted. Race/ethnicity: the ten Female and Male loops
"White", the declined one "Asian", so no race/ethnicity group has another to be compared with.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring import policy
from hiring.models import DECLINED, AuditEvent, Loop, Scorecard, SelfIdentification
from hiring.selectors import adverse_impact
from roles.models import RubricVersion
from tests.factories import (
    DecisionFactory,
    InterviewFactory,
    LoopFactory,
    RatingFactory,
    RubricVersionFactory,
    UserFactory,
)


def _loop(rubric: Any, *, sex: str | None, race: str, yes: bool | None, hired: bool, score: int | None) -> Loop:
    loop = LoopFactory(rubric=rubric)
    if sex is not None:
        SelfIdentification.objects.create(candidate=loop.candidate, sex=sex, race_ethnicity=race)
    if yes is not None:
        interview = InterviewFactory(loop=loop)
        if score is not None:
            RatingFactory(scorecard=interview.scorecard, dimension=rubric.dimensions.get(), score=score)
        Scorecard.objects.filter(pk=interview.scorecard.pk).update(
            status=Scorecard.Status.SUBMITTED,
            recommendation=Scorecard.Recommendation.YES if yes else Scorecard.Recommendation.NO,
            submitted_at=timezone.now(),
        )
        Loop.objects.filter(pk=loop.pk).update(status=Loop.Status.COMPLETE)
    if hired:
        DecisionFactory(loop=loop)
    return loop


@pytest.fixture
def role(db) -> str:
    rubric = RubricVersionFactory(dimensions=1, locked_at=timezone.now())
    for index, score in enumerate((2, 3, 3, 4, 3)):
        _loop(rubric, sex="Female", race="White", yes=index < 3, hired=index < 2, score=score)
    for index, score in enumerate((3, 4, 4, 5, 4)):
        _loop(rubric, sex="Male", race="White", yes=True, hired=index < 4, score=score)
    _loop(rubric, sex=DECLINED, race="Asian", yes=False, hired=False, score=1)
    _loop(rubric, sex=None, race="", yes=None, hired=False, score=None)
    LoopFactory()  # another role's loop: never counted
    return str(rubric.role.slug)


@pytest.fixture
def compliance(db) -> User:
    return UserFactory(username="auditor", groups=(policy.COMPLIANCE,))


def _report(user: User, role: str) -> adverse_impact.ImpactReport:
    today = timezone.localdate()
    filters = adverse_impact.ImpactFilter(role=role, since=today, until=today)
    return adverse_impact.adverse_impact(user=user, filters=filters)


def _rows(report: adverse_impact.ImpactReport, characteristic: str, stage: str) -> dict[str, Any]:
    found = next(c for c in report.characteristics if c.key == characteristic)
    rows = next(s for s in found.stages if s.key == stage).rows
    return {
        row.group: (row.of, row.passed, row.ratio, row.below_four_fifths, row.p_value, row.note)
        for row in rows
        if row.of
    }


def test_each_stage_gives_rates_ratios_flags_and_fisher_p_as_computed_by_hand(role, compliance):
    report = _report(compliance, role)
    assert report.loops == 12
    # Planned: 5/5 and 5/5, a tie: the first listed group (Female) is the reference; Fisher of [[5, 0], [5, 0]]
    # is 1. The declined loop is counted, never compared; the loop with no record has no interview.
    assert _rows(report, "sex", "planned") == {
        "Female": (5, 5, 1.0, False, None, "highest rate"),
        "Male": (5, 5, 1.0, False, pytest.approx(1.0), ""),
        DECLINED: (1, 1, None, None, None, "not compared"),
        adverse_impact.NOT_RECORDED: (1, 0, None, None, None, "not compared"),
    }
    # Recommended, of the loops with every scorecard in: Female 3/5 = 0.6 against Male 5/5 = 1.0, ratio 0.6,
    # below four-fifths. Fisher of [[3, 2], [5, 0]]: C(10, 8) = 45 tables, P ∝ C(5, x)·C(5, 8 − x) for
    # x = 3, 4, 5: 10, 25, 10; as likely or less than the 10 seen: x = 3 and 5 → 20 / 45.
    recommended = _rows(report, "sex", "recommended")
    assert recommended["Male"] == (5, 5, 1.0, False, None, "highest rate")
    assert recommended["Female"] == (5, 3, pytest.approx(0.6), True, pytest.approx(20 / 45), "")
    # Hired, of those recommended: Female 2 of 3 is below the minimum of 5, so Male has nobody to be compared with.
    assert _rows(report, "sex", "hired") == {
        "Female": (3, 2, None, None, None, "too few to compare"),
        "Male": (5, 4, None, None, None, "no other group to compare with"),
    }
    # Hired, whatever the path (the selection rate): 2/5 = 0.4 against 4/5 = 0.8, ratio 0.5, flagged. Fisher of
    # [[2, 3], [4, 1]]: C(10, 6) = 210 tables, P ∝ C(5, x)·C(5, 6 − x) for x = 1..5: 5, 50, 100, 50, 5; as
    # likely or less than the 50 seen: 5 + 50 + 50 + 5 = 110 → 110 / 210.
    selected = _rows(report, "sex", "selected")
    assert selected["Male"] == (5, 4, 1.0, False, None, "highest rate")
    assert selected["Female"] == (5, 2, pytest.approx(0.5), True, pytest.approx(110 / 210), "")


def test_a_characteristic_with_one_comparable_group_compares_nothing(role, compliance):
    report = _report(compliance, role)
    assert _rows(report, "race_ethnicity", "selected") == {
        "White": (10, 6, None, None, None, "no other group to compare with"),
        "Asian": (1, 0, None, None, None, "too few to compare"),
        adverse_impact.NOT_RECORDED: (1, 0, None, None, None, "not compared"),
    }


def test_the_dimension_difference_is_cohens_d_with_its_interval_as_computed_by_hand(role, compliance):
    # Female 0.25, 0.5, 0.5, 0.75, 0.5 (mean 0.5), Male 0.5, 0.75, 0.75, 1.0, 0.75 (mean 0.75); each variance
    # 0.125 / 4 = 0.03125, pooled sd 0.1767767. Equal sizes: the first listed (Female) is the reference.
    # d = 0.25 / 0.1767767 = √2 = 1.4142136; SE = √(10/25 + 2/20) = √0.5; 95%: √2 ± 1.959964·√0.5.
    dimension = next(c for c in _report(compliance, role).characteristics if c.key == "sex").dimensions[0]
    assert dimension.reference == "Female"
    rows = {row.group: row for row in dimension.rows}
    assert rows["Female"].mean == pytest.approx(0.5)
    assert rows["Female"].difference is None
    male = rows["Male"].difference
    assert male is not None
    assert rows["Male"].mean == pytest.approx(0.75)
    assert male.d == pytest.approx(math.sqrt(2))
    assert male.low == pytest.approx(0.0283098, abs=1e-6)
    assert male.high == pytest.approx(2.8001174, abs=1e-6)
    assert (rows[DECLINED].scored, rows[DECLINED].mean, rows[DECLINED].note) == (1, 0.0, "not compared")


def test_anyone_outside_the_compliance_group_gets_no_self_identification_from_the_selector(role, staff):
    report = _report(staff, role)
    sex = next(c for c in report.characteristics if c.key == "sex")
    assert [group for group, count in sex.groups if count] == [adverse_impact.NOT_RECORDED]


def test_the_recommended_stage_is_the_panels_majority(db):
    def outcome(positive: int, recommending: int) -> adverse_impact.LoopOutcome:
        return adverse_impact.LoopOutcome({}, True, True, positive, recommending, False)

    assert adverse_impact.panel_recommends(outcome(2, 3)) is True
    assert adverse_impact.panel_recommends(outcome(1, 2)) is False  # a tie is not a majority
    assert adverse_impact.panel_recommends(outcome(0, 0)) is False


def test_a_stage_nobody_passed_has_no_ratio_and_no_flag(db):
    def nobody(count: int) -> list[adverse_impact.LoopOutcome]:
        return [adverse_impact.LoopOutcome({}, True, True, 0, 1, False) for _ in range(count)]

    selected = adverse_impact.STAGES[-1]
    stage = adverse_impact.stage_impact(selected, {"Female": nobody(5), "Male": nobody(6)}, min_group=5)
    rows = {row.group: (row.ratio, row.below_four_fifths, row.note) for row in stage.rows}
    # Fisher of [[0, 6], [0, 5]]: a single possible table, p = 1.
    assert rows == {"Female": (None, None, "nobody passed"), "Male": (None, None, "nobody in the highest group passed")}
    assert stage.rows[1].p_value == pytest.approx(1.0)


def _page(client: Client, **query: str) -> tuple[int, str]:
    response = client.get(reverse("adverse_impact"), query)
    return response.status_code, response.content.decode()


def test_the_page_shows_the_figures_and_pins_its_queries(role, compliance, django_assert_num_queries):
    client = Client()
    client.force_login(compliance)
    client.get(reverse("home"))  # the session is read and kept from here on
    # The session, the user with their role groups, the role list; in the service's savepoint (two statements)
    # the loops and their dimension means, and the audit entry: its actor's and action's checks by full_clean
    # (four, one in a savepoint of its own) and the insert. Twelve, whatever the number of loops.
    with django_assert_num_queries(12):
        status, html = _page(client, role=role)
    assert status == 200
    assert 'id="impact-loops">12<' in html
    assert "Recommended by the panel, of those with every scorecard in (compared with Male)" in html
    assert '<td>0.600</td><td><strong class="text-danger">yes</strong></td><td>0.4444</td>' in html
    assert '<td>0.500</td><td><strong class="text-danger">yes</strong></td><td>0.5238</td>' in html
    assert "<td>1.414</td><td>0.028 to 2.800</td>" in html
    assert "too few to compare" in html
    rubric = RubricVersion.objects.get(role__slug=role)
    for score in (1, 2, 3, 4, 5, 5, 4):  # seven loops more, with interviews, ratings, decisions: the same cost
        _loop(rubric, sex="Female", race="Asian", yes=score > 2, hired=score > 3, score=score)
    with django_assert_num_queries(12):
        status, html = _page(client, role=role)
    assert 'id="impact-loops">19<' in html


def _streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_holds_every_figure_an_auditor_needs(role, compliance):
    client = Client()
    client.force_login(compliance)
    response = client.get(reverse("adverse_impact_export"), {"role": role})
    assert response["Content-Disposition"].startswith(f'attachment; filename="adverse-impact-{role}-')
    text = _streamed(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    sex = [row for row in rows if row["characteristic"] == "Sex"]
    selected = next(row for row in sex if row["group"] == "Female" and row["stage_or_dimension"].startswith("Hired,"))
    assert (selected["of"], selected["passed"], selected["rate"], selected["impact_ratio"]) == (
        "5",
        "2",
        "0.4000",
        "0.5000",
    )
    assert (selected["below_four_fifths"], selected["fisher_p_two_sided"], selected["compared_with"]) == (
        "yes",
        f"{110 / 210:.6f}",
        "Male",
    )
    male_dimension = next(row for row in sex if row["section"] == "dimension" and row["group"] == "Male")
    assert (male_dimension["cohens_d"], male_dimension["d_95_low"], male_dimension["d_95_high"]) == (
        "1.4142",
        "0.0283",
        "2.8001",
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-03-01", "until": "2026-02-01"}, "Until: The end date is before the start date."),
        ({"since": "9999-01-01"}, "From: Choose a date between the years 2000 and 2099."),
        ({"until": "9999-12-31"}, "Until: Choose a date between the years 2000 and 2099."),
        ({"since": "2026-02-30"}, "From: Enter a valid date."),
        ({"role": "no-such-role"}, "Role: Select a valid choice. no-such-role is not one of the available choices."),
        ({"role": ""}, "Role: This field is required."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_read(role, compliance, query, message):
    client = Client()
    client.force_login(compliance)
    status, html = _page(client, **{"role": role, **query})
    assert status == 400
    assert message in html
    assert 'id="impact-loops"' not in html
    exported = client.get(reverse("adverse_impact_export"), {"role": role, **query})
    assert exported.status_code == 400
    assert message.replace(": ", ": ", 1) in exported.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ID_READ).exists()


def test_a_period_without_loops_says_so(role, compliance):
    client = Client()
    client.force_login(compliance)
    status, html = _page(client, role=role, since="2001-01-01", until="2001-12-31")
    assert status == 200
    assert "No loops of this role were created in this period" in html


def test_the_page_opens_with_a_choice_and_no_read(compliance, db):
    client = Client()
    client.force_login(compliance)
    status, html = _page(client)
    assert status == 200
    assert "Choose a role and a period" in html
    assert 'aria-invalid="true"' not in html
    exported = client.get(reverse("adverse_impact_export"))
    assert exported.status_code == 400
    assert "Role: This field is required." in exported.content.decode()
    assert not AuditEvent.objects.exists()
