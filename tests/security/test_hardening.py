"""Hardening: login throttling, CSP and no inline code, caching, error pages, deployment checks, sessions, CSRF."""

from __future__ import annotations

import os
import secrets
import subprocess
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hiring.models import Rating, Scorecard
from tests.factories import PASSWORD, UserFactory
from tests.processes import manage
from tests.security.scenario import (
    ANON,
    HM,
    ON_LOOP_BEFORE,
    RECRUITER,
    STAFF,
    Scenario,
    body,
    db_state,
    new_client,
    shared_scenario,
    signed_in,
)
from tests.security.test_access_matrix import MATRIX, route_url

LOCKED_TEXT = "Too many failed log-in attempts"


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with shared_scenario(django_db_blocker) as built:
        yield built


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def with_password(user):
    """Scenario users were hashed before the test's fast hasher was set: give them a password it can check.

    A fresh copy is changed, so that the shared scenario's user keeps the (rolled back) hash of the database.
    """
    user = User.objects.get(pk=user.pk)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# Brute force -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login_even_for_the_right_one() -> None:
    user = UserFactory(username="target")
    client = new_client()
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "target", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert not is_signed_in(client)
    locked = log_in(client, "target", "wrong-last")
    assert locked.status_code in (403, 429)

    response = log_in(client, user.username, PASSWORD)

    assert response.status_code == 429  # AXES_HTTP_RESPONSE_CODE's default
    assert LOCKED_TEXT in body(response)
    assert not is_signed_in(client)
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("login"))
    assert_no_inline_code(body(response))


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_address() -> None:
    """Someone hammering one account does not lock everyone else out from the same office address."""
    UserFactory(username="target")
    bystander = UserFactory(username="bystander")
    attacker = new_client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(attacker, "target", f"wrong-{attempt}")
    assert log_in(attacker, "target", PASSWORD).status_code == 429

    colleague = new_client()
    response = log_in(colleague, bystander.username, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(colleague)


@pytest.mark.django_db
def test_login_does_not_redirect_off_site() -> None:
    user = UserFactory()
    client = new_client()
    response = log_in(client, user.username, PASSWORD, next="https://evil.example/phish")
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


# Content-Security-Policy and inline code -------------------------------------------------------------------


class _InlineCode(HTMLParser):
    """Everything in a page that a CSP without 'unsafe-inline' would block or that executes inline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.problems.append("<script> without src")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def assert_no_inline_code(html: str) -> None:
    parser = _InlineCode()
    parser.feed(html)
    assert not parser.problems, parser.problems
    assert ' style="' not in html


STAFF_PAGES = sorted(name for name, methods in MATRIX.items() if methods["GET"][STAFF] == 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_pages_have_no_inline_script_or_style(scenario: Scenario, name: str) -> None:
    response = scenario.client(STAFF).get(route_url(name, scenario))
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/html"):
        assert_no_inline_code(body(response))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "page"),
    [
        (ANON, "login"),
        (ON_LOOP_BEFORE, "own scorecard form"),
        (HM, "debrief with the decision form"),
        (RECRUITER, "loop plan"),
        (RECRUITER, "pipeline filtered by role"),
        (ON_LOOP_BEFORE, "403 page"),
        (ON_LOOP_BEFORE, "404 page"),
    ],
)
def test_forms_and_error_pages_have_no_inline_script_or_style(scenario: Scenario, persona: str, page: str) -> None:
    urls = {
        "login": reverse("login"),
        "own scorecard form": reverse("scorecard", args=[scenario.own_scorecard.pk]),
        "debrief with the decision form": reverse("loop_debrief", args=[scenario.loop.pk]),
        "loop plan": reverse("loop_plan", args=[scenario.loop.pk]),
        "pipeline filtered by role": reverse("loop_pipeline") + f"?role={scenario.role_slug}",
        "403 page": reverse("audit_log"),
        "404 page": reverse("loop_detail", args=[10**9]),
    }
    response = scenario.client(persona).get(urls[page])
    assert response.status_code in (200, 403, 404)
    assert_no_inline_code(body(response))


@pytest.mark.django_db
def test_amend_form_has_no_inline_script_or_style(scenario: Scenario) -> None:
    response = signed_in(scenario.colleague).get(reverse("scorecard_amend", args=[scenario.colleague_scorecard.pk]))
    assert response.status_code == 200
    assert_no_inline_code(body(response))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [ANON, ON_LOOP_BEFORE, STAFF])
def test_csp_and_framing_headers(scenario: Scenario, persona: str) -> None:
    url = reverse("login") if persona == ANON else reverse("home")
    response = scenario.client(persona).get(url)
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# Caching -----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "page"),
    [
        (ON_LOOP_BEFORE, "home"),
        (ON_LOOP_BEFORE, "scorecard"),
        (ON_LOOP_BEFORE, "loop_detail"),
        (HM, "loop_debrief"),
        (HM, "loop_summary"),
        (RECRUITER, "loop_pipeline"),
        (RECRUITER, "loop_export"),
        (STAFF, "audit_log"),
        (STAFF, "scorecard_amend-403"),
    ],
)
def test_pages_with_candidate_data_are_not_stored_by_browsers_or_proxies(
    scenario: Scenario, persona: str, page: str
) -> None:
    urls = {
        "home": reverse("home"),
        "scorecard": reverse("scorecard", args=[scenario.own_scorecard.pk]),
        "loop_detail": reverse("loop_detail", args=[scenario.loop.pk]),
        "loop_debrief": reverse("loop_debrief", args=[scenario.loop.pk]),
        "loop_summary": reverse("loop_summary", args=[scenario.loop.pk]),
        "loop_pipeline": reverse("loop_pipeline"),
        "loop_export": reverse("loop_export") + "?kind=ratings&format=csv",
        "audit_log": reverse("audit_log"),
        "scorecard_amend-403": reverse("scorecard_amend", args=[scenario.colleague_scorecard.pk]),
    }
    response = scenario.client(persona).get(urls[page])
    assert response.status_code in (200, 403)
    body(response)
    assert "no-store" in response["Cache-Control"]


# Error pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_custom_404_page(scenario: Scenario) -> None:
    assert not settings.DEBUG
    response = scenario.client(STAFF).get("/no/such/page/")
    assert response.status_code == 404
    text = body(response)
    assert "Page not found" in text
    assert "There is nothing here, or it is not shared with you." in text
    assert "Traceback" not in text


@pytest.mark.django_db
def test_custom_403_page(scenario: Scenario) -> None:
    response = scenario.client(ON_LOOP_BEFORE).get(reverse("audit_log"))
    assert response.status_code == 403
    text = body(response)
    assert "You cannot open this page" in text
    assert "The audit log is for staff." in text


def test_500_page_stands_alone() -> None:
    """The 500 page must render even when the database or context processors are what failed."""
    text = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text(encoding="utf-8")
    assert "Something went wrong on our side" in text
    assert "{%" not in text
    assert "{{" not in text
    assert_no_inline_code(text)


# Deployment --------------------------------------------------------------------------------------------------


def _manage(tmp_path: Path, *args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    """manage.py with the production variables, less any set to None."""
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
    )
    env.update(overrides)
    return manage(*args, env={key: value for key, value in env.items() if value is not None})


def test_deploy_check_flags_production_without_a_mail_backend(tmp_path: Path) -> None:
    """Without DJANGO_EMAIL_BACKEND, reminders would go to the console: check --deploy must say so."""
    result = _manage(tmp_path, "check", "--deploy")
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def _deploy_check(tmp_path: Path, **overrides: str) -> str:
    """check --deploy with the production environment of docs/DEPLOY.md, overridden as given; its output."""
    production = {
        "DJANGO_TRUSTED_PROXIES": "1",
        "EMAIL_URL": "smtp+tls://mailer:s3cret@smtp.example.com:587",
        "CACHE_URL": "redis://cache.internal:6379/0",
    }
    result = _manage(tmp_path, "check", "--deploy", **(production | overrides))
    return f"{result.returncode}\n{result.stdout}{result.stderr}"


def test_deploy_check_passes_with_the_production_environment(tmp_path: Path) -> None:
    """DJANGO_DEBUG=false, a long secret key, the host, the database, the proxy count, (docs/DEPLOY.md) mail and
    the shared cache.

    check --deploy then finds HTTPS redirect, HSTS, secure cookies, the secret key and DEBUG all right.
    """
    output = _deploy_check(tmp_path)
    assert output.startswith("0\n"), output
    assert "System check identified no issues" in output, output


def test_deploy_check_warns_that_without_a_shared_cache_the_api_rate_limit_counts_per_process(tmp_path: Path) -> None:
    output = _deploy_check(tmp_path, CACHE_URL="")
    assert "config.W003" in output
    assert "CACHE_URL is not set" in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# Sessions ----------------------------------------------------------------------------------------------------


def test_session_idle_timeout_settings() -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60, "sessions should end within a working day"
    # The timeout counts from the last request (idle), renewed once stale (tests/accounts/test_sessions.py).
    assert settings.SESSION_RENEW_SECONDS <= settings.SESSION_COOKIE_AGE // 10
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.CSRF_COOKIE_SAMESITE in ("Lax", "Strict")


def _expire_session(client: Client) -> str:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1)) == 1
    return key


def _evidence_post(scenario: Scenario, text: str) -> dict[str, str]:
    scorecard = Scorecard.objects.get(pk=scenario.own_scorecard.pk)
    dimension = scenario.rubric.dimensions.order_by("position").first()
    assert dimension is not None
    return {"revision": str(scorecard.revision), f"evidence_{dimension.pk}": text, "action": "save"}


@pytest.mark.django_db
@pytest.mark.parametrize("via", ["form", "autosave"])
def test_a_post_after_the_session_expired_is_kept_until_the_interviewer_logs_in_again(
    scenario: Scenario, via: str
) -> None:
    text = f"Written while the session ran out ({via}); must not be lost."
    url = reverse("scorecard", args=[scenario.own_scorecard.pk])
    client = scenario.client(ON_LOOP_BEFORE)
    assert client.get(url).status_code == 200
    expired_key = _expire_session(client)

    if via == "form":
        response = client.post(url, _evidence_post(scenario, text))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        response = client.post(
            reverse("scorecard_autosave", args=[scenario.own_scorecard.pk]),
            _evidence_post(scenario, text),
            headers={"accept": "application/json"},
        )
        assert response.status_code == 401
        assert response.json()["error"] == "signed_out"
        assert response.json()["login_url"] == f"{reverse('login')}?next={url}"
    assert not Rating.objects.filter(evidence=text).exists()
    anonymous_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert anonymous_key != expired_key

    logged_in = log_in(client, with_password(scenario.interviewer).username, PASSWORD, next=url)
    assert logged_in.status_code == 302
    assert logged_in["Location"] == url
    # Session fixation: logging in gives a new session key; the pre-login one is gone.
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()

    restored = client.get(url, follow=True)
    assert restored.status_code == 200
    assert "Restored what you typed before you were signed out" in body(restored)
    assert Rating.objects.filter(scorecard=scenario.own_scorecard, evidence=text).exists()


@pytest.mark.django_db
def test_logout_ends_the_session_on_the_server(scenario: Scenario) -> None:
    client = scenario.client(ON_LOOP_BEFORE)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    thief = new_client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = thief.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_session_cookie_flags(scenario: Scenario) -> None:
    client = new_client()
    assert log_in(client, with_password(scenario.interviewer).username, PASSWORD).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


# Django admin (left out of the access matrix) -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [ANON, ON_LOOP_BEFORE, HM, RECRUITER])
def test_the_django_admin_is_for_staff_only(scenario: Scenario, persona: str) -> None:
    response = scenario.client(persona).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert scenario.client(STAFF).get("/admin/").status_code == 200


# CSRF --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["scorecard", "scorecard_autosave", "loop_debrief", "loop_new", "logout"])
def test_state_changing_posts_need_the_csrf_token(scenario: Scenario, route: str) -> None:
    user = {"loop_debrief": scenario.hiring_manager, "loop_new": scenario.recruiter}.get(route, scenario.interviewer)
    client = new_client(enforce_csrf_checks=True)
    client.force_login(user)
    args = {"scorecard": [scenario.own_scorecard.pk], "scorecard_autosave": [scenario.own_scorecard.pk]}.get(
        route, [scenario.loop.pk] if route == "loop_debrief" else []
    )
    data = {
        **_evidence_post(scenario, "forged"),
        "outcome": "hire",
        "rationale": "forged",
        "candidate_name": "Forged Person",
    }
    before = db_state()
    response = client.post(reverse(route, args=args), data)
    assert response.status_code == 403
    assert db_state() == before
    assert is_signed_in(client)


@pytest.mark.django_db
def test_login_form_needs_the_csrf_token(scenario: Scenario) -> None:
    client = new_client(enforce_csrf_checks=True)
    response = log_in(client, with_password(scenario.interviewer).username, PASSWORD)
    assert response.status_code == 403
    assert not is_signed_in(client)
