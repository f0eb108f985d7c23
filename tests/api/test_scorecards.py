"""Scorecards through the API: read as the policy allows, written by their interviewer under the form's rules."""

from __future__ import annotations

import pytest

from hiring.models import Amendment, Scorecard
from roles.models import Signal
from tests.api import ApiClient
from tests.factories import scale_mid
from tests.security.scenario import COLLEAGUE_EVIDENCE, build_scenario, db_state, full_input, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build_scenario()


def _body(scenario, *, score=None, evidence="Led the incident review.", recommendation="yes", **extra):
    dimensions = list(scenario.rubric.dimensions.order_by("position"))
    value = scale_mid(scenario.rubric) if score is None else score
    return {
        "revision": Scorecard.objects.get(pk=scenario.own_scorecard.pk).revision,
        "ratings": [{"dimension": d.pk, "score": value, "evidence": evidence} for d in dimensions],
        "recommendation": recommendation,
        "key_takeaways": "Solid.",
        **extra,
    }


def test_the_interviewer_saves_a_draft_then_submits_it(scenario):
    client = ApiClient(scenario.interviewer)
    url = f"scorecards/{scenario.own_scorecard.pk}/"

    draft = client.put(url + "draft/", _body(scenario, recommendation=""))
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft"
    assert draft.json()["revision"] == 2

    submitted = client.post(url + "submit/", _body(scenario))
    assert submitted.status_code == 200, submitted.content
    card = Scorecard.objects.get(pk=scenario.own_scorecard.pk)
    assert card.status == "submitted"
    assert card.recommendation == "yes"
    assert list(card.ratings.values_list("score", flat=True)) == [scale_mid(scenario.rubric)] * 3


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"score": 5, "evidence": ""}, "evidence_", "end of the scale"),
        ({"score": 9}, "score_", "outside this role's scale"),
        ({"recommendation": ""}, "recommendation", "overall recommendation"),
    ],
)
def test_submit_refuses_what_the_form_refuses_with_422_and_saves_nothing(scenario, change, field, message):
    client = ApiClient(scenario.interviewer)
    before = db_state()

    response = client.post(f"scorecards/{scenario.own_scorecard.pk}/submit/", _body(scenario, **change))

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "rule_broken"
    assert message in body["message"]
    assert any(key.startswith(field) for key in body["fields"])
    assert db_state() == before


def test_a_red_flag_without_a_note_is_refused(scenario):
    red_flag = scenario.rubric.signals.get(kind=Signal.Kind.RED_FLAG)
    body = _body(scenario, signals=[{"signal": red_flag.pk, "note": " "}])

    response = ApiClient(scenario.interviewer).post(f"scorecards/{scenario.own_scorecard.pk}/submit/", body)

    assert response.status_code == 422
    assert "Every red flag needs a note" in response.json()["message"]


def test_a_stale_revision_is_a_409_with_the_current_revision_and_keeps_the_newer_text(scenario):
    client = ApiClient(scenario.interviewer)
    url = f"scorecards/{scenario.own_scorecard.pk}/draft/"
    stale = _body(scenario, recommendation="")
    assert client.put(url, {**stale, "key_takeaways": "Newer text"}).status_code == 200

    response = client.put(url, {**stale, "key_takeaways": "Older text"})

    assert response.status_code == 409
    assert response.json()["revision"] == 2
    assert Scorecard.objects.get(pk=scenario.own_scorecard.pk).key_takeaways == "Newer text"


def test_nobody_writes_a_colleagues_scorecard(scenario):
    """The hiring manager may read the colleague's scorecard but not write it; the off-loop interviewer sees none."""
    body = {"revision": 2, "ratings": [], "recommendation": "no"}
    url = f"scorecards/{scenario.colleague_scorecard.pk}/draft/"
    before = db_state()

    assert ApiClient(scenario.hiring_manager).put(url, body).status_code == 403
    assert ApiClient(scenario.outsider).put(url, body).status_code == 404
    assert db_state() == before


def test_blind_scoring_a_colleagues_scorecard_opens_once_ones_own_is_submitted(scenario):
    client = ApiClient(scenario.interviewer)
    url = f"scorecards/{scenario.colleague_scorecard.pk}/"

    hidden = client.get(url)
    assert hidden.status_code == 403
    assert "hidden until your own scorecard" in hidden.json()["message"]
    assert COLLEAGUE_EVIDENCE not in hidden.content.decode()
    assert [c["id"] for c in client.get("scorecards/").json()["results"]] == [scenario.own_scorecard.pk]

    submit(scenario.own_scorecard, "Own evidence")

    shown = client.get(url)
    assert shown.status_code == 200
    assert COLLEAGUE_EVIDENCE in next(r["evidence"] for r in shown.json()["ratings"])


def test_an_amendment_needs_a_reason_and_is_kept_in_the_history(scenario):
    submit(scenario.own_scorecard, "First evidence")
    client = ApiClient(scenario.interviewer)
    url = f"scorecards/{scenario.own_scorecard.pk}/amend/"

    blank = client.post(url, {**_body(scenario), "reason": " "})
    assert blank.status_code == 400
    assert "reason" in blank.json()["fields"]
    response = client.post(url, {**_body(scenario, evidence="Corrected evidence"), "reason": "Typo"})

    assert response.status_code == 200, response.content
    [amendment] = response.json()["amendments"]
    assert amendment["reason"] == "Typo"
    assert Amendment.objects.filter(scorecard=scenario.own_scorecard).count() == 1


def test_the_scorecard_reads_back_its_ratings_signals_and_recommendation(scenario):
    strong = scenario.rubric.signals.get(kind=Signal.Kind.STRONG)
    data = full_input(scenario.rubric, "Concrete example")
    from dataclasses import replace

    from hiring.services import scorecards

    card = Scorecard.objects.get(pk=scenario.own_scorecard.pk)
    scorecards.scorecard_submit(
        scorecard=card, by=scenario.interviewer, revision=card.revision, data=replace(data, signals={strong.pk: "Calm"})
    )

    body = ApiClient(scenario.interviewer).get(f"scorecards/{card.pk}/").json()

    assert body["status"] == "submitted"
    assert body["recommendation"] == "yes"
    assert {r["dimension"] for r in body["ratings"]} == set(scenario.rubric.dimensions.values_list("pk", flat=True))
    assert body["signals"] == [{"signal": strong.pk, "kind": "strong", "text": strong.text, "note": "Calm"}]
