"""Who gets what on every URL: a matrix of route x method x persona, checked against the URL configuration.

A route in the URLconf without a MATRIX entry fails `test_every_url_has_an_access_matrix_entry`, so a
new page cannot ship without someone deciding, here, who may open it.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hiring.models import Decision, Scorecard
from hiring.services.decisions import loop_decide
from hiring.services.scorecards import scorecard_amend, scorecard_save_draft
from tests.factories import InterviewFactory
from tests.security.scenario import (
    ANON,
    CANDIDATE_NAME,
    COLLEAGUE_EVIDENCE,
    HM,
    HM_OTHER,
    OFF_LOOP,
    ON_LOOP_AFTER,
    ON_LOOP_BEFORE,
    PERSONAS,
    RECRUITER,
    RECRUITER_OTHER,
    STAFF,
    Scenario,
    body,
    db_state,
    full_input,
    shared_scenario,
    submit,
)

LOGIN = "login"  # a 302 to the login page
REDIRECT = "redirect"  # any other 302


def row(anon, off_loop, before, after, hm_other, hm, recruiter, recruiter_other, staff) -> dict[str, object]:
    """One expected outcome per persona, in the order of PERSONAS."""
    return dict(
        zip(PERSONAS, (anon, off_loop, before, after, hm_other, hm, recruiter, recruiter_other, staff), strict=True)
    )


def same(outcome) -> dict[str, object]:
    return dict.fromkeys(PERSONAS, outcome)


def signed_in_only(outcome, anon=LOGIN) -> dict[str, object]:
    return {**same(outcome), ANON: anon}


# Scorecard routes point at the colleague's submitted scorecard; loop routes at the scenario loop; the kit at
# its role. POSTs send an untouched form (only the CSRF token): allowed personas get the form's refusal (400),
# the others 403/404/login.
#                      anon   off    before after  hm_oth hm     rec    rec_oth staff
MATRIX: dict[str, dict[str, dict[str, object]]] = {
    "login": {
        "GET": row(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        "POST": row(200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    },
    "logout": {"GET": same(405), "POST": same(LOGIN)},
    # Single sign-on is off unless configured: its two routes do not exist.
    "oidc_authentication_init": {"GET": same(404)},
    "oidc_authentication_callback": {"GET": same(404)},
    "health": {"GET": same(200)},
    "home": {"GET": signed_in_only(200)},
    "my_scorecards": {"GET": signed_in_only(200)},
    "audit_log": {"GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 200)},
    "calibration": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 403, 403, 200)},
    "loop_pipeline": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200, 200, 200)},
    "loop_export": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200, 200, 200)},
    "hiring_health": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200, 200, 200)},
    "hiring_health_export": {"GET": row(LOGIN, 403, 403, 403, 200, 200, 200, 200, 200)},
    # Hiring outcomes are imported by recruiters and staff; an empty post is refused (no file).
    "outcomes_import": {
        "GET": row(LOGIN, 403, 403, 403, 403, 403, 200, 200, 200),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 400, 400, 400),
    },
    # Legal holds: staff and the Compliance group (no persona here is in it: tests/hiring/test_legal_hold_page.py).
    "legal_holds": {
        "GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 200),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400),
    },
    "legal_hold_release": {
        "GET": signed_in_only(405),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404),
    },
    "loop_new": {
        "GET": row(LOGIN, 403, 403, 403, 403, 403, 200, 200, 200),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 400, 400, 400),
    },
    "loop_detail": {"GET": row(LOGIN, 404, 200, 200, 404, 200, 200, 404, 200)},
    "loop_summary": {"GET": row(LOGIN, 404, 403, 200, 404, 200, 200, 404, 200)},
    "loop_plan": {
        "GET": row(LOGIN, 404, 403, 403, 404, 403, 200, 404, 200),
        "POST": row(LOGIN, 404, 403, 403, 404, 403, 400, 404, 400),
    },
    "loop_debrief": {
        "GET": row(LOGIN, 404, 403, 200, 404, 200, 200, 404, 200),
        "POST": row(LOGIN, 404, 403, 403, 404, 400, 403, 404, 400),
    },
    "scorecard": {
        "GET": row(LOGIN, 404, 403, 200, 404, 200, 200, 404, 200),
        "POST": row(LOGIN, 404, 403, 403, 404, 403, 403, 404, 403),
    },
    "scorecard_autosave": {
        "GET": same(405),
        "POST": row(LOGIN, 404, 403, 403, 404, 403, 403, 404, 403),
    },
    "scorecard_amend": {
        "GET": row(LOGIN, 404, 403, 403, 404, 403, 403, 404, 403),
        "POST": row(LOGIN, 404, 403, 403, 404, 403, 403, 404, 403),
    },
    # After a submission: on to one's own next scorecard to write, or home.
    "scorecard_next": {"GET": signed_in_only(REDIRECT), "POST": same(405)},
    # Whoever runs the loop may remind; this scorecard is submitted, so they are told so and sent home.
    "scorecard_remind": {
        "GET": same(405),
        "POST": row(LOGIN, 404, 404, 404, 404, REDIRECT, REDIRECT, 404, REDIRECT),
    },
    # An interview's calendar invite: whoever may see the interview (policy.interviews_visible_to).
    "interview_invite": {"GET": row(LOGIN, 404, 404, 200, 404, 200, 200, 404, 200)},
    "roles:list": {"GET": signed_in_only(200)},
    "roles:kit": {"GET": signed_in_only(200)},
    # A version's fixture file (export_role's output) is for staff, as importing is.
    "roles:fixture": {"GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 200), "POST": same(405)},
    # Importing a role is for staff; the preview without an upload sends staff back to the upload page.
    "roles:import": {
        "GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 200),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400),
    },
    "roles:import_preview": {"GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, REDIRECT)},
    "roles:import_publish": {
        "GET": same(405),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400),
    },
    # The role editor is for staff and role editors (roles.policy.can_edit_roles). Its buttons refuse an empty
    # post (400); a draft's pages point at a draft that does not exist (404 once the policy lets one in).
    "roles:new": {"GET": same(405), "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400)},
    "roles:draft_from_version": {"GET": same(405), "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400)},
    "roles:import_edit": {"GET": same(405), "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 400)},
    "roles:draft": {
        "GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404),
        "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404),
    },
    "roles:draft_autosave": {"GET": same(405), "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404)},
    "roles:draft_preview": {"GET": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404), "POST": same(405)},
    "roles:draft_discard": {"GET": same(405), "POST": row(LOGIN, 403, 403, 403, 403, 403, 403, 403, 404)},
    # API tokens (settings page) and the JSON API, here with a browser session; tests/api/test_access.py
    # checks the API with tokens of every scope. The API answers 401 (not a login redirect) and takes JSON only
    # (a form post is a 415 once access is granted).
    "api_tokens": {"GET": signed_in_only(200), "POST": signed_in_only(400)},
    # Everyone's own: the list of one's open interviews, and one's time zone (an empty post means "the browser's").
    "my_interviews": {"GET": signed_in_only(200)},
    "account_settings": {"GET": signed_in_only(200), "POST": signed_in_only(REDIRECT)},
    "api_token_revoke": {"GET": signed_in_only(405), "POST": signed_in_only(404)},
    "api:schema": {"GET": same(200)},
    "api:docs": {"GET": same(200)},
    "api:roles": {"GET": signed_in_only(200, anon=401)},
    "api:role": {"GET": signed_in_only(200, anon=401)},
    "api:rubric": {"GET": signed_in_only(200, anon=401)},
    "api:loops": {
        "GET": signed_in_only(200, anon=401),
        "POST": row(401, 403, 403, 403, 403, 403, 415, 415, 415),
    },
    "api:loop": {"GET": row(401, 404, 200, 200, 404, 200, 200, 404, 200)},
    "api:loop_plan": {
        "GET": row(401, 404, 200, 200, 404, 200, 200, 404, 200),
        "POST": signed_in_only(405, anon=401),
    },
    "api:loop_debrief": {"GET": row(401, 404, 403, 200, 404, 200, 200, 404, 200)},
    "api:loop_decision": {
        "GET": row(401, 404, 403, 404, 404, 404, 404, 404, 404),  # no decision yet
        "POST": row(401, 404, 403, 403, 404, 415, 403, 404, 415),
    },
    "api:interviews": {"GET": signed_in_only(200, anon=401)},
    "api:interview": {"GET": row(401, 404, 404, 200, 404, 200, 200, 404, 200)},
    "api:scorecards": {"GET": signed_in_only(200, anon=401)},
    "api:scorecard": {"GET": row(401, 404, 403, 200, 404, 200, 200, 404, 200)},
    "api:scorecard_draft": {"GET": signed_in_only(405, anon=401)},
    "api:scorecard_submit": {
        "GET": signed_in_only(405, anon=401),
        "POST": row(401, 404, 403, 403, 404, 403, 403, 404, 403),
    },
    "api:scorecard_amend": {
        "GET": signed_in_only(405, anon=401),
        "POST": row(401, 404, 403, 403, 404, 403, 403, 404, 403),
    },
    "api:export_summary": {"GET": row(401, 403, 403, 403, 200, 200, 200, 200, 200)},
    "api:export_ratings": {"GET": row(401, 403, 403, 403, 200, 200, 200, 200, 200)},
    "api:hiring_health": {"GET": row(401, 403, 403, 403, 200, 200, 200, 200, 200)},
    "api:outcomes": {
        "GET": signed_in_only(405, anon=401),
        "POST": row(401, 403, 403, 403, 403, 403, 415, 415, 415),
    },
    # The Harvest-compatible read path (api.harvest): the API's policy; lists hold only what one may see.
    # Its scorecard is the colleague's submitted one, its application the scenario loop, its candidate the loop's.
    "harvest:scorecards": {"GET": signed_in_only(200, anon=401)},
    "harvest:scorecard": {"GET": row(401, 404, 403, 200, 404, 200, 200, 404, 200)},
    "harvest:applications": {"GET": signed_in_only(200, anon=401)},
    "harvest:application": {"GET": row(401, 404, 200, 200, 404, 200, 200, 404, 200)},
    "harvest:application_scorecards": {"GET": row(401, 404, 200, 200, 404, 200, 200, 404, 200)},
    "harvest:candidates": {"GET": signed_in_only(200, anon=401)},
    "harvest:candidate": {"GET": row(401, 404, 200, 200, 404, 200, 200, 404, 200)},
}

# Where the matrix differs with single sign-on on and the personas signed in through the provider: sign-in
# starts at the provider, a callback without its code is refused (400), and sign-out ends at the provider.
SINGLE_SIGN_ON: dict[str, dict[str, dict[str, object]]] = {
    "oidc_authentication_init": {"GET": same(REDIRECT)},
    "oidc_authentication_callback": {"GET": same(400)},
    "logout": {"POST": {**same(REDIRECT), ANON: LOGIN, STAFF: LOGIN}},  # staff: a local (break-glass) account
}

REFUSED = {LOGIN, 403, 404, 405}
REFUSED = {LOGIN, 401, 403, 404, 405}
# What a browser sends for an untouched form: only the CSRF token (not checked by the test client).
EMPTY_FORM = {"csrfmiddlewaretoken": "not-checked-in-tests"}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def url_routes() -> dict[str, str]:
    """Every named route of the URLconf (namespaced as reverse() wants it) -> its full pattern.

    The Django admin (its own access control: is_staff) and static files are left out; an unnamed route is
    reported under its pattern, so it fails the matrix test too.
    """
    routes: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin" or pattern.startswith("admin/"):
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, pattern, inner)
            elif isinstance(entry, URLPattern):
                if pattern.lstrip("^").startswith(settings.STATIC_URL.lstrip("/")):
                    continue
                routes[f"{namespace}{entry.name}" if entry.name else f"<unnamed {pattern}>"] = pattern

    walk(get_resolver().url_patterns, "", "")
    return routes


def route_url(name: str, scenario: Scenario) -> str:
    values = {
        "loop_id": scenario.loop.pk,
        "scorecard_id": scenario.colleague_scorecard.pk,
        "slug": scenario.role_slug,
        "number": scenario.rubric.number,
        "interview_id": scenario.colleague_scorecard.interview_id,
        "token_id": 10**9,  # tests/api/test_tokens.py revokes real ones
        "draft_id": 10**9,  # tests/roles/test_editor_views.py opens real ones
        "hold_id": 10**9,  # tests/hiring/test_legal_hold_page.py releases real ones
        "application_id": scenario.loop.pk,
        "candidate_id": scenario.loop.candidate_id,
    }
    kwargs = {}
    for kwarg in KWARG.findall(url_routes()[name]):
        assert kwarg in values, f"route {name}: add a scenario value for URL argument {kwarg!r} in route_url()"
        kwargs[kwarg] = values[kwarg]
    return reverse(name, kwargs=kwargs)


def unmasked(html: str) -> str:
    """The page without its CSRF token, which is masked differently on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


