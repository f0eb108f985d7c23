"""Loops on roles imported from rubrics that have no exercises, no signals or no anchor at some levels, and bands:
a recruiter plans named interviews, an interviewer sees the dimension's questions and the banded anchor beside
the scorecard, and a level without a written anchor shows its label only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TypedDict

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from hiring.models import Interview, Loop
from hiring.services.loops import loop_create
from roles.importing.building import fixture_import
from roles.importing.reading import document_file_read
from roles.models import RubricVersion
from roles.services import roles_load
from tests.factories import HiringManagerFactory, InterviewerFactory

BLUEPRINTS = Path(__file__).parent.parent / "roles" / "blueprints"

pytestmark = pytest.mark.django_db


def _imported(name: str, tmp_path: Path) -> RubricVersion:
    fixture = fixture_import(document_file_read(BLUEPRINTS / name))
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    [outcome] = roles_load(paths=[path])
    return RubricVersion.objects.get(role__slug=outcome.role, number=outcome.version)


def _loop(rubric: RubricVersion, recruiter: User) -> Loop:
    return loop_create(
        candidate_name="Noor Haddad",
        candidate_email="noor@example.com",
        candidate_notes="",
        rubric=rubric,
        hiring_manager=HiringManagerFactory(),
        by=recruiter,
    )


@pytest.fixture
def guide_loop(tmp_path, recruiter) -> Loop:
    """A loop on the customer-success question guide: three dimensions with questions, no exercise, no anchor."""
    rubric = _imported("customer-success-question-guide.md", tmp_path)
    InterviewerFactory(username="ines")
    return _loop(rubric, recruiter)


class _PlannedInterview(TypedDict):
    """One row of the plan form as the recruiter fills it in: focus by dimension name."""

    title: str
    interviewer: int
    focus: list[str]


def _plan_post(loop: Loop, rows: dict[str, _PlannedInterview]) -> dict[str, object]:
    dimensions = {d.name: d.pk for d in loop.rubric.dimensions.all()}
    data: dict[str, object] = {}
    when = timezone.localtime(timezone.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for prefix, row in rows.items():
        data[f"{prefix}-include"] = "on"
        data[f"{prefix}-title"] = row["title"]
        data[f"{prefix}-interviewer"] = row["interviewer"]
        data[f"{prefix}-scheduled_at"] = when
        data[f"{prefix}-focus"] = [dimensions[name] for name in row["focus"]]
    return data


def test_a_rubric_without_exercises_is_planned_as_interviews_the_recruiter_names(guide_loop, recruiter, login):
    client = login(recruiter)
    page = client.get(reverse("loop_plan", args=[guide_loop.pk])).content.decode()
    assert "This role's rubric has no exercises: name each interview" in page
    assert page.count('name="new-0-title"') == 1
    assert 'value="Interview"' in page  # the first row starts included, on every dimension

    ines = InterviewerFactory._meta.model.objects.get(username="ines")
    response = client.post(
        reverse("loop_plan", args=[guide_loop.pk]),
        _plan_post(
            guide_loop,
            {
                "new-0": {"title": "Values interview", "interviewer": ines.pk, "focus": ["Ownership"]},
                "new-1": {
                    "title": "Customer interview",
                    "interviewer": ines.pk,
                    "focus": ["Customer empathy", "Commercial judgement"],
                },
            },
        ),
    )

    assert response.status_code == 302
    planned = Interview.objects.filter(loop=guide_loop).order_by("pk")
    assert [(i.name, i.exercise_id, sorted(d.name for d in i.focus_dimensions.all())) for i in planned] == [
        ("Values interview", None, ["Ownership"]),
        ("Customer interview", None, ["Commercial judgement", "Customer empathy"]),
    ]
    again = client.get(reverse("loop_plan", args=[guide_loop.pk])).content.decode()
    assert 'value="Values interview"' in again
    assert "Every rubric dimension is covered by at least one interview." in again


def test_an_interview_without_a_title_is_refused_and_nothing_is_planned(guide_loop, recruiter, login):
    client = login(recruiter)
    ines = InterviewerFactory._meta.model.objects.get(username="ines")
    response = client.post(
        reverse("loop_plan", args=[guide_loop.pk]),
        _plan_post(guide_loop, {"new-0": {"title": "  ", "interviewer": ines.pk, "focus": ["Ownership"]}}),
    )
    assert response.status_code == 400
    assert "Give this interview a title (this role&#x27;s rubric has no exercises)." in response.content.decode()
    assert not Interview.objects.filter(loop=guide_loop).exists()


def test_the_scorecard_of_a_named_interview_shows_its_name_and_the_focus_dimensions_questions(
    guide_loop, recruiter, login
):
    ines = InterviewerFactory._meta.model.objects.get(username="ines")
    login(recruiter).post(
        reverse("loop_plan", args=[guide_loop.pk]),
        _plan_post(
            guide_loop, {"new-0": {"title": "Values interview", "interviewer": ines.pk, "focus": ["Ownership"]}}
        ),
    )
    interview = Interview.objects.get(loop=guide_loop)

    page = login(ines).get(reverse("scorecard", args=[interview.scorecard.pk])).content.decode()

    assert "Values interview" in page
    assert "<li>Tell me about a renewal you saved. What did you do first?</li>" in page
    assert "Walk me through how you learned" not in page  # another dimension's question: not this interview's
    assert "Full interview guide for this role" in page


def test_a_band_is_offered_at_each_of_its_levels_and_a_level_without_an_anchor_by_its_label_only(
    tmp_path, recruiter, login
):
    rubric = _imported("backend-engineer-levels-as-rows.md", tmp_path)
    exercise_free = rubric.exercises.count() == 0
    loop = _loop(rubric, recruiter)
    ines = InterviewerFactory(username="ines")
    login(recruiter).post(
        reverse("loop_plan", args=[loop.pk]),
        _plan_post(loop, {"new-0": {"title": "Systems", "interviewer": ines.pk, "focus": ["Debugging", "Testing"]}}),
    )
    interview = Interview.objects.get(loop=loop)

    page = login(ines).get(reverse("scorecard", args=[interview.scorecard.pk])).content.decode()

    band = "Finds the root cause from logs and metrics, then prevents the class of bug"
    assert exercise_free
    assert page.count(f'data-anchor="Exceptional — {band}"') == 1  # level 5
    assert page.count(f'data-anchor="Above the bar — {band}"') == 1  # level 4, the same band
    assert "<dt>4–5 · Above the bar</dt><dd>" + band in page  # the kit beside it shows the band once
    assert 'data-anchor="Above the bar">' in page  # Testing's level 4: no anchor written, its label only
