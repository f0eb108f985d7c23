"""The kit of roles imported from rubrics of other shapes: bands shown once over their levels, a level without an
anchor by its label only, each dimension's questions and look-fors under it, optional dimensions marked, the
scale's own definitions (merged where a band shares one), and the role's questions under no dimension."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape

from roles.importing.building import fixture_import
from roles.importing.reading import document_file_read
from roles.services import roles_load

BLUEPRINTS = Path(__file__).parent / "blueprints"

pytestmark = pytest.mark.django_db


def _kit(name: str, tmp_path: Path, client) -> str:
    path = tmp_path / "imported.json"
    path.write_text(json.dumps(fixture_import(document_file_read(BLUEPRINTS / name))), encoding="utf-8")
    [outcome] = roles_load(paths=[path])
    return client.get(reverse("roles:kit", args=[outcome.role])).content.decode()


def _block(html: str, slug: str) -> str:
    start = html.index(f'id="dimension-{slug}"')
    return html[start : html.find('class="kit-block mb-3"', start + 1)]


def test_a_band_is_one_cell_over_its_levels_and_a_level_without_an_anchor_shows_its_label_only(
    tmp_path, interviewer, login
):
    html = _kit("backend-engineer-levels-as-rows.md", tmp_path, login(interviewer))
    debugging = _block(html, "debugging")
    band = escape("Finds the root cause from logs and metrics, then prevents the class of bug")
    assert f'<td rowspan="2">{band} <span class="small text-body-secondary">(levels 4–5)</span></td>' in debugging
    assert debugging.count(band) == 1
    testing = _block(html, "testing")
    assert testing.count("</td>\n            <td></td>") == 2  # levels 4 and 2: the label, and nothing made up


def test_questions_and_look_fors_sit_under_their_dimension_and_the_scale_shows_its_definitions(
    tmp_path, interviewer, login
):
    html = _kit("data-analyst-scale-table.md", tmp_path, login(interviewer))
    sql = _block(html, "sql-and-data-modelling")
    assert "<li>How would you find patients who missed two appointments in a row?</li>" in sql
    assert "<li>Checks row counts before and after every join.</li>" in sql
    assert "Tell me about a chart you redrew" not in sql
    assert '<span class="badge text-bg-light border">4</span> Expert</dt><dd>Strong evidence; teaches it' in html
    assert 'id="signals-heading"' not in html  # no signal of the role's own: no empty section


def test_an_optional_dimension_is_marked_and_a_banded_scale_is_shown_once_per_band(tmp_path, interviewer, login):
    html = _kit("product-designer-banded-1-to-10.html", tmp_path, login(interviewer))
    assert 'Visual craft <span class="badge text-bg-secondary">Optional</span>' in html
    assert '<span class="badge text-bg-light border">9–10</span> Outstanding</dt>' in html
    assert html.count("Exceeds the bar in every respect") == 1
    assert 'id="exercises-heading"' not in html  # no exercises: no empty section


def test_the_roles_own_questions_are_listed_under_no_dimension(tmp_path, interviewer, login):
    html = _kit("support-lead-strong-hire-columns.txt", tmp_path, login(interviewer))
    start = html.index('id="questions-heading"')
    assert "<li>Tell me about the last policy you changed.</li>" in html[start:]
