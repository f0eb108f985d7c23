"""The API's access matrix with personal access tokens: every route, every persona, both scopes.

Reads expect what tests/security/test_access_matrix.py expects with a browser session. Writes send an
empty JSON object: those allowed get a 400 for the missing fields, the others 403/404 (401 without a
token), a read-only token always 403; and nothing is written, whoever sends it.
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from tests.api import ApiClient
from tests.security.scenario import (
    ANON,
    CANDIDATE_NAME,
    COLLEAGUE_EVIDENCE,
    HM_OTHER,
    OFF_LOOP,
    ON_LOOP_AFTER,
    ON_LOOP_BEFORE,
    PERSONAS,
    RECRUITER_OTHER,
    Scenario,
    body,
    db_state,
    shared_scenario,
)
from tests.security.test_access_matrix import MATRIX, route_url, row

API_ROUTES = sorted(name for name in MATRIX if name.startswith("api:"))
HARVEST_ROUTES = sorted(name for name in MATRIX if name.startswith("harvest:"))
#                                          anon off  before after hm_oth hm   rec  rec_oth staff
WRITES: dict[tuple[str, str], dict[str, object]] = {
    ("api:loops", "POST"): row(401, 403, 403, 403, 403, 403, 400, 400, 400),
    ("api:loop_plan", "PUT"): row(401, 404, 403, 403, 404, 403, 400, 404, 400),
    ("api:loop_decision", "POST"): row(401, 404, 403, 403, 404, 400, 403, 404, 400),
    ("api:scorecard_draft", "PUT"): row(401, 404, 403, 403, 404, 403, 403, 404, 403),
    ("api:scorecard_submit", "POST"): row(401, 404, 403, 403, 404, 403, 403, 404, 403),
    ("api:scorecard_amend", "POST"): row(401, 404, 403, 403, 404, 403, 403, 404, 403),
    ("api:outcomes", "POST"): row(401, 403, 403, 403, 403, 403, 400, 400, 400),
}


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with shared_scenario(django_db_blocker) as built:
        yield built


def _client(scenario: Scenario, persona: str, scope: str) -> ApiClient:
    if persona == ON_LOOP_AFTER:
        scenario.client(ON_LOOP_AFTER)  # submits the interviewer's own scorecard first
    user = scenario.user(persona)
    return ApiClient(user, scope) if user is not None else ApiClient(None)


def _assert_nothing_leaks(persona: str, text: str) -> None:
    if persona in (ON_LOOP_BEFORE, OFF_LOOP, HM_OTHER, RECRUITER_OTHER):
        assert COLLEAGUE_EVIDENCE not in text
    if persona in (OFF_LOOP, HM_OTHER, RECRUITER_OTHER):
        assert CANDIDATE_NAME not in text


def test_every_api_write_route_has_a_write_matrix_entry() -> None:
    writable = {name for name, methods in MATRIX.items() if name.startswith("api:") and set(methods) - {"GET"}}
    writable |= {"api:loop_plan", "api:scorecard_draft"}  # PUT routes (the session matrix only sends GET/POST)
    assert writable == {name for name, _method in WRITES}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", API_ROUTES)
def test_a_read_only_token_reads_what_the_persona_may_see(scenario: Scenario, name: str, persona: str) -> None:
    client = _client(scenario, persona, "read")
    url = route_url(name, scenario).removeprefix("/api/v1/")

    response = client.get(url)

    assert response.status_code == MATRIX[name]["GET"][persona], f"GET {url} as {persona}"
    _assert_nothing_leaks(persona, body(response))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method"), list(WRITES))
@pytest.mark.parametrize("scope", ["read", "write"])
def test_writes_follow_the_policy_and_a_read_only_token_never_writes(
    scenario: Scenario, name: str, method: str, persona: str, scope: str
) -> None:
    client = _client(scenario, persona, scope)
    url = route_url(name, scenario).removeprefix("/api/v1/")
    before = db_state()

    response = client.send(method, url, {})

    expected = WRITES[(name, method)][persona]
    if scope == "read" and persona != ANON:
        expected = 403
    assert response.status_code == expected, f"{method} {url} as {persona} ({scope})"
    assert response.json()["message"]
    assert db_state() == before
    _assert_nothing_leaks(persona, body(response))


@pytest.mark.django_db
def test_the_interviewer_may_write_their_own_scorecard_with_a_write_token(scenario: Scenario) -> None:
    client = _client(scenario, ON_LOOP_BEFORE, "write")
    response = client.put(f"scorecards/{scenario.own_scorecard.pk}/draft/", {"revision": 1})
    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_after_submitting_the_interviewer_reads_the_colleagues_evidence_through_the_api(scenario: Scenario) -> None:
    client = _client(scenario, ON_LOOP_AFTER, "read")
    response = client.get(f"scorecards/{scenario.colleague_scorecard.pk}/")
    assert response.status_code == 200
    assert COLLEAGUE_EVIDENCE in body(response)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", HARVEST_ROUTES)
def test_a_harvest_client_with_basic_auth_reads_what_the_persona_may_see(
    scenario: Scenario, name: str, persona: str
) -> None:
    """The Harvest-compatible path, as a Harvest client calls it (the token as Basic user name): the same
    outcomes as the session matrix, nothing leaked, and no writes (405, or 401 without a token)."""
    raw = _client(scenario, persona, "write").raw
    headers = {"Authorization": "Basic " + base64.b64encode(f"{raw}:".encode()).decode()} if raw else {}
    url = route_url(name, scenario)

    response = Client().get(url, headers=headers)
    post = Client().post(url, {}, content_type="application/json", headers=headers)

    assert response.status_code == MATRIX[name]["GET"][persona], f"GET {url} as {persona}"
    assert post.status_code == (401 if persona == ANON else 405)
    _assert_nothing_leaks(persona, body(response))
