"""Failed logins spread over many addresses slow one username down, and never lock its owner out for long."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _attempt(address: str, username: str, password: str):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def _spread_failures(username: str, count: int) -> None:
    """``count`` wrong passwords, never more than the per-address limit from any one address."""
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for attempt in range(count):
        _attempt(f"10.1.{attempt // per_address}.1", username, f"wrong-{attempt}")


def _time_passes(seconds: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(seconds=seconds))


def test_failures_from_many_addresses_make_the_next_login_for_that_username_wait() -> None:
    user = UserFactory(username="target")
    _spread_failures(user.username, settings.LOGIN_USERNAME_FAILURE_LIMIT)

    client, response = _attempt("192.0.2.77", user.username, PASSWORD)

    assert response.status_code == 429
    assert "try again in" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= settings.LOGIN_BACKOFF_MAX_SECONDS
    assert "_auth_user_id" not in client.session


def test_other_usernames_are_not_slowed_by_someone_elses_backoff() -> None:
    UserFactory(username="target")
    bystander = UserFactory(username="bystander")
    _spread_failures("target", settings.LOGIN_USERNAME_FAILURE_LIMIT + 5)

    client, response = _attempt("10.1.0.1", bystander.username, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_hammering_during_the_backoff_cannot_lock_the_owner_out_for_everyone() -> None:
    """Attempts refused during the wait are not counted, so the wait never grows past the maximum."""
    user = UserFactory(username="target")
    _spread_failures(user.username, settings.LOGIN_USERNAME_FAILURE_LIMIT + 10)
    for attempt in range(30):
        _attempt(f"10.2.{attempt}.1", user.username, f"still-wrong-{attempt}")

    _time_passes(settings.LOGIN_BACKOFF_MAX_SECONDS + 1)
    client, response = _attempt("192.0.2.77", user.username, PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_below_the_username_limit_spread_failures_change_nothing() -> None:
    user = UserFactory(username="target")
    _spread_failures(user.username, settings.LOGIN_USERNAME_FAILURE_LIMIT - 1)

    _client, response = _attempt("192.0.2.77", user.username, PASSWORD)

    assert response.status_code == 302
