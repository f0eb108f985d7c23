"""From a document's parsed items to a `role-blueprint/1` fixture, its review list and where each item came from.

The rules (docs/ROLE_FIXTURES.md, "Importing a rubric document"):
- scale: the one the document states ("Use a 1–5 scale", "(0–4)" after each dimension), else the
  range its numbered levels span (scale table, level columns or rows, anchor lines), else one level
  per level word it names (Reconsider, Hire; Below, Meets, Exceeds), else 1–5; labels the document
  gives are kept, the others come from one ladder (DEFAULT_LABELS) and are listed as chosen;
- a band ("9-10 (Outstanding)") stays one anchor over its levels, its label each of their labels;
- anchors are the document's own words only; a level with none shows its label. Anchors are derived
  from the rubric's signals and areas only when asked (`derive_anchors`, `import_blueprint --derive-anchors`);
- an exercise assesses every dimension whose name shares a word stem with the exercise's title, brief
  or ask-for items (roles/importing/matching.py).
Every review item names the field it concerns ("rubric.dimensions[2].anchors") and, where there is
one, the document's line; `sources` maps each imported field to the line it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roles.blueprints import EXERCISE_FORMATS, FORMAT, blueprint_problems
from roles.importing.deriving import anchors_derive
from roles.importing.levels import LevelKey
from roles.importing.matching import overlap, shared_stems, words
from roles.importing.parsing import DimensionItem, ExerciseItem, Parsed, blueprint_parse
from roles.importing.reading import Document, ImportRefused
from roles.models import SignalKind

DEFAULT_SCALE = (1, 5)
LEVEL_WORDS = (
    "Junior",
    "Associate",
    "Intermediate",
    "Senior",
    "Staff",
    "Lead",
    "Principal",
    "Distinguished",
    "Chief",
    "Head",
    "Director",
)
FORMAT_RULES = (
    ("take-home", re.compile(r"take[- ]home", re.I)),
    ("simulation", re.compile(r"simulat|role[- ]play", re.I)),
    ("presentation", re.compile(r"present|deep dive|candidate-led", re.I)),
    ("live exercise", re.compile(r"\blive\b|pairing|coding|notebook", re.I)),
    ("discussion", re.compile(r"discussion|critique|prompt|conversation|behaviou?ral|interview", re.I)),
    ("case study", re.compile(r"case stud|design|scenario", re.I)),
)
TITLE_PREFIX_RE = re.compile(r"^(optional\s+)?(case study|exercise|case)\s+[a-z0-9]+(\s*\([^)]*\))?:\s*", re.I)


@dataclass(frozen=True)
class ReviewItem:
    topic: str
    message: str
    field: str = ""  # the fixture field it concerns, e.g. "rubric.dimensions[2].anchors"
    line: int = 0  # the document's line, where there is one

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"topic": self.topic, "message": self.message}
        if self.field:
            item["field"] = self.field
        if self.line:
            item["line"] = self.line
        return item

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        return f"[{self.topic}] {self.message}{where}"


@dataclass
class Scale:
    low: int
    high: int
    labels: dict[int, str]
    definitions: dict[int, str]
    rationale: str
    words: dict[int, int] = field(default_factory=dict)  # a level word's rank -> its level

    @property
    def mid(self) -> int:
        return (self.low + self.high) // 2

    def levels_of(self, key: LevelKey) -> tuple[int, int] | None:
        """The levels a key names on this scale (a band when they differ), or None when it is off the scale."""
        if key.low is not None and key.high is not None:
            low, high = key.low, key.high
        elif key.rank is not None and key.rank in self.words:
            low = high = self.words[key.rank]
        else:
            return None
        return (low, high) if self.low <= low and high <= self.high else None


@dataclass
class _Build:
    file: str
    review: list[ReviewItem] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)

    def note(self, topic: str, message: str, path: str = "", line: int = 0) -> None:
        self.review.append(ReviewItem(topic, message, path, line))

    def source(self, path: str, line: int) -> None:
        if line:
            self.sources[path] = line


def slugify(text: str, *, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "item"


def fixture_build(parsed: Parsed, *, file: str, slug: str | None = None, version: int = 1) -> dict[str, Any]:
    """The fixture document, with its review list under "review" and its items' lines under "sources"."""
    build = _Build(file)
    if not parsed.dimensions:
        raise ImportRefused(
            file,
            "has no rubric in it: no dimension was found (a table with levels as columns or rows, a section per "
            'dimension, or a "Scorecard dimensions" list)',
        )
    role = _role(parsed, build, source=Path(file).name, slug=slug)
    scale = _scale(parsed, build)
    dimensions = _dimensions(parsed, scale, build)
    exercises = _exercises(parsed.exercises, dimensions, build)
    assessed = {slug for exercise in exercises for slug in exercise["dimensions"]}
    for index, dimension in enumerate(dimensions):
        if exercises and dimension["slug"] not in assessed:
            message = f'No exercise assesses "{dimension["name"]}": it is rated from the conversation.'
            build.note("mapping", message, f"rubric.dimensions[{index}]")
    signals = _signals(parsed, dimensions, build)
    for topic, message, line in parsed.notes:
        build.note(topic, message, line=line)
    for placed, why in parsed.unplaced:
        build.note("unplaced", f'Not placed ({why}): "{placed.text}"', line=placed.line)
    rubric: dict[str, Any] = {
        "version": version,
        "scale": {
            "min": scale.low,
            "max": scale.high,
            "rationale": scale.rationale,
            "labels": {str(level): scale.labels[level] for level in range(scale.low, scale.high + 1)},
        },
        "areas": [{"name": area.name, "questions": area.questions} for area in parsed.areas],
        "exercises": exercises,
        "dimensions": dimensions,
        "signals": signals,
        "questions": [placed.text for placed in parsed.questions],
    }
    for number, question in enumerate(parsed.questions):
        build.source(f"rubric.questions[{number}]", question.line)
    if scale.definitions:
        rubric["scale"]["definitions"] = {str(level): text for level, text in sorted(scale.definitions.items())}
    for index, area in enumerate(parsed.areas):
        build.source(f"rubric.areas[{index}]", area.line)
    return {
        "format": FORMAT,
        "role": role,
        "rubric": rubric,
        "review": [item.as_json() for item in build.review],
        "sources": dict(sorted(build.sources.items(), key=lambda item: item[1])),
    }


