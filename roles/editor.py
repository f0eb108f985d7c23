"""The role editor's form: a draft's blueprint document <-> plain HTML form fields, and its add/remove buttons.

Every field is named by its path in the document ("rubric.dimensions[2].anchors[0].level"), the path
`blueprint_check` names in its problems, so each problem is shown next to its field. The same parser reads
a full form post (the page works without JavaScript) and the autosave's JSON (`[[name, value], ...]`).
Parts the editor does not show (the scale's rationale, the import's review list and sources) are carried over
from the draft unchanged; the scale's per-level definitions and the assessment areas are edited when the form
carries them (a post without them keeps the draft's). The decision rule's must-have bars are typed beside each
dimension (`rubric.dimensions[i].must_have_bar`) and kept in the document's `rubric.decision_rule.must_have` by
slug; a problem naming one is shown beside its dimension's field.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from roles.blueprints import EXERCISE_FORMATS, MAX_SCALE_LEVELS, SIGNAL_KINDS, Problem
from roles.drafts import DRAFT_FILE
from roles.importing.building import slugify
from roles.models import SIGNAL_GROUP_TITLES

NUMBER_RE = re.compile(r"^-?\d{1,6}$")
DECIMAL_RE = re.compile(r"^-?\d{0,6}(\.\d{1,6})?$")
RULE = "rubric.decision_rule"
ACTION_RE = re.compile(r"^(add|remove)-(dimension|anchor|exercise|signal|area)((?:-\d{1,4}){0,2})$")
NEW_ROWS: dict[str, dict[str, Any]] = {
    "dimension": {"slug": "", "name": "", "anchors": [], "questions": []},
    "exercise": {"slug": "", "title": "", "format": "discussion", "dimensions": []},
    "signal": {"kind": "strong", "text": "", "dimension": None},
    "area": {"name": "", "questions": []},
}
AREAS_SHOWN = "rubric.areas"  # the form's marker: it shows the areas, so an empty list is one
MAX_ROWS = 200  # dimensions, exercises, signals or anchors of one dimension a form may carry


class FormData(Protocol):
    def get(self, key: str, default: Any = ...) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...
    def __contains__(self, key: object) -> bool: ...


class EditorRefused(Exception):
    """What was typed cannot be kept even as a draft (a scale the form cannot show); nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


def _number(value: str) -> int | str:
    """A whole number when the text is one; the text otherwise (the publish check then names the field)."""
    text = value.strip()
    return int(text) if NUMBER_RE.match(text) else text


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    return value if isinstance(value, str) else ""


def _scale(data: FormData, base: dict[str, Any]) -> dict[str, Any]:
    scale = copy.deepcopy(base) if isinstance(base, dict) else {}
    low, high = _number(_text(data, "rubric.scale.min")), _number(_text(data, "rubric.scale.max"))
    problems = []
    if not isinstance(low, int) or low < 0:
        problems.append(("min", "Lowest level: must be a whole number from 0"))
    if not isinstance(high, int):
        problems.append(("max", "Highest level: must be a whole number"))
    elif isinstance(low, int) and high - low + 1 < 2:
        problems.append(("max", f"Highest level: must be above the lowest ({low}): a scale needs two levels"))
    elif isinstance(low, int) and high - low + 1 > MAX_SCALE_LEVELS:
        problems.append(
            ("max", f"Highest level: gives {high - low + 1} levels; a scale has at most {MAX_SCALE_LEVELS}")
        )
    if problems:
        raise EditorRefused(
            [Problem(DRAFT_FILE, "scale", key, message, f"rubric.scale.{key}") for key, message in problems]
        )
    assert isinstance(low, int)
    assert isinstance(high, int)
    levels = [str(level) for level in range(low, high + 1)]
    scale["min"], scale["max"] = low, high
    scale["labels"] = {level: _text(data, f"rubric.scale.labels.{level}").strip() for level in levels}
    definitions = scale.get("definitions") if isinstance(scale.get("definitions"), dict) else {}
    if any(f"rubric.scale.definitions.{level}" in data for level in levels):  # the form shows them: as typed
        definitions = {level: _text(data, f"rubric.scale.definitions.{level}").strip() for level in levels}
    scale["definitions"] = {level: text for level, text in (definitions or {}).items() if level in levels and text}
    return scale


