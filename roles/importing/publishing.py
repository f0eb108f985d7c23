"""The web import: an uploaded blueprint kept on the server, previewed as its kit, then published.

The uploaded document (never a fixture the browser sends back) is kept in the session
between preview and publish. Preview and publish both go through `roles.services.roles_load`,
so they are refused with the loader's own messages; the preview's load is rolled back.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction

from roles import selectors
from roles.blueprints import BlueprintError, Problem, rubric_hash
from roles.importing.building import fixture_import
from roles.importing.reading import MAX_DOCUMENT_BYTES, ImportRefused, document_parse
from roles.models import Role, RubricVersion
from roles.services import publication_record, roles_load

SESSION_KEY = "role_import"
NEW_ROLE = ""


@dataclass(frozen=True)
class Upload:
    name: str
    text: str
    token: str


@dataclass
class Publication:
    """What publishing the upload as `target` (a role slug, or NEW_ROLE) would do."""

    upload: Upload
    target: str
    fixture: dict[str, Any]
    latest: RubricVersion | None  # the newest version of the target role, if it has one
    problems: list[str] = field(default_factory=list)
    unchanged: bool = False
    kit: selectors.Kit | None = None  # the kit as published, when it can be
    versions: list[RubricVersion] = field(default_factory=list)

    @property
    def review(self) -> list[dict[str, str]]:
        review: list[dict[str, str]] = self.fixture["review"]
        return review

    @property
    def needs_retitle(self) -> bool:
        return any("--retitle" in problem for problem in self.problems)


def _safe_name(name: str) -> str:
    return Path(name.replace("\\", "/")).name[:100] or "blueprint"


def upload_store(session: SessionBase, *, name: str, data: bytes) -> Upload:
    """Check an uploaded document imports, then keep it in the session; raise ImportRefused if not."""
    file = _safe_name(name)
    fixture_import(document_parse(file=file, data=data))
    upload = Upload(name=file, text=data.decode("utf-8-sig"), token=secrets.token_urlsafe(16))
    session[SESSION_KEY] = {"name": upload.name, "text": upload.text, "token": upload.token}
    return upload


def upload_get(session: SessionBase) -> Upload | None:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        upload = Upload(name=str(stored["name"]), text=str(stored["text"]), token=str(stored["token"]))
    except KeyError:
        return None
    return upload if len(upload.text.encode()) <= MAX_DOCUMENT_BYTES else None


def upload_clear(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def default_target(upload: Upload) -> str:
    """The role an upload most likely belongs to: the one with its slug, else whose newest title it has, else new."""
    fixture = fixture_import(document_parse(file=upload.name, data=upload.text.encode()))
    if Role.objects.filter(slug=fixture["role"]["slug"]).exists():
        return str(fixture["role"]["slug"])
    same_title = selectors.newest_rubrics().filter(title__iexact=fixture["role"]["title"]).select_related("role")
    rubric = same_title.order_by("role__slug").first()
    return rubric.role.slug if rubric is not None else NEW_ROLE


def _newest(slug: str) -> RubricVersion | None:
    return RubricVersion.objects.filter(role__slug=slug).order_by("-number").first()


def publication_plan(upload: Upload, *, target: str) -> Publication:
    """The fixture the upload gives as a new role or as the next version of the role `target`."""
    document = document_parse(file=upload.name, data=upload.text.encode())
    draft = fixture_import(document)
    if not target:
        existing = _newest(draft["role"]["slug"])
        problems = []
        if existing is not None:
            problems.append(
                f'The slug "{draft["role"]["slug"]}" belongs to the role "{existing.title}": '
                "publish the document as its next version instead."
            )
        return Publication(upload, NEW_ROLE, draft, None, problems=problems)
    latest = _newest(target)
    if latest is None:
        return Publication(upload, target, draft, None, problems=[f'There is no role "{target}" to add a version to.'])
    fixture = fixture_import(document, slug=target, version=latest.number + 1)
    publication = Publication(upload, target, fixture, latest)
    words = {key: getattr(latest, key) for key in ("title", "level", "purpose", "source")}
    if latest.content_hash == rubric_hash(fixture) and words == {key: fixture["role"][key] for key in words}:
        publication.unchanged = True
    return publication


class _Rollback(Exception):
    pass


def publication_preview(publication: Publication, *, retitle: bool) -> None:
    """Load the fixture, read its kit back and roll everything back; loader refusals become problems."""
    if publication.problems or publication.unchanged:
        return
    try:
        with transaction.atomic():
            _load(publication, retitle=retitle)
            slug, number = publication.fixture["role"]["slug"], publication.fixture["rubric"]["version"]
            publication.kit = selectors.kit_get(role_slug=slug, number=number)
            publication.versions = list(selectors.rubric_versions(role_slug=slug))
            raise _Rollback
    except _Rollback:
        pass
    except BlueprintError as error:
        publication.problems = _messages(error.problems, publication.upload)
        if not retitle and all(_is_retitle(problem) for problem in error.problems):
            problems = publication.problems
            publication.problems = []
            publication_preview(publication, retitle=True)
            publication.problems = problems + publication.problems


def _is_retitle(problem: Problem) -> bool:
    return problem.obj == "role" and problem.field == "title" and "--retitle" in problem.message


def publication_publish(publication: Publication, *, retitle: bool, by: User | None = None) -> bool:
    """Publish in one transaction, recorded as `by`'s; False (with problems set) when the loader refuses."""
    if publication.problems or publication.unchanged:
        return False
    try:
        with transaction.atomic():
            _load(publication, retitle=retitle)
            slug, number = publication.fixture["role"]["slug"], publication.fixture["rubric"]["version"]
            rubric = RubricVersion.objects.select_related("role").get(role__slug=slug, number=number)
            publication_record(rubric=rubric, by=by, how="from an imported document")
    except BlueprintError as error:
        publication.problems = _messages(error.problems, publication.upload)
        return False
    return True


def _load(publication: Publication, *, retitle: bool) -> None:
    """The loader's own path: the fixture as a file, validated and loaded by roles_load."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload.json"  # problems are shown under the upload's own name
        path.write_text(json.dumps(publication.fixture, ensure_ascii=False), encoding="utf-8")
        roles_load(paths=[path], retitle=retitle)


def _messages(problems: list[Problem], upload: Upload) -> list[str]:
    return [f"{upload.name}: {problem.obj}: {problem.field}: {problem.message}" for problem in problems]


def refusal_messages(error: ImportRefused, *, name: str) -> list[str]:
    return [f"{_safe_name(name)}: {error.message}"]