def _role(parsed: Parsed, build: _Build, *, source: str, slug: str | None) -> dict[str, str]:
    where = f"line {parsed.title_line}" if parsed.title_line else "the document's own title"
    build.note("title", f'Title "{parsed.title}", from {where}.', "role.title", parsed.title_line)
    build.source("role.title", parsed.title_line)
    level = parsed.level
    first_word = parsed.title.split()[0] if parsed.title.split() else ""
    if not level:
        level = next((word for word in LEVEL_WORDS if word.lower() == first_word.lower()), "")
        if level:
            build.note("level", f'Level "{level}": the first word of the title "{parsed.title}".', "role.level")
        else:
            build.note("level", f'No level in the title "{parsed.title}": set one if the role has it.', "role.level")
    if parsed.purpose:
        build.source("role.purpose", parsed.purpose_line)
        where = f"line {parsed.purpose_line}" if parsed.purpose_line else "the front matter"
        build.note("purpose", f"Purpose from {where}: check it states the role's purpose.", "role.purpose")
    else:
        build.note("purpose", "No purpose found: add one if the role has it.", "role.purpose")
    role_slug = slug or slugify(parsed.title)
    build.note("slug", f'Role slug "{role_slug}"{"" if slug else " (from the title)"}.', "role.slug")
    return {"slug": role_slug, "title": parsed.title, "level": level, "purpose": parsed.purpose, "source": source}


# --- scale --------------------------------------------------------------------------------------------


def _default_label(level: int, low: int, high: int) -> str:
    mid = (low + high) // 2
    if level == low:
        return "Well below the bar"
    if level == high:
        return "Exceptional"
    if level == mid:
        return "At the bar"
    return "Below the bar" if level < mid else "Above the bar"


