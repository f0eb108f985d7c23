"""/harvest/v1/ read by a Harvest-style client, written from Greenhouse's Harvest API documentation:

- authentication is HTTP Basic with the API key as the user name and a blank password;
- a list endpoint returns a bare JSON array; `per_page` (1–500, default 100) and `page` (from 1) page it, and
  the `Link` header (RFC 5988) holds the `next`, `prev` and `last` page URLs; a client reads pages by
  following `rel="next"` until there is none;
- `created_after`, `created_before`, `updated_after` take ISO 8601 timestamps;
- a scorecard has id, created_at, updated_at, interview, interview_step {id, name}, candidate_id,
  application_id, interviewed_at, submitted_by and interviewer {id, first_name, last_name, name, employee_id},
  submitted_at, overall_recommendation, attributes [{name, type, note, rating}], ratings {definitely_not, no,
  mixed, yes, strong_yes: [names]}, questions [{id, question, answer}];
- a candidate and an application carry the fields listed in CANDIDATE_FIELDS and APPLICATION_FIELDS.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.greenhouse import FIVE_POINTS, harvest_rating, harvest_rating_table
from api.services import token_create
from hiring.models import Decision, Loop, Scorecard
from tests.factories import (
    CandidateFactory,
    DecisionFactory,
    InterviewerFactory,
    InterviewFactory,
    LoopFactory,
    RubricVersionFactory,
    UserFactory,
)
from tests.security.scenario import submit

pytestmark = pytest.mark.django_db

CANDIDATE_FIELDS = {
    "id", "first_name", "last_name", "company", "title", "created_at", "updated_at", "last_activity", "is_private",
    "photo_url", "attachments", "application_ids", "phone_numbers", "addresses", "email_addresses",
    "website_addresses", "social_media_addresses", "recruiter", "coordinator", "can_email", "tags", "applications",
    "educations", "employments", "linked_user_ids", "custom_fields", "keyed_custom_fields",
}  # fmt: skip
APPLICATION_FIELDS = {
    "id", "candidate_id", "prospect", "applied_at", "rejected_at", "last_activity_at", "location", "source",
    "credited_to", "rejection_reason", "rejection_details", "jobs", "job_post_id", "status", "current_stage",
    "answers", "prospective_office", "prospective_department", "prospect_detail", "custom_fields",
    "keyed_custom_fields", "attachments",
}  # fmt: skip
SCORECARD_FIELDS = {
    "id", "created_at", "updated_at", "interview", "interview_step", "candidate_id", "application_id",
    "interviewed_at", "submitted_by", "interviewer", "submitted_at", "overall_recommendation", "attributes",
    "ratings", "questions",
}  # fmt: skip
LINK = re.compile(r'<([^>]+)>;\s*rel="([a-z]+)"')


class HarvestClient:
    """What a Harvest integration does: Basic auth with the key, pages followed through the Link header."""

    def __init__(self, api_key: str) -> None:
        self.client = Client()
        self.authorization = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()
        self.requests = 0

    def get(self, url: str, params: dict[str, Any] | None = None):
        self.requests += 1
        if not url.startswith("http"):
            url = f"/harvest/v1/{url}"
        return self.client.get(url, params or {}, headers={"Authorization": self.authorization})

    @staticmethod
    def links(response) -> dict[str, str]:
        return {rel: url for url, rel in LINK.findall(response.get("Link", ""))}

    def all(self, endpoint: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list endpoint: the first page, then rel="next" until there is none."""
        response = self.get(endpoint, params)
        items: list[dict[str, Any]] = []
        while True:
            assert response.status_code == 200, response.content
            page = response.json()
            assert isinstance(page, list)
            items += page
            following = self.links(response).get("next")
            if following is None:
                return items
            response = self.get(following)


def key_of(user, scope: str = "read") -> str:
    return token_create(owner=user, name="harvest", scope=scope, expires_in_days=30)[1]


