"""Reading and validating role-blueprint fixture documents (format `role-blueprint/1`).

Every problem names the file, the object and the field, so an author can fix it
without reading code. The format itself is described in docs/ROLE_FIXTURES.md.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roles.models import SignalKind

FORMAT = "role-blueprint/1"
SIGNAL_KINDS = tuple(SignalKind.values)
ANCHOR_SOURCES = ("verbatim", "derived")
EXERCISE_FORMATS = ("case study", "take-home", "live exercise", "presentation", "simulation", "discussion")
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SCALE_LEVELS = 11


@dataclass(frozen=True)
class Problem:
    file: str
    obj: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.obj}: {self.field}: {self.message}"


@dataclass(frozen=True)
class Blueprint:
    """A validated fixture document and what is worth a look though it loads (e.g. a dimension no exercise assesses)."""

    document: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


class BlueprintError(Exception):
    """One or more problems make a fixture unloadable; nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


Checker = Callable[[Any], str | None]


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__}"
    if not value.strip():
        return "is required and must not be blank"
    return None


def _slug(value: Any) -> str | None:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        return f"{value!r} is not a slug (lowercase letters, digits and hyphens)"
    return None


def _int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {value!r}"


def _text_list(value: Any) -> str | None:
    if not isinstance(value, list):
        return "must be a list of texts"
    for i, item in enumerate(value):
        if (error := _text(item)) is not None:
            return f"item {i} {error}"
    return None


LABELS_SHAPE = 'an object mapping each level to its label, e.g. {"1": "Below the bar", "2": "At the bar"}'


