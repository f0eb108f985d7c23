"""The single sign-on settings: what `check --deploy` refuses, and how claims map to role groups."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.claims import GroupMapError, parse_group_map, role_groups
from hiring import policy
from tests.processes import manage

SECURE = {
    "OIDC_ENABLED": True,
    "OIDC_ISSUER": "https://login.example.com",
    "OIDC_DISCOVERY_URL": "",
    "OIDC_RP_CLIENT_ID": "scorecards",
    "OIDC_RP_CLIENT_SECRET": "a-secret",
}


def deploy_check_ids(settings, **overrides) -> set[str]:
    for name, value in {**SECURE, **overrides}.items():
        setattr(settings, name, value)
    try:
        call_command("check", deploy=True)
    except SystemCheckError as error:
        return {word for word in str(error).replace(")", " ").split() if word.startswith("(accounts.")}
    return set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "flagged"),
    [
        ({}, set()),
        ({"OIDC_ISSUER": "http://login.example.com"}, {"(accounts.E101"}),
        ({"OIDC_DISCOVERY_URL": "http://login.example.com/.well-known/openid-configuration"}, {"(accounts.E101"}),
        ({"OIDC_RP_CLIENT_SECRET": ""}, {"(accounts.E102"}),
        ({"OIDC_ISSUER": "http://idp.example.com", "OIDC_RP_CLIENT_SECRET": ""}, {"(accounts.E101", "(accounts.E102"}),
        ({"OIDC_ENABLED": False, "OIDC_ISSUER": "http://x", "OIDC_RP_CLIENT_SECRET": ""}, set()),
    ],
    ids=["secure", "http-issuer", "http-discovery", "no-secret", "both", "sso-off"],
)
def test_check_deploy_flags_an_insecure_provider_configuration(settings, overrides, flagged) -> None:
    assert deploy_check_ids(settings, **overrides) == flagged


def test_check_deploy_in_production_names_the_http_issuer_and_the_missing_secret(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL", "OIDC_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="scorecards.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        OIDC_ENABLED="true",
        OIDC_ISSUER="http://idp.example.com",
        OIDC_CLIENT_ID="scorecards",
    )
    output = manage("check", "--deploy", env=env)
    report = output.stdout + output.stderr
    assert output.returncode != 0
    assert "accounts.E101" in report
    assert "OIDC_ISSUER http://idp.example.com is not HTTPS" in report
    assert "accounts.E102" in report


@pytest.mark.django_db
def test_check_refuses_a_group_map_naming_no_role_group(settings) -> None:
    settings.OIDC_GROUP_MAP = "okta-interviewers=Interviewer"
    with pytest.raises(SystemCheckError, match=r"accounts.E001.*'Interviewer' is not a role group"):
        call_command("check")


def test_group_map_grants_role_groups_from_any_claim_path(settings) -> None:
    settings.OIDC_GROUP_MAP = "a=Interviewers, b=Recruiters, b=Hiring managers"
    settings.OIDC_GROUPS_CLAIM = "realm_access.roles"
    assert role_groups({"realm_access": {"roles": ["b", "other"]}}) == frozenset(
        {policy.RECRUITERS, policy.HIRING_MANAGERS}
    )
    assert role_groups({"sub": "x"}) == frozenset()  # no claim: no role (Okta leaves it out)
    settings.OIDC_GROUPS_CLAIM = ""
    assert role_groups({"groups": ["a"]}) is None  # roles managed here


@pytest.mark.parametrize("text", ["Interviewers", "=Interviewers", "x=", "x=Admins"])
def test_a_malformed_group_map_is_refused(text: str) -> None:
    with pytest.raises(GroupMapError):
        parse_group_map(text)
