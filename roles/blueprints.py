"""Reading and validating role-blueprint fixture documents (format `role-blueprint/1`).

Every problem names the file, the object and the field, so an author can fix it
without reading code. The format itself is described in docs/ROLE_FIXTURES.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "role-blueprint/1"
SIGNAL_KINDS = ("strong", "weak", "red_flag")
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


def _labels(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        return "must map each level to a non-blank label"
    return None


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
        for key in data.keys() - spec.keys():
            self.add(obj, key, "is not a known field")
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

    def items(self, data: dict, key: str, obj: str) -> list:
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


def blueprint_read(path: Path) -> dict:
    """Parse and validate one fixture file; raise BlueprintError listing every problem."""
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
    return document


def blueprint_problems(document: Any, *, file: str) -> list[Problem]:
    check = _Checker(file, [])
    if not isinstance(document, dict):
        check.add("document", "-", "must be a JSON object")
        return check.problems
    if document.get("format") != FORMAT:
        check.add("document", "format", f'must be "{FORMAT}", not {document.get("format")!r}')
    for key in document.keys() - {"format", "role", "rubric"}:
        check.add("document", key, "is not a known field")
    check.fields(document.get("role"), ROLE, "role")
    rubric = document.get("rubric")
    if not isinstance(rubric, dict):
        check.add("rubric", "-", "is required and must be an object")
        return check.problems
    spec = {"version": _int, "scale": dict, "areas": list, "exercises": list, "dimensions": list, "signals": list}
    for key in rubric.keys() - spec.keys():
        check.add("rubric", key, "is not a known field")
    for key in spec.keys() - rubric.keys():
        check.add("rubric", key, "is required")
    if "version" in rubric and (_int(rubric["version"]) or rubric["version"] < 1):
        check.add("rubric", "version", f"must be a whole number from 1, not {rubric['version']!r}")
    levels = _check_scale(check, rubric.get("scale"))
    for i, area in enumerate(check.items(rubric, "areas", "rubric")):
        check.fields(area, AREA, _label("area", i, area))
    dimension_slugs = _check_dimensions(check, check.items(rubric, "dimensions", "rubric"), levels)
    _check_exercises(check, check.items(rubric, "exercises", "rubric"), dimension_slugs)
    seen: set[tuple[str, str]] = set()
    for i, signal in enumerate(check.items(rubric, "signals", "rubric")):
        obj = f"signal {i + 1}"
        if check.fields(signal, SIGNAL, obj):
            key = (signal["kind"], " ".join(signal["text"].lower().split()))
            if key in seen:
                check.add(obj, "text", f"duplicates an earlier {signal['kind']} signal")
            seen.add(key)
    return check.problems


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


def _check_dimensions(check: _Checker, dimensions: list, levels: range | None) -> set[str]:
    slugs: set[str] = set()
    known: set[str] = set()
    names: set[str] = set()
    for i, dimension in enumerate(dimensions):
        obj = _label("dimension", i, dimension)
        if isinstance(dimension, dict) and _slug(dimension.get("slug")) is None:
            known.add(dimension["slug"])
        if not check.fields(dimension, DIMENSION, obj):
            continue
        if dimension["slug"] in slugs:
            check.add(obj, "slug", f'duplicates dimension slug "{dimension["slug"]}"')
        name = " ".join(dimension["name"].lower().split())
        if name in names:
            check.add(obj, "name", "duplicates an earlier dimension of this rubric")
        slugs.add(dimension["slug"])
        names.add(name)
        anchor_levels: set[int] = set()
        for j, anchor in enumerate(dimension["anchors"]):
            field = f"anchors[{j}]"
            if not isinstance(anchor, dict):
                check.add(obj, field, "must be an object")
                continue
            for key in anchor.keys() - ANCHOR.keys():
                check.add(obj, f"{field}.{key}", "is not a known field")
            for key, checker in ANCHOR.items():
                if key not in anchor:
                    check.add(obj, f"{field}.{key}", "is required")
                elif (error := checker(anchor[key])) is not None:
                    check.add(obj, f"{field}.{key}", error)
            level = anchor.get("level")
            if _int(level) is not None:
                continue
            if levels is not None and level not in levels:
                check.add(obj, f"{field}.level", f"{level} is outside the scale {levels.start}–{levels.stop - 1}")
            if level in anchor_levels:
                check.add(obj, f"{field}.level", f"level {level} has two anchors")
            anchor_levels.add(level)
        if levels is not None:
            required = sorted({levels.start, (levels.start + levels.stop - 1) // 2, levels.stop - 1})
            if missing := [str(level) for level in required if level not in anchor_levels]:
                check.add(obj, "anchors", f"needs an anchor at level {', '.join(missing)} (lowest, middle and highest)")
    return known


def _check_exercises(check: _Checker, exercises: list, dimension_slugs: set[str]) -> None:
    slugs: set[str] = set()
    for i, exercise in enumerate(exercises):
        obj = _label("exercise", i, exercise, "title")
        if not check.fields(exercise, EXERCISE, obj):
            continue
        if exercise["slug"] in slugs:
            check.add(obj, "slug", f'duplicates exercise slug "{exercise["slug"]}"')
        slugs.add(exercise["slug"])
        for slug in exercise["dimensions"]:
            if slug not in dimension_slugs:
                check.add(obj, "dimensions", f'names "{slug}", which is not a dimension of this rubric')


def rubric_hash(document: dict) -> str:
    """A stable fingerprint of the rubric content; the version number is not part of it."""
    content = {key: value for key, value in document["rubric"].items() if key != "version"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
