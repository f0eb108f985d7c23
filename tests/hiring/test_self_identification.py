"""Voluntary self-identification (issue 29 item 1): recorded by a loop's recruiter (page and API), never shown
back, never on any page, file or API answer but the Compliance group's report; every read audited."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring import policy
from hiring.demo import demo_accounts_create
from hiring.models import DECLINED, AuditEvent, Loop, Scorecard, SelfIdentification
from hiring.services.privacy import candidate_forget
from hiring.services.self_identification import self_identification_record
from tests.api import ApiClient
from tests.factories import CandidateFactory, InterviewFactory, LoopFactory, RatingFactory, UserFactory

SEX = "Qzsexmarker"
RACE = "Qzracemarker"


@pytest.fixture(autouse=True)
def _marked_categories(settings):
    """Categories no page could print by chance: a leak of the values is a leak of these words."""
    settings.SELF_IDENTIFICATION_SEX = ("Female", "Male", SEX)
    settings.SELF_IDENTIFICATION_RACE_ETHNICITY = ("Asian", "White", RACE)


@pytest.fixture
def compliance(db) -> User:
    return UserFactory(username="auditor", groups=(policy.COMPLIANCE,))


@pytest.fixture
def world(db) -> dict[str, Any]:
    """A loop whose interviewer has submitted, its candidate self-identified with the marked categories."""
    loop = LoopFactory(candidate=CandidateFactory(name="Robin Example", email="robin@example.com"))
    interview = InterviewFactory(loop=loop)
    RatingFactory(scorecard=interview.scorecard, dimension=loop.rubric.dimensions.first(), score=4)
    Scorecard.objects.filter(pk=interview.scorecard.pk).update(
        status=Scorecard.Status.SUBMITTED,
        recommendation=Scorecard.Recommendation.YES,
        key_takeaways="Solid.",
        submitted_at=timezone.now(),
    )
    self_identification_record(loop=loop, sex=SEX, race_ethnicity=RACE, by=loop.recruiter)
    staff = UserFactory(username="staffer", is_staff=True, is_superuser=True)
    return {
        "loop": loop,
        "interviewer": interview.interviewer,
        "hiring_manager": loop.hiring_manager,
        "recruiter": loop.recruiter,
        "staff": staff,
        "scorecard": interview.scorecard,
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


PERSONAS = ("interviewer", "hiring_manager", "recruiter", "staff")


def test_the_compliance_group_is_created_by_its_migration(db):
    assert Group.objects.filter(name="Compliance").exists()


@pytest.mark.parametrize("persona", [*PERSONAS, "system", "signed_out"])
def test_only_the_compliance_group_may_read_self_identification(world, compliance, persona):
    others: dict[str, policy.Viewer] = {"system": policy.SYSTEM, "signed_out": AnonymousUser()}
    who = others[persona] if persona in others else world[persona]
    assert policy.can_read_self_identification(who) is False
    assert list(policy.self_identifications_readable_by(who)) == []
    assert policy.can_read_self_identification(compliance) is True
    assert policy.self_identifications_readable_by(compliance).get().sex == SEX


def test_a_deactivated_compliance_member_reads_nothing(compliance):
    compliance.is_active = False
    compliance.save()
    assert policy.can_read_self_identification(User.objects.get(pk=compliance.pk)) is False


def test_the_recruiter_records_it_on_the_loop_page_and_sees_only_that_it_is_recorded(db):
    loop = LoopFactory()
    client = _client(loop.recruiter)
    before = client.get(reverse("loop_detail", args=[loop.pk])).content.decode()
    assert "Not recorded" in before
    response = client.post(
        reverse("loop_self_identification", args=[loop.pk]), {"sex": SEX, "race_ethnicity": RACE}, follow=True
    )
    html = response.content.decode()
    assert "Self-identification recorded." in html
    assert "Recorded</span>" in html
    # The form opens at "Declined to answer" again: nothing on the page says which category was chosen.
    assert f'<option value="{SEX}" selected>' not in html
    assert f'<option value="{RACE}" selected>' not in html
    assert html.count(f'<option value="{DECLINED}" selected>') == 2
    record = SelfIdentification.objects.get(candidate=loop.candidate)
    assert (record.sex, record.race_ethnicity, record.recorded_by) == (SEX, RACE, loop.recruiter)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SELF_ID_RECORD)
    assert (event.actor, event.loop) == (loop.recruiter, loop)
    assert _hidden(event.summary)


def test_recording_again_replaces_the_record(world):
    loop = world["loop"]
    _client(loop.recruiter).post(
        reverse("loop_self_identification", args=[loop.pk]), {"sex": DECLINED, "race_ethnicity": "Asian"}
    )
    record = SelfIdentification.objects.get(candidate=loop.candidate)
    assert (record.sex, record.race_ethnicity) == (DECLINED, "Asian")
    assert SelfIdentification.objects.count() == 1


def test_an_unknown_category_is_refused_naming_the_field_and_nothing_is_saved(db):
    loop = LoopFactory()
    response = _client(loop.recruiter).post(
        reverse("loop_self_identification", args=[loop.pk]), {"sex": "Martian", "race_ethnicity": RACE}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sex: Select a valid choice. Martian is not one of the available choices." in html
    assert not SelfIdentification.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_service_refuses_a_category_the_form_did_not_offer(db):
    from hiring.services.refusals import InputRefused

    loop = LoopFactory()
    with pytest.raises(InputRefused) as refused:
        self_identification_record(loop=loop, sex=SEX, race_ethnicity="Unlisted", by=loop.recruiter)
    assert [problem.place for problem in refused.value.problems] == ["race_ethnicity"]
    assert "Race/ethnicity: choose one of the offered categories" in refused.value.messages[0]
    assert not SelfIdentification.objects.exists()


@pytest.mark.parametrize("persona", ["interviewer", "hiring_manager"])
def test_interviewers_and_hiring_managers_may_not_record_it(world, persona):
    loop = world["loop"]
    response = _client(world[persona]).post(
        reverse("loop_self_identification", args=[loop.pk]), {"sex": DECLINED, "race_ethnicity": DECLINED}
    )
    assert response.status_code == 403
    assert SelfIdentification.objects.get().sex == SEX


def test_another_loops_recruiter_cannot_even_find_the_loop(world, recruiter):
    response = _client(recruiter).post(
        reverse("loop_self_identification", args=[world["loop"].pk]), {"sex": DECLINED, "race_ethnicity": DECLINED}
    )
    assert response.status_code == 404
    assert SelfIdentification.objects.get().sex == SEX


@pytest.mark.parametrize("persona", ["interviewer", "hiring_manager"])
def test_interviewers_and_hiring_managers_are_not_even_told_whether_it_is_recorded(world, persona):
    html = _client(world[persona]).get(reverse("loop_detail", args=[world["loop"].pk])).content.decode()
    assert "self-identification" not in html.lower()


def _pages(world: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    loop: Loop = world["loop"]
    return [
        (reverse("home"), {}),
        (reverse("loop_detail", args=[loop.pk]), {}),
        (reverse("loop_plan", args=[loop.pk]), {}),
        (reverse("loop_debrief", args=[loop.pk]), {}),
        (reverse("loop_summary", args=[loop.pk]), {}),
        (reverse("scorecard", args=[world["scorecard"].pk]), {}),
        (reverse("loop_pipeline"), {}),
        (reverse("loop_pipeline"), {"q": "Robin"}),
        (reverse("loop_export"), {"kind": "summary", "format": "csv"}),
        (reverse("loop_export"), {"kind": "summary", "format": "csv", "role": loop.rubric.role.slug}),
        (reverse("loop_export"), {"kind": "ratings", "format": "csv"}),
        (reverse("loop_export"), {"kind": "summary", "format": "json"}),
        (reverse("hiring_health"), {}),
        (reverse("hiring_health_export"), {}),
        (reverse("calibration"), {}),
        (reverse("audit_log"), {}),
        (reverse("adverse_impact"), {"role": loop.rubric.role.slug}),
        (reverse("adverse_impact_export"), {"role": loop.rubric.role.slug}),
        ("/admin/hiring/selfidentification/", {}),
        (f"/admin/hiring/candidate/{loop.candidate_id}/change/", {}),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_or_file_shows_it_to_anyone_but_the_compliance_group(world, persona):
    client = _client(world[persona])
    for url, query in _pages(world):
        response = client.get(url, query)
        text = _text(response)
        assert response.status_code < 500, url
        assert _hidden(text) or _only_offered(text), (persona, url)


def _hidden(text: str) -> bool:
    return SEX not in text and RACE not in text


def _only_offered(html: str) -> bool:
    """The recruiter's form offers every category (never the chosen one selected): the markers appear only there."""
    return (
        html.count(SEX) == 2
        and html.count(RACE) == 2
        and f'value="{SEX}" selected' not in html
        and f'value="{RACE}" selected' not in html
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_report_and_its_file_are_refused_to_everyone_but_the_compliance_group(world, persona):
    client = _client(world[persona])
    role = world["loop"].rubric.role.slug
    assert client.get(reverse("adverse_impact"), {"role": role}).status_code == 403
    assert client.get(reverse("adverse_impact_export"), {"role": role}).status_code == 403
    assert "Adverse impact" not in client.get(reverse("home")).content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ID_READ).exists()