def _keys(parsed: Parsed) -> list[LevelKey]:
    keys = [item.key for item in parsed.scale_levels] + list(parsed.columns)
    return keys + [anchor.key for dimension in parsed.dimensions for anchor in dimension.anchors]


def _range(parsed: Parsed, build: _Build, keys: list[LevelKey]) -> tuple[int, int, str, dict[int, int]]:
    """(low, high, rationale, word rank -> level) of the scale."""
    numbered = [key for key in keys if key.numbered]
    ranks = sorted({key.rank for key in keys if not key.numbered and key.rank is not None})
    stated = parsed.scale
    if stated is not None:
        low, high = stated.low, stated.high
        rationale = f'The document states the scale: "{stated.text}".'
        build.note("scale", f"Scale {low}–{high} as the document states it.", "rubric.scale", stated.line)
    elif numbered:
        lowest = min(key.low for key in numbered if key.low is not None)
        low, high = (0 if lowest == 0 else 1), max(key.high for key in numbered if key.high is not None)
        rationale = f"The document's levels run up to {high}; the scale runs {low}–{high}."
        build.note("scale", f"Scale {low}–{high}, read from the levels the document numbers.", "rubric.scale")
    elif ranks:
        low, high = 1, len(ranks)
        rationale = f"The document names {len(ranks)} levels in words; they are levels {low}–{high}, worst first."
        build.note("scale", f"Scale {low}–{high}: one level per level word, worst first.", "rubric.scale")
    else:
        low, high = DEFAULT_SCALE
        rationale = f"The document states no scale; {low}–{high} is the import's default scale."
        build.note("scale", f"No scale stated: chose {low}–{high}, the import default.", "rubric.scale")
    if high == low:
        raise ImportRefused(build.file, f"has a scale of one level ({low}); a scale needs 2 to 11 levels")
    if high < low or high - low + 1 > 11:
        raise ImportRefused(
            build.file, f"has a scale of {high - low + 1} levels ({low}–{high}); a scale needs 2 to 11 levels"
        )
    return low, high, rationale, _word_levels(ranks, low, high, build, stated is None and not numbered)


def _word_levels(ranks: list[int], low: int, high: int, build: _Build, own_scale: bool) -> dict[int, int]:
    """Where each level word sits: in order on a scale of their own, else top (Exceeds), middle (Meets) or bottom
    (Below) of the numbered scale."""
    if own_scale:
        return {rank: low + index for index, rank in enumerate(ranks)}
    mid = (low + high) // 2
    levels: dict[int, int] = {}
    for rank in ranks:
        level = high if rank >= 4 else mid if rank >= 2 else min(mid + 1, high) if rank > 0 else low
        if rank in (-2,) and low + 1 < mid:
            level = low + 1
        if level in levels.values():
            raise ImportRefused(build.file, f"has a scale it cannot read: two level words name level {level}")
        levels[rank] = level
    return levels


def _scale(parsed: Parsed, build: _Build) -> Scale:
    keys = _keys(parsed)
    low, high, rationale, word_levels = _range(parsed, build, keys)
    scale = Scale(low, high, {}, {}, rationale, word_levels)
    stated_labels = parsed.scale.labels if parsed.scale else {}
    for item in parsed.scale_levels:
        levels = scale.levels_of(item.key)
        if levels is None:
            build.note("unplaced", f'Not placed (off the {low}–{high} scale): "{item.key.text}"', line=item.line)
            continue
        for level in range(levels[0], levels[1] + 1):
            if item.label:
                scale.labels.setdefault(level, item.label)
            if item.definition:
                scale.definitions.setdefault(level, item.definition)
        build.source(f"rubric.scale.labels.{levels[0]}", item.line)
    for level, label in stated_labels.items():
        scale.labels.setdefault(level, label)
    for key in keys:
        levels = scale.levels_of(key)
        if levels is not None and key.label:
            for level in range(levels[0], levels[1] + 1):
                scale.labels.setdefault(level, key.label)
    for rank, level in word_levels.items():
        word = next(key.label for key in keys if key.rank == rank and not key.numbered)
        build.note("scale", f'"{word}" placed at level {level} of {low}–{high}.', f"rubric.scale.labels.{level}")
    given = set(scale.labels)
    for level in range(low, high + 1):
        scale.labels.setdefault(level, _default_label(level, low, high))
    shown = "; ".join(f"{lv} {scale.labels[lv]}{'' if lv in given else ' (chosen)'}" for lv in range(low, high + 1))
    build.note("labels", f"Scale labels: {shown}.", "rubric.scale.labels")
    return scale


