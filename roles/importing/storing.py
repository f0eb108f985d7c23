"""Where imported fixtures go: `<dir>/<role-slug>/v<N>.json`, one directory per role, one file per version.

An import becomes the next version of a role already in the directory when it has the
role's slug or, failing that, its title; it is not written when its content equals the
newest version's (the review list and the version number aside).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roles.blueprints import blueprint_text
from roles.importing.building import fixture_import
from roles.importing.reading import Document

VERSION_FILE_RE = re.compile(r"^v([1-9][0-9]{0,5})\.json$")


@dataclass(frozen=True)
class StoredVersion:
    slug: str
    number: int
    path: Path
    title: str


@dataclass(frozen=True)
class Planned:
    """One import's outcome before anything is written."""

    source: str
    fixture: dict[str, Any]
    path: Path
    action: str  # "new role", "next version", "unchanged"
    previous: StoredVersion | None

    @property
    def review(self) -> list[dict[str, str]]:
        review: list[dict[str, str]] = self.fixture["review"]
        return review

    def __str__(self) -> str:
        role = self.fixture["role"]
        number = self.fixture["rubric"]["version"]
        if self.action == "unchanged" and self.previous is not None:
            return f"{self.source}: {role['slug']} is unchanged from {self.previous.path}; nothing to write"
        what = "new role" if self.action == "new role" else f"next version of {role['slug']}"
        return f"{self.source}: {role['title']} v{number} ({what}) -> {self.path}"


def newest_versions(directory: Path) -> dict[str, StoredVersion]:
    """The newest fixture file of each role under directory, by slug."""
    newest: dict[str, StoredVersion] = {}
    for path in sorted(directory.glob("*/v*.json")):
        match = VERSION_FILE_RE.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        slug = path.parent.name
        if slug in newest and newest[slug].number > number:
            continue
        try:
            title = json.loads(path.read_text(encoding="utf-8"))["role"]["title"]
        except (OSError, ValueError, KeyError, TypeError):
            title = ""
        newest[slug] = StoredVersion(slug=slug, number=number, path=path, title=title)
    return newest


def _content(fixture: dict[str, Any]) -> dict[str, Any]:
    rubric = {key: value for key, value in fixture["rubric"].items() if key != "version"}
    return {**{key: value for key, value in fixture.items() if key not in {"review", "sources"}}, "rubric": rubric}


def import_plan(
    document: Document, *, directory: Path, slug: str | None = None, derive_anchors: bool = False
) -> Planned:
    """Build the fixture for one document as the new role or next version it will be in directory."""
    draft = fixture_import(document, slug=slug, derive_anchors=derive_anchors)
    stored = newest_versions(directory) if directory.is_dir() else {}
    role_slug = draft["role"]["slug"]
    previous = stored.get(role_slug)
    if previous is None and slug is None:
        title = draft["role"]["title"].casefold()
        previous = next((version for version in stored.values() if version.title.casefold() == title), None)
        role_slug = previous.slug if previous is not None else role_slug
    source = Path(document.file).name
    if previous is None:
        return Planned(source, draft, directory / role_slug / "v1.json", "new role", None)
    fixture = fixture_import(document, slug=role_slug, version=previous.number + 1, derive_anchors=derive_anchors)
    fixture["review"].append(
        {"topic": "version", "message": f"Version {previous.number + 1} of {role_slug}, after {previous.path.name}."}
    )
    try:
        before = json.loads(previous.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None
    if isinstance(before, dict) and isinstance(before.get("rubric"), dict) and _content(before) == _content(fixture):
        return Planned(source, fixture, previous.path, "unchanged", previous)
    return Planned(source, fixture, directory / role_slug / f"v{previous.number + 1}.json", "next version", previous)


def plan_write(plan: Planned) -> None:
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    plan.path.write_text(blueprint_text(plan.fixture), encoding="utf-8")
