"""From a blueprint's parsed items to a `role-blueprint/1` fixture and its review list.

The rules (docs/ROLE_FIXTURES.md, "Importing a blueprint document"):
- scale: the one the document states ("Use a 1–5 scale", "(0–4)" after each dimension),
  else the one its numbered level columns span, else 1–5; labels the document gives are
  kept, the others come from one ladder (DEFAULT_LABELS);
- word columns: "Exceeds"-like at the top, "Meets"-like at the middle, "Below"-like at the bottom;
- anchors: table cells verbatim; each of the lowest, middle and highest level left without
  one is derived: highest from the strong signal, lowest from the red flag or weak signal,
  middle from the assessment area that best match the dimension (most shared word stems;
  ties go to the item used least, then the first);
- an exercise assesses every dimension whose name, or the name of the assessment area
  matched to it, shares a word stem with the exercise's title, brief or ask-for items.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roles.blueprints import EXERCISE_FORMATS, FORMAT, blueprint_problems
from roles.importing.parsing import (
    LOOKS_LIKE_RE,
    Area,
    DimensionItem,
    ExerciseItem,
    Parsed,
    ScaleStatement,
    blueprint_parse,
)
from roles.importing.reading import Document, ImportRefused
from roles.models import SignalKind

DEFAULT_SCALE = (1, 5)
NOT_STATED = "Not stated in the blueprint"
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
WORD_LEVELS = (
    ("top", ("exceeds", "exceptional", "outstanding", "far exceeds", "above", "strong hire")),
    ("low", ("below", "does not meet", "not yet", "unsatisfactory", "concerns", "weak", "poor", "needs")),
    ("mid", ("meets", "at the bar", "solid", "on target", "competent", "proficient")),
)
FORMAT_RULES = (
    ("take-home", re.compile(r"take[- ]home", re.I)),
    ("simulation", re.compile(r"simulat|role[- ]play", re.I)),
    ("presentation", re.compile(r"present|deep dive|candidate-led", re.I)),
    ("live exercise", re.compile(r"\blive\b|pairing|coding|notebook", re.I)),
    ("discussion", re.compile(r"discussion|critique|prompt|conversation", re.I)),
    ("case study", re.compile(r"case stud|design|scenario", re.I)),
)
TITLE_PREFIX_RE = re.compile(r"^(optional\s+)?(case study|exercise|case)\s+[a-z0-9]+(\s*\([^)]*\))?:\s*", re.I)
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "or",
        "of",
        "the",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "as",
        "at",
        "is",
        "are",
        "be",
        "been",
        "can",
        "do",
        "does",
        "did",
        "they",
        "their",
        "them",
        "candidate",
        "candidates",
        "ability",
        "able",
        "evidence",
        "what",
        "how",
        "not",
        "no",
        "without",
        "clear",
        "strong",
        "good",
        "skill",
        "skills",
        "has",
        "have",
        "had",
        "e",
        "g",
        "eg",
        "etc",
        "from",
        "into",
        "that",
        "this",
        "who",
        "when",
        "where",
        "about",
        "across",
        "only",
        "just",
        "vs",
        "via",
        "ml",
        "ic",
        "own",
        "its",
        "it",
        "if",
        "than",
        "then",
        "there",
        "these",
        "those",
        "such",
        "any",
        "all",
        "some",
        "more",
        "most",
        "other",
        "which",
        "while",
        "will",
        "would",
        "should",
        "could",
        "may",
        "might",
        "also",
        "both",
        "each",
        "many",
        "much",
        "very",
    }
)


@dataclass(frozen=True)
class ReviewItem:
    topic: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"topic": self.topic, "message": self.message}

    def __str__(self) -> str:
        return f"[{self.topic}] {self.message}"


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    labels: dict[int, str]
    rationale: str
    levels: dict[str, int]  # table column -> level

    @property
    def mid(self) -> int:
        return (self.low + self.high) // 2


def slugify(text: str, *, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "item"


def words(text: str) -> frozenset[str]:
    """The content words of a text, lowercased, without the common words of STOP_WORDS."""
    return frozenset(
        word for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in STOP_WORDS and len(word) > 1
    )


def shared_stems(a: frozenset[str], b: frozenset[str]) -> list[str]:
    """The word stems (first five letters, so "rigorous" meets "rigor") two sets of words share."""
    return sorted({word[:5] for word in a} & {word[:5] for word in b})


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How well two texts match: shared stems, and half a point more for each word shared whole."""
    return len(shared_stems(a, b)) + 0.5 * len(a & b)


