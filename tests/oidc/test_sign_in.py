"""Signing in through a real OpenID Connect provider, driving the app with the test client.

The provider (tests/oidc/provider.mjs) runs for each test on 127.0.0.1; the app exchanges the code at its
token endpoint and checks the ID token against its JWKS, as in production.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from accounts.models import ExternalIdentity
from hiring import policy
from hiring.models import Rating
from tests.factories import PASSWORD, InterviewFactory, UserFactory
from tests.oidc import TestProvider, running_provider, sign_in_at_provider

APP = "http://testserver"


@pytest.fixture
def idp(settings, tmp_path) -> Iterator[TestProvider]:
    with running_provider(tmp_path, app_url=APP) as provider:
        for name, value in provider.django_settings().items():
            setattr(settings, name, value)
        yield provider


def provider_answer(client: Client, login: str) -> str:
    """Start a sign-in here, sign in at the provider: the callback URL it sends the browser to."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    return sign_in_at_provider(start["Location"], app_url=APP, login=login)


def sign_in(client: Client, login: str):
    return client.get(provider_answer(client, login))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def role_groups(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def assert_refused(response, message: str, client: Client) -> None:
    assert response.status_code in (400, 403)
    assert "accounts/sign_in_failed.html" in [t.name for t in response.templates]
    assert message in response.content.decode()
    assert signed_in_user(client) is None
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_first_sign_in_creates_the_account_with_its_name_email_and_role_groups(idp: TestProvider) -> None:
    client = Client()
    start = client.get(reverse("oidc_authentication_init"))
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"]
    assert query["nonce"]
    assert query["code_challenge"]

    response = client.get(sign_in_at_provider(start["Location"], app_url=APP, login="grace"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user is not None
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "grace",
        "Grace",
        "Hopper",
        "grace@example.com",
    )
    assert role_groups(user) == {policy.HIRING_MANAGERS, policy.INTERVIEWERS}
    assert not user.has_usable_password()
    assert ExternalIdentity.objects.get(user=user).subject == "grace"
    assert ExternalIdentity.objects.get(user=user).issuer == idp.issuer
    assert client.get(reverse("calibration")).status_code == 200


@pytest.mark.django_db
def test_every_sign_in_follows_the_provider_groups_name_and_email_matched_by_subject(idp: TestProvider) -> None:
    sign_in(Client(), "grace")
    user = User.objects.get(username="grace")
    user.groups.add(Group.objects.get_or_create(name="Book club")[0])  # not a role group: left alone
    idp.set_user("grace", groups=["idp-recruiters"], email="g.hopper@example.org", family_name="Murray Hopper")

    client = Client()
    sign_in(client, "grace")

    assert signed_in_user(client) == user
    user.refresh_from_db()
    assert (user.email, user.last_name) == ("g.hopper@example.org", "Murray Hopper")
    assert role_groups(user) == {policy.RECRUITERS, "Book club"}
    assert client.get(reverse("calibration")).status_code == 403
    assert User.objects.filter(external_identities__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_local_account_with_the_same_email_and_username_is_not_taken_over(idp: TestProvider) -> None:
    local = UserFactory(username="ada", email="ada@example.com", groups=(policy.RECRUITERS,))
    client = Client()

    sign_in(client, "ada")

    user = signed_in_user(client)
    assert user is not None
    assert user != local
    assert user.username == "ada@example.com"  # the next name the claims offer
    assert role_groups(user) == {policy.INTERVIEWERS}
    assert not ExternalIdentity.objects.filter(user=local).exists()
    assert role_groups(local) == {policy.RECRUITERS}


@pytest.mark.django_db
def test_a_deactivated_account_cannot_sign_in(idp: TestProvider) -> None:
    sign_in(Client(), "ada")
    User.objects.filter(username="ada").update(is_active=False)
    idp.set_user("ada", groups=[])
    client = Client()

    assert_refused(sign_in(client, "ada"), "Your account here is deactivated", client)
    assert role_groups(User.objects.get(username="ada")) == {policy.INTERVIEWERS}


@pytest.mark.django_db
def test_without_account_creation_only_a_linked_account_signs_in(idp: TestProvider, settings) -> None:
    settings.OIDC_CREATE_USERS = False
    client = Client()
    assert_refused(sign_in(client, "ada"), "You have no account here yet", client)
    assert not User.objects.exists()

    existing = UserFactory(username="a.lovelace")
    ExternalIdentity.objects.create(user=existing, issuer=idp.issuer, subject="ada")
    sign_in(client, "ada")
    assert signed_in_user(client) == existing


@pytest.mark.django_db
def test_a_forged_state_is_refused_with_no_session(idp: TestProvider) -> None:
    client = Client()
    answer = provider_answer(client, "ada")
    parts = urlparse(answer)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    forged = f"{parts.path}?{urlencode({**query, 'state': 'forged-' + query['state']})}"

    assert_refused(client.get(forged), "was not started in this browser", client)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_replayed_code_is_refused_with_no_session(idp: TestProvider) -> None:
    victim = Client()
    first = provider_answer(victim, "ada")
    assert victim.get(first).status_code == 302  # the code is redeemed once, in its own browser
    assert signed_in_user(victim) is not None
    code = parse_qs(urlparse(first).query)["code"][0]
    attacker = Client()
    start = attacker.get(reverse("oidc_authentication_init"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]

    replay = attacker.get(reverse("oidc_authentication_callback") + "?" + urlencode({"code": code, "state": state}))

    assert_refused(replay, "would not complete this sign-in", attacker)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("foreign-key", "signature does not match the provider"),
        ("expired", "the ID token has expired"),
        ("unknown-issuer", "comes from an unknown issuer"),
    ],
)
def test_a_spoiled_id_token_is_refused_with_no_session(idp: TestProvider, mode: str, message: str) -> None:
    idp.set_mode(mode)
    client = Client()

    assert_refused(sign_in(client, "ada"), message, client)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_provider_refusing_is_shown_and_ends_the_session(idp: TestProvider) -> None:
    client = Client()
    sign_in(client, "ada")
    start = client.get(reverse("oidc_authentication_init"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]

    response = client.get(reverse("oidc_authentication_callback") + f"?error=access_denied&state={state}")

    assert_refused(response, "Test IdP did not sign you in (access_denied)", client)
    spoofed = client.get(reverse("oidc_authentication_callback") + "?error=Call+0800+to+restore+your+account")
    assert_refused(spoofed, "The sign-in did not complete. Start again.", client)
    assert "0800" not in spoofed.content.decode()


@pytest.mark.django_db
def test_an_expired_id_token_sends_the_next_page_to_the_provider_and_its_refusal_signs_out(idp: TestProvider) -> None:
    client = Client()
    sign_in(client, "ada")
    session = client.session
    assert session["oidc_id_token_expiration"] <= parse_exp(session["oidc_id_token"])
    session["oidc_id_token_expiration"] = 0
    session.save()

    recheck = client.get(reverse("my_scorecards"))

    assert recheck.status_code == 302
    assert recheck["Location"].startswith(idp.issuer)
    query = parse_qs(urlparse(recheck["Location"]).query)
    assert query["prompt"] == ["none"]
    assert client.post(reverse("my_scorecards")).status_code != 302  # a form post is not lost to the re-check
    ended = client.get(reverse("oidc_authentication_callback") + f"?error=login_required&state={query['state'][0]}")
    assert ended.status_code == 302
    assert ended["Location"] == reverse("login")
    assert signed_in_user(client) is None
    assert "Your session at Test IdP has ended" in client.get(reverse("login")).content.decode()


def parse_exp(id_token: str) -> int:
    return jwt.decode(id_token, options={"verify_signature": False})["exp"]


@pytest.mark.django_db
def test_a_scorecard_posted_after_the_session_ran_out_is_saved_once_signed_in_through_the_provider(
    idp: TestProvider,
) -> None:
    sign_in(Client(), "ada")
    interview = InterviewFactory(interviewer=User.objects.get(username="ada"))
    url = reverse("scorecard", args=[interview.scorecard.pk])
    dimension = interview.loop.rubric.dimensions.order_by("position").first()
    assert dimension is not None
    text = "Typed after the session ran out; kept through a refused sign-in and a good one."
    client = Client()

    form = {"revision": str(interview.scorecard.revision), f"evidence_{dimension.pk}": text, "action": "save"}
    posted = client.post(url, form)
    assert posted["Location"] == f"{reverse('login')}?next={url}"
    assert_refused(client.get(reverse("oidc_authentication_callback") + "?code=x&state=forged"), "Start again", client)
    start = client.get(reverse("oidc_authentication_init") + f"?next={url}")
    landed = client.get(sign_in_at_provider(start["Location"], app_url=APP, login="ada"))

    assert landed["Location"] == url
    assert "Restored what you typed before you were signed out" in client.get(url, follow=True).content.decode()
    assert Rating.objects.filter(scorecard=interview.scorecard, evidence=text).exists()


@pytest.mark.django_db
def test_sign_out_ends_the_session_here_and_at_the_provider(idp: TestProvider) -> None:
    client = Client()
    sign_in(client, "ada")
    id_token = client.session["oidc_id_token"]

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"{APP}/accounts/login/"]
    assert signed_in_user(client) is None


@pytest.mark.django_db
def test_a_local_sign_out_stays_here_with_single_sign_on_on(idp: TestProvider) -> None:
    client = Client()
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.django_db
def test_the_login_page_offers_the_provider(idp: TestProvider) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Test IdP" in page
    assert 'name="password"' in page


@pytest.mark.django_db
def test_an_unreachable_provider_gets_a_clear_page(settings, unused_port: int) -> None:
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = f"http://127.0.0.1:{unused_port}"
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    response = Client().get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "Test IdP cannot be reached right now" in response.content.decode()


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_single_sign_on_is_off_by_default() -> None:
    client = Client()
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_with_local_login_off_only_break_glass_accounts_use_a_password(settings) -> None:
    settings.LOCAL_LOGIN = False
    settings.BREAK_GLASS_USERS = ["root"]
    UserFactory(username="ines")
    UserFactory(username="root", is_staff=True, is_superuser=True)

    refused = Client().post(reverse("login"), {"username": "ines", "password": PASSWORD})
    allowed = Client().post(reverse("login"), {"username": "root", "password": PASSWORD})

    assert refused.status_code == 200
    assert "_auth_user_id" not in refused.client.session
    assert "Administrator sign-in (break-glass)" in refused.content.decode()
    assert allowed.status_code == 302
    assert allowed.client.session["_auth_user_id"]