def outcome_of(response) -> object:
    if response.status_code == 302:
        return LOGIN if urlparse(response["Location"]).path == reverse("login") else REDIRECT
    return response.status_code


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    """Personas signed in locally (test_access_matrix_provider.py: through a real provider), built once."""
    with shared_scenario(django_db_blocker) as built:
        yield built


def expected_outcome(scenario: Scenario, name: str, method: str, persona: str) -> object:
    if scenario.sessions and method in SINGLE_SIGN_ON.get(name, {}):
        return SINGLE_SIGN_ON[name][method][persona]
    return MATRIX[name][method][persona]


# Signed in through the provider, the matrix is checked where sign-in makes a difference: the sign-in and
# sign-out routes, and the pages whose access follows the role groups the provider's claims grant.
THROUGH_PROVIDER = {
    *SINGLE_SIGN_ON,
    "login",
    "home",
    "loop_pipeline",
    "calibration",
    "loop_new",
    "loop_detail",
    "loop_debrief",
    "scorecard",
    "roles:import",
    "api_tokens",
}

CASES = [
    pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
    for name, methods in MATRIX.items()
    for method in methods
    for persona in PERSONAS
]


def test_every_url_has_an_access_matrix_entry() -> None:
    routes = url_routes()
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"routes without an access-matrix entry (add them to MATRIX): {missing}"
    stale = sorted(set(MATRIX) - set(routes))
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"
    assert set(MATRIX) >= THROUGH_PROVIDER, sorted(THROUGH_PROVIDER - set(MATRIX))
    for name, methods in MATRIX.items():
        assert "GET" in methods, name
        for method, personas in methods.items():
            assert set(personas) == set(PERSONAS), f"{name} {method}: one outcome per persona"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_access_matrix(scenario: Scenario, name: str, method: str, persona: str) -> None:
    check_access(scenario, name, method, persona)


