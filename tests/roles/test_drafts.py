"""The role editor's services: drafts created (new, copied, imported), saved with a revision, published, discarded."""

from __future__ import annotations

from pathlib import Path

import pytest

from roles import selectors
from roles.drafts import (
    DraftConflict,
    DraftRefused,
    draft_copy,
    draft_create,
    draft_discard,
    draft_from_import,
    draft_preview,
    draft_publish,
    draft_save,
)
from roles.importing.building import fixture_import, slugify
from roles.importing.reading import document_parse
from roles.models import RoleDraft, RolePublication, RubricVersion
from roles.signals import rubric_published
from tests.factories import LoopFactory, RubricVersionFactory, UserFactory
from tests.roles.helpers import REAL_SLUGS
from tests.roles.helpers import roles_snapshot as all_roles_tables

pytestmark = pytest.mark.django_db

BLUEPRINTS = Path(__file__).parent / "blueprints"


@pytest.fixture
def editor():
    return UserFactory(username="ada", first_name="Ada", last_name="Lovelace", is_staff=True)


@pytest.fixture
def other():
    return UserFactory(username="grace", first_name="Grace", last_name="Hopper", is_staff=True)


def roles_snapshot() -> dict[str, list[dict]]:
    """The published library (every roles table but the drafts'): equal snapshots mean nothing was published."""
    return {table: rows for table, rows in all_roles_tables().items() if table != RoleDraft._meta.db_table}


def _publish(draft: RoleDraft, by) -> RubricVersion:
    return draft_publish(draft=draft, by=by, revision=draft.revision)


def test_a_new_draft_is_the_skeleton_and_publishes_as_version_1_of_a_new_role(editor) -> None:
    draft = draft_create(by=editor)
    document = draft.document
    document["role"]["title"] = "Site Reliability Engineer"
    document["role"]["slug"] = ""
    draft = draft_save(draft=draft, by=editor, revision=draft.revision, document=document)

    rubric = _publish(draft, editor)

    assert (rubric.role.slug, rubric.number, rubric.title) == (
        "site-reliability-engineer",
        1,
        "Site Reliability Engineer",
    )
    assert (rubric.scale_min, rubric.scale_max) == (1, 5)
    assert [d.name for d in rubric.dimensions.all()] == ["Dimension 1"]
    assert [level.label for level in rubric.scale_levels.all()][2] == "At the bar"
    assert not RoleDraft.objects.exists()


def test_publishing_a_draft_of_a_role_adds_the_next_version_and_loops_keep_theirs(editor, role_fixtures) -> None:
    slug = REAL_SLUGS[0]
    loop = LoopFactory(rubric=RubricVersion.objects.get(role__slug=slug, number=1))
    draft = draft_copy(by=editor, role_slug=slug, as_new_role=False)
    document = draft.document
    document["rubric"]["dimensions"][0]["name"] = "Renamed in the editor"
    draft = draft_save(draft=draft, by=editor, revision=draft.revision, document=document)

    rubric = _publish(draft, editor)

    assert (rubric.role.slug, rubric.number) == (slug, 2)
    assert rubric.dimensions.all()[0].name == "Renamed in the editor"
    loop.refresh_from_db()
    assert loop.rubric.number == 1
    assert loop.rubric.dimensions.all()[0].name != "Renamed in the editor"
    first = selectors.rubric_export(role_slug=slug, number=1)
    assert first["rubric"]["dimensions"][0]["name"] != "Renamed in the editor"


def test_a_copy_becomes_a_new_role_with_the_same_rubric(editor, role_fixtures) -> None:
    slug = REAL_SLUGS[0]
    draft = draft_copy(by=editor, role_slug=slug, as_new_role=True)

    rubric = _publish(draft, editor)

    assert rubric.title.startswith("Copy of ")
    assert rubric.role.slug == slugify(rubric.title)
    assert rubric.number == 1
    original = selectors.rubric_export(role_slug=slug)["rubric"]
    copied = selectors.rubric_export(role_slug=rubric.role.slug)["rubric"]
    assert copied["dimensions"] == original["dimensions"]
    assert copied["exercises"] == original["exercises"]


def test_an_imported_document_opens_as_a_draft_with_its_review_list(editor) -> None:
    name = "data-engineer-1-to-4.md"
    fixture = fixture_import(document_parse(file=name, data=(BLUEPRINTS / name).read_bytes()))

    draft = draft_from_import(by=editor, fixture=fixture, target="")

    assert draft.role is None
    assert draft.document["rubric"]["scale"]["min"] == 1
    assert draft.document["rubric"]["scale"]["max"] == 4
    assert draft.document["review"] == fixture["review"]
    assert _publish(draft, editor).scale_max == 4


