"""The role list and the printable interview kit, as a logged-in interviewer sees them."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from roles.models import SIGNAL_KINDS_RED_FLAGS_FIRST, RubricVersion, SignalKind
from roles.selectors import red_flags_first, rubric_get, signal_groups
from roles.services import roles_load, rubric_lock
from tests.factories import (
    AssessmentAreaFactory,
    DimensionFactory,
    ExerciseFactory,
    RubricVersionFactory,
    SignalFactory,
    UserFactory,
)
from tests.roles.helpers import REAL_SLUGS, dimension_named, real_document, real_path, write_document

pytestmark = pytest.mark.django_db

DERIVED_BADGE = '<span class="badge text-bg-warning">derived</span>'
LABEL_ONLY = "</td>\n            <td></td>"  # a level with no written anchor: its label, and nothing made up


def _kit_url(slug: str) -> str:
    return reverse("roles:kit", args=[slug])


@pytest.fixture
def signed_in(db, login):
    """A client signed in as an interviewer.

    Built with UserFactory(groups=...) rather than the shared `interviewer` fixture: InterviewerFactory's
    `groups = ("Interviewers",)` replaces UserFactory's post-generation hook with a plain value, so
    InterviewerFactory() raises TypeError (see the report; tests/factories.py is outside this suite).
    """
    return login(UserFactory(groups=("Interviewers",)))


def _page(signed_in, url: str, **params) -> str:
    response = signed_in.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _dimension_block(html: str, slug: str) -> str:
    """The part of the kit showing one dimension: its name, description and anchor table."""
    start = html.index(f'id="dimension-{slug}"')
    return html[start : html.index("</table>", start)]


def _score_rows(block: str) -> list[int]:
    return [int(value) for value in re.findall(r'<th scope="row" class="text-center">(-?\d+)</th>', block)]


def _signal_group(html: str, kind: str) -> str:
    start = html.index(f'class="h6 signal-{kind}"')
    return html[start : html.index("</ul>", start)]


# --- access -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/roles/", "/roles/principal-ml-scientist/"])
def test_anonymous_visitor_is_sent_to_login(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# --- the role list ----------------------------------------------------------------------------------


def test_role_list_shows_every_loaded_role_with_a_link_to_its_kit(signed_in, role_fixtures):
    html = _page(signed_in, "/roles/")

    assert html.count("<tr>") == 1 + len(REAL_SLUGS)  # the header row and one row per role
    scales = []
    for slug in REAL_SLUGS:
        document = real_document(slug)
        assert f'<a href="{_kit_url(slug)}">{escape(document["role"]["title"])}</a>' in html
        scales.append(f"<td>{document['rubric']['scale']['min']}–{document['rubric']['scale']['max']}</td>")
    for scale in set(scales):
        assert html.count(scale) == scales.count(scale)
    assert "No roles loaded yet" not in html


def test_role_list_shows_only_the_newest_version_of_a_role(signed_in, tmp_path):
    roles_load(paths=[real_path("principal-ml-scientist")])
    document = real_document("principal-ml-scientist")
    document["rubric"]["version"] = 2
    document["rubric"]["signals"].pop()
    roles_load(paths=[write_document(tmp_path, document)])

    html = _page(signed_in, "/roles/")

    assert html.count("<tr>") == 1 + 1
    assert "<td>v2</td>" in html
    assert "<td>v1</td>" not in html
    assert "<td>15</td>" in html  # the signals of version 2


def test_empty_role_list_says_how_to_load_roles(signed_in):
    html = _page(signed_in, "/roles/")
    assert "No roles loaded yet" in html
    assert "manage.py load_roles" in html


# --- the kit of a 1–5 role with verbatim anchors ------------------------------------------------------


@pytest.fixture
def principal_kit(signed_in) -> str:
    roles_load(paths=[real_path("principal-ml-scientist")])
    return _page(signed_in, _kit_url("principal-ml-scientist"))


def test_kit_shows_every_anchor_under_its_own_dimension_and_level(principal_kit):
    rubric = real_document("principal-ml-scientist")["rubric"]
    labels = rubric["scale"]["labels"]
    for dimension in rubric["dimensions"]:
        block = _dimension_block(principal_kit, dimension["slug"])
        assert escape(dimension["name"]) in block
        assert escape(dimension["description"]) in block
        assert _score_rows(block) == [5, 4, 3, 2, 1]
        for anchor in dimension["anchors"]:
            row = block[block.index(f'<th scope="row" class="text-center">{anchor["level"]}</th>') :]
            row = row[: row.index("</tr>")]
            assert escape(labels[str(anchor["level"])]) in row
            assert escape(anchor["text"]) in row
        assert block.count(LABEL_ONLY) == 2  # levels 2 and 4 have no anchor of their own
        assert DERIVED_BADGE not in block


def test_kit_shows_every_exercise_with_its_brief_what_to_ask_for_and_dimensions(principal_kit):
    rubric = real_document("principal-ml-scientist")["rubric"]
    names = {d["slug"]: d["name"] for d in rubric["dimensions"]}
    for exercise in rubric["exercises"]:
        start = principal_kit.index(f'id="exercise-{exercise["slug"]}"')
        card = principal_kit[start : principal_kit.index("Mainly assesses", start) + 2000]
        assert escape(exercise["title"]) in card
        assert escape(exercise["brief"]) in card
        assert escape(exercise["duration"]) in card
        for item in exercise["ask_for"]:
            assert f"<li>{escape(item)}</li>" in card
        for slug in exercise["dimensions"]:
            assert f'<a href="#dimension-{slug}">{escape(names[slug])}</a>' in card


def test_kit_shows_every_signal_under_its_kind(principal_kit):
    signals = real_document("principal-ml-scientist")["rubric"]["signals"]
    assert {s["kind"] for s in signals} == {"strong", "weak", "red_flag"}
    for kind, title in (("strong", "Strong signals"), ("weak", "Weak signals"), ("red_flag", "Red flags")):
        group = _signal_group(principal_kit, kind)
        assert title in group
        shown = re.findall(r"<li>(.*?)</li>", group)
        assert shown == [escape(s["text"]) for s in signals if s["kind"] == kind]


def test_kit_shows_the_scale_its_labels_rationale_and_what_to_assess(principal_kit):
    document = real_document("principal-ml-scientist")
    scale = document["rubric"]["scale"]
    for value, label in scale["labels"].items():
        assert f'<span class="badge text-bg-light border">{value}</span> {escape(label)}' in principal_kit
    assert escape(scale["rationale"]) not in principal_kit  # provenance, for staff (below)
    assert "scale 1–5" in principal_kit
    assert escape(document["role"]["title"]) in principal_kit
    assert escape(document["role"]["purpose"]) in principal_kit
    for area in document["rubric"]["areas"]:
        assert f"<strong>{escape(area['name'])}</strong>" in principal_kit
        for question in area["questions"]:
            assert f"<li>{escape(question)}</li>" in principal_kit


# --- the kit of a 0–4 role and of a role with derived anchors -------------------------------------------


@pytest.fixture
def staff(db, login):
    return login(UserFactory(is_staff=True))


def test_kit_of_a_0_to_4_role_shows_levels_0_to_4_and_marks_derived_anchors(staff):
    roles_load(paths=[real_path("principal-research-scientist")])
    html = _page(staff, _kit_url("principal-research-scientist"), provenance="1")

    rubric = real_document("principal-research-scientist")["rubric"]
    assert "scale 0–4" in html
    assert '<span class="badge text-bg-light border">0</span> No evidence' in html
    for dimension in rubric["dimensions"]:
        block = _dimension_block(html, dimension["slug"])
        assert _score_rows(block) == [4, 3, 2, 1, 0]
        for anchor in dimension["anchors"]:
            assert anchor["source"] == "derived"
            assert f"{escape(anchor['text'])} {DERIVED_BADGE}" in block
        assert block.count(DERIVED_BADGE) == 3
        assert block.count(LABEL_ONLY) == 2  # levels 1 and 3


def test_kit_marks_only_the_derived_anchors_of_a_mixed_role(staff):
    roles_load(paths=[real_path("senior-ml-scientist")])
    html = _page(staff, _kit_url("senior-ml-scientist"), provenance="1")

    for dimension in real_document("senior-ml-scientist")["rubric"]["dimensions"]:
        block = _dimension_block(html, dimension["slug"])
        for anchor in dimension["anchors"]:
            marked = f"{escape(anchor['text'])} {DERIVED_BADGE}" in block
            assert marked == (anchor["source"] == "derived"), anchor
            assert escape(anchor["text"]) in block
        assert block.count(DERIVED_BADGE) == 1


# --- the interview guide for interviewers, provenance one click away for staff --------------------------------


def test_an_interviewer_sees_the_guide_without_provenance_even_when_asking_for_it(signed_in):
    roles_load(paths=[real_path("principal-research-scientist")])
    document = real_document("principal-research-scientist")

    html = _page(signed_in, _kit_url("principal-research-scientist"), provenance="1")

    assert DERIVED_BADGE not in html
    assert escape(document["rubric"]["scale"]["rationale"]) not in html
    assert "from blueprint" not in html
    assert "Show where this kit comes from" not in html
    anchor = document["rubric"]["dimensions"][0]["anchors"][0]["text"]
    assert escape(anchor) in html  # the anchors themselves are the guide


def test_staff_reach_the_provenance_in_one_click(staff):
    roles_load(paths=[real_path("principal-research-scientist")])
    document = real_document("principal-research-scientist")

    plain = _page(staff, _kit_url("principal-research-scientist"), version="1")
    assert DERIVED_BADGE not in plain
    found = re.search(r'<a href="([^"]+)">Show where this kit comes from</a>', plain)
    assert found is not None
    link = found.group(1)
    shown = _page(staff, _kit_url("principal-research-scientist") + html_unescape(link))

    assert DERIVED_BADGE in shown
    assert escape(document["rubric"]["scale"]["rationale"]) in shown
    assert "from blueprint <code>" in shown


def test_the_kit_of_one_exercise_shows_it_and_the_dimensions_it_assesses_only(signed_in):
    roles_load(paths=[real_path("principal-ml-scientist")])
    rubric = real_document("principal-ml-scientist")["rubric"]
    exercise, other = rubric["exercises"][0], rubric["exercises"][1]

    html = _page(signed_in, _kit_url("principal-ml-scientist"), version="1", exercise=exercise["slug"])

    assert f'id="exercise-{exercise["slug"]}"' in html
    assert f'id="exercise-{other["slug"]}"' not in html
    shown = set(re.findall(r'class="kit-block mb-3" id="dimension-([\w-]+)"', html))
    assert shown == set(exercise["dimensions"])
    assert signed_in.get(_kit_url("principal-ml-scientist"), {"exercise": "no-such-exercise"}).status_code == 404


# --- versions -----------------------------------------------------------------------------------------


def test_kit_shows_the_newest_version_and_the_older_one_on_request(signed_in, tmp_path):
    roles_load(paths=[real_path("principal-ml-scientist")])
    rubric_lock(rubric=RubricVersion.objects.get(role__slug="principal-ml-scientist", number=1))
    document = real_document("principal-ml-scientist")
    document["rubric"]["version"] = 2
    dimension_named(document, "Modeling depth")["anchors"][0]["text"] = "Rewritten anchor for version two"
    roles_load(paths=[write_document(tmp_path, document)])
    url = _kit_url("principal-ml-scientist")

    newest = _page(signed_in, url)
    older = _page(signed_in, url, version="1")

    assert "Rubric version 2 ·" in newest
    assert "Rewritten anchor for version two" in newest
    assert '<a href="?version=1">v1</a>' in newest
    assert "Rubric version 1 (in use, frozen)" in older
    assert "Rewritten anchor for version two" not in older
    assert escape("Selects best-fit approach; explains tradeoffs; strong fundamentals") in older
    assert '<a href="?version=2">v2</a>' in older


def test_a_new_title_shows_on_the_list_and_newest_kit_while_the_older_kit_keeps_its_own_words(signed_in, tmp_path):
    roles_load(paths=[real_path("principal-ml-scientist")])
    rubric_lock(rubric=RubricVersion.objects.get(role__slug="principal-ml-scientist", number=1))
    original = real_document("principal-ml-scientist")["role"]
    document = real_document("principal-ml-scientist")
    document["rubric"]["version"] = 2
    document["role"].update(title="Principal Applied Scientist", level="Principal II", purpose="Own the model roadmap.")
    roles_load(paths=[write_document(tmp_path, document)], retitle=True)
    url = _kit_url("principal-ml-scientist")

    listing = _page(signed_in, "/roles/")
    newest = _page(signed_in, url)
    older = _page(signed_in, url, version="1")

    assert f'<a href="{url}">Principal Applied Scientist</a>' in listing
    assert "<td>Principal II</td>" in listing
    assert escape(original["title"]) not in listing
    assert '<h1 class="h2">Principal Applied Scientist</h1>' in newest
    assert "Interview kit · Principal II" in newest
    assert "Own the model roadmap." in newest
    assert f'<h1 class="h2">{escape(original["title"])}</h1>' in older
    assert f"<title>{escape(original['title'])} – interview kit" in older
    assert f"Interview kit · {escape(original['level'])}" in older
    assert escape(original["purpose"]) in older
    assert "Principal Applied Scientist" not in older
    assert "Own the model roadmap." not in older


def test_kit_of_a_role_with_one_version_offers_no_version_links(principal_kit):
    assert "?version=" not in principal_kit
    assert "Rubric version 1 ·" in principal_kit


def test_asking_for_version_1_shows_version_1(signed_in):
    roles_load(paths=[real_path("principal-ml-scientist")])
    html = _page(signed_in, _kit_url("principal-ml-scientist"), version="1")
    assert "Rubric version 1" in html


@pytest.mark.parametrize("version", ["99", "0", "abc", "", "-1", "1.0", " 1", "99999999999999999999"])
def test_asking_for_a_version_that_does_not_exist_is_not_found(signed_in, version):
    roles_load(paths=[real_path("principal-ml-scientist")])
    response = signed_in.get(_kit_url("principal-ml-scientist"), {"version": version})
    assert response.status_code == 404


def test_asking_for_a_superscript_version_is_not_found(signed_in):
    RubricVersionFactory(role__slug="data-scientist")
    response = signed_in.get(_kit_url("data-scientist"), {"version": "²"})
    assert response.status_code == 404


def test_unknown_role_is_not_found(signed_in):
    RubricVersionFactory(role__slug="data-scientist")
    assert signed_in.get(_kit_url("data-scientist")).status_code == 200
    assert signed_in.get(_kit_url("astrologer")).status_code == 404
    assert signed_in.get(_kit_url("astrologer"), {"version": "1"}).status_code == 404


# --- queries and escaping -------------------------------------------------------------------------------


def _kit_queries(signed_in, slug: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(_kit_url(slug))
    assert response.status_code == 200
    return len(queries)


def test_kit_issues_the_same_number_of_queries_for_a_small_and_a_large_rubric(signed_in):
    small = RubricVersionFactory(role__slug="small", dimensions=1, signals=True)
    ExerciseFactory(rubric=small, dimensions=list(small.dimensions.all()))
    AssessmentAreaFactory(rubric=small)

    older = RubricVersionFactory(role__slug="large", number=1, dimensions=1)  # an older version, to be listed
    large = RubricVersionFactory(role=older.role, number=2, scale_min=0, scale_max=10, dimensions=12)
    dimensions = list(large.dimensions.all())
    for i in range(6):
        ExerciseFactory(rubric=large, dimensions=dimensions[i : i + 4])
        AssessmentAreaFactory(rubric=large)
    for kind in ("strong", "weak", "red_flag") * 5:
        SignalFactory(rubric=large, kind=kind)

    signed_in.get("/roles/")  # warm the session up
    small_queries = _kit_queries(signed_in, "small")
    large_queries = _kit_queries(signed_in, "large")

    assert large_queries == small_queries
    html = _page(signed_in, _kit_url("large"))
    assert all(f'id="dimension-{d.slug}"' in html for d in dimensions)
    assert html.count('<th scope="row" class="text-center">') == 12 * 11


def test_role_list_issues_the_same_number_of_queries_for_one_role_and_many(signed_in):
    RubricVersionFactory(dimensions=1)
    signed_in.get("/roles/")
    with CaptureQueriesContext(connection) as one:
        signed_in.get("/roles/")
    for _ in range(6):
        rubric = RubricVersionFactory(dimensions=3, signals=True)
        RubricVersionFactory(role=rubric.role, number=2, dimensions=2)
    with CaptureQueriesContext(connection) as many:
        html = _page(signed_in, "/roles/")
    assert len(many) == len(one)
    assert html.count("<tr>") == 1 + 7


def test_html_in_role_and_rubric_text_is_shown_as_text_not_run(signed_in):
    rubric = RubricVersionFactory(
        role__slug="xss", title="<script>alert(1)</script>", purpose="<b>bold</b> claims", signals=True
    )
    DimensionFactory(rubric=rubric, name='<img src=x onerror="alert(2)">', anchors=False).anchors.create(
        level=3, text="<iframe src=evil>", source="derived"
    )

    for html in (_page(signed_in, _kit_url("xss")), _page(signed_in, "/roles/")):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    kit = _page(signed_in, _kit_url("xss"))
    assert "<b>bold</b>" not in kit
    assert "&lt;b&gt;bold&lt;/b&gt; claims" in kit
    assert "<img src=x" not in kit
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in kit
    assert "<iframe" not in kit
    assert "&lt;iframe src=evil&gt;" in kit


def test_the_kit_lists_signals_in_the_blueprints_order_and_candidate_pages_red_flags_first():
    rubric = rubric_get(role_slug=RubricVersionFactory(signals=True).role.slug)

    groups = signal_groups(rubric=rubric)

    assert [g.kind for g in groups] == ["strong", "weak", "red_flag"]
    assert [(g.kind, g.title) for g in red_flags_first(groups)] == [
        ("red_flag", "Red flags"),
        ("strong", "Strong signals"),
        ("weak", "Weak signals"),
    ]
    assert sorted(SIGNAL_KINDS_RED_FLAGS_FIRST) == sorted(SignalKind.values)
