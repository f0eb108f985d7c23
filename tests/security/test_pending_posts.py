"""The signed-out post stash: bounded in size, number and age, only for scorecards that exist and,
on restore, only for the interviewer who may write them (issue 18, point 1)."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from hiring.models import Rating
from hiring.views.pending_posts import PENDING_POSTS
from tests.factories import InterviewFactory
from tests.security.scenario import Scenario, body, db_state, new_client, shared_scenario

JSON = {"accept": "application/json"}


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with shared_scenario(django_db_blocker) as built:
        yield built


def _evidence(scenario: Scenario, text: str) -> dict[str, str]:
    dimension = scenario.rubric.dimensions.order_by("position").first()
    assert dimension is not None
    return {"revision": "1", f"evidence_{dimension.pk}": text, "action": "save"}


def _stored_session_bytes(client: Client) -> int:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None:
        return 0
    row = Session.objects.filter(session_key=cookie.value).first()
    return len(row.session_data) if row else 0


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["form", "autosave"])
def test_a_signed_out_post_beyond_the_size_cap_is_refused_and_stored_nowhere(scenario: Scenario, via: str) -> None:
    client = new_client()
    sessions = Session.objects.count()
    payload = _evidence(scenario, "x" * (settings.PENDING_POST_MAX_BYTES + 1))

    if via == "form":
        response = client.post(reverse("scorecard", args=[scenario.own_scorecard.pk]), payload)
        assert "too long to keep until you log in again" in body(response)
    else:
        response = client.post(reverse("scorecard_autosave", args=[scenario.own_scorecard.pk]), payload, headers=JSON)
        assert response.json()["error"] == "too_large"

    assert response.status_code == 413
    assert Session.objects.count() == sessions


@pytest.mark.django_db
def test_a_signed_out_post_for_a_scorecard_that_does_not_exist_creates_no_session(scenario: Scenario) -> None:
    client = new_client()
    sessions = Session.objects.count()

    response = client.post(reverse("scorecard", args=[10**9]), _evidence(scenario, "probe"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Session.objects.count() == sessions
    assert settings.SESSION_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_one_session_keeps_at_most_the_capped_number_of_scorecards(scenario: Scenario) -> None:
    extra = [InterviewFactory(loop=scenario.loop).scorecard for _ in range(settings.PENDING_POSTS_MAX)]
    client = new_client()
    for scorecard in [*extra[:-1], scenario.own_scorecard]:
        response = client.post(reverse("scorecard", args=[scorecard.pk]), _evidence(scenario, "kept"))
        assert response.status_code == 302

    refused = client.post(reverse("scorecard", args=[extra[-1].pk]), _evidence(scenario, "one too many"))
    again = client.post(reverse("scorecard", args=[scenario.own_scorecard.pk]), _evidence(scenario, "replaced"))

    assert refused.status_code == 413
    assert "already waiting for you" in body(refused)
    assert again.status_code == 302  # a scorecard already kept is replaced, not added
    assert len(client.session[PENDING_POSTS]) == settings.PENDING_POSTS_MAX


@pytest.mark.django_db
def test_text_kept_longer_than_the_age_limit_is_not_restored(scenario: Scenario) -> None:
    url = reverse("scorecard", args=[scenario.own_scorecard.pk])
    client = new_client()
    client.post(url, _evidence(scenario, "Written yesterday morning"))
    session = client.session
    entry = session[PENDING_POSTS][url]
    entry["at"] = (
        dt.datetime.fromisoformat(entry["at"]) - settings.PENDING_POST_MAX_AGE - dt.timedelta(minutes=1)
    ).isoformat()
    session.save()

    client.force_login(scenario.interviewer)
    response = client.get(url)

    assert response.status_code == 200
    assert "Restored what you typed" not in body(response)
    assert not Rating.objects.filter(evidence="Written yesterday morning").exists()
    assert PENDING_POSTS not in client.session


@pytest.mark.django_db
def test_text_kept_for_someone_elses_scorecard_is_dropped_on_restore(scenario: Scenario) -> None:
    """Whoever signs in afterwards, a post for a scorecard they may not write is never saved."""
    url = reverse("scorecard", args=[scenario.colleague_scorecard.pk])
    client = new_client()
    client.post(url, _evidence(scenario, "Planted while signed out"))
    client.force_login(scenario.hiring_manager)  # may read the colleague's scorecard, not write it
    before = db_state()

    response = client.get(url)

    assert response.status_code == 200
    assert "Planted while signed out" not in body(response)
    assert db_state() == before
    assert PENDING_POSTS not in client.session


@pytest.mark.django_db
def test_big_signed_out_posts_cannot_grow_one_session_past_the_cap(scenario: Scenario) -> None:
    """The finding: six big posts grew one session to 13 MB. Now whatever is posted, it stays under the cap."""
    scorecards = [scenario.own_scorecard, scenario.colleague_scorecard] + [
        InterviewFactory(loop=scenario.loop).scorecard for _ in range(settings.PENDING_POSTS_MAX + 2)
    ]
    client = new_client()
    near_cap = settings.PENDING_POST_MAX_BYTES - 200

    def noise(size: int) -> str:  # incompressible, as an attacker would send
        return secrets.token_urlsafe(size)[:size]

    for round_ in range(3):
        for index, scorecard in enumerate(scorecards):
            size = near_cap if (round_ + index) % 2 else 2 * 1024 * 1024
            form, autosave = (
                reverse("scorecard", args=[scorecard.pk]),
                reverse("scorecard_autosave", args=[scorecard.pk]),
            )
            client.post(form, _evidence(scenario, "é" * 10 + noise(size)))
            client.post(autosave, _evidence(scenario, noise(size)), headers=JSON)
            client.post(reverse("scorecard", args=[10**9 + index]), _evidence(scenario, noise(near_cap)))

    # The stored session is signed, compressed and base64-encoded JSON: at most 4/3 of what the cap lets in.
    stored = _stored_session_bytes(client)
    assert stored <= settings.PENDING_POSTS_MAX * settings.PENDING_POST_MAX_BYTES * 4 // 3 + 4096, stored
    assert len(client.session[PENDING_POSTS]) <= settings.PENDING_POSTS_MAX
