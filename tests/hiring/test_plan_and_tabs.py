"""Small truths of planning (a decided loop's plan is read-only; the hiring manager can be on the panel),
and never a conflict with oneself (a tab's own earlier save is not another tab's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring.models import Interview, Rating, Scorecard
from hiring.services.decisions import loop_decide
from hiring.services.loops import PlanRow, loop_plan_save
from hiring.services.scorecards import RatingInput, ScorecardConflict, ScorecardInput, scorecard_save_draft
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(loop, interviewer) -> PlanRow:
    exercise = factories.ExerciseFactory(rubric=loop.rubric, dimensions=list(loop.rubric.dimensions.all()[:1]))
    return PlanRow(
        exercise=exercise,
        interviewer=interviewer,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
        focus=list(exercise.dimensions.all()),
    )


# Planning ---------------------------------------------------------------------------------------------------


def test_the_loops_hiring_manager_can_be_planned_as_an_interviewer():
    loop = factories.LoopFactory()
    [interview] = loop_plan_save(loop=loop, rows=[_row(loop, loop.hiring_manager)], by=loop.recruiter)
    assert interview.interviewer == loop.hiring_manager
    page = _client(loop.recruiter).get(reverse("loop_plan", args=[loop.pk])).content.decode()
    assert f'<option value="{loop.hiring_manager.pk}" selected>' in page


def test_someone_outside_the_interviewers_group_is_refused_as_an_interviewer():
    loop = factories.LoopFactory()
    other_manager = factories.HiringManagerFactory(first_name="Olga", last_name="Other")
    with pytest.raises(ValidationError, match="Olga Other cannot interview"):
        loop_plan_save(loop=loop, rows=[_row(loop, other_manager)], by=loop.recruiter)
    assert not Interview.objects.filter(loop=loop).exists()
    page = _client(loop.recruiter).get(reverse("loop_plan", args=[loop.pk])).content.decode()
    assert f'<option value="{other_manager.pk}"' not in page


def test_the_plan_of_a_decided_loop_is_read_only():
    loop = factories.LoopFactory()
    interview = factories.InterviewFactory(loop=loop)
    card = interview.scorecard
    dimension = loop.rubric.dimensions.first()
    assert dimension is not None
    Rating.objects.create(scorecard=card, dimension=dimension, score=3, evidence="Fine.")
    Scorecard.objects.filter(pk=card.pk).update(
        status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
    )
    loop_decide(
        loop=loop, by=loop.hiring_manager, outcome="hire", rationale="Strong.", override_reason="Against the rule."
    )
    client = _client(loop.recruiter)

    page = client.get(reverse("loop_plan", args=[loop.pk])).content.decode()
    assert "Save plan" not in page
    assert 'id="plan-read-only"' in page
    assert "<fieldset disabled>" in page

    before = list(Interview.objects.filter(loop=loop).values_list("pk", "interviewer_id", "scheduled_at"))
    response = client.post(reverse("loop_plan", args=[loop.pk]), {f"exercise-{interview.exercise_id}-include": ""})
    assert response.status_code == 409
    assert "its plan is kept as it was and can no longer change" in response.content.decode()
    assert list(Interview.objects.filter(loop=loop).values_list("pk", "interviewer_id", "scheduled_at")) == before


# Tabs -------------------------------------------------------------------------------------------------------


@pytest.fixture
def draft():
    loop = factories.LoopFactory()
    return factories.InterviewFactory(loop=loop).scorecard


def _text(card: Scorecard, text: str) -> ScorecardInput:
    dimension = card.interview.loop.rubric.dimensions.first()
    assert dimension is not None
    return ScorecardInput(ratings={dimension.pk: RatingInput(evidence=text)})


def _evidence(card: Scorecard) -> str:
    return Rating.objects.get(scorecard=card).evidence


def test_a_save_behind_only_its_own_tabs_earlier_save_is_not_a_conflict(draft):
    who = draft.interview.interviewer
    scorecard_save_draft(scorecard=draft, by=who, revision=1, data=_text(draft, "First."), tab="tab-a")
    # The tab's next save left before the answer to its first one came back: it still says revision 1.
    saved = scorecard_save_draft(scorecard=draft, by=who, revision=1, data=_text(draft, "First. Second."), tab="tab-a")
    assert saved.revision == 3
    assert _evidence(draft) == "First. Second."


def test_a_save_behind_another_tabs_save_is_still_a_conflict_and_writes_nothing(draft):
    who = draft.interview.interviewer
    scorecard_save_draft(scorecard=draft, by=who, revision=1, data=_text(draft, "From tab A."), tab="tab-a")
    for tab in ("tab-b", ""):
        with pytest.raises(ScorecardConflict, match="another tab or window"):
            scorecard_save_draft(scorecard=draft, by=who, revision=1, data=_text(draft, "From tab B."), tab=tab)
    assert _evidence(draft) == "From tab A."
    assert Scorecard.objects.get(pk=draft.pk).revision == 2


def test_a_tab_is_behind_another_tab_once_that_tab_has_written_in_between(draft):
    who = draft.interview.interviewer
    scorecard_save_draft(scorecard=draft, by=who, revision=1, data=_text(draft, "A1."), tab="tab-a")
    scorecard_save_draft(scorecard=draft, by=who, revision=2, data=_text(draft, "B1."), tab="tab-b")
    with pytest.raises(ScorecardConflict):
        scorecard_save_draft(scorecard=draft, by=who, revision=2, data=_text(draft, "A2."), tab="tab-a")
    assert _evidence(draft) == "B1."


def test_submit_behind_its_own_autosave_is_accepted_through_the_page(draft):
    who = draft.interview.interviewer
    loop = draft.interview.loop
    client = _client(who)
    form = {"revision": "1", "tab": "tab-a", "recommendation": "yes"}
    for dimension in loop.rubric.dimensions.all():
        form[f"score_{dimension.pk}"] = "3"
        form[f"evidence_{dimension.pk}"] = "Evidence."
    autosave = client.post(reverse("scorecard_autosave", args=[draft.pk]), form, HTTP_ACCEPT="application/json")
    assert autosave.status_code == 200
    response = client.post(reverse("scorecard", args=[draft.pk]), {**form, "action": "submit"})
    assert response.status_code == 302
    assert Scorecard.objects.get(pk=draft.pk).status == Scorecard.Status.SUBMITTED


# The decision rule on the plan ----------------------------------------------------------------------------


def _plan_page(loop, django_assert_num_queries, queries: int) -> str:
    client = _client(loop.recruiter)
    client.get(reverse("loop_plan", args=[loop.pk]))  # warm the session
    with django_assert_num_queries(queries):
        response = client.get(reverse("loop_plan", args=[loop.pk]))
    return " ".join(response.content.decode().split())


def test_the_plan_shows_the_recruiter_the_default_rule_before_any_scoring(django_assert_num_queries):
    loop = factories.LoopFactory()

    page = _plan_page(loop, django_assert_num_queries, PLAN_QUERIES)

    assert "This rubric version sets no rule of its own: the default rule applies." in page
    assert "<li>The loop's normalised mean (0–1) is at least 0.65</li>" in page
    assert "<li>No red flag is observed</li>" in page
    assert "Must-have" not in page


def test_the_plan_shows_the_versions_own_rule_and_its_must_haves_with_the_same_queries(django_assert_num_queries):
    rubric = factories.RubricVersionFactory(
        scale_min=0, scale_max=4, dimensions=3, signals=True, locked_at=timezone.now(), rule_threshold=0.7
    )
    rubric.rule_no_red_flag = False
    rubric.save()
    first, second, _third = rubric.dimensions.order_by("position")
    for dimension, bar in ((first, 2), (second, 3)):
        dimension.must_have_bar = bar
        dimension.save()
    loop = factories.LoopFactory(rubric=rubric)

    page = _plan_page(loop, django_assert_num_queries, PLAN_QUERIES)

    assert "Set with rubric v1 before any loop was scored." in page
    assert "<li>The loop's normalised mean (0–1) is at least 0.70</li>" in page
    assert "No red flag is observed" not in page
    assert f"Must-have: {first.name}, the panel's mean at least 2 on the 0–4 scale" in page
    assert f"Must-have: {second.name}, the panel's mean at least 3 on the 0–4 scale" in page


# The plan page as before: the rule is read from the rubric and dimensions it fetches (issue 27 took the page from
# 31 to 6; tests/hiring/test_page_queries.py pins it for plans of every size).
PLAN_QUERIES = 6
