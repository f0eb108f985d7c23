"""Loops, plans, debriefs, decisions, roles and exports through the API, as an ATS would use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hiring.models import AuditEvent, Candidate, Decision, ExportRecord, Interview, Loop
from tests.api import ApiClient
from tests.factories import HiringManagerFactory, InterviewerFactory, RecruiterFactory, RubricVersionFactory
from tests.security.scenario import build_scenario, db_state, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build_scenario()


@pytest.fixture
def rubric():
    from tests.factories import ExerciseFactory

    rubric = RubricVersionFactory(dimensions=3, signals=True, role__slug="platform-engineer")
    ExerciseFactory(rubric=rubric, dimensions=list(rubric.dimensions.all()[:2]))
    return rubric


def _new_loop(rubric, manager, interviewer, **changes):
    exercise = rubric.exercises.get()
    when = (timezone.now() + dt.timedelta(days=2)).isoformat()
    body = {
        "candidate": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "role": rubric.role.slug,
        "hiring_manager": manager.username,
        "interviews": [
            {
                "exercise": exercise.pk,
                "interviewer": interviewer.username,
                "scheduled_at": when,
                "focus": list(rubric.dimensions.values_list("pk", flat=True)),
            }
        ],
    }
    body.update(changes)
    return body


def test_a_recruiter_creates_a_candidate_and_loop_with_its_plan(rubric):
    recruiter, manager, interviewer = RecruiterFactory(), HiringManagerFactory(), InterviewerFactory()

    response = ApiClient(recruiter).post("loops/", _new_loop(rubric, manager, interviewer))

    assert response.status_code == 201, response.content
    loop = Loop.objects.get(pk=response.json()["id"])
    assert loop.candidate.name == "Ada Lovelace"
    assert (loop.recruiter, loop.hiring_manager, loop.rubric) == (recruiter, manager, rubric)
    [interview] = loop.interviews.all()
    assert interview.interviewer == interviewer
    assert interview.scorecard.status == "draft"
    assert response.json()["interviews"][0]["scorecard"] == interview.scorecard.pk


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"hiring_manager": "nobody"}, 422),
        ({"role": "no-such-role"}, 422),
        (
            {
                "interviews": [
                    {"exercise": 10**9, "interviewer": "x", "scheduled_at": "2030-01-01T10:00Z", "focus": [1]}
                ]
            },
            422,
        ),
        ({"candidate": {"name": ""}}, 400),
        ({"candidate": {"name": "Ada", "linkedin": "ada"}}, 400),
    ],
)
def test_a_loop_that_does_not_resolve_is_refused_and_nothing_is_created(rubric, change, status):
    recruiter, manager, interviewer = RecruiterFactory(), HiringManagerFactory(), InterviewerFactory()

    response = ApiClient(recruiter).post("loops/", _new_loop(rubric, manager, interviewer, **change))

    assert response.status_code == status, response.content
    assert not Candidate.objects.exists()
    assert not Loop.objects.exists()


def test_a_plan_the_service_refuses_creates_no_candidate_and_no_loop(rubric):
    recruiter, manager, interviewer = RecruiterFactory(), HiringManagerFactory(), InterviewerFactory()
    body = _new_loop(rubric, manager, interviewer)
    body["interviews"][0]["scheduled_at"] = "2150-01-01T10:00:00Z"  # resolves, but no interview lies past 2099

    response = ApiClient(recruiter).post("loops/", body)

    assert response.status_code == 422, response.content
    assert not Candidate.objects.exists()
    assert not Loop.objects.exists()
    assert not Interview.objects.exists()


def test_a_hiring_manager_the_service_refuses_is_a_422_on_its_field(rubric, monkeypatch):
    recruiter, manager, interviewer = RecruiterFactory(), HiringManagerFactory(), InterviewerFactory()
    monkeypatch.setattr("hiring.services.loops.policy.is_hiring_manager", lambda user: False)  # left the group

    response = ApiClient(recruiter).post("loops/", _new_loop(rubric, manager, interviewer))

    assert response.status_code == 422, response.content
    assert response.json()["message"] == "Not saved: Choose someone in the Hiring managers group."
    assert response.json()["fields"] == {"hiring_manager": ["Choose someone in the Hiring managers group."]}
    assert not Loop.objects.exists()


def test_only_recruiters_create_loops(rubric):
    manager, interviewer = HiringManagerFactory(), InterviewerFactory()

    response = ApiClient(manager).post("loops/", _new_loop(rubric, manager, interviewer))

    assert response.status_code == 403
    assert not Loop.objects.exists()


def test_the_recruiter_replaces_the_plan_and_an_interview_not_listed_is_removed(scenario):
    own = Interview.objects.get(scorecard=scenario.own_scorecard)
    colleague = Interview.objects.get(scorecard=scenario.colleague_scorecard)
    rows = [
        {
            "interview": colleague.pk,
            "exercise": colleague.exercise_id,
            "interviewer": scenario.colleague.username,
            "scheduled_at": colleague.scheduled_at.isoformat(),
            "focus": [d.pk for d in colleague.focus_dimensions.all()],
        }
    ]

    response = ApiClient(scenario.recruiter).put(f"loops/{scenario.loop.pk}/plan/", {"interviews": rows})

    assert response.status_code == 200, response.content
    assert [i["id"] for i in response.json()] == [colleague.pk]
    assert not Interview.objects.filter(pk=own.pk).exists()


def test_a_submitted_interview_cannot_be_removed_from_the_plan(scenario):
    before = db_state()

    response = ApiClient(scenario.recruiter).put(f"loops/{scenario.loop.pk}/plan/", {"interviews": []})

    assert response.status_code == 422
    assert "cannot be removed" in response.json()["message"]
    assert db_state() == before


def test_the_debrief_summarises_the_submitted_scorecards(scenario):
    submit(scenario.own_scorecard, "Own evidence")

    body = ApiClient(scenario.hiring_manager).get(f"loops/{scenario.loop.pk}/debrief/").json()

    assert (body["submitted"], body["expected"]) == (2, 2)
    assert body["recommendations"] == {"strong_no": 0, "no": 0, "yes": 2, "strong_yes": 0}
    assert [d["classification"] for d in body["dimensions"]] == ["meets"] * 3
    assert {row["scorecard"] for row in body["panel"]} == {scenario.own_scorecard.pk, scenario.colleague_scorecard.pk}
    assert body["decision"] is None


def test_the_hiring_manager_decides_once_and_a_second_decision_is_a_conflict(scenario):
    client = ApiClient(scenario.hiring_manager)
    url = f"loops/{scenario.loop.pk}/decision/"

    first = client.post(url, {"outcome": "hire", "rationale": "Strong panel."})
    second = client.post(url, {"outcome": "no_hire", "rationale": "Changed my mind."})

    assert first.status_code == 201, first.content
    assert second.status_code == 409
    assert Decision.objects.get(loop=scenario.loop).outcome == "hire"
    assert client.get(url).json()["outcome"] == "hire"


def test_only_the_hiring_manager_decides(scenario):
    response = ApiClient(scenario.recruiter).post(
        f"loops/{scenario.loop.pk}/decision/", {"outcome": "hire", "rationale": "Yes."}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_rubric_lists_its_scale_dimensions_anchors_exercises_and_signals(scenario):
    body = ApiClient(scenario.interviewer).get(f"roles/{scenario.role_slug}/rubrics/1/").json()

    assert body["scale"]["min"] == 1
    assert body["scale"]["max"] == 5
    assert [level["value"] for level in body["scale"]["levels"]] == [1, 2, 3, 4, 5]
    assert len(body["dimensions"]) == 3
    assert [a["level"] for a in body["dimensions"][0]["anchors"]] == [5, 3, 1]
    assert {s["kind"] for s in body["signals"]} == {"strong", "weak", "red_flag"}
    assert len(body["exercises"]) == 3


def test_the_exports_are_paginated_json_and_recorded(scenario):
    client = ApiClient(scenario.staff)

    summary = client.get("exports/loop-summary/", {"page_size": 1})
    ratings = client.get("exports/ratings/", {"role": scenario.role_slug})

    assert summary.status_code == 200
    assert summary.json()["count"] == 2
    assert len(summary.json()["results"]) == 1
    assert summary.json()["next"].endswith("page=2&page_size=1")
    rows = ratings.json()["results"]
    assert {row["scorecard"] for row in rows} >= {scenario.colleague_scorecard.pk}
    assert all(isinstance(row["normalised"], float) for row in rows)
    assert list(ExportRecord.objects.values_list("source", "format")) == [("api", "json")] * 2
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_the_exports_find_a_candidate_by_part_of_their_name_whatever_the_case(scenario):
    loop = scenario.loop
    fragment = loop.candidate.name[1:5].upper()

    response = ApiClient(scenario.staff).get("exports/loop-summary/", {"q": fragment})

    assert response.status_code == 200
    assert [row["loop"] for row in response.json()["results"]] == [loop.pk]


def test_an_export_filter_that_does_not_parse_is_a_400(scenario):
    response = ApiClient(scenario.staff).get("exports/loop-summary/", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()["fields"]


def test_the_api_carries_the_rule_and_refuses_an_override_without_a_reason(scenario):
    submit(scenario.own_scorecard, "Own evidence")  # every score 3 of 1–5: normalised 0.5 < 0.65, no red flag
    client = ApiClient(scenario.hiring_manager)
    url = f"loops/{scenario.loop.pk}/decision/"

    rule = client.get(f"loops/{scenario.loop.pk}/debrief/").json()["rule"]
    refused = client.post(url, {"outcome": "hire", "rationale": "Strong panel."})
    recorded = client.post(url, {"outcome": "hire", "rationale": "Strong panel.", "override_reason": "Saw more."})

    assert rule["outcome"] == "no_hire"
    assert rule["default"] is True
    assert [(i["kind"], i["value"], i["threshold"], i["met"]) for i in rule["inputs"]] == [
        ("mean", 0.5, 0.65, False),
        ("red_flags", 0.0, 0.0, True),
    ]
    assert refused.status_code == 422
    assert "write why this decision goes the other way" in refused.content.decode()
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert (body["rule_outcome"], body["overridden"], body["override_reason"]) == ("no_hire", True, "Saw more.")