def check_access(scenario: Scenario, name: str, method: str, persona: str) -> None:
    """The persona's request gets the matrix's outcome, changes nothing if a POST, and leaks nothing if refused."""
    client = scenario.client(persona)
    url = route_url(name, scenario)
    before = db_state()

    response = client.get(url) if method == "GET" else client.post(url, EMPTY_FORM)

    expected = expected_outcome(scenario, name, method, persona)
    assert outcome_of(response) == expected, f"{method} {url} as {persona}"
    assert response.status_code < 500
    text = body(response)
    if method == "POST":
        # An empty form changes nothing, whoever sends it; refused personas above all.
        assert db_state() == before, f"POST {url} as {persona} changed the database"
    if expected in REFUSED:
        assert COLLEAGUE_EVIDENCE not in text, f"{method} {url} as {persona}: refused, yet shows the evidence"
        assert CANDIDATE_NAME not in text, f"{method} {url} as {persona}: refused, yet names the candidate"
    if persona in (ON_LOOP_BEFORE, OFF_LOOP, HM_OTHER, RECRUITER_OTHER):
        # Blind scoring and loop ownership: nothing these personas open shows the colleague's evidence.
        assert COLLEAGUE_EVIDENCE not in text, f"{method} {url} as {persona} shows the colleague's evidence"
    if persona in (OFF_LOOP, HM_OTHER, RECRUITER_OTHER):
        # No part in the loop: not even the candidate's name (pipeline, exports, calibration included).
        assert CANDIDATE_NAME not in text, f"{method} {url} as {persona} names the candidate"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [ON_LOOP_AFTER, HM, RECRUITER, STAFF])