def iso(moment: dt.datetime | None) -> str | None:
    """A time as the API writes it (DRF's ISO 8601, in the site's time zone)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat().replace("+00:00", "Z")


@pytest.fixture
def world():
    """A staff reader; a 1–5 loop with two submitted scorecards and a draft; a 0–4 loop with one submitted."""
    staff = UserFactory(is_staff=True, is_superuser=True, first_name="Ada", last_name="Lovelace")
    loop = LoopFactory(candidate=CandidateFactory(name="Zephyrine Quill Feather", email="zq@example.com"))
    cards = [submit(InterviewFactory(loop=loop).scorecard, f"Evidence {n}") for n in range(2)]
    draft = InterviewFactory(loop=loop).scorecard
    zero_based = LoopFactory(rubric=RubricVersionFactory(scale_min=0, scale_max=4, dimensions=2, signals=True))
    cards.append(submit(InterviewFactory(loop=zero_based).scorecard, "Zero-based evidence"))
    return {"staff": staff, "loop": loop, "zero_based": zero_based, "cards": cards, "draft": draft}


# Paging ------------------------------------------------------------------------------------------


def test_a_client_reads_every_submitted_scorecard_by_following_the_link_header(world):
    client = HarvestClient(key_of(world["staff"]))

    read = client.all("scorecards", per_page=2)

    assert [card["id"] for card in read] == sorted(card.pk for card in world["cards"])  # the draft is not there
    assert client.requests == 2  # 3 scorecards, 2 a page


def test_a_page_links_to_the_next_previous_and_last_pages_keeping_the_query(world):
    for _ in range(2):
        submit(InterviewFactory(loop=world["loop"]).scorecard, "More")
    client = HarvestClient(key_of(world["staff"]))

    response = client.get("scorecards", {"per_page": 2, "page": 2, "created_after": "2000-01-01T00:00:00Z"})

    assert response.status_code == 200
    assert len(response.json()) == 2
    links = client.links(response)
    assert set(links) == {"next", "prev", "last"}
    assert {rel: parse_qs(urlparse(url).query)["page"] for rel, url in links.items()} == {
        "next": ["3"],
        "prev": ["1"],
        "last": ["3"],
    }
    assert all(parse_qs(urlparse(url).query)["per_page"] == ["2"] for url in links.values())
    assert all(urlparse(url).path == "/harvest/v1/scorecards" for url in links.values())


def test_the_last_page_has_no_next_and_a_page_past_the_end_is_an_empty_array(world):
    client = HarvestClient(key_of(world["staff"]))

    last = client.get("scorecards", {"per_page": 2, "page": 2})
    past = client.get("scorecards", {"per_page": 2, "page": 9})

    assert len(last.json()) == 1
    assert set(client.links(last)) == {"prev", "last"}
    assert past.status_code == 200
    assert past.json() == []


def test_skip_count_leaves_out_the_last_link(world):
    client = HarvestClient(key_of(world["staff"]))
    response = client.get("scorecards", {"per_page": 1, "skip_count": "true"})
    assert set(client.links(response)) == {"next"}


def test_per_page_defaults_to_100_and_is_at_most_500(world):
    loops = [LoopFactory(rubric=world["loop"].rubric) for _ in range(101)]
    client = HarvestClient(key_of(world["staff"]))

    first = client.get("applications")
    too_many = client.get("applications", {"per_page": 501})

    assert len(first.json()) == 100
    assert "next" in client.links(first)
    assert len(client.all("applications", per_page=500)) == len(loops) + 2
    assert too_many.status_code == 422
    assert too_many.json()["fields"]["per_page"] == ["per_page must be a whole number from 1 to 500; got '501'."]


# Filters -----------------------------------------------------------------------------------------


def _at(card: Scorecard, *, submitted: dt.datetime, updated: dt.datetime) -> None:
    Scorecard.objects.filter(pk=card.pk).update(submitted_at=submitted, updated_at=updated)


def test_scorecards_filter_by_created_and_updated_times(world):
    old, middle, new = world["cards"]
    march, april, may = (dt.datetime(2026, month, 1, tzinfo=dt.UTC) for month in (3, 4, 5))
    _at(old, submitted=march, updated=may)
    _at(middle, submitted=april, updated=april)
    _at(new, submitted=may, updated=may)
    client = HarvestClient(key_of(world["staff"]))

    def ids(**params: str) -> list[int]:
        return [card["id"] for card in client.all("scorecards", **params)]

    assert ids(created_after="2026-04-01T00:00:00Z") == [middle.pk, new.pk]
    assert ids(created_before="2026-04-01T00:00:00Z") == [old.pk]
    assert ids(updated_after="2026-04-15T00:00:00+00:00") == [old.pk, new.pk]
    assert ids(created_after="2026-03-15T00:00:00", created_before="2026-05-01T00:00:00Z") == [middle.pk]
    assert client.get(f"scorecards/{middle.pk}").json()["created_at"] == "2026-04-01T00:00:00Z"


def test_applications_and_candidates_filter_by_creation_time(world):
    Loop.objects.filter(pk=world["loop"].pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    candidate = world["zero_based"].candidate
    type(candidate).objects.filter(pk=world["loop"].candidate_id).update(
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    client = HarvestClient(key_of(world["staff"]))

    applications = client.all("applications", created_before="2026-02-01T00:00:00Z")
    candidates = client.all("candidates", created_after="2026-02-01T00:00:00Z")

    assert [application["id"] for application in applications] == [world["loop"].pk]
    assert [row["id"] for row in candidates] == [candidate.pk]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", ""])
def test_a_timestamp_that_is_not_iso_8601_is_a_422_that_names_the_filter(world, value):
    client = HarvestClient(key_of(world["staff"]))

    response = client.get("scorecards", {"created_after": value})

    assert response.status_code == 422
    assert response.json()["fields"]["created_after"] == [
        f"created_after must be an ISO 8601 timestamp such as 2026-03-01T00:00:00Z; got {value!r}."
    ]


@pytest.mark.parametrize(("params", "field"), [({"job_id": "4"}, "job_id"), ({"page": "0"}, "page")])
def test_a_filter_this_path_cannot_honour_or_a_bad_page_is_refused_not_ignored(world, params, field):
    response = HarvestClient(key_of(world["staff"])).get("scorecards", params)
    assert response.status_code == 422
    assert field in response.json()["fields"]


# Authentication ----------------------------------------------------------------------------------


def test_basic_and_bearer_both_carry_the_token(world):
    raw = key_of(world["staff"])
    bearer = Client().get("/harvest/v1/scorecards", headers={"Authorization": f"Bearer {raw}"})
    basic = HarvestClient(raw).get("scorecards")
    assert bearer.status_code == basic.status_code == 200
    assert bearer.json() == basic.json()


@pytest.mark.parametrize(
    "credentials",
    ["nonsense:", "{key}:a-password", "{key}", "not base64!"],
    ids=["unknown key", "with a password", "without the colon", "not base64"],
)
def test_bad_basic_credentials_are_a_401_that_asks_for_basic(world, credentials):
    raw = key_of(world["staff"])
    text = credentials.format(key=raw)
    encoded = text if text == "not base64!" else base64.b64encode(text.encode()).decode()

    response = Client().get("/harvest/v1/scorecards", headers={"Authorization": f"Basic {encoded}"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="harvest"'


def test_without_credentials_it_is_a_401():
    response = Client().get("/harvest/v1/candidates")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="harvest"'


# Who sees what (hiring.policy, for the token's owner) ----------------------------------------------


def test_an_interviewer_reads_colleagues_scorecards_only_once_their_own_is_submitted(world):
    loop = world["loop"]
    interviewer = InterviewerFactory()
    own = InterviewFactory(loop=loop, interviewer=interviewer).scorecard
    client = HarvestClient(key_of(interviewer))
    colleague = world["cards"][0]

    before = client.all("scorecards")
    hidden = client.get(f"scorecards/{colleague.pk}")
    submit(own, "Mine")
    after = client.all("scorecards")

    assert before == []
    assert hidden.status_code == 403
    assert [card["id"] for card in after] == sorted([world["cards"][0].pk, world["cards"][1].pk, own.pk])
    assert client.get(f"applications/{world['zero_based'].pk}").status_code == 404
    assert [row["id"] for row in client.all("candidates")] == [loop.candidate_id]


def test_someone_off_the_loop_sees_nothing_of_it():
    outsider = InterviewerFactory()
    loop = LoopFactory()
    card = submit(InterviewFactory(loop=loop).scorecard, "Evidence")
    client = HarvestClient(key_of(outsider))

    assert client.all("scorecards") == client.all("applications") == client.all("candidates") == []
    for path in (f"scorecards/{card.pk}", f"applications/{loop.pk}", f"applications/{loop.pk}/scorecards"):
        assert client.get(path).status_code == 404
    assert client.get(f"candidates/{loop.candidate_id}").status_code == 404


# Shapes, field by field --------------------------------------------------------------------------


def _person(user) -> dict[str, Any]:
    return {
        "id": user.pk,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "name": user.get_full_name() or user.username,
        "employee_id": None,
    }


def test_a_scorecard_reads_as_harvests_scorecard_object(world):
    card = Scorecard.objects.select_related("interview__loop__rubric", "interview__exercise").get(
        pk=world["cards"][2].pk
    )
    interview = card.interview
    dimensions = list(interview.loop.rubric.dimensions.order_by("position"))

    body = HarvestClient(key_of(world["staff"])).get(f"scorecards/{card.pk}").json()

    assert set(body) == SCORECARD_FIELDS
    assert body["id"] == card.pk
    assert body["created_at"] == iso(card.submitted_at)
    assert body["updated_at"] == iso(card.updated_at)
    assert body["submitted_at"] == iso(card.submitted_at)
    assert body["interviewed_at"] == iso(interview.scheduled_at)
    assert interview.exercise is not None
    assert body["interview"] == interview.exercise.title
    assert body["interview_step"] == {"id": interview.exercise_id, "name": interview.exercise.title}
    assert body["candidate_id"] == interview.loop.candidate_id
    assert body["application_id"] == interview.loop_id
    assert body["submitted_by"] == body["interviewer"] == _person(interview.interviewer)
    assert body["overall_recommendation"] == "yes"
    # full_input scores every dimension mid-scale: 2 on 0–4, Harvest's "mixed".
    assert body["attributes"] == [
        {"name": d.name, "type": "Dimension", "note": "Zero-based evidence", "rating": "mixed"} for d in dimensions
    ]
    assert body["ratings"] == {point: [d.name for d in dimensions] if point == "mixed" else [] for point in FIVE_POINTS}
    assert body["questions"][0] == {"id": None, "question": "Key Take-Aways", "answer": "Zero-based evidence"}


def test_an_applications_scorecards_are_its_submitted_ones(world):
    client = HarvestClient(key_of(world["staff"]))

    response = client.get(f"applications/{world['loop'].pk}/scorecards")

    assert response.status_code == 200
    assert [card["id"] for card in response.json()] == [world["cards"][0].pk, world["cards"][1].pk]
    assert all(set(card) == SCORECARD_FIELDS for card in response.json())


def test_an_application_reads_as_harvests_application_object(world):
    loop = world["loop"]
    client = HarvestClient(key_of(world["staff"]))

    body = client.get(f"applications/{loop.pk}").json()

    assert set(body) == APPLICATION_FIELDS
    newest_save = max(card.updated_at for card in Scorecard.objects.filter(interview__loop=loop))
    assert body["id"] == loop.pk
    assert body["candidate_id"] == loop.candidate_id
    assert body["prospect"] is False
    assert body["applied_at"] == iso(loop.created_at)
    assert body["last_activity_at"] == iso(newest_save)
    assert body["rejected_at"] is None
    assert body["status"] == "active"
    assert body["jobs"] == [{"id": loop.rubric.role_id, "name": loop.rubric.title}]
    stored = Loop.objects.get(pk=loop.pk)
    stages = ["planned", "in_progress", "complete", "decided"]
    assert body["current_stage"] == {"id": stages.index(stored.status) + 1, "name": stored.get_status_display()}
    assert body["answers"] == body["attachments"] == []
    assert body["custom_fields"] == body["keyed_custom_fields"] == {}


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(Decision.Outcome.HIRE, "hired"), (Decision.Outcome.NO_HIRE, "rejected"), (Decision.Outcome.HOLD, "active")],
)
def test_an_applications_status_follows_its_decision(world, outcome, status):
    decision = DecisionFactory(loop=world["loop"], outcome=outcome)

    body = HarvestClient(key_of(world["staff"])).get(f"applications/{world['loop'].pk}").json()

    assert body["status"] == status
    assert body["rejected_at"] == (iso(decision.at) if status == "rejected" else None)
    assert body["current_stage"] == {"id": 4, "name": "Decided"}
    assert body["last_activity_at"] == iso(decision.at)


def test_a_candidate_reads_as_harvests_candidate_object(world):
    loop = world["loop"]
    second = LoopFactory(candidate=loop.candidate)
    client = HarvestClient(key_of(world["staff"]))

    body = client.get(f"candidates/{loop.candidate_id}").json()

    assert set(body) == CANDIDATE_FIELDS
    assert body["id"] == loop.candidate_id
    assert (body["first_name"], body["last_name"]) == ("Zephyrine", "Quill Feather")
    assert body["created_at"] == body["updated_at"] == iso(loop.candidate.created_at)
    assert body["email_addresses"] == [{"value": "zq@example.com", "type": "personal"}]
    assert body["can_email"] is True
    assert body["application_ids"] == [loop.pk, second.pk]
    assert [application["id"] for application in body["applications"]] == [loop.pk, second.pk]
    assert all(set(application) == APPLICATION_FIELDS for application in body["applications"])
    assert body["recruiter"] == _person(second.recruiter)  # the newest application's
    assert body["is_private"] is False
    assert body["coordinator"] is None
    assert body["phone_numbers"] == body["addresses"] == body["tags"] == []


def test_a_candidate_lists_only_the_applications_the_reader_may_see(world):
    loop = world["loop"]
    LoopFactory(candidate=loop.candidate)  # someone else's loop for the same candidate
    body = HarvestClient(key_of(loop.recruiter)).get(f"candidates/{loop.candidate_id}").json()
    assert body["application_ids"] == [loop.pk]


# The one mapping of a scale to Harvest's five ratings ------------------------------------------------


@pytest.mark.parametrize("levels", range(2, 12))
def test_every_scale_length_maps_bottom_and_top_to_the_ends_in_order_and_symmetrically(levels):
    table = harvest_rating_table(scale_min=1, scale_max=levels)
    points = [FIVE_POINTS.index(rating) for rating in table.values()]

    assert table[1] == "definitely_not"
    assert table[levels] == "strong_yes"
    assert points == sorted(points)
    assert [4 - point for point in reversed(points)] == points
    assert harvest_rating_table(scale_min=0, scale_max=levels - 1) == {k - 1: v for k, v in table.items()}


def test_the_documented_tables_of_the_usual_scales():
    assert list(harvest_rating_table(scale_min=1, scale_max=5).values()) == list(FIVE_POINTS)
    assert list(harvest_rating_table(scale_min=0, scale_max=4).values()) == list(FIVE_POINTS)
    assert list(harvest_rating_table(scale_min=1, scale_max=3).values()) == ["definitely_not", "mixed", "strong_yes"]
    # An even scale is a forced choice: 2 and 3 of 1–4 are nearer no and yes than the middle.
    assert list(harvest_rating_table(scale_min=1, scale_max=4).values()) == [
        "definitely_not",
        "no",
        "yes",
        "strong_yes",
    ]
    # 2, 4, 6 and 8 of 1–9 are exactly halfway between two points: each goes toward the middle, never "to even".
    assert list(harvest_rating_table(scale_min=1, scale_max=9).values()) == [
        "definitely_not",
        "no",
        "no",
        "mixed",
        "mixed",
        "mixed",
        "yes",
        "yes",
        "strong_yes",
    ]
    assert harvest_rating(None, scale_min=1, scale_max=5) == "no_decision"


def test_the_table_in_the_docs_is_the_mapping():
    """docs/API.md lists every scale length's levels under each rating: it must say what the code does."""
    text = (settings.BASE_DIR / "docs" / "API.md").read_text()
    rows = re.findall(r"^\| (\d+) \(1–\d+\) \| (.+) \|$", text, flags=re.MULTILINE)
    documented = {
        int(levels): {
            int(level): point
            for point, cell in zip(FIVE_POINTS, cells.split(" | "), strict=True)
            for level in cell.split(", ")
            if cell != "–"
        }
        for levels, cells in rows
    }
    assert documented == {levels: harvest_rating_table(scale_min=1, scale_max=levels) for levels in range(2, 12)}


def test_an_applications_scorecards_take_no_paging_or_filters(world):
    response = HarvestClient(key_of(world["staff"])).get(f"applications/{world['loop'].pk}/scorecards", {"page": 2})
    assert response.status_code == 422
    assert response.json()["fields"] == {"page": ["Not a parameter of this endpoint (it takes none)."]}


@pytest.mark.parametrize("endpoint", ["scorecards", "applications", "candidates"])
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(world, endpoint, django_assert_max_num_queries):
    client = HarvestClient(key_of(world["staff"]))
    client.get(endpoint, {"per_page": 1})  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(endpoint, {"per_page": 1}).json()) == 1
    for _ in range(4):
        submit(InterviewFactory(loop=LoopFactory(rubric=world["loop"].rubric)).scorecard, "More")

    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(endpoint, {"per_page": 6}).json()) == 6
