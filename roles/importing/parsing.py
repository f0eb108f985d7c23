"""From a document's lines to the items of its role summary and hiring-evaluation section.

Every text kept here is the document's own, whitespace aside. Where the document's shape
leaves a choice (how a plain-text table row splits into cells, say), a note for the review
list records it. What cannot be read at all raises ImportRefused.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from roles.importing.reading import Document, ImportRefused, Line
from roles.models import SignalKind

SECTION_RE = re.compile(r"hiring[\s-]+evaluation", re.IGNORECASE)
SECTION_NUMBER_RE = re.compile(r"^19[).]\s+\S")
NUMBERING_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[).]?|[a-z][).])\s+", re.IGNORECASE)
SUBSECTIONS = (
    ("areas", re.compile(r"^(what to assess|assessment areas|areas to assess|competencies)", re.IGNORECASE)),
    (
        "exercises",
        re.compile(r"^(practical exercises|exercises|case studies|work samples?|interview exercises)", re.IGNORECASE),
    ),
    (SignalKind.STRONG.value, re.compile(r"^strong (candidate )?signals", re.IGNORECASE)),
    (SignalKind.WEAK.value, re.compile(r"^weak (candidate )?signals", re.IGNORECASE)),
    (SignalKind.RED_FLAG.value, re.compile(r"^red flags", re.IGNORECASE)),
    ("dimensions", re.compile(r"^(scorecard|rubric|dimensions|scoring|interview rubric)", re.IGNORECASE)),
)
DASH_SPLIT_RE = re.compile(r"\s+[–—-]\s+")
LEADING_DASH_RE = re.compile(r"^[–—-]\s*")
TITLE_RE = re.compile(r"^(optional|case study|case [a-z0-9]+|exercise|take-home|work sample)\b", re.IGNORECASE)
ASK_RE = re.compile(
    r"^(?:(?P<before>.*?[.!?])\s+)?(?P<lead>ask for|ask the candidate to|ask candidate to|ask|must include|evaluate"
    r"|include|deliverables?|expect)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
DURATION_RE = re.compile(r"\s*\(([^()]*(?:\d|time-boxed)[^()]*)\)\s*$", re.IGNORECASE)
RANGE_RE = re.compile(r"(\d{1,3})\s*(?:–|—|-|to)\s*(\d{1,3})")
NAME_SCALE_RE = re.compile(r"\s*\((\d{1,3})\s*(?:–|—|-|to)\s*(\d{1,3})\)\s*$")
STATED_LABEL_RE = re.compile(r"(\d{1,3})\s*[=:]\s*([^,;=]+?)\s*(?=[,;]|\.\s|\.?$|\s+\d{1,3}\s*[=:])")
LOOKS_LIKE_RE = re.compile(r"What\s+[“\"']([^”\"']+)[”\"']\s+looks\s+like(?:\s*\([^)]*\))?", re.IGNORECASE)
SMALL_WORDS = {"and", "or", "of", "the", "a", "an", "to", "with", "for", "in", "on", "&"}


@dataclass
class Area:
    name: str
    questions: list[str]


@dataclass
class ExerciseItem:
    title: str
    duration: str
    optional: bool
    brief: str
    ask_for: list[str]


@dataclass
class DimensionItem:
    name: str
    cells: dict[str, str]  # column key (as the header gives it) -> anchor text


@dataclass
class ScaleStatement:
    low: int
    high: int
    labels: dict[int, str]
    text: str


@dataclass
class Parsed:
    title: str
    purpose: str
    areas: list[Area] = field(default_factory=list)
    exercises: list[ExerciseItem] = field(default_factory=list)
    signals: dict[str, list[str]] = field(default_factory=dict)
    dimensions: list[DimensionItem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the dimension table's level columns, in order
    scale: ScaleStatement | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (topic, message) for the review list


def blueprint_parse(document: Document) -> Parsed:
    file = document.file
    parts = _subsections(_section(document))
    if not parts.get("dimensions"):
        raise ImportRefused(
            file, 'its hiring-evaluation section has no scorecard dimensions part ("Scorecard dimensions")'
        )
    parsed = Parsed(title=_role_title(document), purpose=_role_purpose(document))
    for line in parts.pop("before", []):
        parsed.notes.append(("unplaced", f'Not placed (before the first part of the section): "{line.text}"'))
    parsed.areas = [_area(line) for line in _entries(parts.get("areas", []))]
    parsed.exercises = _exercises(parts.get("exercises", []), parsed.notes)
    for kind in SignalKind.values:
        parsed.signals[kind] = [line.text for line in _entries(parts.get(kind, []))]
    _dimensions(file, parts["dimensions"], parsed)
    return parsed


def _plain(text: str) -> str:
    return NUMBERING_RE.sub("", text.strip("#*_ ")).strip()


def _heading_like(line: Line) -> bool:
    return line.kind != "row" and len(line.text.split()) <= 10 and not line.text.endswith((".", ",", ";"))


def _section(document: Document) -> list[Line]:
    lines = document.lines
    candidates = [
        i
        for i, line in enumerate(lines)
        if _heading_like(line) and (SECTION_RE.search(line.text) or SECTION_NUMBER_RE.match(line.text))
    ]
    headed = [i for i in candidates if lines[i].kind == "heading"]
    if not candidates:
        raise ImportRefused(
            document.file, 'has no hiring-evaluation section (a heading "19)" or "Hiring Evaluation Criteria")'
        )
    start = (headed or candidates)[0]
    level = lines[start].level
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.kind == "heading" and level and line.level and line.level <= level:
            end = i
            break
    return lines[start + 1 : end]


def _subsections(section: list[Line]) -> dict[str, list[Line]]:
    parts: dict[str, list[Line]] = {}
    current = "before"
    for line in section:
        name = _subsection_name(line)
        if name is not None:
            current = name
            parts.setdefault(current, [])
            continue
        parts.setdefault(current, []).append(line)
    return parts


def _subsection_name(line: Line) -> str | None:
    if line.kind not in {"heading", "text"} or not _heading_like(line):
        return None
    if line.kind == "text" and line.lead and line.lead != line.text:
        return None
    text = _plain(line.text)
    return next((name for name, pattern in SUBSECTIONS if pattern.match(text)), None)


def _entries(lines: list[Line]) -> list[Line]:
    """A part's entries: its list items when it has any, otherwise its lines of text."""
    items = [line for line in lines if line.kind == "item"]
    return items or [line for line in lines if line.kind == "text"]


