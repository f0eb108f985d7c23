"""Shared helpers for the roles tests: real fixture documents, copies on disk, database snapshots."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from roles.models import Exercise

FIXTURES_DIR = Path(settings.ROLE_FIXTURES_DIR)


def _shipped_slugs() -> tuple[str, ...]:
    """The roles shipped in fixtures/, read from the files: no test depends on how many there are."""
    documents = (json.loads(path.read_text(encoding="utf-8")) for path in FIXTURES_DIR.glob("**/*.json"))
    return tuple(sorted({document["role"]["slug"] for document in documents}))


REAL_SLUGS = _shipped_slugs()


def real_path(slug: str) -> Path:
    """The shipped fixture of a role's first version."""
    return FIXTURES_DIR / slug / "v1.json"


@cache
def _real_document(slug: str) -> dict:
    return json.loads(real_path(slug).read_text(encoding="utf-8"))


def real_document(slug: str) -> dict:
    """A fresh, freely mutable copy of one real fixture document."""
    return copy.deepcopy(_real_document(slug))


def write_document(directory: Path, document: Any, name: str = "blueprint.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def dimension_named(document: dict, name: str) -> dict:
    return next(d for d in document["rubric"]["dimensions"] if d["name"] == name)


def roles_snapshot() -> dict[str, list[dict]]:
    """Every row of every roles table (M2M included), by primary key: equal snapshots mean nothing changed."""
    models = [*apps.get_app_config("roles").get_models(), Exercise.dimensions.through]
    return {model._meta.db_table: list(model._default_manager.order_by("pk").values()) for model in models}


def roles_counts() -> dict[str, int]:
    return {table: len(rows) for table, rows in roles_snapshot().items()}
