"""A locked rubric version's content is read once per process; an unlocked one is read each time (issue 27)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roles.models import Dimension, RubricVersion
from roles.selectors import rubric_content
from roles.services import rubric_lock
from tests.factories import RubricVersionFactory

pytestmark = pytest.mark.django_db


def _names(rubric: RubricVersion) -> list[str]:
    return [dimension.name for dimension in rubric_content(rubric).dimensions.all()]


def test_a_locked_rubrics_content_is_read_once_and_kept() -> None:
    rubric = RubricVersionFactory(dimensions=3, signals=True)
    rubric_lock(rubric=rubric)
    first = _names(rubric)

    with CaptureQueriesContext(connection) as again:
        assert _names(rubric) == first
        assert len(rubric_content(rubric).signals.all()) == len(list(rubric.signals.all()))  # the real signals

    assert len(again) == 1  # only the test's own read of the signals


def test_an_unlocked_rubric_is_read_afresh_so_a_change_shows() -> None:
    rubric = RubricVersionFactory(dimensions=2)
    assert _names(rubric)[0] != "Renamed"

    Dimension.objects.filter(pk=rubric.dimensions.order_by("position")[0].pk).update(name="Renamed")

    assert _names(rubric)[0] == "Renamed"
