"""Decisions against the decision rule (issue 28): a reason is asked for, the rule's outcome is kept with the
decision, and calibration counts the overrides per hiring manager and role with their direction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring.models import Decision, Loop, Rating, Scorecard
from hiring.selectors.calibration import CalibrationFilter, override_rates
from hiring.services.decisions import loop_decide, loop_decision_revisit
from hiring.services.privacy import candidate_forget
from roles.models import RubricVersion
from tests import factories

pytestmark = pytest.mark.django_db

EVIDENCE = "Walked through the design and its trade-offs."


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _loop(*, role: str = "data-engineer", manager: User | None = None) -> Loop:
    rubric = RubricVersion.objects.filter(role__slug=role).first() or factories.RubricVersionFactory(
        role=factories.RoleFactory(slug=role),
        title=role.replace("-", " ").capitalize(),  # "data-engineer": "Data engineer"
        dimensions=3,
        signals=True,
        locked_at=timezone.now(),
    )
    return factories.LoopFactory(rubric=rubric, **({"hiring_manager": manager} if manager else {}))


def _submitted(loop: Loop, scores: list[int]) -> Scorecard:
    scorecard = factories.InterviewFactory(loop=loop).scorecard
    for dimension, score in zip(loop.rubric.dimensions.order_by("position"), scores, strict=True):
        Rating.objects.create(scorecard=scorecard, dimension=dimension, score=score, evidence=EVIDENCE)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.recommendation = "yes"
    scorecard.save()
    return scorecard


def _hire_loop(**kwargs) -> Loop:
    """Two scorecards of 4, 4, 4 on 1–5: normalised mean 0.75 >= 0.65, no red flag: the default rule says hire."""
    loop = _loop(**kwargs)
    _submitted(loop, [4, 4, 4])
    _submitted(loop, [4, 4, 4])
    return loop


def _no_hire_loop(**kwargs) -> Loop:
    """Two scorecards of 2, 2, 2 on 1–5: normalised mean 0.25 < 0.65: the default rule says no hire."""
    loop = _loop(**kwargs)
    _submitted(loop, [2, 2, 2])
    _submitted(loop, [2, 2, 2])
    return loop


def test_override_without_reason_is_refused_and_nothing_is_saved():
    loop = _hire_loop()

    with pytest.raises(ValidationError) as refused:
        loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Not for us.", override_reason=" ")

    assert "override_reason" in refused.value.message_dict
    assert not Decision.objects.filter(loop=loop).exists()
    assert Loop.objects.get(pk=loop.pk).status != Loop.Status.DECIDED


def test_the_form_refuses_an_override_without_a_reason_naming_the_field():
    loop = _hire_loop()

    response = _client(loop.hiring_manager).post(
        reverse("loop_debrief", args=[loop.pk]),
        {"action": "decide", "outcome": "no_hire", "rationale": "Not for us.", "override_reason": ""},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "The decision rule says hire: write why this decision goes the other way. Nothing was saved." in html
    assert "Why the decision goes against the rule" in html
    assert not Decision.objects.filter(loop=loop).exists()


def test_an_override_with_its_reason_keeps_the_rules_outcome_and_shows_on_the_debrief():
    loop = _hire_loop()

    response = _client(loop.hiring_manager).post(
        reverse("loop_debrief", args=[loop.pk]),
        {
            "action": "decide",
            "outcome": "no_hire",
            "rationale": "Not for us.",
            "override_reason": "The references contradict the panel.",
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get(loop=loop)
    assert (decision.outcome, decision.rule_outcome, decision.overridden) == ("no_hire", "hire", True)
    assert decision.override_reason == "The references contradict the panel."
    html = _client(loop.hiring_manager).get(reverse("loop_debrief", args=[loop.pk])).content.decode()
    assert "The decision rule said <strong>Hire</strong> when this was recorded: <strong>overridden</strong>" in html
    summary = _client(loop.hiring_manager).get(reverse("loop_summary", args=[loop.pk])).content.decode()
    assert "The decision rule said Hire when it was recorded: overridden. Why: The references contradict" in summary
    assert "The rule says: <strong>Hire</strong>." in summary  # the rule and its inputs, printed too
    assert summary.count('class="rule-input ') == 2  # the normalised mean and the red flags


def test_forgetting_the_candidate_scrubs_their_name_from_an_override_reason_and_keeps_the_override():
    loop = _hire_loop()
    loop.candidate.name = "Ingrid Halvorsen"
    loop.candidate.save()
    loop_decide(
        loop=loop,
        by=loop.hiring_manager,
        outcome="no_hire",
        rationale="Not for us.",
        override_reason="Ingrid's references contradict the panel.",
    )

    candidate_forget(candidate=loop.candidate, by=loop.hiring_manager)

    decision = Decision.objects.get(loop=loop)
    assert decision.override_reason == "[candidate]'s references contradict the panel."
    assert (decision.rule_outcome, decision.overridden) == ("hire", True)


def test_a_decision_that_follows_the_rule_needs_no_reason_and_keeps_none():
    loop = _hire_loop()

    decision = loop_decide(
        loop=loop, by=loop.hiring_manager, outcome="hire", rationale="Strong.", override_reason="Not needed."
    )

    assert (decision.rule_outcome, decision.overridden, decision.override_reason) == ("hire", False, "")


def test_hold_is_never_an_override():
    loop = _no_hire_loop()

    decision = loop_decide(loop=loop, by=loop.hiring_manager, outcome="hold", rationale="Waiting for references.")

    assert (decision.rule_outcome, decision.overridden) == ("no_hire", False)


def test_while_a_scorecard_is_pending_the_rule_has_no_outcome_and_nothing_is_overridden():
    loop = _hire_loop()
    factories.InterviewFactory(loop=loop)  # a draft

    decision = loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Enough seen.")

    assert (decision.rule_outcome, decision.overridden) == ("", False)


def test_a_revisit_against_the_rule_asks_for_its_reason_too():
    loop = _no_hire_loop()
    first = loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale="Below the bar.")

    with pytest.raises(ValidationError):
        loop_decision_revisit(loop=loop, by=loop.hiring_manager, supersedes=first, outcome="hire", rationale="Hm.")
    assert Decision.objects.filter(loop=loop).count() == 1

    second = loop_decision_revisit(
        loop=loop,
        by=loop.hiring_manager,
        supersedes=first,
        outcome="hire",
        rationale="Second look.",
        override_reason="The team needs the niche skill.",
    )
    assert (second.rule_outcome, second.overridden) == ("no_hire", True)


@pytest.fixture
def decided_loops():
    """Ann decides three loops, Ben two; roles data-engineer (Ann's first two) and ml-engineer (the rest).

    | loop | manager | role          | rule    | decided | override |
    | 1    | Ann     | data-engineer | hire    | no hire | down     |
    | 2    | Ann     | data-engineer | hire    | hire    | -        |
    | 3    | Ann     | ml-engineer   | no hire | hire    | up       |
    | 4    | Ben     | ml-engineer   | no hire | no hire | -        |
    | 5    | Ben     | ml-engineer   | no hire | hold    | left out |
    """
    ann = factories.HiringManagerFactory(username="ann", first_name="Ann", last_name="Archer")
    ben = factories.HiringManagerFactory(username="ben", first_name="Ben", last_name="Baker")
    reason = "Seen more than the scores show."
    plan = [
        (_hire_loop, ann, "data-engineer", "no_hire", reason),
        (_hire_loop, ann, "data-engineer", "hire", ""),
        (_no_hire_loop, ann, "ml-engineer", "hire", reason),
        (_no_hire_loop, ben, "ml-engineer", "no_hire", ""),
        (_no_hire_loop, ben, "ml-engineer", "hold", ""),
    ]
    for make, manager, role, outcome, why in plan:
        loop = make(role=role, manager=manager)
        loop_decide(loop=loop, by=manager, outcome=outcome, rationale="Discussed.", override_reason=why)
    return ann, ben


def test_calibration_counts_overrides_per_hiring_manager_and_role_with_their_direction(decided_loops):
    rates = override_rates(filters=CalibrationFilter())

    # Ann: 3 decisions, 2 overridden (1 up, 1 down); Ben: 1 counted (hold left out), none overridden
    assert [(r.name, r.decided, r.overridden, r.up, r.down) for r in rates.by_manager] == [
        ("Ann Archer", 3, 2, 1, 1),
        ("Ben Baker", 1, 0, 0, 0),
    ]
    # data-engineer: loops 1 and 2, one down; ml-engineer: loops 3 and 4, one up; named by their titles
    assert [(r.name, r.decided, r.overridden, r.up, r.down) for r in rates.by_role] == [
        ("Data engineer", 2, 1, 0, 1),
        ("Ml engineer", 2, 1, 1, 0),
    ]
    assert rates.by_manager[0].rate == pytest.approx(2 / 3)


def test_the_calibration_page_shows_the_override_rates(decided_loops, hiring_manager):
    html = _client(hiring_manager).get(reverse("calibration")).content.decode()

    section = html[html.index('id="overrides"') :]
    assert '<th scope="row">Ann Archer</th><td>3</td><td>2</td><td>67%</td><td>1</td><td>1</td>' in section
    assert '<th scope="row">Ben Baker</th><td>1</td><td>0</td><td>0%</td><td>0</td><td>0</td>' in section
    assert '<th scope="row">Ml engineer</th><td>2</td><td>1</td><td>50%</td><td>1</td><td>0</td>' in section