def test_the_compliance_group_reads_the_report_and_each_read_is_audited(world, compliance):
    client = _client(compliance)
    role = world["loop"].rubric.role.slug
    assert "Adverse impact" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("adverse_impact"), {"role": role})
    assert page.status_code == 200
    assert SEX in page.content.decode()
    csv_text = _text(client.get(reverse("adverse_impact_export"), {"role": role}))
    assert RACE in csv_text
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.SELF_ID_READ).order_by("pk")
    assert [(event.actor, event.summary.split(":")[0]) for event in reads] == [
        (compliance, "Adverse-impact report (page)"),
        (compliance, "Adverse-impact report (CSV)"),
    ]


def _api_paths(world: dict[str, Any]) -> list[str]:
    loop: Loop = world["loop"]
    return [
        "loops/",
        f"loops/{loop.pk}/",
        f"loops/{loop.pk}/plan/",
        f"loops/{loop.pk}/debrief/",
        "interviews/",
        "scorecards/",
        f"scorecards/{world['scorecard'].pk}/",
        "exports/loop-summary/",
        "exports/ratings/",
        "hiring-health/",
    ]


@pytest.mark.parametrize("persona", [*PERSONAS, "compliance"])
def test_no_api_answer_holds_it_for_anyone(world, compliance, persona):
    user = compliance if persona == "compliance" else world[persona]
    api = ApiClient(user)
    for path in _api_paths(world):
        response = api.get(path)
        assert response.status_code < 500, path
        assert _hidden(response.content.decode()), (persona, path)
    basic = base64.b64encode(f"{api.raw}:".encode()).decode()
    for path in ("candidates", f"candidates/{world['loop'].candidate_id}", "applications", "scorecards"):
        response = api.client.get(f"/harvest/v1/{path}", headers={"Authorization": f"Basic {basic}"})
        assert response.status_code < 500, path
        assert _hidden(response.content.decode()), (persona, path)


