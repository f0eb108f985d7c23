"""Single sign-on in the real browser, through a real OpenID Connect provider (tests/oidc/provider.mjs).

The provider runs on 127.0.0.1 for each test; Chromium goes from the login page to the provider's sign-in
form and back, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, expect

from hiring import policy
from tests.browser.conftest import HOME_HEADING
from tests.oidc import PASSWORD, TestProvider, running_provider

pytestmark = pytest.mark.browser

CALLBACK = re.compile(r".*/accounts/oidc/callback/\?.*")


@pytest.fixture
def idp(settings, live_server, tmp_path, transactional_db) -> Iterator[TestProvider]:
    with running_provider(tmp_path, app_url=live_server.url) as provider:
        for name, value in provider.django_settings().items():
            setattr(settings, name, value)
        yield provider


def start_sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()


def sign_in_at_provider(page: Page, login: str) -> None:
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def expect_home(page: Page, username: str) -> None:
    expect(page.get_by_role("heading", name=HOME_HEADING, level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(username)


def expect_refused(page: Page, message: str) -> None:
    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text(message)
    page.goto("/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def held_answer(page: Page) -> str:
    """The URL the provider would have sent the browser back with (the provider holds it on a page)."""
    href = page.locator("#back-to-app").get_attribute("href")
    assert href is not None
    return href


def with_params(url: str, **params: str) -> str:
    parts = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return parts._replace(query=urlencode({**query, **params})).geturl()


def test_first_sign_in_creates_the_account_and_a_group_changed_at_the_provider_changes_the_role(
    page: Page, idp: TestProvider
) -> None:
    start_sign_in(page)
    sign_in_at_provider(page, "grace")

    expect_home(page, "grace")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Calibration")).to_be_visible()
    expect(nav.get_by_role("link", name="New loop")).to_have_count(0)
    grace = User.objects.get(username="grace")
    assert set(grace.groups.values_list("name", flat=True)) == {policy.HIRING_MANAGERS, policy.INTERVIEWERS}

    idp.set_user("grace", groups=["idp-recruiters"])
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's own sign-out page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    start_sign_in(page)
    sign_in_at_provider(page, "grace")  # signed out at the provider too: it asks again

    expect_home(page, "grace")
    expect(nav.get_by_role("link", name="New loop")).to_be_visible()
    expect(nav.get_by_role("link", name="Calibration")).to_have_count(0)
    assert set(grace.groups.values_list("name", flat=True)) == {policy.RECRUITERS}


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("foreign-key", "signature does not match the provider's keys"),
        ("expired", "the ID token has expired"),
        ("unknown-issuer", "the ID token comes from an unknown issuer"),
    ],
)
def test_a_spoiled_id_token_is_refused_with_a_clear_page_and_no_session(
    page: Page, idp: TestProvider, mode: str, message: str
) -> None:
    idp.set_mode(mode)
    start_sign_in(page)
    sign_in_at_provider(page, "ada")

    expect_refused(page, message)
    assert not User.objects.exists()


def test_a_wrong_state_is_refused_with_a_clear_page_and_no_session(page: Page, idp: TestProvider) -> None:
    idp.update(hold_redirect=True)
    start_sign_in(page)
    sign_in_at_provider(page, "ada")

    page.goto(with_params(held_answer(page), state="forged-by-an-attacker"))

    expect_refused(page, "This sign-in was not started in this browser")
    assert not User.objects.exists()


def test_a_replayed_code_is_refused_with_a_clear_page_and_no_session(
    page: Page, context: BrowserContext, live_server, idp: TestProvider
) -> None:
    callbacks: list[str] = []
    page.on("request", lambda request: callbacks.append(request.url) if CALLBACK.match(request.url) else None)
    start_sign_in(page)
    sign_in_at_provider(page, "ada")
    expect_home(page, "ada")
    used_code = parse_qs(urlparse(callbacks[0]).query)["code"][0]

    idp.update(hold_redirect=True)
    assert context.browser is not None  # a context the test's browser opened
    other = context.browser.new_context(base_url=live_server.url)
    try:
        thief = other.new_page()
        start_sign_in(thief)
        sign_in_at_provider(thief, "grace")
        thief.goto(with_params(held_answer(thief), code=used_code))  # their own state, ada's used code

        expect_refused(thief, "would not complete this sign-in")
    finally:
        other.close()
    assert not User.objects.filter(username="grace").exists()


def test_the_session_here_lasts_as_long_as_the_provider_session(page: Page, idp: TestProvider) -> None:
    idp.update(id_token_ttl=2)
    start_sign_in(page)
    sign_in_at_provider(page, "ada")
    expect_home(page, "ada")

    page.wait_for_timeout(2500)
    page.reload()  # the ID token has expired: a silent round trip to the provider renews the session
    expect_home(page, "ada")

    page.goto(f"{idp.issuer}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_timeout(2500)
    page.goto("/")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Your session at Test IdP has ended")
