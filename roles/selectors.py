"""Reads from the rubric library. Each selector issues a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from roles.models import (
    SIGNAL_GROUP_TITLES,
    SIGNAL_KINDS_RED_FLAGS_FIRST,
    Anchor,
    Dimension,
    Exercise,
    RubricVersion,
    Signal,
)


@dataclass(frozen=True)
class LevelRow:
    """One level of a dimension's scale: its number, the scale's label and the anchor, if written."""

    value: int
    label: str
    anchor: Anchor | None


def newest_rubrics() -> QuerySet[RubricVersion]:
    """The newest rubric version of every role: what the role is called and asks for today."""
    newest = RubricVersion.objects.filter(role=OuterRef("role")).order_by("-number").values("number")[:1]
    return RubricVersion.objects.filter(number=Subquery(newest))


def current_rubrics() -> QuerySet[RubricVersion]:
    """The newest rubric version of every role, with counts for a listing."""
    return (
        newest_rubrics()
        .select_related("role")
        .annotate(
            dimension_count=Count("dimensions", distinct=True),
            exercise_count=Count("exercises", distinct=True),
            signal_count=Count("signals", distinct=True),
        )
        .order_by("title", "role__slug")
    )


def rubric_with_content(rubric_qs: QuerySet[RubricVersion]) -> QuerySet[RubricVersion]:
    dimensions = Dimension.objects.prefetch_related("anchors")
    exercises = Exercise.objects.prefetch_related(
        Prefetch("dimensions", queryset=Dimension.objects.only("id", "slug", "name", "position", "rubric_id"))
    )
    return rubric_qs.select_related("role").prefetch_related(
        "scale_levels",
        "areas",
        "signals",
        Prefetch("dimensions", queryset=dimensions),
        Prefetch("exercises", queryset=exercises),
    )


def rubric_content(rubric: RubricVersion) -> RubricVersion:
    """The rubric version with all it holds prefetched (``rubric_with_content``), for pages to read, never to change.

    A locked version never changes (``roles.services.rubric_lock``), so its content is read once per
    process and kept: no invalidation to miss, on any number of servers. Kept by id and lock time
    (a fresh database may reuse an id, never with the same lock time); an unlocked version is read each time.
    """
    if rubric.locked_at is None:
        return rubric_with_content(RubricVersion.objects.filter(pk=rubric.pk)).get()
    return _locked_rubric_content(rubric.pk, rubric.locked_at)


@lru_cache(maxsize=256)
def _locked_rubric_content(pk: int, locked_at: dt.datetime) -> RubricVersion:
    return rubric_with_content(RubricVersion.objects.filter(pk=pk, locked_at=locked_at)).get()


def rubric_get(*, role_slug: str, number: int | None = None) -> RubricVersion:
    """A rubric version with all it holds prefetched; the newest one unless a number is given.

    Raises ``RubricVersion.DoesNotExist``."""
    rubrics = RubricVersion.objects.filter(role__slug=role_slug).order_by("-number")
    if number is not None:
        rubrics = rubrics.filter(number=number)
    rubric = rubrics.first()
    if rubric is None:
        raise RubricVersion.DoesNotExist("No such role or rubric version.")
    return rubric_content(rubric)


@dataclass(frozen=True)
class SignalGroup:
    kind: str
    title: str
    signals: list[Signal]


def signal_groups(*, rubric: RubricVersion) -> list[SignalGroup]:
    """The rubric's signals grouped by kind, in the blueprint's order: strong, weak, red flags."""
    signals = list(rubric.signals.all())
    return [
        SignalGroup(kind=kind, title=title, signals=[s for s in signals if s.kind == kind])
        for kind, title in SIGNAL_GROUP_TITLES.items()
    ]


def red_flags_first(groups: list[SignalGroup]) -> list[SignalGroup]:
    """The groups in the order pages that weigh a candidate show them (``SIGNAL_KINDS_RED_FLAGS_FIRST``)."""
    return sorted(groups, key=lambda group: SIGNAL_KINDS_RED_FLAGS_FIRST.index(group.kind))


def dimension_levels(*, rubric: RubricVersion, highest_first: bool = True) -> dict[int, list[LevelRow]]:
    """Each prefetched dimension's levels (scale label and anchor, if written), by dimension id."""
    labels = {level.value: level.label for level in rubric.scale_levels.all()}
    values = list(reversed(rubric.scale_values)) if highest_first else list(rubric.scale_values)
    levels = {}
    for dimension in rubric.dimensions.all():
        anchors = {anchor.level: anchor for anchor in dimension.anchors.all()}
        levels[dimension.pk] = [
            LevelRow(value=value, label=labels.get(value, ""), anchor=anchors.get(value)) for value in values
        ]
    return levels


@dataclass(frozen=True)
class KitDimension:
    dimension: Dimension
    levels: list[LevelRow]


@dataclass(frozen=True)
class Kit:
    """A role's interview guide: the whole role, or one exercise with the dimensions it assesses."""

    rubric: RubricVersion
    exercise: Exercise | None
    exercises: list[Exercise]
    dimensions: list[KitDimension]
    signal_groups: list[SignalGroup]


def kit_get(*, role_slug: str, number: int | None = None, exercise_slug: str = "") -> Kit:
    """The kit of a rubric version (the newest unless a number is given), narrowed to one exercise when named.

    Raises ``RubricVersion.DoesNotExist`` or ``Exercise.DoesNotExist``."""
    rubric = rubric_get(role_slug=role_slug, number=number)
    exercises = list(rubric.exercises.all())
    exercise = None
    if exercise_slug:
        exercise = next((e for e in exercises if e.slug == exercise_slug), None)
        if exercise is None:
            raise Exercise.DoesNotExist("No such exercise in this rubric version.")
        exercises = [exercise]
    assessed = {d.pk for d in exercise.dimensions.all()} if exercise else None
    levels = dimension_levels(rubric=rubric)
    return Kit(
        rubric=rubric,
        exercise=exercise,
        exercises=exercises,
        dimensions=[
            KitDimension(d, levels[d.pk]) for d in rubric.dimensions.all() if assessed is None or d.pk in assessed
        ],
        signal_groups=signal_groups(rubric=rubric),
    )


def rubric_versions(*, role_slug: str) -> QuerySet[RubricVersion]:
    return (
        RubricVersion.objects.filter(role__slug=role_slug)
        .order_by("-number")
        .only("id", "number", "locked_at", "role_id")
    )