def test_the_api_records_it_write_only(db):
    loop = LoopFactory()
    api = ApiClient(loop.recruiter)
    response = api.put(f"loops/{loop.pk}/self-identification/", {"sex": SEX, "race_ethnicity": RACE})
    assert response.status_code == 204
    assert response.content == b""
    assert SelfIdentification.objects.get(candidate=loop.candidate).race_ethnicity == RACE
    assert api.get(f"loops/{loop.pk}/self-identification/").status_code == 405
    left_out = api.put(f"loops/{loop.pk}/self-identification/", {})
    assert left_out.status_code == 204
    assert SelfIdentification.objects.get().sex == DECLINED


def test_the_api_refuses_an_unknown_category_naming_the_field(db):
    loop = LoopFactory()
    response = ApiClient(loop.recruiter).put(f"loops/{loop.pk}/self-identification/", {"sex": "Martian"})
    assert response.status_code == 422
    body = response.json()
    assert list(body["fields"]) == ["sex"]
    assert "Sex: choose one of the offered categories" in body["message"]
    assert not SelfIdentification.objects.exists()


@pytest.mark.parametrize("persona", ["interviewer", "hiring_manager"])
def test_the_api_refuses_the_panel_and_the_hiring_manager(world, persona):
    response = ApiClient(world[persona]).put(
        f"loops/{world['loop'].pk}/self-identification/", {"sex": DECLINED, "race_ethnicity": DECLINED}
    )
    assert response.status_code == 403
    assert SelfIdentification.objects.get().sex == SEX


def test_a_read_only_token_cannot_record_it(db):
    loop = LoopFactory()
    response = ApiClient(loop.recruiter, scope="read").put(f"loops/{loop.pk}/self-identification/", {})
    assert response.status_code == 403
    assert not SelfIdentification.objects.exists()


def test_forgetting_the_candidate_deletes_it(world):
    candidate_forget(candidate=world["loop"].candidate, by=world["staff"])
    assert not SelfIdentification.objects.exists()


def test_it_goes_with_the_candidate(db):
    candidate = CandidateFactory()
    SelfIdentification.objects.create(candidate=candidate, sex=SEX)
    candidate.delete()
    assert not SelfIdentification.objects.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ("export_loops", "--format", "csv", "--kind", "summary"),
        ("export_loops", "--format", "csv", "--kind", "ratings"),
        ("export_loops", "--format", "json"),
        ("calibration_report",),
    ],
)
def test_no_command_writes_it(world, arguments):
    out = io.StringIO()
    call_command(*arguments, stdout=out)
    assert world["loop"].candidate.name in out.getvalue() or arguments[0] == "calibration_report"
    assert _hidden(out.getvalue())


def test_the_demo_has_a_compliance_account_that_reads_it(db):
    users = demo_accounts_create(password="scorecards-demo")
    assert policy.can_read_self_identification(User.objects.get(pk=users["compliance"].pk))
    assert users["compliance"].check_password("scorecards-demo")
    assert not policy.can_read_self_identification(users["admin"])
