"""Right to be forgotten (forget_candidate) and the staff audit log."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from hiring.models import Amendment, AuditEvent, Candidate, Decision, LegalHold, ObservedSignal, Rating, Scorecard
from hiring.services.decisions import loop_decide
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_amend, scorecard_submit
from roles.drafts import draft_create, draft_publish
from tests.factories import CandidateFactory, DecisionFactory, InterviewFactory, LoopFactory, UserFactory
from tests.security.scenario import body, signed_in, submit

pytestmark = pytest.mark.django_db

NAME = "Ingrid Halvorsen"
EMAIL = "ingrid.halvorsen@example.com"


def _scorecard_input(rubric, *, evidence: str, note: str, takeaways: str) -> ScorecardInput:
    dimensions = list(rubric.dimensions.order_by("position"))
    red_flag = rubric.signals.get(kind="red_flag")
    return ScorecardInput(
        ratings={d.pk: RatingInput(score=rubric.scale_min + i, evidence=evidence) for i, d in enumerate(dimensions)},
        signals={red_flag.pk: note},
        recommendation=Scorecard.Recommendation.NO,
        key_takeaways=takeaways,
    )


@pytest.fixture
def remembered():
    """A decided loop whose every free text names the candidate, amended after submission."""
    candidate = CandidateFactory(name=NAME, email=EMAIL, notes="Referred by Ingrid's former manager.")
    loop = LoopFactory(candidate=candidate)
    interview = InterviewFactory(loop=loop)
    rubric = loop.rubric
    card = scorecard_submit(
        scorecard=interview.scorecard,
        by=interview.interviewer,
        revision=1,
        data=_scorecard_input(
            rubric,
            evidence="Ingrid explained the trade-offs; Halvorsen's plan was clear.",
            note="INGRID HALVORSEN dismissed the reviewer's question.",
            takeaways=f"{NAME} would do well with support.",
        ),
    )
    scorecard_amend(
        scorecard=card,
        by=interview.interviewer,
        revision=card.revision,
        data=_scorecard_input(
            rubric,
            evidence="On reflection ingrid's plan skipped the rollback.",
            note="halvorsen dismissed the reviewer's question twice.",
            takeaways=f"{NAME} needs support on operations.",
        ),
        reason="Corrected what Halvorsen said about rollbacks.",
    )
    loop_decide(loop=loop, by=loop.hiring_manager, outcome="no_hire", rationale=f"{NAME}: not yet.")
    scores = sorted(Rating.objects.filter(scorecard=card).values_list("dimension_id", "score", "not_assessed"))
    return candidate, loop, card, scores


def _texts(loop) -> list[str]:
    """Every free text of the loop that could hold the candidate's name."""
    texts = [
        *Rating.objects.filter(scorecard__interview__loop=loop).values_list("evidence", flat=True),
        *ObservedSignal.objects.filter(scorecard__interview__loop=loop).values_list("note", flat=True),
        *Scorecard.objects.filter(interview__loop=loop).values_list("key_takeaways", flat=True),
        *Decision.objects.filter(loop=loop).values_list("rationale", flat=True),
        *Amendment.objects.filter(scorecard__interview__loop=loop).values_list("reason", flat=True),
    ]
    for changes in Amendment.objects.filter(scorecard__interview__loop=loop).values_list("changes", flat=True):
        for change in changes:
            texts.extend(value for value in change.values() if isinstance(value, str))
    return texts


NAME_PARTS = re.compile(r"ingrid|halvorsen", re.IGNORECASE)


def test_forget_candidate_removes_personal_data_and_keeps_scores(remembered) -> None:
    candidate, loop, card, scores = remembered
    assert any(NAME_PARTS.search(text) for text in _texts(loop))
    out = io.StringIO()

    call_command("forget_candidate", str(candidate.pk), stdout=out)

    assert f"Candidate {candidate.pk} forgotten" in out.getvalue()
    candidate.refresh_from_db()
    assert candidate.name == f"Forgotten candidate {candidate.pk}"
    assert candidate.email == ""
    assert candidate.notes == ""
    assert candidate.forgotten_at is not None
    texts = _texts(loop)
    assert [text for text in texts if NAME_PARTS.search(text)] == []
    assert "[candidate]" in " ".join(texts)
    assert Rating.objects.get(scorecard=card, dimension=loop.rubric.dimensions.order_by("position")[0]).evidence == (
        "On reflection [candidate]'s plan skipped the rollback."
    )
    assert sorted(Rating.objects.filter(scorecard=card).values_list("dimension_id", "score", "not_assessed")) == scores
    assert Decision.objects.get(loop=loop).outcome == "no_hire"
    forget = AuditEvent.objects.get(action=AuditEvent.Action.FORGET)
    assert str(candidate.pk) in forget.summary
    assert forget.actor is None
    for summary in AuditEvent.objects.values_list("summary", flat=True):
        assert not NAME_PARTS.search(summary), summary


def test_forget_candidate_touches_only_that_candidates_loops(remembered) -> None:
    candidate, _loop, _card, _scores = remembered
    other = InterviewFactory(loop__candidate__name="Ingrid Someone-Else")
    submit(other.scorecard, "Ingrid Someone-Else answered well.")

    call_command("forget_candidate", str(candidate.pk), stdout=io.StringIO())

    assert set(Rating.objects.filter(scorecard=other.scorecard).values_list("evidence", flat=True)) == {
        "Ingrid Someone-Else answered well."
    }
    assert Candidate.objects.get(pk=other.loop.candidate_id).name == "Ingrid Someone-Else"