def _indices(data: FormData, prefix: str, key: str) -> range:
    count = 0
    while count < MAX_ROWS and f"{prefix}[{count}].{key}" in data:
        count += 1
    return range(count)


def _slugs(names: list[tuple[str, str]], kept: set[str], prefix: str) -> list[str]:
    """Each row's slug: the one it had when it came from a published version (kept), else one from its name,
    unique in the list (a nameless row gets `prefix-N`)."""
    taken = {slug for slug, _ in names if slug in kept}
    slugs = []
    for i, (slug, name) in enumerate(names):
        if slug in kept:
            slugs.append(slug)
            continue
        wanted = slugify(name) if name.strip() else f"{prefix}-{i + 1}"
        candidate, n = wanted, 2
        while candidate in taken:
            candidate, n = f"{wanted}-{n}", n + 1
        taken.add(candidate)
        slugs.append(candidate)
    return slugs


def document_from_form(data: FormData, *, base: dict[str, Any], kept: Iterable[str]) -> dict[str, Any]:
    """The document the form describes, the draft's other parts carried over; EditorRefused for a scale the form
    cannot show (not 2–11 levels)."""
    kept_slugs = set(kept)
    base = copy.deepcopy(base) if isinstance(base, dict) else {}
    base_role = base.get("role") if isinstance(base.get("role"), dict) else {}
    base_rubric = base.get("rubric") if isinstance(base.get("rubric"), dict) else {}
    assert isinstance(base_role, dict)
    assert isinstance(base_rubric, dict)
    role = {
        **base_role,
        # a new role's address as typed (blank: taken from the title on publish); a role's own is kept
        "slug": _text(data, "role.slug").strip() if "role.slug" in data else base_role.get("slug", ""),
        "title": _text(data, "role.title").strip(),
        "level": _text(data, "role.level").strip(),
        "purpose": _text(data, "role.purpose").strip(),
    }
    rubric: dict[str, Any] = {
        **base_rubric,
        "version": base_rubric.get("version", 1),
        "scale": _scale(data, base_rubric.get("scale", {})),
        "questions": _lines(_text(data, "rubric.questions")),
    }
    if AREAS_SHOWN in data:
        rubric["areas"] = [
            {
                "name": _text(data, f"rubric.areas[{i}].name").strip(),
                "questions": _lines(_text(data, f"rubric.areas[{i}].questions")),
            }
            for i in _indices(data, "rubric.areas", "name")
        ]

    dimension_rows = _indices(data, "rubric.dimensions", "name")
    old = [_text(data, f"rubric.dimensions[{i}].slug") for i in dimension_rows]
    names = [_text(data, f"rubric.dimensions[{i}].name").strip() for i in dimension_rows]
    slugs = _slugs(list(zip(old, names, strict=True)), kept_slugs, "dimension")
    renamed = {before: after for before, after in zip(old, slugs, strict=True) if before}
    rubric["dimensions"] = [_dimension(data, i, slug=slugs[i], name=names[i]) for i in dimension_rows]
    if f"{RULE}.threshold" in data:
        rule = _decision_rule(data, [(slugs[i], f"rubric.dimensions[{i}].must_have_bar") for i in dimension_rows])
        rubric.pop("decision_rule", None)
        if rule is not None:
            rubric["decision_rule"] = rule

    exercise_rows = _indices(data, "rubric.exercises", "title")
    titles = [_text(data, f"rubric.exercises[{j}].title").strip() for j in exercise_rows]
    exercise_old = [_text(data, f"rubric.exercises[{j}].slug") for j in exercise_rows]
    exercise_slugs = _slugs(list(zip(exercise_old, titles, strict=True)), kept_slugs, "exercise")
    rubric["exercises"] = [
        {
            "slug": exercise_slugs[j],
            "title": titles[j],
            "format": _text(data, f"rubric.exercises[{j}].format"),
            "duration": _text(data, f"rubric.exercises[{j}].duration").strip(),
            "optional": f"rubric.exercises[{j}].optional" in data,
            "brief": _text(data, f"rubric.exercises[{j}].brief").strip(),
            "ask_for": _lines(_text(data, f"rubric.exercises[{j}].ask_for")),
            "questions": _lines(_text(data, f"rubric.exercises[{j}].questions")),
            "dimensions": [
                renamed.get(slug, slug)
                for slug in data.getlist(f"rubric.exercises[{j}].dimensions")
                if isinstance(slug, str) and slug
            ],
        }
        for j in exercise_rows
    ]

    rubric["signals"] = []
    for k in _indices(data, "rubric.signals", "text"):
        dimension = _text(data, f"rubric.signals[{k}].dimension")
        rubric["signals"].append(
            {
                "kind": _text(data, f"rubric.signals[{k}].kind"),
                "text": _text(data, f"rubric.signals[{k}].text").strip(),
                "dimension": renamed.get(dimension, dimension) or None,
            }
        )
    return {**base, "format": base.get("format", "role-blueprint/1"), "role": role, "rubric": rubric}


