"""The editor's preview shows the draft's scorecard as an interviewer fills it in: the same fields as the scorecard
page (hiring's partials), drawn from the draft alone, inert."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from roles.drafts import draft_create, draft_publish, draft_save
from roles.models import RoleDraft, RubricVersion
from roles.selectors import kit_get, scorecard_preview
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LABELS = {
    str(value): label for value, label in enumerate(["Poor"] * 2 + ["Fair"] * 3 + ["Good"] * 3 + ["Outstanding"] * 2, 1)
}


def _document() -> dict[str, Any]:
    """A 1–10 role: one band (9–10) written, level 5 written, the other levels with their labels only."""
    return {
        "format": "role-blueprint/1",
        "role": {"slug": "", "title": "Product Designer"},
        "rubric": {
            "version": 1,
            "scale": {"min": 1, "max": 10, "labels": LABELS},
            "dimensions": [
                {
                    "slug": "craft",
                    "name": "Visual craft",
                    "anchors": [
                        {
                            "level": 9,
                            "level_max": 10,
                            "text": "Sets the bar for the team's interfaces",
                            "source": "verbatim",
                        },
                        {"level": 5, "text": "Clean layouts with some inconsistencies", "source": "verbatim"},
                    ],
                    "questions": ["Walk me through a screen you redesigned twice."],
                }
            ],
            "signals": [
                {"kind": "strong", "text": "Explains trade-offs unprompted", "dimension": "craft"},
                {"kind": "red_flag", "text": "Dismisses accessibility", "dimension": None},
            ],
        },
    }


@pytest.fixture
def editor():
    return UserFactory(username="ada", groups=["Role editors"])


@pytest.fixture
def draft(editor) -> RoleDraft:
    created = draft_create(by=editor)
    return draft_save(draft=created, by=editor, revision=created.revision, document=_document())


def _preview(login, editor, draft: RoleDraft) -> str:
    response = login(editor).get(reverse("roles:draft_preview", args=[draft.pk]))
    assert response.status_code == 200
    page: str = response.content.decode()
    start = page.index('id="scorecard-preview"')
    return page[start:]


def _anchor_of(section: str, level: str) -> str:
    match = re.search(rf'value="{level}" id="id_scorecard-craft-score_{level}" data-anchor="([^"]*)"', section)
    assert match is not None, f"no level {level} on the scorecard preview"
    return match.group(1)


def test_the_preview_shows_each_level_with_the_anchor_an_interviewer_sees_when_scoring(login, editor, draft) -> None:
    section = _preview(login, editor, draft)

    assert "Scorecard preview" in section
    # a band's text on each of its levels; a written level; a label alone where nothing is written
    assert _anchor_of(section, "9") == "Outstanding — Sets the bar for the team&#x27;s interfaces"
    assert _anchor_of(section, "10") == "Outstanding — Sets the bar for the team&#x27;s interfaces"
    assert _anchor_of(section, "5") == "Fair — Clean layouts with some inconsistencies"
    assert _anchor_of(section, "1") == "Poor"
    assert _anchor_of(section, "na") == "Not assessed — Does not count as a low score."
    # ten levels and "not assessed", lowest first as on the scorecard
    values = re.findall(r'name="scorecard-craft-score" value="(\w+)"', section)
    assert values == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "na"]
    assert "Evidence is required at 1 or 10." in section


def test_the_preview_lists_questions_and_band_anchors_beside_the_scorecard_and_its_signals(
    login, editor, draft
) -> None:
    section = _preview(login, editor, draft)

    assert "Walk me through a screen you redesigned twice." in section
    assert "<dt>9–10 · Outstanding</dt>" in section
    assert "<dt>5 · Fair</dt>" in section
    assert section.index("Red flags") < section.index("Strong signals")  # red flags first, as on the scorecard
    assert "Dismisses accessibility" in section
    assert "What you saw (required for a red flag)" in section
    assert "Explains trade-offs unprompted" in section


def test_the_scorecard_preview_is_inert_and_publishes_nothing(login, editor, draft) -> None:
    section = _preview(login, editor, draft)

    assert '<fieldset disabled class="sc-form" id="scorecard-preview-fields"' in section
    assert "<form" not in section.split("</section>")[0]
    assert not RubricVersion.objects.exists()
    assert RoleDraft.objects.get().revision == draft.revision


def test_the_scorecard_preview_reads_nothing_more_than_the_kit(editor, draft, django_assert_num_queries) -> None:
    """The preview page loads the draft and rolls it back (its queries grow with the draft, as a publish's do); the
    scorecard is drawn from the kit that load read, with no query of its own."""
    published = draft_publish(draft=draft, by=editor, revision=draft.revision)
    kit = kit_get(role_slug=published.role.slug)

    with django_assert_num_queries(0):
        preview = scorecard_preview(kit)
        rows = [(row.dimension.name, [option.value for option in row.options]) for row in preview.dimensions]
        signals = [[row.signal.text for row in group.rows] for group in preview.signal_groups]

    assert rows == [("Visual craft", ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "na"])]
    assert signals == [["Dismisses accessibility"], ["Explains trade-offs unprompted"]]