def test_forgotten_candidate_appears_on_no_page_or_export(remembered) -> None:
    candidate, loop, card, _scores = remembered
    call_command("forget_candidate", str(candidate.pk), stdout=io.StringIO())
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))
    urls = [
        reverse("loop_detail", args=[loop.pk]),
        reverse("loop_debrief", args=[loop.pk]),
        reverse("loop_summary", args=[loop.pk]),
        reverse("scorecard", args=[card.pk]),
        reverse("loop_pipeline"),
        reverse("audit_log"),
        reverse("loop_export") + "?kind=summary&format=csv",
        reverse("loop_export") + "?kind=ratings&format=csv",
        reverse("loop_export") + "?kind=summary&format=json",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        assert not NAME_PARTS.search(text), url
        assert EMAIL not in text, url


def test_forgetting_twice_is_refused(remembered) -> None:
    candidate = remembered[0]
    call_command("forget_candidate", str(candidate.pk), stdout=io.StringIO())
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="already removed"):
        call_command("forget_candidate", str(candidate.pk), stdout=io.StringIO())

    assert AuditEvent.objects.count() == events


def test_forgetting_an_unknown_candidate_is_refused() -> None:
    with pytest.raises(CommandError, match="No candidate with id 999999"):
        call_command("forget_candidate", "999999", stdout=io.StringIO())
    assert not AuditEvent.objects.exists()


# Audit log ---------------------------------------------------------------------------------------------------


class _Rows(HTMLParser):
    """The audit table's rows as lists of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._in_body = False
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self.rows.append([])
        elif self._in_body and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


ACTIONS = {label for _, label in AuditEvent.Action.choices}


@pytest.fixture
def audited(remembered):
    """One event of each kind: submit and amend (interviewer), decide (hiring manager), export (staff), forget,
    a reminder sent by the hiring manager of another loop (through the Remind button), a role published from
    the role editor by someone else on the staff, a legal hold set and released, outcomes imported."""
    candidate, loop, _card, _scores = remembered
    overdue = InterviewFactory(scheduled_at=timezone.now() - dt.timedelta(days=2))
    reminded = signed_in(overdue.loop.hiring_manager).post(reverse("scorecard_remind", args=[overdue.scorecard.pk]))
    assert reminded.status_code == 302
    editor = UserFactory(username="role-editor", is_staff=True)
    draft = draft_create(by=editor)
    draft_publish(draft=draft, by=editor, revision=draft.revision)
    staff = UserFactory(username="auditor", is_staff=True, is_superuser=True)
    client = signed_in(staff)
    body(client.get(reverse("loop_export"), {"kind": "summary", "format": "csv"}))
    assert client.post(reverse("legal_holds"), {"candidate": candidate.pk, "reason": "Claim"}).status_code == 302
    assert client.post(reverse("legal_hold_release", args=[LegalHold.objects.get().pk])).status_code == 302
    hire = DecisionFactory(outcome=Decision.Outcome.HIRE)
    csv = f"loop_id,date,rating,scale_min,scale_max,still_employed\n{hire.loop_id},2026-01-05,4,1,5,yes\n"
    upload = SimpleUploadedFile("outcomes.csv", csv.encode(), content_type="text/csv")
    assert client.post(reverse("outcomes_import"), {"file": upload}).status_code == 302
    call_command("forget_candidate", str(candidate.pk), stdout=io.StringIO())
    return client, loop


def _rows(client, params=None) -> list[list[str]]:
    response = client.get(reverse("audit_log"), params or {})
    assert response.status_code == 200
    return [row for row in _Rows(body(response)).rows if row != ["No events match."]]


def test_audit_log_lists_every_kind_of_event(audited) -> None:
    client, _loop = audited
    rows = _rows(client)
    assert {row[2] for row in rows} == ACTIONS
    assert len(rows) == 10


@pytest.mark.parametrize("action", [value for value, _ in AuditEvent.Action.choices])
def test_audit_log_filters_by_action(audited, action: str) -> None:
    client, _loop = audited
    rows = _rows(client, {"action": action})
    assert [row[2] for row in rows] == [AuditEvent.Action(action).label]


def test_audit_log_filters_by_user(audited) -> None:
    client, loop = audited
    assert {row[2] for row in _rows(client, {"actor": loop.hiring_manager.username})} == {"Decision recorded"}
    assert {row[2] for row in _rows(client, {"actor": "auditor"})} == {
        "Export",
        "Legal hold set",
        "Legal hold released",
        "Hiring outcomes recorded",
    }
    assert _rows(client, {"actor": "nobody-by-that-name"}) == []


def test_audit_log_filters_by_date(audited) -> None:
    client, _loop = audited
    today = timezone.localdate()
    assert len(_rows(client, {"since": today.isoformat(), "until": today.isoformat()})) == 10
    assert _rows(client, {"since": (today + dt.timedelta(days=1)).isoformat()}) == []
    assert _rows(client, {"until": (today - dt.timedelta(days=1)).isoformat()}) == []


@pytest.mark.parametrize("bad", ["2024-02-30", "tomorrow", "0000-00-00", "\x00", "9" * 30])
def test_audit_log_refuses_a_bad_date_with_400(audited, bad: str) -> None:
    client, _loop = audited
    response = client.get(reverse("audit_log"), {"since": bad})
    assert response.status_code == 400


@pytest.mark.parametrize("group", ["Interviewers", "Hiring managers", "Recruiters"])
def test_audit_log_is_for_staff_only(group: str) -> None:
    AuditEvent.objects.create(action=AuditEvent.Action.FORGET, summary="Candidate 1: personal data removed")
    response = signed_in(UserFactory(groups=(group,))).get(reverse("audit_log"))
    assert response.status_code == 403
    assert "personal data removed" not in body(response)


def test_audit_log_sends_anonymous_users_to_log_in(client) -> None:
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
