"""A next step after every task: the next scorecard after a submission, the loop after its plan, and a recruiter's
reminder to an overdue interviewer (an email, recorded, once a day at most)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from hiring.models import AuditEvent, Interview, Scorecard
from hiring.services.reminders import scorecard_remind, scorecard_reminders_send
from tests.factories import InterviewerFactory, InterviewFactory, RecruiterFactory
from tests.hiring.test_views import _data

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _held(hours_ago: float, **kwargs) -> Interview:
    return InterviewFactory(scheduled_at=timezone.now() - dt.timedelta(hours=hours_ago), **kwargs)


# After submitting ---------------------------------------------------------------------------------------------


def test_submitting_a_scorecard_opens_the_next_one_to_write_the_most_overdue_first(login, interviewer):
    submitting = _held(2, interviewer=interviewer, loop__candidate__name="Ada Submitted")
    _held(1, interviewer=interviewer, loop__candidate__name="Cy Recent")
    overdue = _held(50, interviewer=interviewer, loop__candidate__name="Bo Overdue")
    InterviewFactory(interviewer=interviewer, loop__candidate__name="Di Tomorrow")  # not held yet
    client = login(interviewer)

    response = client.post(
        reverse("scorecard", args=[submitting.scorecard.pk]), _data(submitting.scorecard, action="submit"), follow=True
    )

    assert [url for url, _ in response.redirect_chain] == ["/scorecards/next/", f"/scorecards/{overdue.scorecard.pk}/"]
    text = _text(response)
    assert overdue.exercise is not None
    assert "Scorecard for Ada Submitted submitted" in text
    assert f"Next: your scorecard for Bo Overdue ({overdue.exercise.title}," in text
    assert 'id="scorecard-form"' in response.content.decode()
    assert Scorecard.objects.get(pk=submitting.scorecard.pk).is_submitted


def test_submitting_the_last_scorecard_to_write_leads_home(login, interviewer):
    last = _held(2, interviewer=interviewer)
    InterviewFactory(interviewer=interviewer)  # tomorrow: nothing to write yet

    response = login(interviewer).post(
        reverse("scorecard", args=[last.scorecard.pk]), _data(last.scorecard, action="submit"), follow=True
    )

    assert response.redirect_chain[-1] == ("/", 302)
    assert "No other scorecard is waiting for you." in _text(response)
    assert response.context["home"].title == "My interviews"


def test_a_refused_submission_stays_on_its_scorecard(login, interviewer):
    interview = _held(2, interviewer=interviewer)
    _held(30, interviewer=interviewer)

    response = login(interviewer).post(
        reverse("scorecard", args=[interview.scorecard.pk]), _data(interview.scorecard, action="submit", score=None)
    )

    assert response.status_code == 400
    assert not Scorecard.objects.get(pk=interview.scorecard.pk).is_submitted


# Reminding an overdue interviewer -----------------------------------------------------------------------------


@pytest.fixture
def overdue() -> Interview:
    """Ines interviewed Grace Hopper 30 hours ago (due after 24) and has not submitted; Riley runs the loop."""
    return _held(
        30,
        interviewer=InterviewerFactory(username="ines", first_name="Ines", last_name="Interviewer"),
        loop__candidate__name="Grace Hopper",
        loop__recruiter=RecruiterFactory(username="riley"),
    )


def _chase_section(client: Client) -> str:
    match = re.search(r'id="chase-heading".*?</section>', client.get("/").content.decode(), re.DOTALL)
    assert match, "the recruiter's home has its overdue scorecards"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(0))).split())  # the text, tags left out


def _remind(client: Client, interview: Interview):
    return client.post(reverse("scorecard_remind", args=[interview.scorecard.pk]), follow=True)


def test_a_recruiter_reminds_an_overdue_interviewer_from_their_home_by_email(login, overdue, settings):
    client = login(overdue.loop.recruiter)
    assert "Remind Ines Interviewer of the scorecard for Grace Hopper" in _chase_section(client)

    response = _remind(client, overdue)

    assert response.redirect_chain == [("/", 302)]
    assert "Reminder sent to Ines Interviewer." in _text(response)
    [sent] = mail.outbox
    assert sent.to == [overdue.interviewer.email]
    assert sent.subject == f"Scorecard due: Grace Hopper – {overdue.exercise.title}"
    assert f"{settings.SITE_URL}/scorecards/{overdue.scorecard.pk}/" in sent.body
    assert Scorecard.objects.get(pk=overdue.scorecard.pk).reminded_at is not None
    [event] = AuditEvent.objects.filter(action=AuditEvent.Action.REMIND)
    assert (event.actor, event.loop) == (overdue.loop.recruiter, overdue.loop)
    assert event.summary == f"Reminded Ines Interviewer of their scorecard ({overdue.exercise.title}) for Grace Hopper"


def test_an_interviewer_is_reminded_once_a_day_at_most_and_the_home_says_when(login, overdue):
    client = login(overdue.loop.recruiter)
    scorecard_remind(
        scorecard_id=overdue.scorecard.pk, by=overdue.loop.recruiter, now=timezone.now() - dt.timedelta(hours=2)
    )
    mail.outbox.clear()

    section = _chase_section(client)
    assert "reminded 2 hours ago" in section
    assert "Remind Ines" not in section
    response = _remind(client, overdue)

    assert "Ines Interviewer was reminded 2 hours ago; reminders go out once a day at most." in _text(response)
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.REMIND).count() == 1
    assert scorecard_reminders_send(now=timezone.now(), after_hours=24) == 0  # the scheduled run holds to it too


def test_a_day_after_a_reminder_the_interviewer_can_be_reminded_again(login, overdue):
    scorecard_remind(
        scorecard_id=overdue.scorecard.pk, by=overdue.loop.recruiter, now=timezone.now() - dt.timedelta(hours=25)
    )
    client = login(overdue.loop.recruiter)

    assert "Remind Ines Interviewer" in _chase_section(client)
    _remind(client, overdue)

    assert len(mail.outbox) == 2


def test_only_whoever_runs_the_loop_can_remind_and_a_refusal_changes_nothing(login, overdue):
    for outsider in (RecruiterFactory(), overdue.interviewer):
        response = login(outsider).post(reverse("scorecard_remind", args=[overdue.scorecard.pk]))
        assert response.status_code == 404
    assert (
        login(overdue.loop.recruiter).get(reverse("scorecard_remind", args=[overdue.scorecard.pk])).status_code == 405
    )

    assert mail.outbox == []
    assert Scorecard.objects.get(pk=overdue.scorecard.pk).reminded_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REMIND).exists()


def test_a_scorecard_submitted_meanwhile_is_not_reminded(login, overdue):
    client = login(overdue.loop.recruiter)
    Scorecard.objects.filter(pk=overdue.scorecard.pk).update(
        status=Scorecard.Status.SUBMITTED, recommendation="yes", submitted_at=timezone.now()
    )

    response = _remind(client, overdue)

    assert "Ines Interviewer's scorecard is no longer open: there is nothing to remind." in _text(response)
    assert mail.outbox == []


def test_a_reminder_gives_the_interview_time_in_the_interviewers_own_zone(overdue):
    Profile.objects.create(user=overdue.interviewer, time_zone="Asia/Kolkata")
    Interview.objects.filter(pk=overdue.pk).update(scheduled_at=dt.datetime(2031, 3, 3, 4, 30, tzinfo=dt.UTC))

    scorecard_remind(
        scorecard_id=overdue.scorecard.pk, by=overdue.loop.recruiter, now=dt.datetime(2031, 3, 5, tzinfo=dt.UTC)
    )

    assert "Mon 3 Mar 2031, 10:00 (Asia/Kolkata)" in mail.outbox[0].body