def test_allowed_personas_do_see_the_colleagues_scorecard(scenario: Scenario, persona: str) -> None:
    """The other side of the matrix: the evidence is there for those who may read it."""
    response = scenario.client(persona).get(reverse("scorecard", args=[scenario.colleague_scorecard.pk]))
    assert response.status_code == 200
    assert COLLEAGUE_EVIDENCE in body(response)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["loop_detail", "loop_summary", "loop_debrief", "loop_plan", "scorecard"])
def test_someone_elses_id_and_a_missing_id_look_the_same(scenario: Scenario, route: str) -> None:
    """No enumeration oracle: a loop or scorecard the user has no part in is indistinguishable from none at all."""
    client = scenario.client(OFF_LOOP)
    existing = scenario.loop.pk if route.startswith("loop") else scenario.colleague_scorecard.pk
    missing = 10**9
    first, second = client.get(reverse(route, args=[existing])), client.get(reverse(route, args=[missing]))
    assert first.status_code == second.status_code == 404
    assert unmasked(body(first)) == unmasked(body(second))


@pytest.mark.django_db
def test_own_draft_refuses_an_empty_post_as_a_form_error_and_changes_nothing(scenario: Scenario) -> None:
    """The interviewer on the loop may write their own scorecard: an empty post is a 400 that saves nothing."""
    client = scenario.client(ON_LOOP_BEFORE)
    before = db_state()
    for name in ("scorecard", "scorecard_autosave"):
        response = client.post(reverse(name, args=[scenario.own_scorecard.pk]), EMPTY_FORM)
        assert response.status_code == 400, name
    assert db_state() == before


