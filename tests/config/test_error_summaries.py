"""Every refused form says, at its top, how many problems there are and links each to its field (issue 26)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import RecruiterFactory, UserFactory

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r'<div class="alert alert-danger error-summary[^"]*" role="alert" tabindex="-1" id="error-summary"'
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _summary(html: str) -> str:
    match = SUMMARY.search(html)
    assert match, "no error summary on the refused page"
    return html[match.start() : html.index("</div>", match.start())]


def test_a_refused_time_zone_is_summed_up_and_linked_to_its_field():
    response = _client(UserFactory()).post(reverse("account_settings"), {"time_zone": "Mars/Olympus_Mons"})
    summary = _summary(response.content.decode())
    assert "1 problem to fix; nothing was saved" in summary
    assert 'href="#id_time_zone"' in summary


def test_a_refused_token_is_summed_up_and_no_token_is_made():
    user = UserFactory()
    response = _client(user).post(reverse("api_tokens"), {"name": "", "scope": "write", "expires_in_days": "0"})
    summary = _summary(response.content.decode())
    assert "no token was created" in summary
    assert 'href="#id_name"' in summary
    assert not user.access_tokens.exists()


def test_a_refused_upload_is_summed_up_and_linked_to_the_file_field():
    staff = UserFactory(is_staff=True)
    empty = SimpleUploadedFile("rubric.md", b"", content_type="text/markdown")
    response = _client(staff).post(reverse("roles:import"), {"document": empty})
    summary = _summary(response.content.decode())
    assert "nothing was uploaded" in summary
    assert 'href="#id_document"' in summary


def test_a_refused_health_period_is_summed_up_and_nothing_is_shown():
    recruiter = RecruiterFactory()
    response = _client(recruiter).get(reverse("hiring_health"), {"since": "2026-03-15", "until": "2026-03-02"})
    summary = _summary(response.content.decode())
    assert "nothing is shown until the period" in summary
    assert "The end date is before the start date." in summary