# --- dimensions, exercises, signals -------------------------------------------------------------------


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _dimensions(parsed: Parsed, scale: Scale, build: _Build) -> list[dict[str, Any]]:
    slugs: set[str] = set()
    dimensions = []
    for index, item in enumerate(parsed.dimensions):
        path = f"rubric.dimensions[{index}]"
        build.source(f"{path}.name", item.line)
        dimension: dict[str, Any] = {
            "slug": _unique(slugify(item.name), slugs),
            "name": item.name,
            "description": " ".join(placed.text for placed in item.description),
            "optional": item.optional,
            "anchors": _anchors(item, scale, build, path),
            "questions": [placed.text for placed in item.questions],
        }
        if item.description:
            build.source(f"{path}.description", item.description[0].line)
        for number, question in enumerate(item.questions):
            build.source(f"{path}.questions[{number}]", question.line)
        if item.optional:
            build.note("optional", f'"{item.name}" is marked optional.', f"{path}.optional", item.line)
        if not dimension["anchors"]:
            build.note(
                "anchors",
                f'"{item.name}" has no written anchor: each level shows its label only. Write anchors, or '
                "derive them from the rubric's signals (import_blueprint --derive-anchors).",
                f"{path}.anchors",
                item.line,
            )
        dimensions.append(dimension)
    return dimensions


def _anchors(item: DimensionItem, scale: Scale, build: _Build, path: str) -> list[dict[str, Any]]:
    covered: dict[int, int] = {}  # level -> line of the anchor covering it
    anchors: list[tuple[dict[str, Any], int]] = []
    for anchor in item.anchors:
        levels = scale.levels_of(anchor.key)
        if levels is None:
            build.note(
                "unplaced",
                f'Not placed ("{anchor.key.text}" is off the {scale.low}–{scale.high} scale): "{anchor.text}"',
                f"{path}.anchors",
                anchor.line,
            )
            continue
        low, high = levels
        if clash := [level for level in range(low, high + 1) if level in covered]:
            build.note(
                "unplaced",
                f'Not placed (level {clash[0]} of "{item.name}" already has the anchor of line '
                f'{covered[clash[0]]}): "{anchor.text}"',
                f"{path}.anchors",
                anchor.line,
            )
            continue
        covered.update(dict.fromkeys(range(low, high + 1), anchor.line))
        written: dict[str, Any] = {"level": low, "text": anchor.text, "source": "verbatim"}
        if high > low:
            written["level_max"] = high
        anchors.append((written, anchor.line))
    anchors.sort(key=lambda pair: -pair[0]["level"])
    for number, (_, line) in enumerate(anchors):
        build.source(f"{path}.anchors[{number}]", line)
    return [written for written, _ in anchors]