# Confirming or changing a decision (a POST to the debrief with action=revisit) --------------------------------

#                         anon   off  before after hm_oth hm        rec  rec_oth staff
REVISIT = row(LOGIN, 404, 403, 403, 404, REDIRECT, 403, 404, REDIRECT)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_hiring_manager_or_staff_confirm_or_change_a_changed_decision(scenario: Scenario, persona: str):
    client = scenario.client(persona)
    decision = loop_decide(
        loop=scenario.loop, by=scenario.hiring_manager, outcome=Decision.Outcome.NO_HIRE, rationale="Below the bar."
    )
    card = Scorecard.objects.get(pk=scenario.colleague_scorecard.pk)
    scorecard_amend(
        scorecard=card,
        by=scenario.colleague,
        revision=card.revision,
        data=full_input(scenario.rubric, COLLEAGUE_EVIDENCE, score=scenario.rubric.scale_max),
        reason="Re-read my notes.",
    )
    before = db_state()
    form = {"action": "revisit", "supersedes": decision.pk, "outcome": "hire", "rationale": "The amendment tips it."}

    response = client.post(reverse("loop_debrief", args=[scenario.loop.pk]), form)

    assert outcome_of(response) == REVISIT[persona], persona
    changed = db_state() != before
    assert changed == (REVISIT[persona] == REDIRECT), persona
    if REVISIT[persona] in REFUSED:
        assert COLLEAGUE_EVIDENCE not in body(response)
    if persona not in (ANON, HM):
        assert 'id="changed-decisions"' not in body(client.get(reverse("home"))), persona


DRAFT_EVIDENCE = "Draft evidence: still thinking about the cache design"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != ANON])
def test_a_colleagues_draft_is_private_to_its_author_whoever_asks(scenario: Scenario, persona: str) -> None:
    """Drafts are private, always: not the hiring manager's, the recruiter's or staff's to read (issue 18)."""
    draft = InterviewFactory(loop=scenario.loop).scorecard
    scorecard_save_draft(
        scorecard=draft,
        by=draft.interview.interviewer,
        revision=draft.revision,
        data=full_input(scenario.rubric, DRAFT_EVIDENCE),
    )
    client = scenario.client(persona)

    page = client.get(reverse("scorecard", args=[draft.pk]))
    debrief = client.get(reverse("loop_debrief", args=[scenario.loop.pk]))
    summary = client.get(reverse("loop_summary", args=[scenario.loop.pk]))

    assert page.status_code in (403, 404)
    for response in (page, debrief, summary):
        assert DRAFT_EVIDENCE not in body(response)


@pytest.mark.django_db
def test_a_hiring_manager_on_the_panel_is_blind_until_their_own_scorecard_is_in(scenario: Scenario) -> None:
    own = InterviewFactory(loop=scenario.loop, interviewer=scenario.hiring_manager).scorecard
    client = scenario.client(HM)

    before = [client.get(reverse(name, args=[arg])) for name, arg in _blind_pages(scenario)]
    submit(own, "The hiring manager's own evidence")
    after = [client.get(reverse(name, args=[arg])) for name, arg in _blind_pages(scenario)]

    assert [r.status_code for r in before] == [403, 403, 403]
    assert all(COLLEAGUE_EVIDENCE not in body(r) for r in before)
    assert [r.status_code for r in after] == [200, 200, 200]
    assert COLLEAGUE_EVIDENCE in body(after[0])


def _blind_pages(scenario: Scenario) -> list[tuple[str, int]]:
    return [
        ("scorecard", scenario.colleague_scorecard.pk),
        ("loop_debrief", scenario.loop.pk),
        ("loop_summary", scenario.loop.pk),
    ]
