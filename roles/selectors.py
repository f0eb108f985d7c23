"""Reads from the rubric library. Each selector issues a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from config.links import Link
from roles.blueprints import FORMAT, blueprint_canonical
from roles.models import (
    SIGNAL_GROUP_TITLES,
    SIGNAL_KINDS_RED_FLAGS_FIRST,
    Anchor,
    Dimension,
    Exercise,
    Question,
    RoleDraft,
    RubricVersion,
    Signal,
)


@dataclass(frozen=True)
class LevelRow:
    """One level of a dimension's scale: its number, the scale's label and the anchor that covers it, if written.

    A band (one anchor for several levels) gives each of its levels a row with the same anchor; `span` is the
    number of rows the band covers on its first row as listed, 0 on its other rows, 1 for a lone level."""

    value: int
    label: str
    anchor: Anchor | None
    span: int = 1


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


@dataclass(frozen=True)
class RoleRow:
    """A role on the roles page: its newest rubric version, with counts (``current_rubrics``), and its row's links."""

    rubric: RubricVersion
    kit_url: str
    draft_url: str  # where an editor starts the role's next version, or a copy


def role_rows() -> list[RoleRow]:
    """Every role's row on the roles page, its links built with one ``reverse()`` per kind (``config.links``)."""
    kit, draft = Link("roles:kit"), Link("roles:draft_from_version")
    return [RoleRow(rubric, kit(rubric.role.slug), draft(rubric.role.slug)) for rubric in current_rubrics()]


def rubric_with_content(rubric_qs: QuerySet[RubricVersion]) -> QuerySet[RubricVersion]:
    dimensions = Dimension.objects.prefetch_related("anchors", "questions", "signals")
    exercises = Exercise.objects.prefetch_related(
        Prefetch("dimensions", queryset=Dimension.objects.only("id", "slug", "name", "position", "rubric_id")),
        "questions",
    )
    return rubric_qs.select_related("role").prefetch_related(
        "scale_levels",
        "areas",
        "signals",
        "questions",
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
    """The rubric's signals (those listed under a dimension too) grouped by kind, in the blueprint's order:
    strong, weak, red flags."""
    return _grouped(list(rubric.signals.all()))


def _grouped(signals: list[Signal]) -> list[SignalGroup]:
    return [
        SignalGroup(kind=kind, title=title, signals=[s for s in signals if s.kind == kind])
        for kind, title in SIGNAL_GROUP_TITLES.items()
    ]


def red_flags_first(groups: list[SignalGroup]) -> list[SignalGroup]:
    """The groups in the order pages that weigh a candidate show them (``SIGNAL_KINDS_RED_FLAGS_FIRST``)."""
    return sorted(groups, key=lambda group: SIGNAL_KINDS_RED_FLAGS_FIRST.index(group.kind))


def dimension_levels(*, rubric: RubricVersion, highest_first: bool = True) -> dict[int, list[LevelRow]]:
    """Each prefetched dimension's levels (scale label and the anchor covering it, if written), by dimension id."""
    labels = {level.value: level.label for level in rubric.scale_levels.all()}
    values = list(reversed(rubric.scale_values)) if highest_first else list(rubric.scale_values)
    levels = {}
    for dimension in rubric.dimensions.all():
        covering = {
            value: anchor for anchor in dimension.anchors.all() for value in range(anchor.level, anchor.top + 1)
        }
        rows = []
        for value in values:
            anchor = covering.get(value)
            first = anchor is None or value == (anchor.top if highest_first else anchor.level)
            span = (anchor.top - anchor.level + 1 if anchor else 1) if first else 0
            rows.append(LevelRow(value=value, label=labels.get(value, ""), anchor=anchor, span=span))
        levels[dimension.pk] = rows
    return levels


@dataclass(frozen=True)
class KitDimension:
    dimension: Dimension
    levels: list[LevelRow]
    questions: list[Question]
    signal_groups: list[SignalGroup]  # the kinds the rubric lists under this dimension (look-fors, indicators)


@dataclass(frozen=True)
class ScaleBand:
    """Consecutive levels of the scale that share a label and a definition, shown once ("9–10 Outstanding")."""

    low: int
    high: int
    label: str
    definition: str

    @property
    def levels(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def scale_bands(*, rubric: RubricVersion) -> list[ScaleBand]:
    """The scale's levels merged into bands where the rubric defines them as one; empty when it defines none."""
    levels = list(rubric.scale_levels.all())
    if not any(level.definition for level in levels):
        return []
    bands: list[ScaleBand] = []
    for level in levels:
        last = bands[-1] if bands else None
        if last and (last.label, last.definition) == (level.label, level.definition) and last.high == level.value - 1:
            bands[-1] = ScaleBand(last.low, level.value, level.label, level.definition)
        else:
            bands.append(ScaleBand(level.value, level.value, level.label, level.definition))
    return bands


@dataclass(frozen=True)
class Kit:
    """A role's interview guide: the whole role, or one exercise with the dimensions it assesses."""

    rubric: RubricVersion
    exercise: Exercise | None
    exercises: list[Exercise]
    dimensions: list[KitDimension]
    signal_groups: list[SignalGroup]  # the signals the rubric lists under no dimension
    scale_bands: list[ScaleBand]
    questions: list[Question]  # the role's questions, under no dimension or exercise

    @property
    def has_signals(self) -> bool:
        return any(group.signals for group in self.signal_groups)


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
            KitDimension(
                d,
                levels[d.pk],
                list(d.questions.all()),
                [group for group in _grouped(list(d.signals.all())) if group.signals],
            )
            for d in rubric.dimensions.all()
            if assessed is None or d.pk in assessed
        ],
        signal_groups=_grouped([signal for signal in rubric.signals.all() if signal.dimension_id is None]),
        scale_bands=scale_bands(rubric=rubric),
        questions=[q for q in rubric.questions.all() if q.dimension_id is None and q.exercise_id is None],
    )


