"""Who opened a colleague's scorecard, and an amendment made after that is marked (issue 18, point 3).

"Submit a placeholder, read the others, amend" defeats blind scoring; drafts being private stops
the reading of drafts, and this makes the rest visible: on the debrief, the scorecard's history
and the audit log.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.models import Amendment, AuditEvent, ScorecardView
from hiring.services.scorecards import scorecard_amend
from tests.factories import InterviewFactory, LoopFactory
from tests.security.scenario import full_input, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    loop = LoopFactory()
    mine = InterviewFactory(loop=loop)
    theirs = InterviewFactory(loop=loop)
    submit(mine.scorecard, "Placeholder, to be amended")
    submit(theirs.scorecard, "The colleague's careful evidence")
    return loop, mine, theirs


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _amend(interview) -> Amendment:
    scorecard = interview.scorecard
    scorecard.refresh_from_db()
    return scorecard_amend(
        scorecard=scorecard,
        by=interview.interviewer,
        revision=scorecard.revision,
        data=full_input(
            interview.loop.rubric, "Rewritten after reading the others", score=interview.loop.rubric.scale_max
        ),
        reason="Second thoughts",
    )


def test_opening_a_colleagues_scorecard_is_recorded_once_with_its_time(panel) -> None:
    loop, mine, theirs = panel
    client = _signed_in(mine.interviewer)

    client.get(reverse("scorecard", args=[theirs.scorecard.pk]))
    client.get(reverse("scorecard", args=[theirs.scorecard.pk]))
    client.get(reverse("scorecard", args=[mine.scorecard.pk]))

    views = list(ScorecardView.objects.filter(viewer=mine.interviewer))
    assert [(v.scorecard_id, v.loop_id) for v in views] == [(theirs.scorecard.pk, loop.pk)]


def test_the_debrief_counts_as_seeing_every_scorecard_on_it(panel) -> None:
    _loop, mine, theirs = panel

    _signed_in(mine.interviewer).get(reverse("loop_debrief", args=[mine.loop.pk]))

    assert set(ScorecardView.objects.filter(viewer=mine.interviewer).values_list("scorecard_id", flat=True)) == {
        theirs.scorecard.pk
    }


def test_an_amendment_after_seeing_a_colleague_is_marked_on_the_debrief_history_and_audit_log(panel) -> None:
    loop, mine, theirs = panel
    _signed_in(mine.interviewer).get(reverse("scorecard", args=[theirs.scorecard.pk]))

    amendment = _amend(mine)

    assert amendment.after_viewing
    debrief = _signed_in(loop.hiring_manager).get(reverse("loop_debrief", args=[loop.pk]))
    assert "amended after seeing colleagues' scorecards" in debrief.content.decode()
    history = _signed_in(loop.hiring_manager).get(reverse("scorecard", args=[mine.scorecard.pk]))
    assert "after seeing colleagues' scorecards" in history.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.AMEND)
    assert f"after its author viewed colleagues' scorecards [{theirs.scorecard.pk}]" in event.summary


def test_an_amendment_without_having_seen_anyone_else_is_not_marked(panel) -> None:
    loop, mine, theirs = panel
    _signed_in(theirs.interviewer).get(reverse("scorecard", args=[theirs.scorecard.pk]))  # one's own

    amendment = _amend(mine)

    assert not amendment.after_viewing
    debrief = _signed_in(loop.hiring_manager).get(reverse("loop_debrief", args=[loop.pk]))
    assert "amended after seeing" not in debrief.content.decode()
    assert "viewed colleagues" not in AuditEvent.objects.get(action=AuditEvent.Action.AMEND).summary


@pytest.mark.parametrize("page", ["scorecard", "loop_debrief", "loop_summary"])
def test_a_page_opened_again_records_nothing_more_and_writes_nothing(panel, page: str) -> None:
    loop, mine, theirs = panel
    client = _signed_in(mine.interviewer)
    url = reverse(page, args=[theirs.scorecard.pk if page == "scorecard" else loop.pk])
    assert client.get(url).status_code == 200
    first = list(ScorecardView.objects.filter(viewer=mine.interviewer).values_list("scorecard_id", "at"))

    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200

    assert list(ScorecardView.objects.filter(viewer=mine.interviewer).values_list("scorecard_id", "at")) == first
    assert first == [(theirs.scorecard.pk, first[0][1])]
    assert [q["sql"] for q in again.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))] == []