def _signals(parsed: Parsed, dimensions: list[dict[str, Any]], build: _Build) -> list[dict[str, Any]]:
    """Rubric-wide signals, then each dimension's (its look-fors, indicators and red flags), once each."""
    listed: list[tuple[str, str | None, Any]] = [(kind, None, placed) for kind, placed in parsed.signals]
    for item, dimension in zip(parsed.dimensions, dimensions, strict=True):
        listed += [(kind, dimension["slug"], placed) for kind, placed in item.signals]
    order = {kind: position for position, kind in enumerate(SignalKind.values)}
    listed.sort(key=lambda entry: (entry[1] is not None, order[entry[0]]))
    seen: set[tuple[str, str | None, str]] = set()
    signals: list[dict[str, Any]] = []
    for kind, slug, placed in listed:
        key = (kind, slug, " ".join(placed.text.lower().split()))
        if key in seen:
            build.note("unplaced", f'Signal listed twice, kept once: "{placed.text}"', line=placed.line)
            continue
        seen.add(key)
        signal: dict[str, Any] = {"kind": kind, "text": placed.text}
        if slug is not None:
            signal["dimension"] = slug
        build.source(f"rubric.signals[{len(signals)}]", placed.line)
        signals.append(signal)
    for item, dimension in zip(parsed.dimensions, dimensions, strict=True):
        for guess in item.guessed:
            build.note("signals", f'"{dimension["name"]}": read {guess}; check it.', "rubric.signals")
    return signals


def _exercise_format(exercise: ExerciseItem) -> str:
    for text in (exercise.title, exercise.brief):
        for name, pattern in FORMAT_RULES:
            if pattern.search(text):
                return name
    return EXERCISE_FORMATS[0]


def _exercises(items: list[ExerciseItem], dimensions: list[dict[str, Any]], build: _Build) -> list[dict[str, Any]]:
    slugs: set[str] = set()
    keys = {d["slug"]: words(d["name"]) for d in dimensions}
    texts = {d["slug"]: words(" ".join([d["name"], d["description"], *d["questions"]])) for d in dimensions}
    exercises = []
    for index, item in enumerate(items):
        path = f"rubric.exercises[{index}]"
        build.source(f"{path}.title", item.line)
        text = words(" ".join([item.title, item.brief, *item.ask_for]))
        assessed = [(d, shared_stems(text, keys[d["slug"]])) for d in dimensions if shared_stems(text, keys[d["slug"]])]
        if assessed:
            shown = "; ".join(f"{d['name']} ({', '.join(shared)})" for d, shared in assessed)
            build.note("mapping", f'"{item.title}" assesses {shown}.', f"{path}.dimensions")
        else:
            best = max(dimensions, key=lambda d: overlap(text, texts[d["slug"]]), default=None)
            if best is not None and shared_stems(text, texts[best["slug"]]):
                assessed = [(best, shared_stems(text, texts[best["slug"]]))]
                message = f'"{item.title}" shares no word with a dimension name; mapped to "{best["name"]}" '
                message += f"by its text ({', '.join(assessed[0][1])})."
            else:
                message = f'"{item.title}" matches no dimension: choose the dimensions it assesses.'
            build.note("mapping", message, f"{path}.dimensions")
        fmt = _exercise_format(item)
        build.note("format", f'"{item.title}": format "{fmt}".', f"{path}.format")
        if not item.duration:
            build.note("duration", f'"{item.title}": no duration stated.', f"{path}.duration")
        if item.optional:
            build.note("optional", f'"{item.title}" is optional.', f"{path}.optional")
        for number, question in enumerate(item.questions):
            build.source(f"{path}.questions[{number}]", question.line)
        exercises.append(
            {
                "slug": _unique(slugify(TITLE_PREFIX_RE.sub("", item.title)), slugs),
                "title": item.title,
                "format": fmt,
                "duration": item.duration,
                "optional": item.optional,
                "brief": item.brief,
                "ask_for": item.ask_for,
                "questions": [question.text for question in item.questions],
                "dimensions": [d["slug"] for d, _ in assessed],
            }
        )
    return exercises


def fixture_import(
    document: Document, *, slug: str | None = None, version: int = 1, derive_anchors: bool = False
) -> dict[str, Any]:
    """Parse a read document and build its fixture; refuse it if the fixture would not load."""
    fixture = fixture_build(blueprint_parse(document), file=document.file, slug=slug, version=version)
    if derive_anchors:
        anchors_derive(fixture)
    problems = blueprint_problems(fixture, file=document.file)
    if problems:
        raise ImportRefused(document.file, "gives a fixture that does not load: " + "; ".join(str(p) for p in problems))
    return fixture
