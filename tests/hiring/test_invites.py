"""Calendar invites: each planned interview's .ics (RFC 5545: CRLF, folded lines, escaped text, its time in UTC),
offered on the loop's page and emailed to its interviewer when a plan gives them the interview or moves it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from hiring.invites import interview_length
from hiring.models import Interview, Loop
from tests.factories import (
    ExerciseFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RecruiterFactory,
    UserFactory,
)
from tests.hiring.test_views import _plan_data, lead_loop, lead_rubric  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@dataclass
class Planned:
    client: Client
    loop: Loop
    interviewer: User


@pytest.fixture
def planned(login, lead_loop, interviewer, django_capture_on_commit_callbacks, work) -> Planned:  # noqa: F811
    """The recruiter saves a plan of three interviews, 10:00 in Europe/Paris on 3, 4 and 5 March 2031, for an
    interviewer in Asia/Tokyo; the worker sends what the plan queued."""
    Profile.objects.create(user=interviewer, time_zone="Asia/Tokyo")
    client = login(lead_loop.recruiter)
    client.post("/accounts/settings/", {"time_zone": "Europe/Paris"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/loops/{lead_loop.pk}/plan/", _plan_data(lead_loop, interviewer))
    work()
    return Planned(client, lead_loop, interviewer)


def _event(content: bytes | str) -> icalendar.Event:
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return event


def test_saving_a_plan_emails_each_interviewer_their_invite_with_a_link_to_the_scorecard(planned: Planned, settings):
    interviews = list(Interview.objects.filter(loop=planned.loop).select_related("exercise", "scorecard"))
    assert len(mail.outbox) == len(interviews) == 3
    by_subject = {sent.subject: sent for sent in mail.outbox}
    for interview in interviews:
        assert interview.exercise is not None
        sent = by_subject[f"Interview: Grace Hopper – {interview.exercise.title}"]
        assert sent.to == [planned.interviewer.email]
        assert f"{settings.SITE_URL}/scorecards/{interview.scorecard.pk}/" in sent.body
        local = interview.scheduled_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
        assert f"{local:%a} {local.day} {local:%b %Y, %H:%M} (Asia/Tokyo)" in sent.body  # the interviewer's zone
        [(filename, content, mimetype)] = sent.attachments
        assert filename == f"interview-{interview.pk}-{interview.scheduled_at:%Y%m%d}.ics"
        assert mimetype.startswith("text/calendar")
        event = _event(content)
        assert event.decoded("dtstart") == interview.scheduled_at
        assert event["url"] == f"{settings.SITE_URL}/scorecards/{interview.scorecard.pk}/"


def test_saving_the_same_plan_again_sends_nothing_and_moving_one_interview_sends_its_new_invite(
    planned: Planned, django_capture_on_commit_callbacks, work
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        planned.client.post(f"/loops/{planned.loop.pk}/plan/", _plan_data(planned.loop, planned.interviewer))
    work()
    assert mail.outbox == []

    data = _plan_data(planned.loop, planned.interviewer)
    moved = next(key for key in data if key.endswith("-scheduled_at"))
    data[moved] = "2031-03-04T15:30"
    with django_capture_on_commit_callbacks(execute=True):
        planned.client.post(f"/loops/{planned.loop.pk}/plan/", data)
    work()

    [sent] = mail.outbox
    event = _event(sent.attachments[0][1])
    assert event.decoded("dtstart") == dt.datetime(2031, 3, 4, 14, 30, tzinfo=dt.UTC)  # 15:30 in Paris


def test_the_invite_file_is_rfc_5545_with_its_time_in_utc(login, settings):
    loop = LoopFactory(candidate__name="Zoë O'Brien, PhD; \\ research")
    exercise = ExerciseFactory(
        rubric=loop.rubric, title="System design " + "with a long title " * 6, duration="60–90 minutes (suggested)"
    )
    when = dt.datetime(2031, 3, 2, 23, 30, tzinfo=dt.UTC)
    interview = InterviewFactory(loop=loop, exercise=exercise, scheduled_at=when)

    response = login(interview.interviewer).get(reverse("interview_invite", args=[interview.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="interview-{interview.pk}-20310302.ics"'
    raw = response.content
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF, and only CRLF
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets
    assert b"DTSTART:20310302T233000Z" in raw  # in UTC
    assert b"DTEND:20310303T010000Z" in raw  # the longer end of "60–90 minutes"
    assert "SUMMARY:Interview: Zoë O'Brien\\, PhD\\; \\\\ research".encode() in raw.replace(b"\r\n ", b"")
    event = _event(raw)
    assert str(event["summary"]).startswith("Interview: Zoë O'Brien, PhD; \\ research – System design")
    assert f"{settings.SITE_URL}/scorecards/{interview.scorecard.pk}/" in str(event["description"])
    assert str(event["attendee"]) == f"mailto:{interview.interviewer.email}"


def test_an_invite_is_for_the_interviewer_and_whoever_runs_the_loop_only(login, client):
    interview = InterviewFactory()
    url = reverse("interview_invite", args=[interview.pk])

    assert login(interview.interviewer).get(url).status_code == 200
    assert login(interview.loop.recruiter).get(url).status_code == 200
    assert login(InterviewerFactory()).get(url).status_code == 404
    assert login(RecruiterFactory()).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the login page
    assert login(UserFactory()).get(reverse("interview_invite", args=[interview.pk + 1000])).status_code == 404


def test_the_loop_page_offers_each_open_interviews_invite(planned: Planned):
    page = planned.client.get(f"/loops/{planned.loop.pk}/").content.decode()

    for interview in Interview.objects.filter(loop=planned.loop):
        assert f'href="/interviews/{interview.pk}/invite.ics" download>Add to calendar' in page


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [
        ("45 minutes (suggested)", 45),
        ("60–90 minutes", 90),
        ("2–4 hours take-home, or 60–90 minutes live", 240),
        ("Time-boxed, 3 hours (suggested)", 180),
        ("a conversation", 60),
        ("999 hours", 24 * 60),
    ],
)
def test_an_invite_lasts_the_exercises_stated_length(duration, minutes):
    assert interview_length(duration) == dt.timedelta(minutes=minutes)