def test_a_save_from_a_stale_revision_is_refused_naming_who_saved_and_changes_nothing(editor, other) -> None:
    draft = draft_create(by=editor)
    stale = draft.revision
    theirs = draft.document
    theirs["role"]["title"] = "Grace's title"
    draft_save(draft=draft, by=other, revision=stale, document=theirs)
    mine = draft.document
    mine["role"]["title"] = "Ada's title"

    with pytest.raises(DraftConflict) as conflict:
        draft_save(draft=draft, by=editor, revision=stale, document=mine)

    assert conflict.value.editor == "Grace Hopper"
    assert "Grace Hopper changed this draft at" in conflict.value.message
    assert "reload to see their changes" in conflict.value.message
    stored = RoleDraft.objects.get(pk=draft.pk)
    assert (stored.revision, stored.document["role"]["title"]) == (stale + 1, "Grace's title")


def test_a_publish_from_a_stale_revision_publishes_nothing(editor, other) -> None:
    draft = draft_create(by=editor)
    draft_save(draft=draft, by=other, revision=draft.revision, document=draft.document)
    before = roles_snapshot()

    with pytest.raises(DraftConflict):
        draft_publish(draft=draft, by=editor, revision=draft.revision)

    assert roles_snapshot() == before
    assert RoleDraft.objects.filter(pk=draft.pk).exists()


def _bad(document: dict, change: str) -> dict:
    rubric = document["rubric"]
    if change == "blank dimension name":
        rubric["dimensions"][0]["name"] = " "
    elif change == "two dimensions of one name":
        rubric["dimensions"].append({"slug": "dimension-2", "name": "dimension 1", "anchors": [], "questions": []})
    elif change == "exercise focusing on a removed dimension":
        rubric["exercises"] = [{"slug": "chat", "title": "Chat", "format": "discussion", "dimensions": ["gone"]}]
    elif change == "scale of one level":
        rubric["scale"]["max"] = 1
    return document


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ("blank dimension name", "rubric.dimensions[0].name", "must not be blank"),
        ("two dimensions of one name", "rubric.dimensions[1].name", "duplicates dimension 1"),
        ("exercise focusing on a removed dimension", "rubric.exercises[0].dimensions", '"gone"'),
        ("scale of one level", "rubric.scale.max", "needs two levels"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_published(editor, change, path, words) -> None:
    draft = draft_create(by=editor)
    typed = _bad(draft.document, change)
    before = roles_snapshot()

    with pytest.raises(DraftRefused) as refused:
        draft_publish(draft=draft, by=editor, revision=draft.revision, document=typed)

    assert [p for p in refused.value.problems if p.path == path and words in p.message], refused.value.problems
    assert roles_snapshot() == before
    assert not RolePublication.objects.exists()
    stored = RoleDraft.objects.get(pk=draft.pk)
    assert stored.document == typed  # what was typed is kept, for the editor to fix
    assert stored.revision == draft.revision + 1


def test_a_publish_racing_another_drafts_publish_is_refused(editor, other, role_fixtures) -> None:
    slug = REAL_SLUGS[0]
    mine = draft_copy(by=editor, role_slug=slug, as_new_role=False)
    theirs = draft_copy(by=other, role_slug=slug, as_new_role=False)
    _publish(theirs, other)

    with pytest.raises(DraftRefused) as refused:
        _publish(mine, editor)

    assert "version 2" in refused.value.problems[0].message
    assert "Grace Hopper" in refused.value.problems[0].message
    assert RubricVersion.objects.filter(role__slug=slug).count() == 2


def test_a_new_role_may_not_take_an_existing_roles_address(editor) -> None:
    taken = RubricVersionFactory()
    draft = draft_create(by=editor)
    document = draft.document
    document["role"]["slug"] = taken.role.slug

    with pytest.raises(DraftRefused) as refused:
        draft_publish(draft=draft, by=editor, revision=draft.revision, document=document)

    assert refused.value.problems[0].path == "role.slug"
    assert RubricVersion.objects.filter(role=taken.role).count() == 1


def test_every_publish_is_recorded_and_announced(editor) -> None:
    heard = []

    def receiver(sender, rubric, actor, **kwargs) -> None:
        heard.append((rubric.number, actor.username))

    rubric_published.connect(receiver)
    try:
        rubric = _publish(draft_create(by=editor), editor)
    finally:
        rubric_published.disconnect(receiver)

    record = RolePublication.objects.get()
    assert (record.rubric, record.actor) == (rubric, editor)
    assert "version 1" in record.summary
    assert heard == [(1, "ada")]


def test_the_preview_is_the_kit_to_be_published_and_writes_nothing(editor, role_fixtures) -> None:
    draft = draft_copy(by=editor, role_slug=REAL_SLUGS[0], as_new_role=False)
    before = roles_snapshot()

    preview = draft_preview(draft)

    assert preview.kit.rubric.number == 2
    assert [row.dimension.name for row in preview.kit.dimensions] == [
        d["name"] for d in draft.document["rubric"]["dimensions"]
    ]
    assert roles_snapshot() == before


def test_discarding_deletes_the_draft_unless_someone_saved_since(editor, other) -> None:
    draft = draft_create(by=editor)
    draft_save(draft=draft, by=other, revision=draft.revision, document=draft.document)

    with pytest.raises(DraftConflict):
        draft_discard(draft=draft, revision=draft.revision)
    draft_discard(draft=draft, revision=draft.revision + 1)

    assert not RoleDraft.objects.exists()
