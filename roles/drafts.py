"""Writes for the role editor: drafts of a role created, saved as typed, previewed, published and discarded.

A draft holds a `role-blueprint/1` document (roles/blueprints.py) as the editor typed it; it is checked
(`blueprint_check`) only when previewed or published, and published through the loader's own path
(`roles.services.roles_load`), as a new role or as the next version of its role. Loops planned on an older
version keep it: a publish only ever adds a version. Every save carries the revision the editor started
from; an older one is refused (`DraftConflict`), naming who saved since and when, so no one is silently
overwritten. Every publish is recorded (`RolePublication`) and announced (`roles.signals.rubric_published`).
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from roles import selectors
from roles.blueprints import FORMAT, BlueprintError, Problem, blueprint_check
from roles.importing.building import slugify
from roles.models import Role, RoleDraft, RolePublication, RubricVersion
from roles.services import publication_record, roles_load

DRAFT_FILE = "draft"  # how problems name the document: the editor shows them next to their fields
SKELETON_LABELS = {
    "1": "Well below the bar",
    "2": "Below the bar",
    "3": "At the bar",
    "4": "Above the bar",
    "5": "Well above the bar",
}


class DraftConflict(Exception):
    """The draft was saved by someone (or some other page) since the editor's revision; nothing was changed."""

    def __init__(self, draft: RoleDraft) -> None:
        self.draft = draft
        self.editor = _name(draft.updated_by)
        self.at = timezone.localtime(draft.updated_at)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.editor} changed this draft at {self.at:%H:%M}: reload to see their changes."


def _name(user: User | None) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def skeleton_document() -> dict[str, Any]:
    """The smallest role that publishes: a title, a 1–5 scale with a label per level and one dimension."""
    return {
        "format": FORMAT,
        "role": {"slug": "", "title": "New role"},  # blank: the address is taken from the title
        "rubric": {
            "version": 1,
            "scale": {"min": 1, "max": 5, "labels": dict(SKELETON_LABELS)},
            "dimensions": [{"slug": "dimension-1", "name": "Dimension 1", "anchors": [], "questions": []}],
        },
    }


def _kept_slugs(document: dict[str, Any]) -> list[str]:
    rubric = document.get("rubric", {})
    return [item["slug"] for key in ("dimensions", "exercises") for item in rubric.get(key, []) if "slug" in item]


def _create(*, by: User, document: dict[str, Any], role: Role | None, based_on: int | None) -> RoleDraft:
    draft = RoleDraft(
        role=role,
        based_on=based_on,
        document=document,
        kept_slugs=_kept_slugs(document) if role is not None else [],
        created_by=by,
        updated_by=by,
    )
    draft.full_clean()
    draft.save()
    return draft


def draft_create(*, by: User) -> RoleDraft:
    """A new role's draft, from the skeleton."""
    return _create(by=by, document=skeleton_document(), role=None, based_on=None)


def draft_copy(*, by: User, role_slug: str, number: int | None = None, as_new_role: bool) -> RoleDraft:
    """A draft from a published version (the newest unless a number is given): of the role's next version, or of
    a new role that starts as a copy. Raises ``RubricVersion.DoesNotExist``."""
    document = selectors.rubric_export(role_slug=role_slug, number=number)
    if as_new_role:
        document["role"]["title"] = f"Copy of {document['role']['title']}"
        document["role"]["slug"] = ""  # taken from the title on publish, unless the editor types one
        document["role"].pop("source", None)
        return _create(by=by, document=document, role=None, based_on=None)
    role = Role.objects.get(slug=role_slug)
    newest = RubricVersion.objects.filter(role=role).order_by("-number").values_list("number", flat=True).first()
    return _create(by=by, document=document, role=role, based_on=newest)


def draft_from_import(*, by: User, fixture: dict[str, Any], target: str) -> RoleDraft:
    """A draft from an imported document (with its review list), of the role `target` or, when blank, a new role."""
    document = copy.deepcopy(fixture)
    role = Role.objects.filter(slug=target).first() if target else None
    based_on = None
    if role is not None:
        based_on = RubricVersion.objects.filter(role=role).order_by("-number").values_list("number", flat=True).first()
    return _create(by=by, document=document, role=role, based_on=based_on)


def _locked(draft: RoleDraft, *, revision: int) -> RoleDraft:
    """The draft row locked for this transaction; DraftConflict if it moved on since `revision`."""
    current = RoleDraft.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=draft.pk)
    if current.revision != revision:
        raise DraftConflict(current)
    return current


def draft_save(*, draft: RoleDraft, by: User, revision: int, document: dict[str, Any]) -> RoleDraft:
    """Save what the editor typed (checked on publish, not now) as the next revision; DraftConflict if stale."""
    with transaction.atomic():
        current = _locked(draft, revision=revision)
        current.document = document
        current.revision = revision + 1
        current.updated_by = by
        current.full_clean()
        current.save()
    return current


def draft_discard(*, draft: RoleDraft, revision: int) -> None:
    """Delete the draft; DraftConflict if someone saved it since `revision` (they may still want it)."""
    with transaction.atomic():
        _locked(draft, revision=revision).delete()