def rubric_versions(*, role_slug: str) -> QuerySet[RubricVersion]:
    return (
        RubricVersion.objects.filter(role__slug=role_slug)
        .order_by("-number")
        .only("id", "number", "locked_at", "role_id")
    )


def rubric_export(*, role_slug: str, number: int | None = None) -> dict[str, Any]:
    """A rubric version (the newest unless a number is given) as its fixture document, written the one canonical
    way: loading it into an empty library gives the same version. Raises ``RubricVersion.DoesNotExist``."""
    rubric = rubric_get(role_slug=role_slug, number=number)
    levels = list(rubric.scale_levels.all())
    dimensions = list(rubric.dimensions.all())
    slugs = {dimension.pk: dimension.slug for dimension in dimensions}
    document = {
        "format": FORMAT,
        "role": {
            "slug": rubric.role.slug,
            "title": rubric.title,
            "level": rubric.level,
            "purpose": rubric.purpose,
            "source": rubric.source,
        },
        "rubric": {
            "version": rubric.number,
            "scale": {
                "min": rubric.scale_min,
                "max": rubric.scale_max,
                "labels": {str(level.value): level.label for level in levels},
                "rationale": rubric.scale_rationale,
                "definitions": {str(level.value): level.definition for level in levels if level.definition},
            },
            "areas": [{"name": area.name, "questions": area.question_list} for area in rubric.areas.all()],
            "exercises": [
                {
                    "slug": exercise.slug,
                    "title": exercise.title,
                    "format": exercise.format,
                    "duration": exercise.duration,
                    "optional": exercise.optional,
                    "brief": exercise.brief,
                    "ask_for": exercise.ask_for_list,
                    "questions": [question.text for question in exercise.questions.all()],
                    "dimensions": [d.slug for d in sorted(exercise.dimensions.all(), key=lambda d: d.position)],
                }
                for exercise in rubric.exercises.all()
            ],
            "dimensions": [
                {
                    "slug": dimension.slug,
                    "name": dimension.name,
                    "description": dimension.description,
                    "optional": dimension.optional,
                    "anchors": [
                        {"level": a.level, "level_max": a.level_max, "text": a.text, "source": a.source}
                        for a in dimension.anchors.all()
                    ],
                    "questions": [question.text for question in dimension.questions.all()],
                }
                for dimension in dimensions
            ],
            "signals": [
                {"kind": signal.kind, "text": signal.text, "dimension": slugs.get(signal.dimension_id or 0)}
                for signal in rubric.signals.all()
            ],
            "questions": [q.text for q in rubric.questions.all() if q.dimension_id is None and q.exercise_id is None],
            "decision_rule": None
            if rubric.rule_threshold is None
            else {
                "threshold": rubric.rule_threshold,
                "no_red_flag": rubric.rule_no_red_flag,
                "must_have": {d.slug: d.must_have_bar for d in dimensions if d.must_have_bar is not None},
            },
        },
    }
    return blueprint_canonical(document)


def draft_get(*, draft_id: int) -> RoleDraft | None:
    """A draft with who saved it last (the editor names them), or None."""
    return RoleDraft.objects.select_related("role", "updated_by").filter(pk=draft_id).first()


@dataclass(frozen=True)
class DraftRow:
    """A draft on the roles list, with the link to its editor."""

    draft: RoleDraft
    url: str


