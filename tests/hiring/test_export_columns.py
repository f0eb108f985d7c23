"""One definition per export column: the CSV header, the JSON file, the API's rows and the API's schema list
the same columns, for the loop summary (with and without a role's dimension columns) and the ratings.

Each surface is read as a user or a client would (the downloads, the API with a token, the OpenAPI document);
a JSON key is translated to its CSV column through the declared columns, and a key with no column fails.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiring.export_columns import RATING_COLUMNS, Column, summary_columns
from hiring.models import Scorecard
from hiring.selectors.pipeline import dimension_columns
from hiring.services.decisions import loop_decide
from hiring.services.scorecards import RatingInput, ScorecardInput, scorecard_amend
from tests import factories
from tests.api import ApiClient
from tests.security.scenario import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two loops of one role (three dimensions): one decided, then amended (changed since decided); one not."""
    recruiter = factories.RecruiterFactory()
    decided = factories.LoopFactory(recruiter=recruiter)
    rubric = decided.rubric
    open_loop = factories.LoopFactory(recruiter=recruiter, rubric=rubric)
    card = submit(factories.InterviewFactory(loop=decided).scorecard, "Traced the outage to a stale key.")
    submit(factories.InterviewFactory(loop=open_loop).scorecard, '=HYPERLINK("x")')
    factories.InterviewFactory(loop=open_loop)  # a draft: no ratings in any export
    loop_decide(
        loop=decided,
        by=decided.hiring_manager,
        outcome="hire",
        rationale="Clear signal.",
        override_reason="The rule says no hire; the panel saw more.",
    )
    card = Scorecard.objects.get(pk=card.pk)
    dimensions = list(rubric.dimensions.order_by("position"))
    scorecard_amend(
        scorecard=card,
        by=card.interview.interviewer,
        revision=card.revision,
        data=ScorecardInput(
            ratings={d.pk: RatingInput(score=rubric.scale_min, evidence="Re-read my notes.") for d in dimensions},
            recommendation="no",
        ),
        reason="Re-read my notes.",
    )
    return recruiter, decided, open_loop