class DraftRefused(Exception):
    """Publishing (or previewing) was refused; `problems` name each field, with its path for the editor."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.draft: RoleDraft | None = None  # the draft as saved, when the publish saved what was typed
        super().__init__("; ".join(str(problem) for problem in problems))


def _newest(role: Role | None) -> int | None:
    if role is None:
        return None
    return RubricVersion.objects.filter(role=role).order_by("-number").values_list("number", flat=True).first()


def draft_fixture(draft: RoleDraft) -> dict[str, Any]:
    """The draft as the fixture it would publish: its role's slug (a new role's own, else one from its title) and
    the next version number; raise DraftRefused listing every problem, each with its field path."""
    document = copy.deepcopy(draft.document)
    if not isinstance(document, dict) or not isinstance(document.get("role"), dict):
        raise DraftRefused([Problem(DRAFT_FILE, "document", "-", "is not a role document", "role")])
    role, rubric = document["role"], document.get("rubric")
    problems: list[Problem] = []
    if draft.role is not None:
        role["slug"] = draft.role.slug
        newest = _newest(draft.role)
        if newest is not None and draft.based_on is not None and newest != draft.based_on:
            problems.append(_raced(draft.role, newest))
        number = (newest or 0) + 1
    else:
        if not str(role.get("slug", "")).strip():
            role["slug"] = slugify(str(role.get("title", "")))
        if isinstance(role.get("slug"), str) and Role.objects.filter(slug=role["slug"]).exists():
            problems.append(
                Problem(
                    DRAFT_FILE,
                    "role",
                    "slug",
                    f'"{role["slug"]}" is the address of another role: give this one its own',
                    "role.slug",
                )
            )
        number = 1
    if isinstance(rubric, dict):
        rubric["version"] = number
    try:
        checked = blueprint_check(document, file=DRAFT_FILE).document
    except BlueprintError as error:
        raise DraftRefused(problems + error.problems) from error
    if problems:
        raise DraftRefused(problems)
    return checked


def _raced(role: Role, newest: int) -> Problem:
    published = RolePublication.objects.filter(rubric__role=role, rubric__number=newest).select_related("actor").first()
    who = f" by {_name(published.actor)} at {timezone.localtime(published.at):%H:%M}" if published else ""
    return Problem(
        DRAFT_FILE,
        "rubric",
        "version",
        f"version {newest} of {role.slug} was published{who} since this draft was started from an older one; "
        "copy the newest version into a new draft, or discard this one",
        "rubric.version",
    )


def _load(fixture: dict[str, Any]) -> None:
    """The loader's own path: the fixture as a file, validated and loaded by roles_load (a title change of an
    existing role is what the editor is for: allowed)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"{DRAFT_FILE}.json"
        path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
        try:
            roles_load(paths=[path], retitle=True)
        except BlueprintError as error:
            raise DraftRefused(
                [Problem(DRAFT_FILE, p.obj, p.field, p.message, p.path) for p in error.problems]
            ) from error


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class DraftPreview:
    kit: selectors.Kit
    versions: list[RubricVersion]
    scorecard: selectors.ScorecardPreview  # the scorecard as an interviewer fills it in, from the same load


def draft_preview(draft: RoleDraft) -> DraftPreview:
    """The kit and scorecard the draft would publish, read from a load that is rolled back; DraftRefused when it
    would not."""
    fixture = draft_fixture(draft)
    preview: DraftPreview | None = None
    try:
        with transaction.atomic():
            _load(fixture)
            slug, number = fixture["role"]["slug"], fixture["rubric"]["version"]
            kit = selectors.kit_get(role_slug=slug, number=number)
            preview = DraftPreview(
                kit=kit,
                versions=list(selectors.rubric_versions(role_slug=slug)),
                scorecard=selectors.scorecard_preview(kit),
            )
            raise _Rollback
    except _Rollback:
        pass
    assert preview is not None
    return preview


def draft_publish(
    *, draft: RoleDraft, by: User, revision: int, document: dict[str, Any] | None = None
) -> RubricVersion:
    """Publish the draft as a new role (v1) or its role's next version, record it and delete the draft.

    With `document` (what the editor holds), it is saved first as the next revision, and kept when the publish
    is refused. Raises DraftConflict (stale revision: nothing saved) or DraftRefused (problems with field paths:
    nothing published, the draft holds what was typed)."""
    refused: DraftRefused | None = None
    with transaction.atomic():
        current = _locked(draft, revision=revision)
        if document is not None:
            current.document, current.revision, current.updated_by = document, revision + 1, by
            current.full_clean()
            current.save()
        try:
            with transaction.atomic():  # a refusal rolls back to here: what was typed stays saved
                fixture = draft_fixture(current)
                _load(fixture)
                rubric = RubricVersion.objects.select_related("role").get(
                    role__slug=fixture["role"]["slug"], number=fixture["rubric"]["version"]
                )
                publication_record(rubric=rubric, by=by, how="in the role editor")
                current.delete()
        except DraftRefused as error:
            refused = error
    if refused is not None:
        refused.draft = current
        raise refused
    return rubric
