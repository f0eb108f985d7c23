"""schemathesis against the app's own OpenAPI schema: every operation, positive and negative cases, a real token.

Checks: no server error, status codes, content types and bodies conform to the schema, valid data is
accepted (or refused by a rule of the app with a documented 4xx) and invalid data rejected. Bounded in
examples so the whole run stays well under two minutes.
"""

from __future__ import annotations

from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the lock; only validate() is used
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings

from api.services import token_create
from config.wsgi import application
from tests.factories import InterviewFactory, LoopFactory, RubricVersionFactory
from tests.security.scenario import build_scenario, submit

CONFIG = schemathesis.Config.from_dict(
    {
        # NUL characters are refused (400) everywhere, as PostgreSQL cannot store them: the schema says so
        # (a pattern on every free-text string), so they are generated too, and must be refused.
        "generation": {"mode": "all", "max-examples": 6},
        # The stateful phase chains calls by the links schemathesis infers (a created loop's id into its
        # plan, debrief, decision...), so later calls reach objects that earlier ones made.
        "phases": {"stateful": {"enabled": True}},
        "checks": {
            # A well-formed request may still break a rule of the app (a score outside the role's scale,
            # a decided loop): that is the documented 422.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


@pytest.fixture
def api_world(db, settings):
    """The shared scenario, with staff also on the loop's panel (so scorecard writes reach the service);
    a staff token, and the ids that positive cases aim at so that they reach real objects."""
    settings.API_RATE = None
    scenario = build_scenario()  # a 1–5 role: a draft and a submitted scorecard on each loop
    own = InterviewFactory(loop=scenario.loop, interviewer=scenario.staff)
    # A 0–4 role too, with staff's own draft and submitted scorecards on it.
    zero_based = RubricVersionFactory(scale_min=0, scale_max=4, dimensions=3, signals=True)
    other_scale = LoopFactory(rubric=zero_based, hiring_manager=scenario.hiring_manager, recruiter=scenario.staff)
    InterviewFactory(loop=other_scale, interviewer=scenario.staff)
    submit(InterviewFactory(loop=other_scale, interviewer=scenario.staff).scorecard, "Zero-based evidence")
    ids = {
        "slug": scenario.role_slug,
        "number": scenario.rubric.number,
        "loop_id": scenario.loop.pk,
        "interview_id": own.pk,
        "scorecard_id": own.scorecard.pk,
    }
    raw = token_create(owner=scenario.staff, name="schemathesis", scope="write", expires_in_days=7)[1]
    # schemathesis calls the WSGI app itself: like Django's test client, keep the test's database
    # connection (and its transaction) open across requests instead of closing it after each one.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield raw, ids
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
def test_the_api_keeps_to_its_schema(case, api_world):
    raw, ids = api_world
    if case.path_parameters and case.meta is not None and case.meta.generation.mode.is_positive:
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
    case.call_and_validate(headers=_headers(raw))
    CASES["fuzzing"] += 1


CASES = {"fuzzing": 0, "stateful": 0}


@pytest.fixture(scope="module", autouse=True)
def cases_run():
    """Reports the number of calls schemathesis made (run with -s to see it)."""
    yield
    print(f"\nschemathesis: {CASES['fuzzing']} fuzzing cases, {CASES['stateful']} stateful calls")


def _headers(raw: str) -> dict[str, str]:
    # schemathesis's WSGI transport asks for gzip like an HTTP client but does not inflate the body as one would.
    return {"Authorization": f"Bearer {raw}", "Accept-Encoding": "identity"}


def test_the_api_keeps_to_its_schema_across_linked_calls(api_world):
    """The stateful phase: sequences of calls, each answer's ids fed to the next call, every check on each."""
    raw, _ids = api_world

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            CASES["stateful"] += 1
            return {"headers": _headers(raw)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Named as the request's own headers, the token counts as real auth (not generated) for the checks.
            case.validate_response(response, headers=_headers(raw), transport_kwargs=kwargs)

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
    assert CASES["stateful"] > STATEFUL_SCENARIOS  # the scenarios did chain calls


STATEFUL_SCENARIOS = 25


def _document() -> dict[str, Any]:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _defaults_and_examples(node: Any, where: str = "#"):
    """Every (where, schema, value) of a default or example in the document, with the schema it must fit."""
    if isinstance(node, dict):
        schema = {key: value for key, value in node.items() if key not in ("default", "example")}
        for key in ("default", "example"):
            if key in node and ("type" in node or "oneOf" in node or "anyOf" in node):
                yield f"{where}/{key}", schema, node[key]
        for key, value in node.items():
            yield from _defaults_and_examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _defaults_and_examples(value, f"{where}/{index}")


def test_the_schema_is_a_valid_openapi_document():
    """The OpenAPI 3.0 JSON Schema (as bundled by drf-spectacular) accepts the document."""
    validate_schema(_document())


def test_every_default_in_the_schema_fits_its_own_schema():
    """A default that its own schema refuses ("" with format email) makes openapi-spec-validator stop."""
    document = _document()
    resolver = jsonschema.validators.RefResolver.from_schema(document)
    misfits = []
    for where, schema, value in _defaults_and_examples(document["components"]):
        validator = jsonschema.Draft4Validator(
            schema, resolver=resolver, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
        )
        misfits += [f"{where}: {error.message}" for error in validator.iter_errors(value)]
    assert misfits == []


def test_openapi_spec_validator_accepts_the_schema():
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(_document())