def _after_lead(line: Line) -> tuple[str, str]:
    """The line's bold lead (without a trailing colon) and the text after it."""
    if line.lead and line.text.startswith(line.lead):
        return line.lead.rstrip(":").strip(), line.text[len(line.lead) :].strip()
    return "", line.text


def _dash_parts(text: str) -> list[str]:
    text = LEADING_DASH_RE.sub("", text.strip())
    return [part.strip() for part in DASH_SPLIT_RE.split(text) if part.strip()] if text else []


def _area(line: Line) -> Area:
    name, rest = _after_lead(line)
    if not name:
        text = line.text
        dash = re.search(r"\s+[–—]\s+", text)
        colon = text.find(": ")
        if dash:
            name, rest = text[: dash.start()], text[dash.end() :]
        elif colon > 0 and len(text[:colon].split()) <= 6:
            name, rest = text[:colon], text[colon + 2 :]
        else:
            name, rest = text, ""
    return Area(name=name.strip(), questions=_dash_parts(rest))


def _exercise_parts(lines: list[Line]) -> list[tuple[str, bool]]:
    """(text, is_title) for every piece of the exercises part, in order."""
    depths = {line.depth for line in lines if line.kind == "item"}
    top = min(depths) if len(depths) > 1 else None
    parts: list[tuple[str, bool]] = []
    for line in lines:
        if line.kind not in {"item", "text"}:
            continue
        lead, rest = _after_lead(line)
        if lead and not ASK_RE.match(line.lead):
            parts.append((lead, True))
            parts.extend((part, False) for part in _dash_parts(rest))
            continue
        for index, part in enumerate(_dash_parts(line.text)):
            if top is not None:
                is_title = index == 0 and line.kind == "item" and line.depth == top
            else:
                is_title = _title_like(part)
            parts.append((part.rstrip(":").strip() if is_title else part, is_title))
    if parts and not any(is_title for _, is_title in parts):
        parts = [(text, True) for text, _ in parts]
    return parts


def _title_like(text: str) -> bool:
    if TITLE_RE.match(text):
        return True
    return text.endswith(":") and len(text.split()) <= 8 and not ASK_RE.match(text)