def drafts_open() -> list[DraftRow]:
    """Every draft, the most recently saved first, for the roles list (a small number: one per role in work)."""
    editor = Link("roles:draft")
    drafts = RoleDraft.objects.select_related("role", "updated_by").order_by("-updated_at", "-pk")[:50]
    return [DraftRow(draft, editor(draft.pk)) for draft in drafts]


# --- the scorecard preview: the draft as an interviewer fills it in ---------------------------------------------
# hiring's scorecard partials (templates/hiring/_dimension_fields.html, _signal_fields.html) draw a row from a few
# attributes; these rows give them from a kit alone, so the editor's preview shows the very markup interviewers
# get without roles knowing hiring. The fields are named for the preview only: the page shows them disabled, in
# no form, so nothing posts.

NOT_ASSESSED_OPTION = ("na", "Not assessed", "Does not count as a low score.")


@dataclass(frozen=True)
class PreviewField:
    """What the scorecard partials read of a form field: its name, id, label, value and errors (none)."""

    html_name: str
    label: str = ""
    value: str = ""
    errors: tuple[str, ...] = ()

    @property
    def auto_id(self) -> str:
        return f"id_{self.html_name}"


@dataclass(frozen=True)
class PreviewOption:
    value: str
    label: str
    anchor: str
    checked: bool = False


@dataclass(frozen=True)
class PreviewDimension:
    """A dimension as the scorecard partial names it: its slug prefixed, so its fieldset's id is not the kit's."""

    name: str
    slug: str
    description: str


@dataclass(frozen=True)
class PreviewDimensionRow:
    """One dimension as the scorecard draws it: each level with the anchor covering it (a band's text on each of
    its levels, a label alone where no anchor is written), then "not assessed"; the questions to ask beside it."""

    dimension: PreviewDimension
    levels: list[LevelRow]  # lowest first, as the scorecard lists them
    questions: list[Question]
    is_focus: bool = True
    chosen: PreviewOption | None = None
    evidence_required: bool = False

    @property
    def options(self) -> list[PreviewOption]:
        return [
            PreviewOption(str(level.value), level.label, level.anchor.text if level.anchor else "")
            for level in self.levels
        ] + [PreviewOption(*NOT_ASSESSED_OPTION)]

    @property
    def score(self) -> PreviewField:
        return PreviewField(f"{self.dimension.slug}-score", label=f"Score for {self.dimension.name}")

    @property
    def evidence(self) -> PreviewField:
        return PreviewField(f"{self.dimension.slug}-evidence", label=f"Evidence for {self.dimension.name}")

    @property
    def anchored_levels(self) -> list[LevelRow]:
        """The levels the kit beside the form lists, as the scorecard's does: each written anchor once, lowest first
        (a band at its lowest level, with that level's label)."""
        return [level for level in self.levels if level.anchor and level.anchor.level == level.value]


@dataclass(frozen=True)
class PreviewSignalRow:
    signal: Signal
    number: int

    @property
    def observed(self) -> PreviewField:
        return PreviewField(f"scorecard-signal-{self.number}", label=self.signal.text)

    @property
    def note(self) -> PreviewField:
        label = "What you saw" + (" (required for a red flag)" if self.signal.is_red_flag else "")
        return PreviewField(f"scorecard-signal-{self.number}-note", label=label)


@dataclass(frozen=True)
class PreviewSignalGroup:
    kind: str
    title: str
    rows: list[PreviewSignalRow]
    used: bool = False


@dataclass(frozen=True)
class ScorecardPreview:
    scale_min: int
    scale_max: int
    dimensions: list[PreviewDimensionRow]
    signal_groups: list[PreviewSignalGroup]  # red flags first, as the scorecard lists them


def scorecard_preview(kit: Kit) -> ScorecardPreview:
    """The scorecard of an interview focusing on every dimension of the kit's rubric, read from the kit alone (no
    query: the kit's content is prefetched, so this works on a kit read inside a rolled-back load)."""
    rubric = kit.rubric
    signals = list(rubric.signals.all())
    numbers = {id(signal): number for number, signal in enumerate(signals, start=1)}
    return ScorecardPreview(
        scale_min=rubric.scale_min,
        scale_max=rubric.scale_max,
        dimensions=[
            PreviewDimensionRow(
                PreviewDimension(row.dimension.name, f"scorecard-{row.dimension.slug}", row.dimension.description),
                list(reversed(row.levels)),
                row.questions,
            )
            for row in kit.dimensions
        ],
        signal_groups=[
            PreviewSignalGroup(group.kind, group.title, [PreviewSignalRow(s, numbers[id(s)]) for s in group.signals])
            for group in red_flags_first(_grouped(signals))
            if group.signals
        ],
    )