def fixture_build(parsed: Parsed, *, file: str, slug: str | None = None, version: int = 1) -> dict[str, Any]:
    """The fixture document, with its review list under "review"."""
    review: list[ReviewItem] = [ReviewItem(topic, message) for topic, message in parsed.notes]
    role = _role(parsed, source=Path(file).name, slug=slug, review=review)
    scale = _scale(parsed, file, review)
    dimensions = _dimensions(parsed, scale, file, review)
    exercises = _exercises(parsed.exercises, dimensions, review)
    assessed = {slug for exercise in exercises for slug in exercise["dimensions"]}
    for dimension in dimensions:
        if dimension["slug"] not in assessed:
            review.append(
                ReviewItem("mapping", f'No exercise assesses "{dimension["name"]}": it is rated from the conversation.')
            )
    for dimension in dimensions:
        dimension.pop("_keys")
        dimension.pop("_match")
    signals = [{"kind": kind, "text": text} for kind in SignalKind.values for text in parsed.signals[kind]]
    return {
        "format": FORMAT,
        "role": role,
        "rubric": {
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
            "signals": _unique_signals(signals, review),
        },
        "review": [item.as_json() for item in review],
    }


def _unique_signals(signals: list[dict[str, str]], review: list[ReviewItem]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for signal in signals:
        key = (signal["kind"], " ".join(signal["text"].lower().split()))
        if key in seen:
            review.append(ReviewItem("unplaced", f'Signal listed twice, kept once: "{signal["text"]}"'))
            continue
        seen.add(key)
        kept.append(signal)
    return kept


def _role(parsed: Parsed, *, source: str, slug: str | None, review: list[ReviewItem]) -> dict[str, str]:
    first_word = parsed.title.split()[0] if parsed.title.split() else ""
    level = next((word for word in LEVEL_WORDS if word.lower() == first_word.lower()), "")
    if level:
        review.append(ReviewItem("level", f'Level "{level}": the first word of the title "{parsed.title}".'))
    else:
        level = NOT_STATED
        review.append(ReviewItem("level", f'No level in the title "{parsed.title}": set "level" by hand.'))
    role_slug = slug or slugify(parsed.title)
    review.append(ReviewItem("slug", f'Role slug "{role_slug}"{"" if slug else " (from the title)"}.'))
    return {"slug": role_slug, "title": parsed.title, "level": level, "purpose": parsed.purpose, "source": source}


def _default_label(level: int, low: int, high: int) -> str:
    mid = (low + high) // 2
    if level == low:
        return "Well below the bar"
    if level == high:
        return "Exceptional"
    if level == mid:
        return "At the bar"
    return "Below the bar" if level < mid else "Above the bar"


def _column_level(file: str, column: str) -> tuple[int | None, str, str]:
    """(number, word rank, label) of a level column: "What “5” looks like", "4 – Strong", "Meets"."""
    quoted = LOOKS_LIKE_RE.search(column)
    inner = quoted.group(1) if quoted else column
    if match := re.fullmatch(r"\D*?(\d{1,3})\D*", inner):
        label = re.sub(r"(?i)\blevel\b|\bscore\b|[()–—:=\-\d]", " ", inner)
        return int(match.group(1)), "", " ".join(label.split())
    words = " ".join(inner.lower().split())
    for rank, prefixes in WORD_LEVELS:
        if words.startswith(prefixes):
            return None, rank, " ".join(inner.split())
    raise ImportRefused(
        file,
        f'has a scale it cannot read: the dimension table column "{column}" names no level; '
        "head the columns with numbers (5, 3, 1) or with Exceeds / Meets / Below",
    )


def _scale(parsed: Parsed, file: str, review: list[ReviewItem]) -> Scale:
    stated: ScaleStatement | None = parsed.scale
    columns = {column: _column_level(file, column) for column in parsed.columns}
    numbers = {column: number for column, (number, _, _) in columns.items() if number is not None}
    if numbers and len(numbers) != len(columns):
        raise ImportRefused(file, "has a scale it cannot read: its dimension table mixes numbered and named columns")
    if stated is not None:
        low, high = stated.low, stated.high
        rationale = f'The blueprint states the scale: "{stated.text}".'
        review.append(ReviewItem("scale", f"Scale {low}–{high} as the blueprint states it."))
    elif numbers:
        low, high = (0 if 0 in numbers.values() else 1), max(numbers.values())
        shown = ", ".join(str(number) for number in numbers.values())
        rationale = f"The blueprint anchors levels {shown} in its dimension table; the scale runs {low}–{high}."
        review.append(ReviewItem("scale", f"Scale {low}–{high} read from the table's level columns ({shown})."))
    else:
        low, high = DEFAULT_SCALE
        rationale = f"The blueprint states no numeric scale; {low}–{high} is the import's default scale."
        review.append(ReviewItem("scale", f"No scale stated: chose {low}–{high}, the import default."))
    if high - low + 1 > 11 or high <= low:
        raise ImportRefused(file, f"has a scale it cannot read: {low}–{high} is not a range of 2 to 11 levels")
    mid = (low + high) // 2
    levels: dict[str, int] = {}
    labels: dict[int, str] = dict(stated.labels) if stated else {}
    for column, (number, rank, label) in columns.items():
        level = number if number is not None else {"top": high, "mid": mid, "low": low}[rank]
        if not low <= level <= high:
            raise ImportRefused(
                file, f'has a scale it cannot read: column "{column}" is level {level}, outside the scale {low}–{high}'
            )
        if level in levels.values():
            raise ImportRefused(file, f"has a scale it cannot read: two dimension table columns are level {level}")
        levels[column] = level
        if label and level not in labels:
            labels[level] = label
        if number is None:
            review.append(ReviewItem("scale", f'Column "{label}" placed at level {level} of {low}–{high}.'))
    if any(rank for _, rank, _ in columns.values()):
        placed = ", ".join(f'"{columns[c][2]}" at {level}' for c, level in levels.items())
        rationale += f" Its named columns are placed on it: {placed}."
    given = set(labels)
    for level in range(low, high + 1):
        labels.setdefault(level, _default_label(level, low, high))
    shown = "; ".join(f"{level} {labels[level]}{'' if level in given else ' (chosen)'}" for level in sorted(labels))
    review.append(ReviewItem("labels", f"Scale labels: {shown}."))
    return Scale(low=low, high=high, labels=labels, rationale=rationale, levels=levels)


def _best(pool: list[tuple[str, str]], keys: frozenset[str], uses: Counter[str]) -> tuple[str, str, list[str]]:
    """The (kind, text) of the pool that best matches keys; ties go to the least used, then the first."""
    scored = [(-overlap(keys, words(text)), uses[text], index, kind, text) for index, (kind, text) in enumerate(pool)]
    _, _, _, kind, text = min(scored)
    uses[text] += 1
    return kind, text, shared_stems(keys, words(text))


def _matched_area(name: str, areas: list[Area]) -> Area | None:
    keys = words(name)
    scored = [(-overlap(keys, words(area.name)), index) for index, area in enumerate(areas)]
    scored = [item for item in scored if item[0] < 0] or [
        (-overlap(keys, words(" ".join([area.name, *area.questions]))), index) for index, area in enumerate(areas)
    ]
    best = min(scored, default=(0, -1))
    return areas[best[1]] if best[0] < 0 else None


def _dimensions(parsed: Parsed, scale: Scale, file: str, review: list[ReviewItem]) -> list[dict[str, Any]]:
    strong = [("strong signal", text) for text in parsed.signals["strong"]]
    low_pool = [("red flag", text) for text in parsed.signals["red_flag"]]
    low_pool += [("weak signal", text) for text in parsed.signals["weak"]]
    area_pool = [("assessment area", area.questions[0] if area.questions else area.name) for area in parsed.areas]
    uses: Counter[str] = Counter()
    slugs: set[str] = set()
    dimensions = []
    for item in parsed.dimensions:
        area = _matched_area(item.name, parsed.areas)
        keys = words(" ".join([item.name, *item.cells.values(), *([area.name, *area.questions] if area else [])]))
        slug = _unique(slugify(item.name), slugs)
        anchors = {scale.levels[column]: (text, "verbatim") for column, text in item.cells.items()}
        pools = {scale.high: strong, scale.mid: area_pool or [("weak signal", t) for t in parsed.signals["weak"]]}
        pools[scale.low] = low_pool
        for level in sorted({scale.low, scale.mid, scale.high}, reverse=True):
            if level in anchors:
                continue
            pool = pools[level]
            if not pool:
                raise ImportRefused(
                    file, f'gives no anchor at level {level} for "{item.name}" and no text to derive one'
                )
            kind, text, shared = _best(pool, keys, uses)
            anchors[level] = (text, "derived")
            why = f"shares {', '.join(shared)}" if shared else "shares no word: check it"
            message = f'"{item.name}" level {level} derived from the {kind} "{text}" ({why}).'
            review.append(ReviewItem("anchors", message))
        dimensions.append(
            {
                "slug": slug,
                "name": item.name,
                "description": _description(item, area, review),
                "anchors": [
                    {"level": level, "text": text, "source": source}
                    for level, (text, source) in sorted(anchors.items(), reverse=True)
                ],
                "_keys": words(item.name) | (words(area.name) if area else frozenset()),
                "_match": keys,
            }
        )
    return dimensions


def _description(item: DimensionItem, area: Area | None, review: list[ReviewItem]) -> str:
    if area is None:
        message = f'"{item.name}": no assessment area matches; its description repeats its name.'
        review.append(ReviewItem("description", message))
        return item.name
    review.append(ReviewItem("description", f'"{item.name}": description from the assessment area "{area.name}".'))
    return " ".join(area.questions) if area.questions else area.name


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _exercise_format(exercise: ExerciseItem) -> str:
    for text in (exercise.title, exercise.brief):
        for name, pattern in FORMAT_RULES:
            if pattern.search(text):
                return name
    return EXERCISE_FORMATS[0]


def _exercises(
    items: list[ExerciseItem], dimensions: list[dict[str, Any]], review: list[ReviewItem]
) -> list[dict[str, Any]]:
    slugs: set[str] = set()
    exercises = []
    for item in items:
        text = words(" ".join([item.title, item.brief, *item.ask_for]))
        assessed = [(d, shared_stems(text, d["_keys"])) for d in dimensions if shared_stems(text, d["_keys"])]
        if assessed:
            shown = "; ".join(f"{d['name']} ({', '.join(shared)})" for d, shared in assessed)
            review.append(ReviewItem("mapping", f'"{item.title}" assesses {shown}.'))
        else:
            best = max(dimensions, key=lambda d: overlap(text, d["_match"]), default=None)
            if best is not None and shared_stems(text, best["_match"]):
                assessed = [(best, shared_stems(text, best["_match"]))]
                message = f'"{item.title}" shares no word with a dimension name; mapped to "{best["name"]}" '
                message += f"by its assessment text ({', '.join(assessed[0][1])})."
            else:
                message = f'"{item.title}" matches no dimension: choose the dimensions it assesses.'
            review.append(ReviewItem("mapping", message))
        fmt = _exercise_format(item)
        review.append(ReviewItem("format", f'"{item.title}": format "{fmt}".'))
        if not item.duration:
            review.append(ReviewItem("duration", f'"{item.title}": no duration stated.'))
        if item.optional:
            review.append(ReviewItem("optional", f'"{item.title}" is optional.'))
        if not item.brief:
            review.append(ReviewItem("brief", f'"{item.title}": no description; its brief repeats the title.'))
        title_slug = TITLE_PREFIX_RE.sub("", item.title)
        exercises.append(
            {
                "slug": _unique(slugify(title_slug), slugs),
                "title": item.title,
                "format": fmt,
                "duration": item.duration or NOT_STATED,
                "optional": item.optional,
                "brief": item.brief or item.title,
                "ask_for": item.ask_for,
                "dimensions": [d["slug"] for d, _ in assessed],
            }
        )
    return exercises


def fixture_import(document: Document, *, slug: str | None = None, version: int = 1) -> dict[str, Any]:
    """Parse a read document and build its fixture; refuse it if the fixture would not load."""
    fixture = fixture_build(blueprint_parse(document), file=document.file, slug=slug, version=version)
    problems = blueprint_problems(fixture, file=document.file)
    if problems:
        raise ImportRefused(document.file, "gives a fixture that does not load: " + "; ".join(str(p) for p in problems))
    return fixture