def _exercises(lines: list[Line], notes: list[tuple[str, str]]) -> list[ExerciseItem]:
    exercises: list[ExerciseItem] = []
    brief: list[str] = []
    ask_for: list[str] = []
    asking = False
    title = ""

    def close() -> None:
        if title:
            exercises.append(_exercise(title, brief, ask_for))

    for text, is_title in _exercise_parts(lines):
        if is_title:
            close()
            title, brief, ask_for, asking = text, [], [], False
        elif not title:
            notes.append(("unplaced", f'Not placed (exercises part, before any exercise title): "{text}"'))
        elif asking:
            ask_for.append(text.rstrip(",;. ").removeprefix("and ").strip())
        elif match := ASK_RE.match(text):
            if match.group("before"):
                brief.append(match.group("before"))
            rest = match.group("rest").strip()
            if rest:
                ask_for.extend(_list_items(rest))
            else:
                asking = True
        else:
            brief.append(text)
    close()
    return exercises


def _exercise(title: str, brief: list[str], ask_for: list[str]) -> ExerciseItem:
    duration = ""
    if match := DURATION_RE.search(title):
        duration, title = match.group(1).strip(), title[: match.start()].strip()
    optional = title.lower().startswith("optional") or "(optional)" in title.lower()
    return ExerciseItem(
        title=title, duration=duration, optional=optional, brief=" ".join(brief), ask_for=[a for a in ask_for if a]
    )


