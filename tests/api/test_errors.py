"""Bad input gets a JSON error with a clear message and the right status, never a 500, and writes nothing."""

from __future__ import annotations

import pytest

from tests.api import ApiClient
from tests.security.scenario import build_scenario, db_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    return build_scenario()


@pytest.mark.parametrize(
    ("raw", "body", "field", "message"),
    [
        ("{not json", None, None, "JSON parse error"),
        (None, [1, 2], None, "Expected a dictionary"),
        (None, {"revision": "two"}, "revision", "A valid integer is required."),
        (None, {"revision": 1, "ratings": [{"dimension": 1, "score": "high"}]}, "ratings.0.score", "valid integer"),
        (None, {"revision": 1, "ratings": "all good"}, "ratings", "Expected a list"),
        (None, {"revision": 1, "colour": "blue"}, "colour", "Unknown field."),
        (None, {"revision": 1, "ratings": [{"dimension": 1, "stars": 3}]}, "ratings.0.stars", "Unknown field."),
        (None, {"revision": 1, "recommendation": "maybe"}, "recommendation", "not a valid choice"),
        (None, {"revision": 1, "ratings": [{"dimension": 1}, {"dimension": 1}]}, "ratings", "only once"),
    ],
)
def test_malformed_bodies_are_400_and_change_nothing(scenario, raw, body, field, message):
    before = db_state()

    response = ApiClient(scenario.interviewer).put(f"scorecards/{scenario.own_scorecard.pk}/draft/", body, raw=raw)

    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == "invalid"
    assert message in payload["message"]
    if field:
        assert field in payload["fields"]
    assert db_state() == before


def test_a_body_that_is_not_json_is_415(scenario):
    client = ApiClient(scenario.interviewer)
    response = client.client.put(
        f"/api/v1/scorecards/{scenario.own_scorecard.pk}/draft/",
        "revision=1",
        content_type="application/x-www-form-urlencoded",
        headers=client._headers(),
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_a_dimension_of_another_rubric_is_422(scenario):
    response = ApiClient(scenario.interviewer).put(
        f"scorecards/{scenario.own_scorecard.pk}/draft/",
        {"revision": 1, "ratings": [{"dimension": 10**12, "score": 3}]},
    )
    assert response.status_code == 422
    assert "not part of this role's rubric" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "loops/{big}/",
        "scorecards/{big}/",
        "interviews/{big}/",
        "loops/{big}/debrief/",
        "loops/{big}/plan/",
        "loops/{big}/decision/",
        "roles/{role}/rubrics/{big}/",
        "roles/astrologer/rubrics/1/",
    ],
)
def test_ids_out_of_range_are_404(scenario, path):
    response = ApiClient(scenario.staff).get(path.format(big=10**30, role=scenario.role_slug))
    assert response.status_code == 404
    assert response.json()["message"] == "No such object, or not one you can see."


@pytest.mark.parametrize("value", ["abc", "-1", "0", str(2**63), "1.5"])
def test_a_bad_id_filter_is_400(scenario, value):
    response = ApiClient(scenario.staff).get("scorecards/", {"loop": value})
    assert response.status_code == 400
    assert "loop" in response.json()["fields"]


def test_an_unknown_method_is_405_json(scenario):
    response = ApiClient(scenario.staff).send("DELETE", f"loops/{scenario.loop.pk}/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_a_body_over_the_upload_limit_is_a_json_413_and_changes_nothing(scenario, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = db_state()
    body = {"revision": 1, "key_takeaways": "x" * 2000}

    response = ApiClient(scenario.interviewer).put(f"scorecards/{scenario.own_scorecard.pk}/draft/", body)

    assert response.status_code == 413
    assert response.json() == {
        "error": "too_large",
        "message": "The request body is larger than 1,000 bytes; nothing was saved.",
        "fields": {},
    }
    assert db_state() == before


def test_asking_for_anything_but_json_is_a_json_406(scenario):
    client = ApiClient(scenario.interviewer)

    response = client.client.get("/api/v1/scorecards/", headers={**client._headers(), "Accept": "text/html"})

    assert response.status_code == 406
    assert response.json()["error"] == "not_acceptable"