def _labels(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"must be {LABELS_SHAPE}, not {_json_type(value)}"
    for level, label in value.items():
        if not isinstance(label, str):
            return f"the label of level {level} must be text, not {_json_type(label)}"
        if not label.strip():
            return f"the label of level {level} is blank"
    return None


def _json_type(value: Any) -> str:
    names = {list: "a list", str: "text", dict: "an object", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _unknown_field(key: str, known: Any) -> str:
    """'is not a known field', with the nearest known field when there is a close one."""
    names = sorted(str(name) for name in known)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    if close:
        return f'is not a known field; did you mean "{close[0]}"?'
    return "is not a known field"


def _choice(choices: tuple[str, ...]) -> Checker:
    def check(value: Any) -> str | None:
        return None if value in choices else f"{value!r} is not one of {', '.join(choices)}"

    return check


ROLE = {"slug": _slug, "title": _text, "level": _text, "purpose": _text, "source": _text}
SCALE = {"min": _int, "max": _int, "rationale": _text, "labels": _labels}
AREA = {"name": _text, "questions": _text_list}
EXERCISE = {
    "slug": _slug,
    "title": _text,
    "format": _choice(EXERCISE_FORMATS),
    "duration": _text,
    "optional": _bool,
    "brief": _text,
    "ask_for": _text_list,
    "dimensions": _text_list,
}
ANCHOR = {"level": _int, "text": _text, "source": _choice(ANCHOR_SOURCES)}
DIMENSION = {"slug": _slug, "name": _text, "description": _text, "anchors": list}
SIGNAL = {"kind": _choice(SIGNAL_KINDS), "text": _text}
REVIEW_ITEM = {"topic": _text, "message": _text}
DOCUMENT_KEYS = frozenset({"format", "role", "rubric", "review"})


@dataclass
class _Checker:
    file: str
    problems: list[Problem]

    def add(self, obj: str, field: str, message: str) -> None:
        self.problems.append(Problem(self.file, obj, field, message))

    def fields(self, data: Any, spec: dict[str, Any], obj: str) -> bool:
        """Check keys and value types of one object; True when it is sound enough to look inside."""
        if not isinstance(data, dict):
            self.add(obj, "-", "must be an object")
            return False
        ok = True
        for key in sorted(data.keys() - spec.keys(), key=str):
            self.add(obj, key, _unknown_field(key, spec.keys()))
            ok = False
        for key, check in spec.items():
            if key not in data:
                self.add(obj, key, "is required")
                ok = False
            elif check is list:
                if not isinstance(data[key], list):
                    self.add(obj, key, "must be a list")
                    ok = False
            elif (error := check(data[key])) is not None:
                self.add(obj, key, error)
                ok = False
        return ok

    def items(self, data: dict[str, Any], key: str, obj: str) -> list[Any]:
        value = data.get(key)
        if not isinstance(value, list):
            self.add(obj, key, "must be a list")
            return []
        if not value:
            self.add(obj, key, "must not be empty")
        return value


def _label(kind: str, index: int, item: Any, name_key: str = "name") -> str:
    name = item.get(name_key) if isinstance(item, dict) else None
    return f'{kind} "{name}" ({index + 1})' if isinstance(name, str) and name else f"{kind} {index + 1}"


def blueprint_read(path: Path) -> dict[str, Any]:
    """Parse and validate one fixture file; raise BlueprintError listing every problem."""
    return blueprint_open(path).document


def blueprint_open(path: Path) -> Blueprint:
    """Parse and validate one fixture file, with its warnings; raise BlueprintError listing every problem."""
    file = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BlueprintError([Problem(file, "file", "-", f"cannot be read: {error.strerror}")]) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BlueprintError([Problem(file, "file", "-", f"is not valid JSON: {error}")]) from error
    problems = blueprint_problems(document, file=file)
    if problems:
        raise BlueprintError(problems)
    return Blueprint(document=document, warnings=blueprint_warnings(document, file=file))


def blueprint_warnings(document: dict[str, Any], *, file: str) -> list[Problem]:
    """What a person should look at in a sound document: dimensions that no exercise assesses."""
    rubric = document["rubric"]
    assessed = {slug for exercise in rubric["exercises"] for slug in exercise["dimensions"]}
    return [
        Problem(file, _label("dimension", i, dimension), "slug", "no exercise assesses this dimension")
        for i, dimension in enumerate(rubric["dimensions"])
        if dimension["slug"] not in assessed
    ]


def blueprint_problems(document: Any, *, file: str) -> list[Problem]:
    check = _Checker(file, [])
    if not isinstance(document, dict):
        check.add("document", "-", "must be a JSON object")
        return check.problems
    if document.get("format") != FORMAT:
        check.add("document", "format", f'must be "{FORMAT}", not {document.get("format")!r}')
    for key in sorted(document.keys() - DOCUMENT_KEYS, key=str):
        check.add("document", key, _unknown_field(key, DOCUMENT_KEYS))
    check.fields(document.get("role"), ROLE, "role")
    _check_review(check, document.get("review", []))
    rubric = document.get("rubric")
    if not isinstance(rubric, dict):
        check.add("rubric", "-", "is required and must be an object")
        return check.problems
    spec = {"version": _int, "scale": dict, "areas": list, "exercises": list, "dimensions": list, "signals": list}
    for key in sorted(rubric.keys() - spec.keys(), key=str):
        check.add("rubric", key, _unknown_field(key, spec.keys()))
    for key in spec.keys() - rubric.keys():
        check.add("rubric", key, "is required")
    if "version" in rubric and (_int(rubric["version"]) or rubric["version"] < 1):
        check.add("rubric", "version", f"must be a whole number from 1, not {rubric['version']!r}")
    levels = _check_scale(check, rubric.get("scale"))
    for i, area in enumerate(check.items(rubric, "areas", "rubric")):
        check.fields(area, AREA, _label("area", i, area))
    dimensions = check.items(rubric, "dimensions", "rubric")
    known = _check_dimensions(check, dimensions, levels) if isinstance(rubric.get("dimensions"), list) else None
    _check_exercises(check, check.items(rubric, "exercises", "rubric"), known)
    seen: set[tuple[str, str]] = set()
    for i, signal in enumerate(check.items(rubric, "signals", "rubric")):
        obj = f"signal {i + 1}"
        if check.fields(signal, SIGNAL, obj):
            key = (signal["kind"], " ".join(signal["text"].lower().split()))
            if key in seen:
                check.add(obj, "text", f"duplicates an earlier {signal['kind']} signal")
            seen.add(key)
    return check.problems


def _check_review(check: _Checker, review: Any) -> None:
    """The optional review list an import leaves: what a person should check. It is not rubric content."""
    if not isinstance(review, list):
        check.add("document", "review", 'must be a list of {"topic": …, "message": …} objects')
        return
    for i, item in enumerate(review):
        check.fields(item, REVIEW_ITEM, f"review item {i + 1}")


def _check_scale(check: _Checker, scale: Any) -> range | None:
    if not check.fields(scale, SCALE, "scale"):
        return None
    low, high = scale["min"], scale["max"]
    if low < 0:
        check.add("scale", "min", f"must not be negative, not {low}")
        return None
    if high <= low:
        check.add("scale", "max", f"must be above min ({low}), not {high}")
        return None
    if high - low + 1 > MAX_SCALE_LEVELS:
        check.add("scale", "max", f"gives {high - low + 1} levels; at most {MAX_SCALE_LEVELS} are allowed")
        return None
    levels = range(low, high + 1)
    expected = {str(level) for level in levels}
    if missing := sorted(expected - scale["labels"].keys(), key=int):
        check.add("scale", "labels", f"has no label for level {', '.join(missing)}")
    if extra := sorted(scale["labels"].keys() - expected):
        check.add("scale", "labels", f"level {', '.join(extra)} is outside the scale {low}–{high}")
    return levels


@dataclass
class _KnownDimensions:
    """Dimension slugs exercises may name; slugs written wrongly are excused so they are reported once."""

    slugs: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # normalised name -> slug
    excused: set[Any] = field(default_factory=set)


def _check_dimensions(check: _Checker, dimensions: list[Any], levels: range | None) -> _KnownDimensions:
    slugs: set[str] = set()
    known = _KnownDimensions()
    names: set[str] = set()
    for i, dimension in enumerate(dimensions):
        obj = _label("dimension", i, dimension)
        _note_known(known, dimension)
        if not check.fields(dimension, DIMENSION, obj):
            continue
        if dimension["slug"] in slugs:
            check.add(obj, "slug", f'duplicates dimension slug "{dimension["slug"]}"')
        name = " ".join(dimension["name"].lower().split())
        if name in names:
            check.add(obj, "name", "duplicates an earlier dimension of this rubric")
        slugs.add(dimension["slug"])
        names.add(name)
        _check_anchors(check, dimension["anchors"], levels, obj)
    return known


def _note_known(known: _KnownDimensions, dimension: Any) -> None:
    """Remember a dimension's slug (and name) for the exercises' references, or excuse a bad slug."""
    if not isinstance(dimension, dict):
        return
    if _slug(dimension.get("slug")) is None:
        known.slugs.append(dimension["slug"])
        if isinstance(dimension.get("name"), str):
            known.names[" ".join(dimension["name"].lower().split())] = dimension["slug"]
    elif isinstance(dimension.get("slug"), str | int | float | None):
        known.excused.add(dimension.get("slug"))


def _check_anchors(check: _Checker, anchors: list[Any], levels: range | None, obj: str) -> None:
    anchor_levels: set[int] = set()
    unreadable_level = False
    for j, anchor in enumerate(anchors):
        field = f"anchors[{j}]"
        if not isinstance(anchor, dict):
            check.add(obj, field, "must be an object")
            continue
        for key in sorted(anchor.keys() - ANCHOR.keys(), key=str):
            check.add(obj, f"{field}.{key}", _unknown_field(key, ANCHOR.keys()))
        for key, checker in ANCHOR.items():
            if key not in anchor:
                check.add(obj, f"{field}.{key}", "is required")
            elif (error := checker(anchor[key])) is not None:
                check.add(obj, f"{field}.{key}", error)
        level = anchor.get("level")
        if not isinstance(level, int) or _int(level) is not None:
            unreadable_level = True
            continue
        if levels is not None and level not in levels:
            check.add(obj, f"{field}.level", f"{level} is outside the scale {levels.start}–{levels.stop - 1}")
        if level in anchor_levels:
            check.add(obj, f"{field}.level", f"level {level} has two anchors")
        anchor_levels.add(level)
    if levels is not None and not unreadable_level:
        required = sorted({levels.start, (levels.start + levels.stop - 1) // 2, levels.stop - 1})
        if missing := [str(level) for level in required if level not in anchor_levels]:
            check.add(obj, "anchors", f"needs an anchor at level {', '.join(missing)} (lowest, middle and highest)")


def _check_exercises(check: _Checker, exercises: list[Any], known: _KnownDimensions | None) -> None:
    slugs: set[str] = set()
    for i, exercise in enumerate(exercises):
        obj = _label("exercise", i, exercise, "title")
        if not check.fields(exercise, EXERCISE, obj):
            continue
        if exercise["slug"] in slugs:
            check.add(obj, "slug", f'duplicates exercise slug "{exercise["slug"]}"')
        slugs.add(exercise["slug"])
        for slug in exercise["dimensions"]:
            if known is not None and slug not in known.slugs and slug not in known.excused:
                check.add(obj, "dimensions", _unknown_dimension(slug, known))


def _unknown_dimension(slug: str, known: _KnownDimensions) -> str:
    message = f'names "{slug}", which is not a dimension of this rubric'
    by_name = known.names.get(" ".join(slug.lower().split()))
    if by_name is not None:
        message = f'names "{slug}", which is a dimension\'s name; use its slug "{by_name}"'
    elif close := difflib.get_close_matches(slug, known.slugs, n=1, cutoff=0.6):
        message += f'; did you mean "{close[0]}"?'
    return f"{message}\n    dimension slugs of this rubric: {', '.join(known.slugs) or 'none'}"


def rubric_hash(document: dict[str, Any]) -> str:
    """A stable fingerprint of the rubric content; the version number is not part of it."""
    content = {key: value for key, value in document["rubric"].items() if key != "version"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