def _download(user, **params: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("loop_export"), params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response.getvalue().decode("utf-8-sig")


def _csv_header(user, **params: str) -> list[str]:
    return next(csv.reader(io.StringIO(_download(user, format="csv", **params))))


def _columns_of(document: dict[str, Any], columns: list[Column]) -> list[str]:
    """The CSV column of each key of a JSON row (a group's keys one by one); a key no column declares fails."""
    by_key = {(column.group, column.json_key): column.name for column in columns}
    names = []
    for key, value in document.items():
        for path in [(key, inner) for inner in value] if isinstance(value, dict) else [("", key)]:
            assert path in by_key, f"{path} is in the JSON but no export column declares it"
            names.append(by_key[path])
    return names


def _schema_columns(schema: dict[str, Any], component: str, columns: list[Column]) -> set[str]:
    """The CSV columns the schema's row lists: its properties, a nested object's properties, and an open object
    (keys from the data) standing for every column of its group."""
    components = schema["components"]["schemas"]
    names = set()
    for key, spec in components[component]["properties"].items():
        ref = (spec.get("allOf") or [spec])[0].get("$ref")
        if ref:
            inner = components[ref.rsplit("/", 1)[1]]["properties"]
            names |= set(_columns_of({key: dict.fromkeys(inner)}, columns))
        elif spec.get("type") == "object":
            assert "additionalProperties" in spec
            names |= {column.name for column in columns if column.group == key}
        else:
            names |= set(_columns_of({key: None}, columns))
    return names


def _schema(user) -> dict[str, Any]:
    response = ApiClient(user).get("schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("with_role", [True, False], ids=["a role's dimension columns", "no role"])
def test_the_loop_summary_lists_the_same_columns_in_the_csv_the_json_file_the_api_and_its_schema(world, with_role):
    recruiter, decided, _ = world
    role = decided.rubric.role.slug
    params = {"role": role} if with_role else {}
    columns = summary_columns(dimension_columns(role) if with_role else [])

    header = _csv_header(recruiter, kind="summary", **params)
    documents = json.loads(_download(recruiter, kind="summary", format="json", **params))["loops"]
    rows = ApiClient(recruiter).get("exports/loop-summary/", params).json()["results"]
    schema = _schema_columns(_schema(recruiter), "LoopSummaryRow", columns)

    slugs = list(decided.rubric.dimensions.order_by("position").values_list("slug", flat=True))
    dimension_headers = [f"normalised_{slug}" for slug in slugs]
    assert (set(dimension_headers) <= set(header)) is with_role
    assert "decision_changed_since_decided" in header
    assert len(documents) == len(rows) == 2
    for document in documents:
        assert set(document.pop("scorecards")[0]) >= {"ratings", "signals"}
        assert _columns_of(document, columns) == header
    for row in rows:
        assert _columns_of(row, columns) == header
        assert list(row["normalised_dimensions"]) == (slugs if with_role else [])
    assert schema == set(header)


def test_the_json_surfaces_carry_the_same_values_as_the_csv(world):
    recruiter, decided, open_loop = world
    role = decided.rubric.role.slug
    csv_rows = {
        int(row["loop_id"]): row
        for row in csv.DictReader(io.StringIO(_download(recruiter, kind="summary", format="csv", role=role)))
    }
    documents = json.loads(_download(recruiter, kind="summary", format="json", role=role))["loops"]
    rows = ApiClient(recruiter).get("exports/loop-summary/", {"role": role}).json()["results"]

    for document in [*documents, *rows]:
        loop = csv_rows[document["loop"]]
        assert {"yes": True, "no": False, "": None}[loop["decision_changed_since_decided"]] == (
            document["decision_changed_since_decided"]
        )
        assert f"{document['normalised_mean']:.3f}" == loop["normalised_mean"]
        for slug, mean in document["normalised_dimensions"].items():
            assert f"{mean:.3f}" == loop[f"normalised_{slug}"]
        assert document["signals"]["red_flag"] == int(loop["red_flags"])
        assert document["recommendations"]["no"] == int(loop["rec_no"])
        assert document["decision"] == loop["decision"]
    assert csv_rows[decided.pk]["decision_changed_since_decided"] == "yes"
    assert csv_rows[open_loop.pk]["decision_changed_since_decided"] == ""


def test_the_ratings_list_the_same_columns_in_the_csv_the_api_its_schema_and_the_json_files_scorecards(world):
    recruiter, _, _ = world

    header = _csv_header(recruiter, kind="ratings")
    rows = ApiClient(recruiter).get("exports/ratings/").json()["results"]
    schema = _schema_columns(_schema(recruiter), "RatingRow", RATING_COLUMNS)
    documents = json.loads(_download(recruiter, kind="summary", format="json"))["loops"]
    nested = [
        rating for document in documents for card in document["scorecards"] for rating in card["ratings"]
    ]  # fmt: skip

    assert rows
    assert len(nested) == len(rows)
    for row in rows:
        assert _columns_of(row, RATING_COLUMNS) == header
    assert schema == set(header)
    own = [column.name for column in RATING_COLUMNS if column.level == "rating"]
    assert {"dimension", "score", "normalised", "evidence"} <= set(own)
    for rating in nested:
        assert _columns_of(rating, RATING_COLUMNS) == own


def test_every_export_reads_as_many_queries_for_six_loops_as_for_two(world):
    recruiter, decided, _ = world
    kinds = [("summary", "csv"), ("ratings", "csv"), ("summary", "json")]

    def queries() -> dict[tuple[str, str], int]:
        counts = {}
        for kind, fmt in kinds:
            with CaptureQueriesContext(connection) as captured:
                _download(recruiter, kind=kind, format=fmt, role=decided.rubric.role.slug)
            counts[kind, fmt] = len(captured)
        return counts

    two = queries()
    for n in range(4):
        more = factories.LoopFactory(recruiter=recruiter, rubric=decided.rubric)
        submit(factories.InterviewFactory(loop=more).scorecard, f"Evidence {n}.")
    six = queries()

    assert six == two
