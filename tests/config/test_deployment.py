"""What a production deployment needs from the settings: the plain-HTTP health probe, deploy checks
for proxies and mail, the mail variables, Permissions-Policy and the app's own CSRF page."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import environ
import pytest
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend as SMTPEmailBackend
from django.test import Client, override_settings
from django.urls import reverse

from config.mail import SMTP_BACKEND, MailConfigError, default_mailer
from tests.processes import manage

MAIL_URL = "smtp+tls://mailer:s3cret@smtp.example.com:587"


def _production(tmp_path: Path, *args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    """manage.py with DJANGO_DEBUG=false and the documented production variables, less any set to None."""
    env: dict[str, str | None] = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "AXES_", "PYTEST", "SITE_URL", "EMAIL_"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="scorecards.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        DJANGO_TRUSTED_PROXIES="1",
        EMAIL_URL=MAIL_URL,
    )
    env.update(overrides)
    return manage(*args, env={key: value for key, value in env.items() if value is not None})


def _output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


# Health over plain HTTP ------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_health_answers_the_load_balancer_over_plain_http_while_every_other_page_redirects() -> None:
    client = Client()

    probe = client.get("/health/")
    login = client.get(reverse("login"))
    near_miss = client.get("/health/extra")

    assert probe.status_code == 200
    assert probe.content == b"ok\n"
    assert login.status_code == 301
    assert login["Location"].startswith("https://")
    assert near_miss.status_code == 301


# Deploy checks ---------------------------------------------------------------------------------------------


def test_deploy_check_fails_when_trusted_proxies_is_unset(tmp_path: Path) -> None:
    result = _production(tmp_path, "check", "--deploy", DJANGO_TRUSTED_PROXIES=None)
    assert result.returncode != 0
    assert "config.E001" in _output(result)
    assert "DJANGO_TRUSTED_PROXIES is not set" in _output(result)


def test_deploy_check_accepts_zero_trusted_proxies_when_said_explicitly(tmp_path: Path) -> None:
    result = _production(tmp_path, "check", "--deploy", DJANGO_TRUSTED_PROXIES="0")
    assert result.returncode == 0, _output(result)


def test_deploy_check_refuses_an_smtp_url_given_as_the_backend_class(tmp_path: Path) -> None:
    """The old docs called DJANGO_EMAIL_BACKEND 'an SMTP URL': such a value used to pass and fail at sending."""
    result = _production(
        tmp_path, "check", "--deploy", EMAIL_URL=None, DJANGO_EMAIL_BACKEND="smtp://mailer:s3cret@smtp.example.com:25"
    )
    assert result.returncode != 0
    assert "config.E002" in _output(result)
    assert "put an smtp:// URL in EMAIL_URL" in _output(result)


def test_deploy_check_refuses_the_smtp_backend_without_a_host(tmp_path: Path) -> None:
    result = _production(
        tmp_path,
        "check",
        "--deploy",
        EMAIL_URL=None,
        DJANGO_EMAIL_BACKEND=SMTP_BACKEND,
    )
    assert result.returncode != 0
    assert "config.E002" in _output(result)
    assert "must define 'host'" in _output(result)


def test_production_refuses_to_start_with_both_an_email_url_and_an_email_host(tmp_path: Path) -> None:
    result = _production(tmp_path, "check", EMAIL_HOST="smtp.example.com")
    assert result.returncode != 0
    assert "Set EMAIL_URL or EMAIL_HOST" in result.stderr


@pytest.mark.parametrize("target", ["0", "1", "1.5", "-0.2"])
def test_a_panel_reliability_target_outside_zero_to_one_stops_the_app_with_its_name(
    tmp_path: Path, target: str
) -> None:
    result = _production(tmp_path, "check", PANEL_RELIABILITY_TARGET=target)
    assert result.returncode != 0
    assert "PANEL_RELIABILITY_TARGET is a reliability strictly between 0 and 1" in result.stderr


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"RETENTION_DAYS_NOT_HIRED": "180"}, "RETENTION_DAYS_NOT_HIRED (180) is shorter than the legal minimum"),
        (
            {"RETENTION_MINIMUM_DAYS": "730", "RETENTION_DAYS_NOT_HIRED": "400"},
            "RETENTION_DAYS_NOT_HIRED (400) is shorter than the legal minimum configured (RETENTION_MINIMUM_DAYS, 730",
        ),
        ({"RETENTION_MINIMUM_DAYS": "90"}, "RETENTION_MINIMUM_DAYS must be between 365 (29 CFR 1602.14)"),
    ],
)
def test_a_retention_period_shorter_than_the_legal_minimum_stops_the_app_with_its_name(
    tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    result = _production(tmp_path, "check", **variables)
    assert result.returncode != 0
    assert message in result.stderr


# Mail variables --------------------------------------------------------------------------------------------


def _mailer(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict:
    for name in ("EMAIL_URL", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DJANGO_EMAIL_BACKEND", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return default_mailer(environ.Env())


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"EMAIL_URL": MAIL_URL}, ("smtp.example.com", 587, "mailer", "s3cret", True, False)),
        ({"EMAIL_URL": "smtp+ssl://smtp.example.com:465"}, ("smtp.example.com", 465, None, None, False, True)),
        (
            {"EMAIL_HOST": "smtp.example.com", "EMAIL_HOST_USER": "mailer", "EMAIL_HOST_PASSWORD": "s3cret"},
            ("smtp.example.com", 587, "mailer", "s3cret", True, False),
        ),
        (
            {"EMAIL_HOST": "relay.internal", "EMAIL_PORT": "25", "EMAIL_USE_TLS": "false"},
            ("relay.internal", 25, None, None, False, False),
        ),
    ],
)
def test_mail_variables_build_an_smtp_connection_to_that_server(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: tuple
) -> None:
    with override_settings(MAILERS={"default": _mailer(monkeypatch, **variables)}):
        backend = mail.mailers.default
    assert isinstance(backend, SMTPEmailBackend)
    assert (backend.host, backend.port, backend.username, backend.password, backend.use_tls, backend.use_ssl) == (
        expected
    )


def test_without_mail_variables_mail_goes_to_the_console(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _mailer(monkeypatch) == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_an_unreadable_email_url_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MailConfigError, match="EMAIL_URL"):
        _mailer(monkeypatch, EMAIL_URL="carrier-pigeon://coop")


# Headers and the CSRF page ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/health/", "/no-such-page/"])
def test_every_response_refuses_device_features(path: str) -> None:
    response = Client().get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_a_refused_form_gets_the_apps_own_csrf_page_without_inline_code_or_debug_talk() -> None:
    from tests.security.test_hardening import assert_no_inline_code

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "someone", "password": "whatever"})

    text = response.content.decode()
    assert response.status_code == 403
    assert "This form could not be sent" in text
    assert "DEBUG" not in text
    assert "<style" not in text
    assert_no_inline_code(text)
    assert response["Content-Security-Policy"]


# Database connections --------------------------------------------------------------------------------------

PRINT_CONNECTION = "; ".join(
    [
        "from django.conf import settings",
        "d = settings.DATABASES['default']",
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
    ]
)


@pytest.mark.parametrize(
    ("asked", "kept"),
    [(None, "60 True"), ("0", "0 True"), ("300", "300 True")],
)
def test_a_server_keeps_its_postgresql_connection_between_requests_unless_told_otherwise(
    tmp_path: Path, asked: str | None, kept: str
) -> None:
    """Opening a PostgreSQL connection per request cost a signed-in request more than the rest of the bare view."""
    result = _production(
        tmp_path,
        "shell",
        "-c",
        PRINT_CONNECTION,
        DATABASE_URL="postgres://app@db.example.com:5432/scorecards",
        DJANGO_CONN_MAX_AGE=asked,
    )
    assert result.returncode == 0, _output(result)
    assert result.stdout.strip().splitlines()[-1] == kept
