"""The project-level views: the load balancer's health check."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_health_answers_ok_without_a_login_and_is_never_cached(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_health_answers_503_when_the_database_cannot_be_reached(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("config.views.connection.cursor", unreachable)

    response = client.get("/health/")

    assert response.status_code == 503
    assert b"database unreachable" in response.content
