"""A real OpenID Connect provider for the tests: tests/oidc/provider.mjs (npm oidc-provider) in a child process.

The provider listens on a free port of 127.0.0.1 and re-reads its state file on every request, so a test
changes a user's groups, or makes the token endpoint misbehave, by rewriting that file.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from hiring import policy

SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "scorecards"
CLIENT_SECRET = "test-client-secret-0123456789"
PASSWORD = "provider-password"
GROUP_MAP = "idp-interviewers=Interviewers,idp-managers=Hiring managers,idp-recruiters=Recruiters"
PROVIDER_GROUP = {
    policy.INTERVIEWERS: "idp-interviewers",
    policy.HIRING_MANAGERS: "idp-managers",
    policy.RECRUITERS: "idp-recruiters",
}
USERS = {
    "ada": {"given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.com", "groups": ["idp-interviewers"]},
    "grace": {
        "given_name": "Grace",
        "family_name": "Hopper",
        "email": "grace@example.com",
        "groups": ["idp-managers", "idp-interviewers", "idp-unrelated"],
    },
}


@dataclass
class TestProvider:
    issuer: str
    state_path: Path

    __test__ = False  # not a test class, whatever its name

    def state(self) -> dict[str, Any]:
        return json.loads(self.state_path.read_text())

    def update(self, **changes: Any) -> None:
        state = {**self.state(), **changes}
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self.state_path)

    def set_user(self, login: str, **claims: Any) -> None:
        users = self.state()["users"]
        users[login] = {**users[login], **claims}
        self.update(users=users)

    def set_mode(self, mode: str) -> None:
        """ "normal", or "expired", "foreign-key", "unknown-issuer": how the token endpoint's ID token is spoiled."""
        self.update(mode=mode)

    def django_settings(self) -> dict[str, Any]:
        return {
            "OIDC_ENABLED": True,
            "OIDC_PROVIDER_NAME": "Test IdP",
            "OIDC_ISSUER": self.issuer,
            "OIDC_DISCOVERY_URL": "",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SCOPES": "openid email profile groups",
            "OIDC_GROUPS_CLAIM": "groups",
            "OIDC_GROUP_MAP": GROUP_MAP,
            "OIDC_CREATE_USERS": True,
            "SECURE_CSP": {**settings.SECURE_CSP, "form-action": [*settings.SECURE_CSP["form-action"], self.issuer]},
        }


@contextmanager
def running_provider(directory: Path, *, app_url: str) -> Iterator[TestProvider]:
    """Start the provider with a client whose redirect URIs are on app_url; stop it afterwards."""
    node = shutil.which("node")
    if node is None or not (Path(settings.BASE_DIR) / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test identity provider needs node and npm's oidc-provider: run scripts/install.sh")
    state_path = directory / "provider-state.json"
    state_path.write_text(
        json.dumps(
            {
                "client": {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{app_url}/accounts/oidc/callback/"],
                    "post_logout_redirect_uris": [f"{app_url}/accounts/login/"],
                },
                "users": {login: {**claims, "password": PASSWORD} for login, claims in USERS.items()},
                "mode": "normal",
                "id_token_ttl": 3600,
            }
        )
    )
    log = (directory / "provider.log").open("w")
    process = subprocess.Popen(
        [node, str(SCRIPT), str(state_path)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    stdout = process.stdout
    assert stdout is not None  # stdout=PIPE
    try:
        ready, _, _ = select.select([stdout], [], [], 20)
        line = stdout.readline() if ready else ""
        if not line:
            pytest.fail(f"the test identity provider did not start: {(directory / 'provider.log').read_text()}")
        yield TestProvider(issuer=json.loads(line)["issuer"], state_path=state_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stdout.close()
        log.close()


def sign_in_at_provider(authorize_url: str, *, app_url: str, login: str, password: str = PASSWORD) -> str:
    """Go through the provider as a browser would (without one): the URL it sends back to the app."""
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(app_url):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
            continue
        action = re.search(r'<form method="post" action="([^"]+)"', response.text)
        assert action, f"no login form at {response.url}: {response.status_code} {response.text[:300]}"
        response = session.post(
            urljoin(response.url, action.group(1)),
            data={"login": login, "password": password},
            allow_redirects=False,
            timeout=10,
        )
    raise AssertionError("the provider never sent the browser back to the app")


class ProviderAccounts:
    """Accounts made by signing in through the provider (the test client as browser), one new person a call.

    Each account is created by the callback from the provider's claims, its role group from the group map;
    `sessions` keeps the session each sign-in opened (user id -> session key).
    """

    def __init__(self, provider: TestProvider, *, app_url: str = "http://testserver") -> None:
        self.provider = provider
        self.app_url = app_url
        self.sessions: dict[int, str] = {}

    def __call__(self, group: str) -> User:
        users = self.provider.state()["users"]
        login = f"person-{len(users) + 1}"
        users[login] = {
            "given_name": "Person",
            "family_name": str(len(users) + 1),
            "email": f"{login}@example.com",
            "groups": [PROVIDER_GROUP[group]],
            "password": PASSWORD,
        }
        self.provider.update(users=users)
        client = Client()
        start = client.get(reverse("oidc_authentication_init"))
        response = client.get(sign_in_at_provider(start["Location"], app_url=self.app_url, login=login))
        assert response.status_code == 302, response.content.decode()
        user = User.objects.get(pk=client.session["_auth_user_id"])
        assert set(user.groups.values_list("name", flat=True)) == {group}
        self.sessions[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return user