def _list_items(text: str) -> list[str]:
    """Split "a, b (c, d), and e." at the commas outside parentheses."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text.strip().rstrip("."):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if char in ",;" and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    cleaned = [re.sub(r"^(and|or)\s+", "", item.strip()) for item in items]
    return [item for item in cleaned if item]


def _scale_from_text(file: str, text: str) -> ScaleStatement:
    match = RANGE_RE.search(text)
    if match is None:
        raise ImportRefused(
            file, f'states a scale it cannot read ("{text}"); write it as a number range such as "1–5" or "0–4"'
        )
    low, high = int(match.group(1)), int(match.group(2))
    if high <= low or high - low + 1 > 11:
        raise ImportRefused(
            file, f'states a scale it cannot read ("{text}"): {low}–{high} is not a range of 2 to 11 levels'
        )
    labels = {int(level): label.strip() for level, label in STATED_LABEL_RE.findall(text[match.end() :])}
    return ScaleStatement(low=low, high=high, labels={k: v for k, v in labels.items() if low <= k <= high}, text=text)


def _dimensions(file: str, lines: list[Line], parsed: Parsed) -> None:
    scale_lines = [line for line in lines if line.kind == "text" and re.search(r"\bscale\b", line.text, re.I)]
    if scale_lines:
        parsed.scale = _scale_from_text(file, scale_lines[0].text)
    rest = [line for line in lines if line not in scale_lines]
    rows = [line for line in rest if line.kind == "row"]
    text_table = _text_table_start(rest)
    if rows:
        _table(file, rows, parsed)
    elif text_table is not None:
        _text_table(file, rest[text_table:], parsed)
    else:
        _names(file, rest, parsed)


def _names(file: str, lines: list[Line], parsed: Parsed) -> None:
    items = [line for line in lines if line.kind == "item"]
    entries = items or [line for line in lines if line.kind == "text" and _heading_like(line)]
    stated: set[tuple[int, int]] = set()
    for line in lines:
        if line not in entries and line.kind in {"item", "text"}:
            parsed.notes.append(("unplaced", f'Not placed (scorecard dimensions part): "{line.text}"'))
    for line in entries:
        name = line.text
        if match := NAME_SCALE_RE.search(name):
            stated.add((int(match.group(1)), int(match.group(2))))
            name = name[: match.start()].strip()
        parsed.dimensions.append(DimensionItem(name=name, cells={}))
    if not parsed.dimensions:
        raise ImportRefused(file, "its scorecard dimensions part lists no dimensions")
    if len(stated) > 1:
        ranges = ", ".join(f"{low}–{high}" for low, high in sorted(stated))
        raise ImportRefused(file, f"states a scale it cannot read: its dimensions give different ranges ({ranges})")
    if stated and parsed.scale is None:
        low, high = stated.pop()
        parsed.scale = _scale_from_text(file, f"{low}–{high} (after each dimension)")


def _table(file: str, rows: list[Line], parsed: Parsed) -> None:
    header, body = rows[0], rows[1:]
    _columns(file, list(header.cells[1:]), parsed)
    if not body:
        raise ImportRefused(file, "its dimension table has a header but no rows")
    for number, row in enumerate(body, start=2):
        _row(file, number, list(row.cells), parsed)


def _columns(file: str, cells: list[str], parsed: Parsed) -> None:
    if not cells:
        raise ImportRefused(file, "its dimension table has no level columns (only the dimension names)")
    parsed.columns = [cell.strip() for cell in cells]


def _row(file: str, number: int, cells: list[str], parsed: Parsed) -> None:
    width = len(parsed.columns) + 1
    name = cells[0].strip() if cells else ""
    if len(cells) != width:
        label = f' ("{name}")' if name else ""
        raise ImportRefused(
            file, f"its dimension table is ragged: row {number}{label} has {len(cells)} cells; the header has {width}"
        )
    if not name:
        raise ImportRefused(file, f"its dimension table row {number} has no dimension name")
    parsed.dimensions.append(
        DimensionItem(
            name=name, cells={column: cell for column, cell in zip(parsed.columns, cells[1:], strict=True) if cell}
        )
    )


def _text_table_start(lines: list[Line]) -> int | None:
    for i, line in enumerate(lines):
        if line.kind == "text" and re.match(r"^dimensions?\b", line.text, re.IGNORECASE):
            return i
    return None


def _text_table(file: str, lines: list[Line], parsed: Parsed) -> None:
    """A table pasted as text: one line per row, cells run together with single spaces."""
    header = lines[0].text
    columns = LOOKS_LIKE_RE.findall(header)
    if not columns:
        columns = header.split()[1:]
    _columns(file, [f"What “{c}” looks like" if LOOKS_LIKE_RE.findall(header) else c for c in columns], parsed)
    body = [line for line in lines[1:] if line.kind in {"text", "item"}]
    if not body:
        raise ImportRefused(file, "its dimension table has a header but no rows")
    for number, line in enumerate(body, start=2):
        cells = _split_text_row(line.text, len(columns) + 1)
        if cells is None:
            raise ImportRefused(
                file,
                f'its dimension table row {number} ("{line.text[:60]}") cannot be split into the header\'s '
                f"{len(columns) + 1} columns; separate the cells with tabs or | and import again",
            )
        _row(file, number, cells, parsed)
    parsed.notes.append(
        (
            "table",
            "The dimension table is plain text: each row was split into cells where a capitalised word begins "
            "a cell. Check each dimension's name and anchors.",
        )
    )


def _split_text_row(text: str, width: int) -> list[str] | None:
    if len(cells := re.split(r"\s{2,}", text.strip())) == width:
        return cells
    words = text.split()
    starts = [i for i, word in enumerate(words) if i > 0 and re.match(r"^[A-Z][a-z]", word)]
    if len(starts) > width - 1:
        starts = [i for i in starts if words[i - 1].lower() not in SMALL_WORDS and not words[i - 1].endswith(",")]
    if len(starts) != width - 1:
        return None
    bounds = [0, *starts, len(words)]
    return [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]


def _summary_value(document: Document, label: str) -> str:
    """The value of a summary row ("Role title | …") or line ("Role title: …")."""
    pattern = re.compile(rf"^{label}\b[\s:–-]*(.+)$", re.IGNORECASE)
    for line in document.lines:
        if line.kind == "row" and len(line.cells) >= 2 and line.cells[0].strip().lower() == label:
            return line.cells[1].strip()
        if line.kind in {"text", "item"} and (match := pattern.match(line.text)):
            return match.group(1).strip()
    return ""


def _role_title(document: Document) -> str:
    if title := _summary_value(document, "role title"):
        return title
    candidates = [document.title] if document.title else []
    candidates += [line.text for line in document.lines if line.kind == "heading" and "blueprint" in line.text.lower()]
    candidates += [line.text for line in document.lines if line.kind == "heading" and line.level == 1]
    for text in candidates:
        title = re.split(r":|\s+[–—-]\s+", text)[0].strip()
        title = re.sub(r"\s+role blueprint$", "", title, flags=re.IGNORECASE).strip()
        if title:
            return title
    raise ImportRefused(
        document.file, 'has no role title (a "Role title" row or a first heading "<title>: Role Blueprint")'
    )


def _role_purpose(document: Document) -> str:
    if purpose := _summary_value(document, "role purpose"):
        return purpose
    lines = document.lines
    for i, line in enumerate(lines):
        if re.search(r"role summary|role purpose|purpose", _plain(line.text), re.IGNORECASE) and _heading_like(line):
            following = next((later for later in lines[i + 1 : i + 6] if later.kind == "text"), None)
            if following is not None and not _heading_like(following):
                return following.text
    raise ImportRefused(document.file, 'has no role purpose (a "Role purpose" row or a "Role Summary" paragraph)')
