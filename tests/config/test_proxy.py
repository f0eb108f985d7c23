"""Which client address django-axes locks out, with and without a trusted proxy in front."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from config.proxy import client_ip
from tests.factories import PASSWORD, UserFactory


def _request(forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0

    assert client_ip(_request("203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the first entry is whatever the client sent
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer entries than proxies: not trusted
        (1, "", "10.0.0.5"),
        (1, None, "10.0.0.5"),
    ],
)
def test_behind_trusted_proxies_the_address_the_outermost_proxy_saw_is_used(settings, count, forwarded, expected):
    settings.TRUSTED_PROXIES = count

    assert client_ip(_request(forwarded)) == expected


@pytest.mark.django_db
def test_behind_a_proxy_a_lockout_holds_one_client_not_everyone_behind_the_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="shared-name")

    def log_in(address: str, password: str):
        return Client().post(
            reverse("login"),
            {"username": "shared-name", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in("203.0.113.9", f"wrong-{attempt}")

    assert log_in("203.0.113.9", PASSWORD).status_code == 429
    assert log_in("198.51.100.7", PASSWORD).status_code == 302
