"""Reading and validating role-blueprint fixture documents (format `role-blueprint/1`).

Every problem names the file, the object and the field, so an author can fix it
without reading code. The format itself is described in docs/ROLE_FIXTURES.md.
"""

from __future__ import annotations

import copy
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
    path: str = ""  # where in the document, e.g. "rubric.dimensions[2].anchors[0].level", for an editor

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


REQUIRED = object()  # a spec default meaning: the key must be there


def _optional_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, not {_json_type(value)}"


def _definitions(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f'must be an object mapping levels to what they mean, e.g. {{"1": "…"}}, not {_json_type(value)}'
    for level, text in value.items():
        if not isinstance(text, str):
            return f"the definition of level {level} must be text, not {_json_type(text)}"
    return None


def _version(value: Any) -> str | None:
    return None if _int(value) is None and value >= 1 else f"must be a whole number from 1, not {value!r}"


def _line(value: Any) -> str | None:
    return None if _int(value) is None and value >= 0 else f"must be a line number, not {value!r}"


def _threshold(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        return f"must be a number from 0 to 1 (the normalised scale), not {value!r}"
    return None


Spec = dict[str, tuple[Any, Any]]  # key -> (checker or list, default or REQUIRED)

ROLE: Spec = {
    "slug": (_slug, REQUIRED),
    "title": (_text, REQUIRED),
    "level": (_optional_text, ""),
    "purpose": (_optional_text, ""),
    "source": (_optional_text, ""),
}
SCALE: Spec = {
    "min": (_int, REQUIRED),
    "max": (_int, REQUIRED),
    "labels": (_labels, REQUIRED),
    "rationale": (_optional_text, ""),
    "definitions": (_definitions, {}),
}
AREA: Spec = {"name": (_text, REQUIRED), "questions": (_text_list, [])}
EXERCISE: Spec = {
    "slug": (_slug, REQUIRED),
    "title": (_text, REQUIRED),
    "format": (_choice(EXERCISE_FORMATS), REQUIRED),
    "duration": (_optional_text, ""),
    "optional": (_bool, False),
    "brief": (_optional_text, ""),
    "ask_for": (_text_list, []),
    "questions": (_text_list, []),
    "dimensions": (_text_list, []),
}
ANCHOR: Spec = {
    "level": (_int, REQUIRED),
    "level_max": (_int, None),
    "text": (_text, REQUIRED),
    "source": (_choice(ANCHOR_SOURCES), REQUIRED),
}
DIMENSION: Spec = {
    "slug": (_slug, REQUIRED),
    "name": (_text, REQUIRED),
    "description": (_optional_text, ""),
    "optional": (_bool, False),
    "anchors": (list, []),
    "questions": (_text_list, []),
}
SIGNAL: Spec = {"kind": (_choice(SIGNAL_KINDS), REQUIRED), "text": (_text, REQUIRED), "dimension": (_slug, None)}
RUBRIC: Spec = {
    "version": (_version, REQUIRED),
    "scale": (dict, REQUIRED),
    "dimensions": (list, REQUIRED),
    "areas": (list, []),
    "exercises": (list, []),
    "signals": (list, []),
    "questions": (_text_list, []),
    "decision_rule": (dict, None),
}
DECISION_RULE: Spec = {
    "threshold": (_threshold, REQUIRED),
    "no_red_flag": (_bool, True),
    "must_have": (dict, {}),
}
REVIEW_ITEM: Spec = {
    "topic": (_text, REQUIRED),
    "message": (_text, REQUIRED),
    "field": (_optional_text, ""),  # blank for a line that concerns no field (one the import did not place)
    "line": (_line, 0),
}
DOCUMENT_KEYS = frozenset({"format", "role", "rubric", "review", "sources"})


@dataclass
class _Checker:
    file: str
    problems: list[Problem]

    def add(self, obj: str, field: str, message: str, path: str = "") -> None:
        self.problems.append(Problem(self.file, obj, field, message, path))

    def fields(self, data: Any, spec: Spec, obj: str, path: str) -> bool:
        """Check keys and value types of one object; True when it is sound enough to look inside."""
        if not isinstance(data, dict):
            self.add(obj, "-", "must be an object", path)
            return False
        ok = True
        for key in sorted(data.keys() - spec.keys(), key=str):
            self.add(obj, key, _unknown_field(key, spec.keys()), f"{path}.{key}")
            ok = False
        for key, (check, default) in spec.items():
            if key not in data:
                if default is REQUIRED:
                    self.add(obj, key, "is required", f"{path}.{key}")
                    ok = False
            elif default is None and data[key] is None:
                continue
            elif check is list or check is dict:
                if not isinstance(data[key], check):
                    self.add(obj, key, f"must be {'a list' if check is list else 'an object'}", f"{path}.{key}")
                    ok = False
            elif (error := check(data[key])) is not None:
                self.add(obj, key, error, f"{path}.{key}")
                ok = False
        return ok

    def items(self, data: dict[str, Any], key: str, obj: str, *, required: bool = False) -> list[Any]:
        if key not in data and not required:
            return []
        value = data.get(key)
        if not isinstance(value, list):
            return []  # reported by fields()
        if not value and required:
            self.add(obj, key, "must not be empty: a rubric needs one dimension at least", f"rubric.{key}")
        return value


def _label(kind: str, index: int, item: Any, name_key: str = "name") -> str:
    name = item.get(name_key) if isinstance(item, dict) else None
    return f'{kind} "{name}" ({index + 1})' if isinstance(name, str) and name else f"{kind} {index + 1}"


def blueprint_read(path: Path) -> dict[str, Any]:
    """Parse and validate one fixture file; raise BlueprintError listing every problem. Optional fields absent
    from the file are filled with their defaults."""
    return blueprint_open(path).document


def blueprint_open(path: Path) -> Blueprint:
    """Parse and validate one fixture file, with its warnings; raise BlueprintError listing every problem."""
    file = str(path)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BlueprintError([Problem(file, "file", "-", f"cannot be read: {error.strerror}")]) from error
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise BlueprintError([Problem(file, "file", "-", f"is not valid JSON: {error}")]) from error
    return blueprint_check(document, file=file)


def blueprint_check(document: Any, *, file: str) -> Blueprint:
    """Validate a fixture-shaped document (from a file, an import or an editor); raise BlueprintError naming every
    problem with its field path. The document returned has every optional field filled with its default."""
    problems = blueprint_problems(document, file=file)
    if problems:
        raise BlueprintError(problems)
    complete = blueprint_complete(document)
    return Blueprint(document=complete, warnings=blueprint_warnings(complete, file=file))


def blueprint_warnings(document: dict[str, Any], *, file: str) -> list[Problem]:
    """What a person should look at in a sound document: dimensions that no exercise assesses, when it has
    exercises."""
    rubric = blueprint_complete(document)["rubric"]
    if not rubric["exercises"]:
        return []
    assessed = {slug for exercise in rubric["exercises"] for slug in exercise["dimensions"]}
    return [
        Problem(
            file,
            _label("dimension", i, dimension),
            "slug",
            "no exercise assesses this dimension",
            f"rubric.dimensions[{i}].slug",
        )
        for i, dimension in enumerate(rubric["dimensions"])
        if dimension["slug"] not in assessed
    ]


def blueprint_problems(document: Any, *, file: str) -> list[Problem]:
    check = _Checker(file, [])
    if not isinstance(document, dict):
        check.add("document", "-", "must be a JSON object")
        return check.problems
    if document.get("format") != FORMAT:
        check.add("document", "format", f'must be "{FORMAT}", not {document.get("format")!r}', "format")
    for key in sorted(document.keys() - DOCUMENT_KEYS, key=str):
        check.add("document", key, _unknown_field(key, DOCUMENT_KEYS), key)
    if "role" not in document:
        check.add("role", "-", "is required and must be an object", "role")
    else:
        check.fields(document["role"], ROLE, "role", "role")
    _check_review(check, document.get("review", []))
    _check_sources(check, document.get("sources", {}))
    rubric = document.get("rubric")
    if not isinstance(rubric, dict):
        check.add("rubric", "-", "is required and must be an object", "rubric")
        return check.problems
    check.fields(rubric, RUBRIC, "rubric", "rubric")
    levels = _check_scale(check, rubric.get("scale"))
    for i, area in enumerate(check.items(rubric, "areas", "rubric")):
        check.fields(area, AREA, _label("area", i, area), f"rubric.areas[{i}]")
    dimensions = check.items(rubric, "dimensions", "rubric", required=True)
    known = _check_dimensions(check, dimensions, levels)
    _check_exercises(check, check.items(rubric, "exercises", "rubric"), known)
    _check_signals(check, check.items(rubric, "signals", "rubric"), known)
    if isinstance(rubric.get("decision_rule"), dict):
        _check_decision_rule(check, rubric, known, levels)
    return check.problems


def _check_decision_rule(
    check: _Checker, rubric: dict[str, Any], known: _KnownDimensions, levels: range | None
) -> None:
    """The version's decision rule: a threshold on the normalised scale, and must-have dimensions of this rubric,
    each with a bar on its scale; a must-have cannot be an optional dimension no exercise assesses."""
    rule, path = rubric["decision_rule"], "rubric.decision_rule"
    check.fields(rule, DECISION_RULE, "decision rule", path)  # a bad threshold does not hide the must-haves' problems
    if not isinstance(rule.get("must_have"), dict):
        return
    dimensions = {d["slug"]: d for d in rubric.get("dimensions", []) if isinstance(d, dict) and "slug" in d}
    exercises = rubric.get("exercises", [])
    assessed = {
        slug
        for exercise in exercises
        if isinstance(exercise, dict) and isinstance(exercise.get("dimensions"), list)
        for slug in exercise["dimensions"]
    }
    for slug, bar in rule["must_have"].items():
        where = f"{path}.must_have.{slug}"
        if slug not in known.slugs:
            check.add("decision rule", f"must_have.{slug}", _unknown_dimension(slug, known), where)
        elif _int(bar) is not None or (levels is not None and bar not in levels):
            scale = "" if levels is None else f" {levels.start}–{levels.stop - 1}"
            check.add(
                "decision rule", f"must_have.{slug}", f"the bar must be a level of the scale{scale}, not {bar!r}", where
            )
        elif dimensions.get(slug, {}).get("optional") is True and slug not in assessed:
            check.add(
                "decision rule",
                f"must_have.{slug}",
                "is an optional dimension no exercise assesses: a loop may never rate it, so it cannot be a must-have",
                where,
            )


def _check_signals(check: _Checker, signals: list[Any], known: _KnownDimensions) -> None:
    seen: set[tuple[str, str, str]] = set()
    for i, signal in enumerate(signals):
        obj, path = f"signal {i + 1}", f"rubric.signals[{i}]"
        if not check.fields(signal, SIGNAL, obj, path):
            continue
        key = (signal["kind"], str(signal.get("dimension")), " ".join(signal["text"].lower().split()))
        if key in seen:
            where = f' of "{signal["dimension"]}"' if signal.get("dimension") else ""
            check.add(obj, "text", f"duplicates an earlier {signal['kind']} signal{where}", f"{path}.text")
        seen.add(key)
        slug = signal.get("dimension")
        if slug is not None and slug not in known.slugs and slug not in known.excused:
            check.add(obj, "dimension", _unknown_dimension(slug, known), f"{path}.dimension")


def _check_review(check: _Checker, review: Any) -> None:
    """The optional review list an import leaves: what a person should check. It is not rubric content."""
    if not isinstance(review, list):
        check.add("document", "review", 'must be a list of {"topic": …, "message": …} objects', "review")
        return
    for i, item in enumerate(review):
        check.fields(item, REVIEW_ITEM, f"review item {i + 1}", f"review[{i}]")


def _check_sources(check: _Checker, sources: Any) -> None:
    """The optional map an import leaves of each field to the document line it came from. Not rubric content."""
    if not isinstance(sources, dict) or not all(
        isinstance(path, str) and _line(line) is None for path, line in sources.items()
    ):
        check.add("document", "sources", 'must map field paths to line numbers, e.g. {"role.title": 1}', "sources")


def _check_scale(check: _Checker, scale: Any) -> range | None:
    if not isinstance(scale, dict) or not check.fields(scale, SCALE, "scale", "rubric.scale"):
        return None  # a missing or non-object scale is reported with the rubric's fields
    low, high = scale["min"], scale["max"]
    if low < 0:
        check.add("scale", "min", f"must not be negative, not {low}", "rubric.scale.min")
        return None
    if high <= low:
        check.add(
            "scale", "max", f"must be above min ({low}), not {high}: a scale needs two levels", "rubric.scale.max"
        )
        return None
    if high - low + 1 > MAX_SCALE_LEVELS:
        check.add(
            "scale",
            "max",
            f"gives {high - low + 1} levels; at most {MAX_SCALE_LEVELS} are allowed",
            "rubric.scale.max",
        )
        return None
    levels = range(low, high + 1)
    expected = {str(level) for level in levels}
    for key in ("labels", "definitions"):
        given = scale.get(key, {})
        if key == "labels" and (missing := sorted(expected - given.keys(), key=int)):
            check.add("scale", key, f"has no label for level {', '.join(missing)}", f"rubric.scale.{key}")
        if extra := sorted(given.keys() - expected):
            check.add(
                "scale", key, f"level {', '.join(extra)} is outside the scale {low}–{high}", f"rubric.scale.{key}"
            )
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
    names: dict[str, int] = {}
    for i, dimension in enumerate(dimensions):
        obj, path = _label("dimension", i, dimension), f"rubric.dimensions[{i}]"
        _note_known(known, dimension)
        if not check.fields(dimension, DIMENSION, obj, path):
            continue
        if dimension["slug"] in slugs:
            check.add(obj, "slug", f'duplicates dimension slug "{dimension["slug"]}"', f"{path}.slug")
        name = " ".join(dimension["name"].lower().split())
        if name in names:
            check.add(obj, "name", f"duplicates dimension {names[name] + 1} of this rubric", f"{path}.name")
        slugs.add(dimension["slug"])
        names.setdefault(name, i)
        _check_anchors(check, dimension.get("anchors", []), levels, obj, path)
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


def _check_anchors(check: _Checker, anchors: list[Any], levels: range | None, obj: str, base: str) -> None:
    covered: dict[int, int] = {}  # level -> the anchor covering it
    for j, anchor in enumerate(anchors):
        field, path = f"anchors[{j}]", f"{base}.anchors[{j}]"
        if not isinstance(anchor, dict):
            check.add(obj, field, "must be an object", path)
            continue
        for key in sorted(anchor.keys() - ANCHOR.keys(), key=str):
            check.add(obj, f"{field}.{key}", _unknown_field(key, ANCHOR.keys()), f"{path}.{key}")
        for key, (checker, default) in ANCHOR.items():
            if key not in anchor:
                if default is REQUIRED:
                    check.add(obj, f"{field}.{key}", "is required", f"{path}.{key}")
            elif not (default is None and anchor[key] is None) and (error := checker(anchor[key])) is not None:
                check.add(obj, f"{field}.{key}", error, f"{path}.{key}")
        low: int = anchor.get("level")  # type: ignore[assignment]  # checked just below
        high: int | None = anchor.get("level_max")
        if _int(low) is not None or (high is not None and _int(high) is not None):
            continue
        if high is not None and high <= low:
            check.add(
                obj, f"{field}.level_max", f"must be above level ({low}) for a band, not {high}", path + ".level_max"
            )
            continue
        top = low if high is None else high
        if levels is not None and not (levels.start <= low and top < levels.stop):
            shown = str(low) if high is None else f"{low}–{high}"
            check.add(
                obj, f"{field}.level", f"{shown} is outside the scale {levels.start}–{levels.stop - 1}", path + ".level"
            )
        for level in range(low, top + 1):
            if level in covered:
                check.add(obj, f"{field}.level", f"level {level} has two anchors", f"{path}.level")
                break
            covered[level] = j


def _check_exercises(check: _Checker, exercises: list[Any], known: _KnownDimensions) -> None:
    slugs: set[str] = set()
    for i, exercise in enumerate(exercises):
        obj, path = _label("exercise", i, exercise, "title"), f"rubric.exercises[{i}]"
        if not check.fields(exercise, EXERCISE, obj, path):
            continue
        if exercise["slug"] in slugs:
            check.add(obj, "slug", f'duplicates exercise slug "{exercise["slug"]}"', f"{path}.slug")
        slugs.add(exercise["slug"])
        for slug in exercise.get("dimensions", []):
            if slug not in known.slugs and slug not in known.excused:
                check.add(obj, "dimensions", _unknown_dimension(slug, known), f"{path}.dimensions")


def _unknown_dimension(slug: str, known: _KnownDimensions) -> str:
    message = f'names "{slug}", which is not a dimension of this rubric'
    by_name = known.names.get(" ".join(slug.lower().split()))
    if by_name is not None:
        message = f'names "{slug}", which is a dimension\'s name; use its slug "{by_name}"'
    elif close := difflib.get_close_matches(slug, known.slugs, n=1, cutoff=0.6):
        message += f'; did you mean "{close[0]}"?'
    return f"{message}\n    dimension slugs of this rubric: {', '.join(known.slugs) or 'none'}"


def _shaped(value: dict[str, Any], spec: Spec, nested: dict[str, Spec], *, fill: bool) -> dict[str, Any]:
    """One object with its optional fields filled with their defaults (fill) or left out where they hold them."""
    shaped: dict[str, Any] = {}
    for key, (_, default) in spec.items():
        if key not in value:
            if fill and default is not REQUIRED:
                shaped[key] = copy.deepcopy(default)
            continue
        item = value[key]
        if key in nested:
            item = [_shaped(element, nested[key], {}, fill=fill) for element in item]
        if not fill and default is not REQUIRED and item == default:
            continue
        shaped[key] = item
    return shaped


def _document_shaped(document: dict[str, Any], *, fill: bool) -> dict[str, Any]:
    """A new document (nothing shared with the one given, which is never changed)."""
    document = copy.deepcopy(document)
    rubric = document["rubric"]
    shaped_rubric = _shaped(rubric, RUBRIC, {}, fill=fill)
    shaped_rubric["scale"] = _shaped(rubric["scale"], SCALE, {}, fill=fill)
    for key, spec, nested in (
        ("areas", AREA, {}),
        ("exercises", EXERCISE, {}),
        ("dimensions", DIMENSION, {"anchors": ANCHOR}),
        ("signals", SIGNAL, {}),
    ):
        if key in shaped_rubric:
            shaped_rubric[key] = [_shaped(item, spec, nested, fill=fill) for item in shaped_rubric[key]]
    if shaped_rubric.get("decision_rule") is not None:
        rule = _shaped(shaped_rubric["decision_rule"], DECISION_RULE, {}, fill=fill)
        rule["threshold"] = float(rule["threshold"])  # 1 and 1.0 are one rule: one fingerprint
        if "must_have" in rule:
            order = {d["slug"]: i for i, d in enumerate(rubric["dimensions"])}
            rule["must_have"] = dict(sorted(rule["must_have"].items(), key=lambda item: order.get(item[0], 0)))
        shaped_rubric["decision_rule"] = rule
    shaped = {"format": document["format"], "role": _shaped(document["role"], ROLE, {}, fill=fill)}
    shaped["rubric"] = shaped_rubric
    if "review" in document:
        shaped["review"] = [_shaped(item, REVIEW_ITEM, {}, fill=fill) for item in document["review"]]
    return shaped


def blueprint_complete(document: dict[str, Any]) -> dict[str, Any]:
    """A valid document with every optional field present (its default where the document leaves it out)."""
    return _document_shaped(document, fill=True)


def blueprint_canonical(document: dict[str, Any]) -> dict[str, Any]:
    """A valid document written the one way: optional fields that hold their default left out, anchors highest
    first, an exercise's dimensions in the rubric's order."""
    canonical = _document_shaped(document, fill=False)
    rubric = canonical["rubric"]
    order = {dimension["slug"]: i for i, dimension in enumerate(rubric["dimensions"])}
    for dimension in rubric["dimensions"]:
        if "anchors" in dimension:
            dimension["anchors"].sort(key=lambda anchor: -anchor["level"])
    for exercise in rubric.get("exercises", []):
        if "dimensions" in exercise:
            exercise["dimensions"].sort(key=lambda slug: order.get(slug, len(order)))
    return canonical


def rubric_hash(document: dict[str, Any]) -> str:
    """A stable fingerprint of the rubric content, however its optional fields are written; the version number is
    not part of it."""
    return _hash(blueprint_canonical(document)["rubric"])


def rubric_hash_before_optional_fields(document: dict[str, Any]) -> str:
    """The fingerprint a version loaded before the optional fields existed was stored with: the rubric as the old
    format wrote it, every old field present and none of the new ones. Lets `load_roles` see an unchanged
    shipped fixture as unchanged in a database loaded before."""
    rubric = blueprint_complete(document)["rubric"]
    rubric["scale"].pop("definitions")
    for dimension in rubric["dimensions"]:
        del dimension["optional"], dimension["questions"]
        for anchor in dimension["anchors"]:
            del anchor["level_max"]
    del rubric["questions"], rubric["decision_rule"]
    for exercise in rubric["exercises"]:
        del exercise["questions"]
    for signal in rubric["signals"]:
        del signal["dimension"]
    return _hash(rubric)


def _hash(rubric: dict[str, Any]) -> str:
    content = {key: value for key, value in rubric.items() if key != "version"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def blueprint_text(document: dict[str, Any]) -> str:
    """A fixture document as its file holds it."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
