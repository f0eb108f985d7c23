"""Migrating a library loaded before versions carried the role's words: every version keeps what its loops showed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model

BEFORE = [("roles", "0001_initial")]
AFTER = [("roles", "0003_role_words_only_on_versions_no_weight")]


def _migrate(targets: list[tuple[str, str]]) -> Apps:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db) -> Iterator[Apps]:
    """The roles tables as migration 0001 made them; the newest schema is back for the next test."""
    yield _migrate(BEFORE)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_every_version_gets_its_role_words_and_going_back_gives_the_role_its_newest_words(old_schema):
    role = old_schema.get_model("roles", "Role").objects.create(
        slug="data-scientist", title="Data Scientist", level="Senior", purpose="Find signal.", source="memo.txt"
    )
    for number in (1, 2):
        old_schema.get_model("roles", "RubricVersion").objects.create(
            role=role, number=number, scale_min=1, scale_max=5, scale_rationale="Why.", content_hash="0" * 64
        )

    new = _migrate(AFTER)

    rows = new.get_model("roles", "RubricVersion").objects.order_by("number")
    assert list(rows.values_list("number", "title", "level", "purpose", "source")) == [
        (1, "Data Scientist", "Senior", "Find signal.", "memo.txt"),
        (2, "Data Scientist", "Senior", "Find signal.", "memo.txt"),
    ]
    assert [field.name for field in new.get_model("roles", "Role")._meta.concrete_fields] == ["id", "slug"]
    rows.filter(number=2).update(title="Senior Data Scientist")

    back = _migrate(BEFORE)

    # The historical Role, which has the title the current model moved to its versions: a model, not today's Role.
    historical_role: type[Model] = back.get_model("roles", "Role")
    assert historical_role._default_manager.values_list("title", flat=True).get() == "Senior Data Scientist"