def _decision_rule(data: FormData, bars: list[tuple[str, str]]) -> dict[str, Any] | None:
    """The version's own rule as typed, or None (the default rule) when nothing departs from it: no threshold,
    no must-have, red flags still counting. A threshold or bar that is not a number is kept as typed, for the
    publish check to name."""
    typed = _text(data, f"{RULE}.threshold").strip()
    must_have = {slug: _number(bar) for slug, name in bars if (bar := _text(data, name).strip())}
    no_red_flag = f"{RULE}.no_red_flag" in data
    if not typed and not must_have and no_red_flag:
        return None
    threshold: float | str = float(typed) if typed and DECIMAL_RE.match(typed) else typed
    return {"threshold": threshold, "no_red_flag": no_red_flag, "must_have": must_have}


def _dimension(data: FormData, i: int, *, slug: str, name: str) -> dict[str, Any]:
    path = f"rubric.dimensions[{i}]"
    anchors = []
    for j in _indices(data, f"{path}.anchors", "text"):
        at = f"{path}.anchors[{j}]"
        top = _text(data, f"{at}.level_max").strip()
        text = _text(data, f"{at}.text").strip()
        source = _text(data, f"{at}.source")
        anchors.append(
            {
                "level": _number(_text(data, f"{at}.level")),
                "level_max": _number(top) if top else None,
                "text": text,
                # a derived anchor a person rewrote is theirs now
                "source": source if source == "derived" and text == _text(data, f"{at}.was") else "verbatim",
            }
        )
    return {
        "slug": slug,
        "name": name,
        "description": _text(data, f"{path}.description").strip(),
        "optional": f"{path}.optional" in data,
        "anchors": anchors,
        "questions": _lines(_text(data, f"{path}.questions")),
    }


def document_change(document: dict[str, Any], *, action: str) -> dict[str, Any]:
    """The document with a row added or removed, as an add/remove button asks ("add-anchor-2",
    "remove-dimension-0"); unchanged for any other action. A removed dimension stays named where exercises or
    signals named it, so the publish check points at each of them."""
    match = ACTION_RE.match(action)
    if match is None:
        return document
    verb, kind, numbers = match.group(1), match.group(2), [int(n) for n in match.group(3).split("-") if n]
    changed = copy.deepcopy(document)
    rubric = changed["rubric"]
    if kind == "anchor":
        if not numbers or numbers[0] >= len(rubric["dimensions"]):
            return document
        rows = rubric["dimensions"][numbers[0]]["anchors"]
        numbers = numbers[1:]
        low = rubric["scale"]["min"]
        new: dict[str, Any] = {"level": low, "level_max": None, "text": "", "source": "verbatim"}
    else:
        rows = rubric.setdefault(f"{kind}s", [])
        new = copy.deepcopy(NEW_ROWS[kind])
        if kind in ("dimension", "exercise"):
            taken = {row.get("slug") for row in rows if isinstance(row, dict)}
            n = len(rows) + 1
            while f"{kind}-{n}" in taken:
                n += 1
            new["slug"] = f"{kind}-{n}"
    if verb == "add" and not numbers and len(rows) < MAX_ROWS:
        rows.append(new)
    elif verb == "remove" and len(numbers) == 1 and numbers[0] < len(rows):
        del rows[numbers[0]]
    else:
        return document
    return changed


# --- the page: each field with its value and the problems that name it ----------------------------------------


@dataclass
class Field:
    name: str  # the document path
    label: str
    value: Any = ""
    kind: str = "text"  # text, textarea, number, select, checkbox, checks
    choices: list[tuple[str, str]] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    help: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return field_id(self.name)


def field_id(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")


@dataclass
class AnchorRow:
    index: int
    level: Field
    level_max: Field
    text: Field
    source: str
    was: str


@dataclass
class DimensionRow:
    index: int
    slug: str
    name: Field
    description: Field
    optional: Field
    questions: Field
    anchors: list[AnchorRow]
    must_have_bar: Field


@dataclass
class ExerciseRow:
    index: int
    slug: str
    title: Field
    format: Field
    duration: Field
    brief: Field
    ask_for: Field
    questions: Field
    dimensions: Field
    optional: Field


@dataclass
class SignalRow:
    index: int
    kind: Field
    text: Field
    dimension: Field


@dataclass
class AreaRow:
    index: int
    name: Field
    questions: Field


@dataclass
class EditorPage:
    title: Field
    slug: Field | None  # a new role's address; None for the next version of a role
    level: Field
    purpose: Field
    scale_min: Field
    scale_max: Field
    labels: list[Field]
    dimensions: list[DimensionRow]
    exercises: list[ExerciseRow]
    signals: list[SignalRow]
    questions: Field
    rule_threshold: Field
    rule_no_red_flag: Field
    problems: list[tuple[str, str]]  # (the field's id, or "", the message) for the list at the top
    review: list[dict[str, str]]  # the import's review list, each with the id of the field it concerns
    definitions: list[Field] = field(default_factory=list)  # one a level, beside its label
    areas: list[AreaRow] = field(default_factory=list)

    @property
    def scale_levels(self) -> list[tuple[Field, Field | None]]:
        """Each level's label with its definition field."""
        return [
            (label, self.definitions[i] if i < len(self.definitions) else None) for i, label in enumerate(self.labels)
        ]


def _get(value: Any, key: str, default: Any = "") -> Any:
    return value.get(key, default) if isinstance(value, dict) else default


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _join(value: Any) -> str:
    return "\n".join(str(item) for item in value) if isinstance(value, list) else ""


def editor_page(document: dict[str, Any], *, new_role: bool, problems: Iterable[Problem] = ()) -> EditorPage:
    """The editor's fields for a draft's document, with each problem beside the field its path names (or the
    first field inside the object it names), and all of them listed."""
    role, rubric = _get(document, "role", {}), _get(document, "rubric", {})
    scale = _get(rubric, "scale", {})
    dimensions = [d for d in _get(rubric, "dimensions", []) if isinstance(d, dict)]
    fields: list[Field] = []

    def add(item: Field) -> Field:
        fields.append(item)
        return item

    title = add(Field("role.title", "Title", _get(role, "title")))
    slug = (
        add(
            Field(
                "role.slug",
                "Address (slug)",
                _get(role, "slug"),
                help="Lowercase letters, digits and hyphens; blank to take it from the title.",
            )
        )
        if new_role
        else None
    )
    level = add(Field("role.level", "Level", _get(role, "level")))
    purpose = add(Field("role.purpose", "Purpose", _get(role, "purpose"), kind="textarea"))
    low, high = _get(scale, "min", 1), _get(scale, "max", 5)
    scale_min = add(Field("rubric.scale.min", "Lowest level", low, kind="number"))
    scale_max = add(
        Field("rubric.scale.max", "Highest level", high, kind="number", help=f"2 to {MAX_SCALE_LEVELS} levels.")
    )
    levels = (
        range(low, high + 1)
        if isinstance(low, int) and isinstance(high, int) and 0 < high - low + 1 <= MAX_SCALE_LEVELS
        else range(0)
    )
    labels = [
        add(
            Field(
                f"rubric.scale.labels.{value}", f"Label of level {value}", _get(_get(scale, "labels", {}), str(value))
            )
        )
        for value in levels
    ]
    definitions = [
        add(
            Field(
                f"rubric.scale.definitions.{value}",
                f"Definition of level {value} (optional)",
                _get(_get(scale, "definitions", {}), str(value)),
                kind="textarea",
            )
        )
        for value in levels
    ]
    dimension_choices = [(str(d.get("slug", "")), str(d.get("name", "")) or str(d.get("slug", ""))) for d in dimensions]
    rule = _get(rubric, "decision_rule", None)
    must_have = _get(rule, "must_have", {})

    dimension_rows = []
    for i, dimension in enumerate(dimensions):
        path = f"rubric.dimensions[{i}]"
        name = f"Dimension {i + 1}"  # by number: the labels stay right while a name is being typed
        anchors = []
        for j, anchor in enumerate(_get(dimension, "anchors", [])):
            at = f"{path}.anchors[{j}]"
            anchors.append(
                AnchorRow(
                    index=j,
                    level=add(
                        Field(
                            f"{at}.level",
                            f"{name}: level of anchor {j + 1}",
                            _shown(_get(anchor, "level")),
                            kind="number",
                        )
                    ),
                    level_max=add(
                        Field(
                            f"{at}.level_max",
                            f"{name}: up to level (a band; blank for one level)",
                            _shown(_get(anchor, "level_max")),
                            kind="number",
                        )
                    ),
                    text=add(
                        Field(
                            f"{at}.text",
                            f"{name}: what anchor {j + 1} looks like",
                            _get(anchor, "text"),
                            kind="textarea",
                        )
                    ),
                    source=str(_get(anchor, "source", "verbatim")),
                    was=str(_get(anchor, "text")),
                )
            )
        dimension_rows.append(
            DimensionRow(
                index=i,
                slug=str(_get(dimension, "slug")),
                name=add(Field(f"{path}.name", f"Dimension {i + 1}: name", _get(dimension, "name"))),
                description=add(
                    Field(
                        f"{path}.description", f"{name}: description", _get(dimension, "description"), kind="textarea"
                    )
                ),
                optional=add(
                    Field(
                        f"{path}.optional", f"{name} is optional", _get(dimension, "optional", False), kind="checkbox"
                    )
                ),
                questions=add(
                    Field(
                        f"{path}.questions",
                        f"{name}: questions, one a line",
                        _join(_get(dimension, "questions", [])),
                        kind="textarea",
                    )
                ),
                anchors=anchors,
                must_have_bar=add(
                    Field(
                        f"{path}.must_have_bar",
                        f"{name}: must-have bar (the decision rule)",
                        _shown(_get(must_have, str(_get(dimension, "slug")), None)),
                        kind="number",
                        help="A level of the scale the panel's mean must reach for a hire; blank: not a must-have.",
                    )
                ),
            )
        )

    exercise_rows = []
    for j, exercise in enumerate(_get(rubric, "exercises", [])):
        path = f"rubric.exercises[{j}]"
        name = f"Exercise {j + 1}"
        focus = [str(slug) for slug in _get(exercise, "dimensions", [])]
        known = {choice for choice, _ in dimension_choices}
        choices = dimension_choices + [
            (slug, f"{slug} (not a dimension of this role)") for slug in focus if slug not in known
        ]
        exercise_rows.append(
            ExerciseRow(
                index=j,
                slug=str(_get(exercise, "slug")),
                title=add(Field(f"{path}.title", f"Exercise {j + 1}: title", _get(exercise, "title"))),
                format=add(
                    Field(
                        f"{path}.format",
                        f"{name}: format",
                        _get(exercise, "format"),
                        kind="select",
                        choices=[(f, f.capitalize()) for f in EXERCISE_FORMATS],
                    )
                ),
                duration=add(Field(f"{path}.duration", f"{name}: duration", _get(exercise, "duration"))),
                brief=add(Field(f"{path}.brief", f"{name}: brief", _get(exercise, "brief"), kind="textarea")),
                ask_for=add(
                    Field(
                        f"{path}.ask_for",
                        f"{name}: ask for, one a line",
                        _join(_get(exercise, "ask_for", [])),
                        kind="textarea",
                    )
                ),
                questions=add(
                    Field(
                        f"{path}.questions",
                        f"{name}: questions, one a line",
                        _join(_get(exercise, "questions", [])),
                        kind="textarea",
                    )
                ),
                dimensions=add(
                    Field(
                        f"{path}.dimensions",
                        f"{name}: dimensions it focuses on",
                        kind="checks",
                        choices=choices,
                        checked=focus,
                    )
                ),
                optional=add(
                    Field(f"{path}.optional", f"{name} is optional", _get(exercise, "optional", False), kind="checkbox")
                ),
            )
        )

    signal_rows = []
    for k, signal in enumerate(_get(rubric, "signals", [])):
        path = f"rubric.signals[{k}]"
        signal_rows.append(
            SignalRow(
                index=k,
                kind=add(
                    Field(
                        f"{path}.kind",
                        f"Signal {k + 1}: kind",
                        _get(signal, "kind"),
                        kind="select",
                        choices=[(kind, SIGNAL_GROUP_TITLES.get(kind, kind)) for kind in SIGNAL_KINDS],
                    )
                ),
                text=add(Field(f"{path}.text", f"Signal {k + 1}: text", _get(signal, "text"))),
                dimension=add(
                    Field(
                        f"{path}.dimension",
                        f"Signal {k + 1}: listed under",
                        _shown(_get(signal, "dimension", None)),
                        kind="select",
                        choices=[("", "No dimension (the whole role)"), *dimension_choices],
                    )
                ),
            )
        )
    questions = add(
        Field(
            "rubric.questions",
            "Questions for the whole role, one a line",
            _join(_get(rubric, "questions", [])),
            kind="textarea",
        )
    )

    areas = [
        AreaRow(
            index=i,
            name=add(Field(f"rubric.areas[{i}].name", f"Area {i + 1}: name", _get(area, "name"))),
            questions=add(
                Field(
                    f"rubric.areas[{i}].questions",
                    f"Area {i + 1}: questions, one a line",
                    _join(_get(area, "questions", [])),
                    kind="textarea",
                )
            ),
        )
        for i, area in enumerate(a for a in _get(rubric, "areas", []) if isinstance(a, dict))
    ]
    rule_threshold = add(
        Field(
            f"{RULE}.threshold",
            "Hire at a normalised mean (0 to 1) of at least",
            _shown(_get(rule, "threshold", None)),
            help="0 is the bottom of the scale, 1 the top. Blank, with no must-have and red flags counting: the "
            "app's default rule (docs/DECISIONS.md).",
        )
    )
    rule_no_red_flag = add(
        Field(
            f"{RULE}.no_red_flag",
            "No hire when a red flag is observed",
            _get(rule, "no_red_flag", True) if isinstance(rule, dict) else True,
            kind="checkbox",
        )
    )
    bars = {
        f"{RULE}.must_have.{d.get('slug', '')}": f"rubric.dimensions[{i}].must_have_bar"
        for i, d in enumerate(dimensions)
    }
    problems = [
        dataclasses.replace(problem, path=bars[problem.path]) if problem.path in bars else problem
        for problem in problems
    ]
    listed = _place(fields, problems)
    review = [
        {**item, "id": _nearest(fields, str(item.get("field", "")))}
        for item in _get(document, "review", [])
        if isinstance(item, dict)
    ]
    return EditorPage(
        title=title,
        slug=slug,
        level=level,
        purpose=purpose,
        scale_min=scale_min,
        scale_max=scale_max,
        labels=labels,
        dimensions=dimension_rows,
        exercises=exercise_rows,
        signals=signal_rows,
        questions=questions,
        rule_threshold=rule_threshold,
        rule_no_red_flag=rule_no_red_flag,
        problems=listed,
        review=review,
        definitions=definitions,
        areas=areas,
    )


def _nearest(fields: list[Field], path: str) -> str:
    """The id of the field a path names, or of the first field inside the object it names; "" for none."""
    if not path:
        return ""
    for item in fields:
        if item.name == path:
            return item.id
    for item in fields:
        if item.name.startswith((path + ".", path + "[")):
            return item.id
    return ""


def _place(fields: list[Field], problems: Iterable[Problem]) -> list[tuple[str, str]]:
    by_id = {item.id: item for item in fields}
    listed = []
    for problem in problems:
        message = (
            f"{problem.obj}: {problem.field}: {problem.message}"
            if problem.field != "-"
            else f"{problem.obj}: {problem.message}"
        )
        target = _nearest(fields, problem.path)
        if not target and problem.path.startswith("rubric.scale"):
            target = field_id("rubric.scale.max")
        if target in by_id:
            by_id[target].errors.append(message)
        listed.append((target, message))
    return listed
