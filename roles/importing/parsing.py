"""From a document's numbered lines to the rubric items it holds, each with the line it came from.

The evaluation content is the document's hiring-evaluation section when it has one (a heading
"19)" or "Hiring Evaluation"), else the whole document. Its headings (Markdown, setext,
numbered, a bold line, a short line alone in its paragraph, a "Label:" line) make a tree of
sections; each section is read by what its heading names (scale, dimensions, exercises, signals,
what to look for, questions, notes …) and by what it holds (a table with levels as columns or
as rows, anchor lines such as "9-10 (Outstanding): …", question lists). Every line of the
evaluation content ends up placed or in `Parsed.unplaced`; nothing is invented here. What cannot
be read at all raises ImportRefused.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from roles.importing.levels import LevelKey, anchor_line, level_key
from roles.importing.reading import Document, ImportRefused, Line, squash
from roles.models import SignalKind

SECTION_RE = re.compile(r"hiring[\s-]+evaluation", re.IGNORECASE)
SECTION_NUMBER_RE = re.compile(r"^19[).]\s+\S")
NUMBERING_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[).]?|[a-z][).])\s+", re.IGNORECASE)
OPTIONAL_RE = re.compile(r"\s*[\(\[]\s*optional\s*[\)\]]\s*|\s+[–—-]\s*optional\s*$|^optional\s*:\s*", re.IGNORECASE)
NAME_SCALE_RE = re.compile(r"\s*\((\d{1,2})\s*(?:–|—|-|to)\s*(\d{1,2})(?:\s*scale)?\)\s*$", re.IGNORECASE)
RANGE_RE = re.compile(r"(\d{1,3})\s*(?:–|—|-|to)\s*(\d{1,3})")
STATED_LABEL_RE = re.compile(r"(\d{1,3})\s*[=:]\s*([^,;=]+?)\s*(?=[,;]|\.\s|\.?$|\s+\d{1,3}\s*[=:])")
SCALE_WORD_RE = re.compile(r"\b(scale|scored?|rated?|rating)\b", re.IGNORECASE)
TEMPLATE_RE = re.compile(r"^\s*(\{[%{]|<%|\{\{>)")
QUESTION_RE = re.compile(
    r"\?\s*[\"”’)]?\s*$|^(ask\s*:|tell (me|us) about|describe|walk (me|us) through|give (me|us) an example|"
    r"talk (me|us) through|share an example|how (do|would|did) you|what (do|would|did) you|when did you|why did you)\b",
    re.IGNORECASE,
)
ASK_LEAD_RE = re.compile(r"^(ask|question|q|sample question)\s*[:.–-]\s*", re.IGNORECASE)
SUMMARY_LABELS = ("role title", "role purpose")

# What a heading names, first match wins: rubric-wide parts, then the parts of one dimension.
ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE))
    for role, pattern in (
        ("areas", r"^(what to assess|assessment areas|areas to assess)\b"),
        ("exercises", r"^(practical exercises|exercises|case studies|work samples?|interview (exercises|stages|plan))"),
        ("red_flag", r"\b(red flags?|deal[- ]?breakers?|disqualifiers)\b"),
        (
            "weak",
            r"^(weak (candidate )?signals|low indicators|negative indicators|concerns|warning signs|watch[- ]outs?|"
            r"what to avoid|yellow flags|signs of weakness|weaker answers)\b|\blow (indicators|signals)\b",
        ),
        (
            "strong",
            r"^(strong (candidate )?signals|green flags|(what to )?look[- ]?fors?|what to look for|"
            r"what good looks like|high indicators|positive indicators|indicators|evidence|strengths|listen for)\b"
            r"|\bhigh (indicators|signals)\b",
        ),
        (
            "questions",
            r"^((sample|suggested|interview|example|probing|behavioural|behavioral|follow[- ]?up) )?"
            r"(questions|prompts|probes)\b|^(what to )?ask\b|\bquestion (bank|guide)\b",
        ),
        (
            "scale",
            r"^((the|our|rating|scoring|grading|score) )?(scale|levels|legend|key)\b|^(rating|scoring) "
            r"(guide|scale|levels|definitions|key)\b|^score definitions\b|^how to (score|rate)\b",
        ),
        (
            "notes",
            r"^(notes?|(interviewer )?checklist|before the interview|after the interview|logistics|process|"
            r"instructions|how to use|reminders?|scheduling|next steps|debrief|about this (document|guide)|"
            r"includes?|templates?)\b",
        ),
        (
            "dimensions",
            r"^(scorecard|rubric|dimensions|competenc|criteria|evaluation criteria|assessment criteria|"
            r"skills|attributes|values|categories|focus areas|scoring|matrix|interview rubric)",
        ),
        ("description", r"^(description|definition|what it means|why it matters|about)\b"),
        ("anchors", r"^(anchors|levels|what each level looks like)\b"),
    )
)
DIMENSION_PARTS = frozenset({"strong", "weak", "red_flag", "questions", "description", "anchors"})
SIGNAL_ROLES = {"strong": SignalKind.STRONG.value, "weak": SignalKind.WEAK.value, "red_flag": SignalKind.RED_FLAG.value}
TABLE_NAME_HEADINGS = re.compile(r"^(dimension|competenc|criteri|area|skill|category|attribute|value|focus)", re.I)
TABLE_TEXT_HEADINGS = re.compile(r"^(description|definition|what it (means|looks like)|meaning|summary)", re.I)
TABLE_LABEL_HEADINGS = re.compile(r"^(label|name|level name|rating|title)$", re.I)


@dataclass(frozen=True)
class Placed:
    text: str
    line: int


@dataclass
class Area:
    name: str
    questions: list[str]
    line: int = 0


@dataclass
class ExerciseItem:
    title: str
    duration: str
    optional: bool
    brief: str
    ask_for: list[str]
    line: int = 0
    questions: list[Placed] = field(default_factory=list)


@dataclass(frozen=True)
class AnchorItem:
    key: LevelKey
    text: str
    line: int


@dataclass
class DimensionItem:
    name: str
    line: int
    description: list[Placed] = field(default_factory=list)
    anchors: list[AnchorItem] = field(default_factory=list)
    questions: list[Placed] = field(default_factory=list)
    signals: list[tuple[str, Placed]] = field(default_factory=list)
    optional: bool = False
    guessed: list[str] = field(default_factory=list)  # what the parser read by guess, for the review list
    origins: list[tuple[str, int, int]] = field(default_factory=list)  # (section/row/name, block, line) it came from


@dataclass(frozen=True)
class ScaleLevelItem:
    key: LevelKey
    label: str
    definition: str
    line: int


@dataclass(frozen=True)
class ScaleStatement:
    low: int
    high: int
    labels: dict[int, str]
    text: str
    line: int = 0


@dataclass
class Parsed:
    title: str
    purpose: str
    title_line: int = 0
    purpose_line: int = 0
    level: str = ""
    areas: list[Area] = field(default_factory=list)
    exercises: list[ExerciseItem] = field(default_factory=list)
    signals: list[tuple[str, Placed]] = field(default_factory=list)
    questions: list[Placed] = field(default_factory=list)  # the role's questions under no dimension or exercise
    dimensions: list[DimensionItem] = field(default_factory=list)
    scale: ScaleStatement | None = None
    scale_levels: list[ScaleLevelItem] = field(default_factory=list)
    columns: list[LevelKey] = field(default_factory=list)  # the level columns of the dimension tables
    unplaced: list[tuple[Placed, str]] = field(default_factory=list)  # (line, why) for the review list
    notes: list[tuple[str, str, int]] = field(default_factory=list)  # (topic, message, line) for the review list


@dataclass(eq=False)  # sections are told apart by identity, not compared field by field
class Section:
    heading: Line | None
    level: int
    role: str
    body: list[Line] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    pseudo: bool = False

    @property
    def name(self) -> str:
        return _plain(self.heading.text) if self.heading is not None else ""

    def lines(self) -> list[Line]:
        """Its heading, body and every descendant's, in document order."""
        own = [self.heading] if self.heading is not None else []
        return own + self.body + [line for child in self.children for line in child.lines()]


@dataclass
class _Reader:
    """The parse under way: what has been placed so far."""

    file: str
    parsed: Parsed
    placed: set[int] = field(default_factory=set)  # ids of the lines placed
    named: dict[str, DimensionItem] = field(default_factory=dict)  # the dimensions read so far, by name key

    def place(self, *lines: Line) -> None:
        self.placed.update(id(line) for line in lines)

    def is_placed(self, line: Line) -> bool:
        return id(line) in self.placed


def heading_role(text: str) -> str:
    plain = OPTIONAL_RE.sub(" ", _plain(text)).strip()
    return next((role for role, pattern in ROLES if pattern.search(plain)), "")


def _plain(text: str) -> str:
    return NUMBERING_RE.sub("", text.strip("#*_ ")).strip().rstrip(":").strip()


def _heading_like(line: Line) -> bool:
    return line.kind != "row" and 0 < len(line.text.split()) <= 10 and not line.text.endswith((".", ",", ";", "?"))


# --- the document's parts --------------------------------------------------------------------------


def blueprint_parse(document: Document) -> Parsed:
    lines, seed_shaped = _scope(document)
    title, title_line = _role_title(document, lines)
    purpose, purpose_line = _role_purpose(document, title_line, seed_shaped)
    parsed = Parsed(title=title, purpose=purpose, title_line=title_line, purpose_line=purpose_line)
    parsed.level = document.front.get("level", "")
    reader = _Reader(document.file, parsed)
    reader.place(*(line for line in lines if line.number in {title_line, purpose_line} and line.number))
    reader.place(*(line for line in lines if line.kind == "heading" and line.number == title_line))
    root = _tree([line for line in lines if not reader.is_placed(line)])
    _section(reader, root, "")
    for line in lines:
        if not reader.is_placed(line):
            parsed.unplaced.append((Placed(line.text, line.number), _why_unplaced(line)))
    return parsed


def _why_unplaced(line: Line) -> str:
    if line.checkbox:
        return "a checklist item, not part of the rubric"
    if TEMPLATE_RE.match(line.text):
        return "a template include: its content is not in this document"
    if line.kind == "heading":
        return "a heading with nothing the import reads under it"
    return "belongs to no dimension, exercise or scale the import found"


def _scope(document: Document) -> tuple[list[Line], bool]:
    """The hiring-evaluation section of a role blueprint, else every line; and whether it was the section."""
    lines = document.lines
    candidates = [
        i
        for i, line in enumerate(lines)
        if _heading_like(line) and (SECTION_RE.search(line.text) or SECTION_NUMBER_RE.match(line.text))
    ]
    if not candidates:
        return lines, False
    headed = [i for i in candidates if lines[i].kind == "heading"]
    start = (headed or candidates)[0]
    level = lines[start].level
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.kind == "heading" and level and line.level and line.level <= level:
            end = i
            break
    return lines[start + 1 : end], True


def _pseudo_heading(line: Line, previous: Line | None, following: Line | None) -> bool:
    """A line that heads what follows though the markup does not say so: bold alone, "Label:", or a short line
    alone in its paragraph that names a part or comes right before a list or a table."""
    if line.kind != "text":
        return False
    if line.bold_only:  # "**Exercise B: Take-home or live notebook review (2–4 hours, or 60–90 minutes live)**"
        return len(line.text.split()) <= 20 and not line.text.endswith((".", ",", ";"))
    if not _heading_like(Line("text", line.text.rstrip(":"))):
        return False
    if line.text.endswith(":") and len(line.text.split()) <= 8:
        return True
    alone = following is None or following.block != line.block or following.kind != "text"
    if not alone or (line.text.endswith(("?", ")")) and heading_role(line.text) == ""):
        return False
    return heading_role(line.text) != "" or (following is not None and following.kind in {"item", "row"})


def _tree(lines: list[Line]) -> Section:
    """The sections the headings make. A pseudo-heading sits one level below the last real heading; a dimension's
    part ("What to look for", "Questions") belongs to the section it follows when that section can be a dimension."""
    root = Section(None, 0, "")
    stack = [root]
    real_level = 0
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        previous = lines[index - 1] if index else None
        if line.kind == "heading":
            level = line.level or real_level + 1
            real_level = level
            pseudo = False
        elif _pseudo_heading(line, previous, following):
            level = real_level + 1
            pseudo = True
        else:
            stack[-1].body.append(line)
            continue
        section = Section(line, level, heading_role(line.text), pseudo=pseudo)
        if section.role in DIMENSION_PARTS and pseudo:
            while len(stack) > 1 and stack[-1].role in DIMENSION_PARTS:
                stack.pop()
            owner = stack[-1]
            if owner.role == "" and owner.heading is not None:
                section.level = owner.level + 1
                owner.children.append(section)
                stack.append(section)
                continue
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        stack[-1].children.append(section)
        stack.append(section)
    return root


def _section(reader: _Reader, section: Section, parent_role: str) -> None:
    role = section.role
    if role == "areas":
        _areas(reader, section)
    elif role == "exercises":
        _exercises(reader, section)
    elif role in SIGNAL_ROLES:
        _signals(reader, section, SIGNAL_ROLES[role])
    elif role == "scale":
        _scale(reader, section)
    elif role == "notes":
        return
    elif role == "dimensions" or (role in {"questions", "anchors"} and section.children):
        _dimensions_part(reader, section)
    elif role == "questions":
        _general_questions(reader, section)
    elif section.heading is not None and _is_dimension(section, parent_role):
        _dimension(reader, section)
    else:
        _body(reader, section.body, section)
        peers = {id(child) for child in _peer_dimensions(section)}
        for child in section.children:
            _section(reader, child, "dimensions" if id(child) in peers else role)
        if section.heading is not None and any(reader.is_placed(line) for line in section.lines()[1:]):
            reader.place(section.heading)


def _peer_dimensions(section: Section) -> list[Section]:
    """Children read as dimensions because most of their siblings are: "## Customer empathy" with one question
    among "## Ownership" sections of three."""
    children = [child for child in section.children if child.role in {"", "description"}]
    dimensions = [child for child in children if _is_dimension(child, section.role)]
    if not dimensions or 2 * len(dimensions) < len(children):
        return []
    return [child for child in children if child.body or child.children]


def _is_dimension(section: Section, parent_role: str) -> bool:
    if section.role in {"dimensions", "notes", "scale", "exercises", "areas"}:
        return False
    if parent_role in {"dimensions", "questions"}:
        return True
    if any(child.role in DIMENSION_PARTS for child in section.children):
        return True
    body = section.body
    if _table_kind(_rows(body)) == "rows":
        return True
    anchors = [line for line in body if line.kind in {"item", "text"} and anchor_line(line.text, line.lead)]
    questions = [line for line in body if line.kind == "item" and QUESTION_RE.search(line.text)]
    return len(anchors) >= 2 or len(questions) >= 2


def _rows(lines: list[Line]) -> list[Line]:
    return [line for line in lines if line.kind == "row"]


# --- tables -----------------------------------------------------------------------------------------


def _tables(lines: list[Line]) -> list[list[Line]]:
    """The table rows among lines, one list per table."""
    return [list(rows) for _, rows in itertools.groupby(_rows(lines), key=lambda line: line.block)]


def _table_kind(rows: list[Line]) -> str:
    """ "columns" (levels as columns, a dimension per row), "rows" (a level per row), "names" (dimension and
    description), "summary" (the role's title and purpose) or "" (none the import reads)."""
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    first = [row.cells[0] for row in body if row.cells]
    if (header.cells and header.cells[0].strip().lower() in SUMMARY_LABELS) or any(
        cell.strip().lower() in SUMMARY_LABELS for cell in first
    ):
        return "summary"
    level_columns = [cell for cell in header.cells[1:] if cell.strip()]
    if level_columns and all(level_key(cell) is not None for cell in level_columns):
        return "columns"
    keyed = [cell for cell in first if cell.strip()]
    if keyed and all(level_key(cell) is not None for cell in keyed):
        return "rows"
    if (
        len(header.cells) >= 2
        and TABLE_NAME_HEADINGS.match(header.cells[0].strip())
        and (len(header.cells) == 2 or TABLE_TEXT_HEADINGS.match(header.cells[1].strip()))
    ):
        return "names"
    return ""


def _table(reader: _Reader, rows: list[Line], dimension: DimensionItem | None, section_role: str) -> None:
    kind = _table_kind(rows)
    if kind == "columns":
        _columns_table(reader, rows, dimension)
    elif kind == "rows" and dimension is not None:
        _rows_table(reader, rows, dimension)
    elif kind == "rows":
        _scale_table(reader, rows)
    elif kind == "names" and dimension is None:
        _names_table(reader, rows)
    elif kind == "summary":
        reader.place(*(row for row in rows if row.cells and row.cells[0].strip().lower() in SUMMARY_LABELS))
    elif section_role == "dimensions" and len(rows[0].cells) > 1:
        columns = ", ".join(f'"{cell}"' for cell in rows[0].cells[1:])
        raise ImportRefused(
            reader.file,
            f"has a dimension table whose columns name no level (line {rows[0].number}: {columns}); head them with "
            "numbers (5, 3, 1), ranges (9-10) or level words (Exceeds, Meets, Below; Strong hire, Hire, No hire)",
        )


def _columns_table(reader: _Reader, rows: list[Line], dimension: DimensionItem | None) -> None:
    """Levels as columns: a header of level names ("5", "Meets", "Hire: YES", "9-10 (Outstanding)"), then a
    dimension per row with its anchor in each column (an empty matrix names the dimensions only)."""
    header, body = rows[0], rows[1:]
    keys = [level_key(cell) if cell.strip() else None for cell in header.cells[1:]]
    if not body:
        raise _no_rows(reader, header)
    reader.place(header)
    reader.parsed.columns.extend(key for key in keys if key is not None)
    for row in body:
        cells = list(row.cells)
        name = cells[0].strip() if cells else ""
        if len(cells) > len(keys) + 1 and not any(cells[len(keys) + 1 :]):
            cells = cells[: len(keys) + 1]
        if len(cells) != len(keys) + 1:
            label = f' ("{name}")' if name else ""
            raise ImportRefused(
                reader.file,
                f"its dimension table is ragged: the row at line {row.number}{label} has {len(cells)} cells; "
                f"the header has {len(keys) + 1}",
            )
        if not name:
            if not any(cell.strip() for cell in cells[1:]):
                continue
            raise ImportRefused(reader.file, f"its dimension table row at line {row.number} has no dimension name")
        target = dimension if dimension is not None and len(body) == 1 else _dimension_named(reader, name, row, "row")
        _row_anchors(target, keys, cells[1:], row.number)
        reader.place(row)


def _no_rows(reader: _Reader, header: Line) -> ImportRefused:
    return ImportRefused(
        reader.file, f"its dimension table at line {header.number} has a header but no rows: no usable rows"
    )


def _row_anchors(dimension: DimensionItem, keys: list[LevelKey | None], cells: list[str], line: int) -> None:
    """A table row's cells as the dimension's anchors, each at the level its column names."""
    for key, cell in zip(keys, cells, strict=True):
        if key is not None and cell.strip():
            dimension.anchors.append(AnchorItem(key, cell.strip(), line))


def _rows_table(reader: _Reader, rows: list[Line], dimension: DimensionItem) -> None:
    """Levels as rows under one dimension: "5 | text", "9-10 (Outstanding) | text", "4 | Strong | text"."""
    header, body = (rows[0], rows[1:]) if rows[0].header or level_key(rows[0].cells[0]) is None else (None, rows)
    if header is not None:
        reader.place(header)
    for row in body:
        cells = [cell.strip() for cell in row.cells]
        key = level_key(cells[0]) if cells else None
        texts = [cell for cell in cells[1:] if cell]
        if key is None or not texts:
            continue
        if len(texts) >= 2 and len(texts[0].split()) <= 5:
            key = LevelKey(key.text, key.low, key.high, key.rank, key.label or texts[0])
            texts = texts[1:]
        dimension.anchors.append(AnchorItem(key, " ".join(texts), row.number))
        reader.place(row)


def _scale_table(reader: _Reader, rows: list[Line]) -> None:
    """The scale: "Score | Label | Definition", "Rating | Meaning", "9-10 | Outstanding | …"."""
    header, body = (rows[0], rows[1:]) if rows[0].header or level_key(rows[0].cells[0]) is None else (None, rows)
    label_column = 1 if header is None or len(header.cells) < 3 else _label_column(header)
    if header is not None:
        reader.place(header)
    for row in body:
        cells = [cell.strip() for cell in row.cells]
        key = level_key(cells[0]) if cells else None
        if key is None:
            continue
        rest = cells[1:]
        if len(rest) >= 2:
            label = rest[label_column - 1] if label_column - 1 < len(rest) else ""
            definition = " ".join(cell for i, cell in enumerate(rest) if i != label_column - 1 and cell)
        elif rest and len(rest[0].split()) <= 5 and not rest[0].endswith("."):
            label, definition = rest[0], ""
        else:
            label, definition = "", rest[0] if rest else ""
        reader.parsed.scale_levels.append(ScaleLevelItem(key, label or key.label, definition, row.number))
        reader.place(row)


def _label_column(header: Line) -> int:
    for index, cell in enumerate(header.cells[1:], start=1):
        if TABLE_LABEL_HEADINGS.match(cell.strip()):
            return index
    return 1


def _names_table(reader: _Reader, rows: list[Line]) -> None:
    """ "Dimension | Description": a dimension per row, with its description."""
    header, body = rows[0], rows[1:]
    if not body:
        raise _no_rows(reader, header)
    reader.place(header)
    for row in body:
        name = row.cells[0].strip() if row.cells else ""
        if not name:
            raise ImportRefused(reader.file, f"its dimension table row at line {row.number} has no dimension name")
        dimension = _dimension_named(reader, name, row, "row")
        text = " ".join(cell.strip() for cell in row.cells[1:] if cell.strip())
        if text:
            dimension.description.append(Placed(text, row.number))
        reader.place(row)


# --- dimensions -------------------------------------------------------------------------------------


def _dimension_named(reader: _Reader, name: str, line: Line, origin: str) -> DimensionItem:
    """The dimension of this name already read (a table row naming a section's dimension), else a new one.

    Two sections of one name, or two rows or list items of one name in the same table or list, are refused."""
    name, optional = _name_and_optional(name)
    if not name:
        raise ImportRefused(reader.file, f"has a dimension with a blank name (line {line.number})")
    key = _name_key(name)
    dimension = reader.named.get(key)
    if dimension is None:
        dimension = DimensionItem(name=name, line=line.number, optional=optional)
        reader.parsed.dimensions.append(dimension)
        reader.named[key] = dimension
    for kind, block, number in dimension.origins:
        if kind == origin and (origin == "section" or block == line.block):
            raise ImportRefused(
                reader.file,
                f'has two dimensions named "{name}" (lines {number} and {line.number}); give each its own name',
            )
    dimension.origins.append((origin, line.block, line.number))
    dimension.optional = dimension.optional or optional
    return dimension


def _name_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w&/+]+", " ", name.casefold()).split())


def _name_and_optional(text: str) -> tuple[str, bool]:
    optional = bool(OPTIONAL_RE.search(text))
    name = OPTIONAL_RE.sub(" ", text) if optional else text
    return squash(_plain(name)), optional


def _dimension(reader: _Reader, section: Section) -> None:
    heading = section.heading
    assert heading is not None
    name, optional = _name_and_optional(heading.text)
    if match := NAME_SCALE_RE.search(name):
        _stated_after_name(reader, int(match.group(1)), int(match.group(2)), heading.number)
        name = name[: match.start()].strip()
    dimension = _dimension_named(reader, name, heading, "section")
    dimension.optional = dimension.optional or optional
    reader.place(heading)
    _dimension_body(reader, section.body, dimension, "")
    for child in section.children:
        role = child.role if child.role in DIMENSION_PARTS else ""
        lines = child.lines()[1:]
        assert child.heading is not None
        reader.place(child.heading)
        if not role and (key := level_key(child.heading.text)) is not None:
            _level_part(reader, lines, dimension, key)
            continue
        if not role and child.pseudo:
            dimension.description.append(Placed(child.heading.text, child.heading.number))
        _dimension_body(reader, lines, dimension, role or "description")


def _level_part(reader: _Reader, lines: list[Line], dimension: DimensionItem, key: LevelKey) -> None:
    """A heading that names a level ("#### Exceeds", "**4 – Strong**"): what is under it is that level's anchor."""
    texts = [line for line in lines if line.kind in {"item", "text"} and not line.checkbox]
    if texts:
        dimension.anchors.append(AnchorItem(key, " ".join(line.text for line in texts), texts[0].number))
        reader.place(*texts)


def _dimension_body(reader: _Reader, lines: list[Line], dimension: DimensionItem, role: str) -> None:
    """A dimension's lines under one part: anchors (lines or a table), questions, signals, its description."""
    for rows in _tables(lines):
        _table(reader, rows, dimension, role)
    for line in lines:
        if line.kind == "row" or reader.is_placed(line) or line.checkbox or TEMPLATE_RE.match(line.text):
            continue
        if line.kind == "heading":
            reader.place(line)
            continue
        placed = Placed(line.text, line.number)
        if role in SIGNAL_ROLES:
            dimension.signals.append((SIGNAL_ROLES[role], placed))
        elif role == "questions" or (
            QUESTION_RE.search(line.text) and (line.kind == "item" or len(line.text.split()) <= 40)
        ):
            dimension.questions.append(Placed(ASK_LEAD_RE.sub("", line.text), line.number))
        elif (found := anchor_line(line.text, line.lead)) is not None:
            dimension.anchors.append(AnchorItem(found[0], found[1], line.number))
        elif line.kind == "item" and role in {"", "description"}:
            dimension.signals.append((SignalKind.STRONG.value, placed))
            dimension.guessed.append(f'line {line.number} "{line.text}" as a strong signal (a look-for)')
        else:
            dimension.description.append(placed)
        reader.place(line)


def _dimensions_part(reader: _Reader, section: Section) -> None:
    """A part that lists the dimensions: a table, child sections, names one per line, or a scale statement."""
    if section.heading is not None:
        reader.place(section.heading)
        if match := NAME_SCALE_RE.search(section.heading.text):
            _stated_after_name(reader, int(match.group(1)), int(match.group(2)), section.heading.number)
    for line in section.body:
        if line.kind == "text" and SCALE_WORD_RE.search(line.text) and RANGE_RE.search(line.text):
            _statement(reader, line)
    tables = _tables(section.body)
    for rows in tables:
        _table(reader, rows, None, "dimensions")
    rest = [line for line in section.body if not reader.is_placed(line) and line.kind != "row"]
    if _text_table_start(rest) is not None:
        _text_table(reader, rest)
    elif not section.children and not tables:
        _names(reader, rest)
    for child in section.children:
        if child.role in {"scale", "notes", "exercises", "areas"} or child.role in SIGNAL_ROLES:
            _section(reader, child, "")
        else:
            _dimension(reader, child)


def _names(reader: _Reader, lines: list[Line]) -> None:
    """Dimension names, one per list item (or short line), a trailing "(0–4)" stating the scale."""
    items = [line for line in lines if line.kind == "item" and not line.checkbox]
    entries = items or [line for line in lines if line.kind == "text" and _heading_like(line)]
    for line in entries:
        name = line.text
        if match := NAME_SCALE_RE.search(name):
            _stated_after_name(reader, int(match.group(1)), int(match.group(2)), line.number)
            name = name[: match.start()].strip()
        _dimension_named(reader, name, line, "name")
        reader.place(line)


def _stated_after_name(reader: _Reader, low: int, high: int, line: int) -> None:
    stated = reader.parsed.scale
    if (
        stated is not None
        and stated.text.endswith("(after each dimension)")
        and (stated.low, stated.high)
        != (
            low,
            high,
        )
    ):
        raise ImportRefused(
            reader.file,
            f"states a scale it cannot read: its dimensions give different ranges "
            f"({stated.low}–{stated.high}, {low}–{high})",
        )
    if stated is None:
        reader.parsed.scale = _scale_from_text(reader.file, f"{low}–{high} (after each dimension)", line)


def _text_table_start(lines: list[Line]) -> int | None:
    for i, line in enumerate(lines):
        if line.kind == "text" and re.match(r"^dimensions?\b", line.text, re.IGNORECASE):
            return i
    return None


def _text_table(reader: _Reader, lines: list[Line]) -> None:
    """A table pasted as text: one line per row, cells run together with single spaces."""
    start = _text_table_start(lines)
    assert start is not None
    header = lines[start]
    columns = [
        f"What “{c}” looks like" for c in re.findall(r"What\s+[“\"']([^”\"']+)[”\"']\s+looks\s+like", header.text)
    ]
    columns = columns or header.text.split()[1:]
    keys = [level_key(column) for column in columns]
    if not columns or any(key is None for key in keys):
        raise ImportRefused(
            reader.file, f'has a dimension table it cannot read (line {header.number}): "{header.text[:80]}"'
        )
    body = [line for line in lines[start + 1 :] if line.kind in {"text", "item"}]
    if not body:
        raise _no_rows(reader, header)
    reader.place(header)
    reader.parsed.columns.extend(key for key in keys if key is not None)
    for line in body:
        cells = _split_text_row(line.text, len(columns) + 1)
        if cells is None:
            raise ImportRefused(
                reader.file,
                f'its dimension table row at line {line.number} ("{line.text[:60]}") cannot be split into the '
                f"header's {len(columns) + 1} columns; separate the cells with tabs or | and import again",
            )
        dimension = _dimension_named(reader, cells[0], line, "row")
        _row_anchors(dimension, list(keys), cells[1:], line.number)
        reader.place(line)
    reader.parsed.notes.append(
        (
            "table",
            "The dimension table is plain text: each row was split into cells where a capitalised word begins "
            "a cell. Check each dimension's name and anchors.",
            header.number,
        )
    )


SMALL_WORDS = {"and", "or", "of", "the", "a", "an", "to", "with", "for", "in", "on", "&"}


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


# --- other parts --------------------------------------------------------------------------------------


def _body(reader: _Reader, lines: list[Line], section: Section) -> None:
    """Lines directly under a section that is no dimension: tables and scale statements are read."""
    for rows in _tables(lines):
        _table(reader, rows, None, section.role)
    for line in lines:
        if line.kind == "text" and SCALE_WORD_RE.search(line.text) and RANGE_RE.search(line.text):
            _statement(reader, line)


def _scale(reader: _Reader, section: Section) -> None:
    """The scale: a statement, a table of levels, or one line per level ("9-10 (Outstanding): …")."""
    if section.heading is not None:
        reader.place(section.heading)
    lines = section.lines()[1:] if section.heading is not None else section.lines()
    for rows in _tables(lines):
        if _table_kind(rows) in {"rows", ""}:
            _scale_table(reader, rows)
        else:
            _table(reader, rows, None, "scale")
    for line in lines:
        if reader.is_placed(line) or line.kind == "row":
            continue
        if (found := anchor_line(line.text, line.lead)) is not None:
            key, text = found
            label, definition = (key.label, text) if key.label else _label_and_definition(text)
            reader.parsed.scale_levels.append(ScaleLevelItem(key, label, definition, line.number))
            reader.place(line)
        elif (alone := level_key(line.text)) is not None and alone.numbered:
            reader.parsed.scale_levels.append(ScaleLevelItem(alone, alone.label, "", line.number))
            reader.place(line)
        elif RANGE_RE.search(line.text):
            _statement(reader, line)
        elif line.kind == "heading":
            reader.place(line)


def _label_and_definition(text: str) -> tuple[str, str]:
    """ "Strong: clear evidence …" gives the label "Strong"; a sentence alone is the definition."""
    head, sep, rest = text.partition(": ")
    if sep and len(head.split()) <= 5:
        return head.strip(), rest.strip()
    head, sep, rest = text.partition(" – ")
    if sep and len(head.split()) <= 5:
        return head.strip(), rest.strip()
    return ("", text) if len(text.split()) > 5 or text.endswith(".") else (text, "")


def _statement(reader: _Reader, line: Line) -> None:
    if reader.parsed.scale is None or reader.parsed.scale.text.endswith("(after each dimension)"):
        reader.parsed.scale = _scale_from_text(reader.file, line.text, line.number)
    reader.place(line)


def _scale_from_text(file: str, text: str, line: int = 0) -> ScaleStatement:
    match = RANGE_RE.search(text)
    if match is None:
        raise ImportRefused(
            file, f'states a scale it cannot read ("{text}"); write it as a number range such as "1–5" or "0–4"'
        )
    low, high = int(match.group(1)), int(match.group(2))
    if high == low:
        raise ImportRefused(file, f'states a scale of one level ("{text}"); a scale needs 2 to 11 levels')
    if high < low or high - low + 1 > 11:
        raise ImportRefused(
            file, f'states a scale it cannot read ("{text}"): {low}–{high} is not a range of 2 to 11 levels'
        )
    labels = {int(level): label.strip(" ()") for level, label in STATED_LABEL_RE.findall(text[match.end() :])}
    return ScaleStatement(low, high, {k: v for k, v in labels.items() if low <= k <= high}, text, line)


def _general_questions(reader: _Reader, section: Section) -> None:
    """Questions the rubric lists under no dimension or exercise: the role's own question bank."""
    if section.heading is not None:
        reader.place(section.heading)
    for line in section.body:
        if line.kind in {"item", "text"} and not line.checkbox and QUESTION_RE.search(line.text):
            reader.parsed.questions.append(Placed(ASK_LEAD_RE.sub("", line.text), line.number))
            reader.place(line)


def _signals(reader: _Reader, section: Section, kind: str) -> None:
    if section.heading is not None:
        reader.place(section.heading)
    lines = [line for line in section.lines()[1:] if line.kind in {"item", "text"} and not line.checkbox]
    items = [line for line in lines if line.kind == "item"] or lines
    for line in items:
        reader.parsed.signals.append((kind, Placed(line.text, line.number)))
        reader.place(line)


def _areas(reader: _Reader, section: Section) -> None:
    if section.heading is not None:
        reader.place(section.heading)
    for line in _entries(section.lines()[1:]):
        name, questions = _area(line)
        reader.parsed.areas.append(Area(name=name, questions=questions, line=line.number))
        reader.place(line)


def _entries(lines: list[Line]) -> list[Line]:
    """A part's entries: its list items when it has any, otherwise its lines of text."""
    items = [line for line in lines if line.kind == "item"]
    return items or [line for line in lines if line.kind == "text"]


DASH_SPLIT_RE = re.compile(r"\s+[–—-]\s+")
LEADING_DASH_RE = re.compile(r"^[–—-]\s*")


def _after_lead(line: Line) -> tuple[str, str]:
    """The line's bold lead (without a trailing colon) and the text after it."""
    if line.lead and line.text.startswith(line.lead):
        return line.lead.rstrip(":").strip(), line.text[len(line.lead) :].strip()
    return "", line.text


def _dash_parts(text: str) -> list[str]:
    text = LEADING_DASH_RE.sub("", text.strip())
    return [part.strip() for part in DASH_SPLIT_RE.split(text) if part.strip()] if text else []


def _area(line: Line) -> tuple[str, list[str]]:
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
    return name.strip(), _dash_parts(rest)


# --- exercises ----------------------------------------------------------------------------------------

TITLE_RE = re.compile(r"^(optional|case study|case [a-z0-9]+|exercise|take-home|work sample)\b", re.IGNORECASE)
ASK_RE = re.compile(
    r"^(?:(?P<before>.*?[.!?])\s+)?(?P<lead>ask for|ask the candidate to|ask candidate to|ask|must include|evaluate"
    r"|include|deliverables?|expect)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
DURATION_RE = re.compile(r"\s*\(([^()]*(?:\d|time-boxed)[^()]*)\)\s*$", re.IGNORECASE)


def _exercises(reader: _Reader, section: Section) -> None:
    if section.heading is not None:
        reader.place(section.heading)
    if section.children:
        for child in section.children:
            _exercise_section(reader, child)
        return
    lines = [line for line in section.body if line.kind in {"item", "text"} and not line.checkbox]
    for item, used in _exercise_items(lines, reader.parsed.notes):
        reader.parsed.exercises.append(item)
        reader.place(*used)


def _exercise_section(reader: _Reader, section: Section) -> None:
    """An exercise with a heading of its own: its text the brief, "Ask for" lines its ask-for, questions."""
    assert section.heading is not None
    title, duration, optional = _exercise_title(_plain(section.heading.text))
    exercise = ExerciseItem(title, duration, optional, "", [], section.heading.number)
    reader.place(section.heading)
    brief: list[str] = []
    for part in [section, *section.children]:
        asking = part.role == "questions"
        if part is not section and part.heading is not None:
            reader.place(part.heading)
        for line in part.body if part is not section else section.body:
            if line.kind not in {"item", "text"} or line.checkbox:
                continue
            if asking or (line.kind == "item" and QUESTION_RE.search(line.text)):
                exercise.questions.append(Placed(line.text, line.number))
            elif match := ASK_RE.match(line.text):
                exercise.ask_for.extend(_list_items(match.group("rest")))
            else:
                brief.append(line.text)
            reader.place(line)
    exercise.brief = " ".join(brief)
    reader.parsed.exercises.append(exercise)


def _exercise_parts(lines: list[Line]) -> list[tuple[str, bool, Line]]:
    """(text, is_title, line) for every piece of the exercises part, in order."""
    depths = {line.depth for line in lines if line.kind == "item"}
    top = min(depths) if len(depths) > 1 else None
    parts: list[tuple[str, bool, Line]] = []
    for line in lines:
        lead, rest = _after_lead(line)
        if lead and not ASK_RE.match(line.lead):
            parts.append((lead, True, line))
            parts.extend((part, False, line) for part in _dash_parts(rest))
            continue
        for index, part in enumerate(_dash_parts(line.text)):
            if top is not None:
                is_title = index == 0 and line.kind == "item" and line.depth == top
            else:
                is_title = _title_like(part)
            parts.append((part.rstrip(":").strip() if is_title else part, is_title, line))
    if parts and not any(is_title for _, is_title, _ in parts):
        parts = [(text, True, line) for text, _, line in parts]
    return parts


def _title_like(text: str) -> bool:
    if TITLE_RE.match(text):
        return True
    return text.endswith(":") and len(text.split()) <= 8 and not ASK_RE.match(text)


def _exercise_items(lines: list[Line], notes: list[tuple[str, str, int]]) -> list[tuple[ExerciseItem, list[Line]]]:
    exercises: list[tuple[ExerciseItem, list[Line]]] = []
    brief: list[str] = []
    ask_for: list[str] = []
    used: list[Line] = []
    asking = False
    title, title_line = "", 0

    def close() -> None:
        if title:
            exercise = _exercise(title, brief, ask_for)
            exercise.line = title_line
            exercises.append((exercise, used))

    for text, is_title, line in _exercise_parts(lines):
        if is_title:
            close()
            title, title_line, brief, ask_for, used, asking = text, line.number, [], [], [line], False
            continue
        if not title:
            continue  # listed as not placed
        used.append(line)
        if asking:
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


def _exercise_title(title: str) -> tuple[str, str, bool]:
    duration = ""
    if match := DURATION_RE.search(title):
        duration, title = match.group(1).strip(), title[: match.start()].strip()
    optional = title.lower().startswith("optional") or "(optional)" in title.lower()
    return title, duration, optional


def _exercise(title: str, brief: list[str], ask_for: list[str]) -> ExerciseItem:
    title, duration, optional = _exercise_title(title)
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


# --- title and purpose --------------------------------------------------------------------------------

TITLE_WORDS_RE = re.compile(
    r"\s*\b(role blueprint|interview (rubric|guide|scorecard|kit|criteria)|(evaluation |scoring )?rubric|scorecard|"
    r"question guide|interview questions|hiring (guide|rubric)|(evaluation |interview )?criteria)\b\s*$",
    re.IGNORECASE,
)


def _summary_value(document: Document, label: str) -> tuple[str, int]:
    """The value of a summary row ("Role title | …") or line ("Role title: …"), with its line."""
    pattern = re.compile(rf"^{label}\b[\s:–-]*(.+)$", re.IGNORECASE)
    for line in document.lines:
        if line.kind == "row" and len(line.cells) >= 2 and line.cells[0].strip().lower() == label:
            return line.cells[1].strip(), line.number
        if line.kind in {"text", "item"} and (match := pattern.match(line.text)):
            return match.group(1).strip(), line.number
    return "", 0


def _role_title(document: Document, scope: list[Line]) -> tuple[str, int]:
    if document.title:
        return _clean_title(document.title), 0
    title, number = _summary_value(document, "role title")
    if title:
        return title, number
    headings = [line for line in document.lines if line.kind == "heading"]
    first_heading = headings[0].number if headings else 0
    opening = [  # plain text opens with its title: a short line among the first few, before any heading
        line
        for line in document.lines[:4]
        if line.kind == "text" and _heading_like(line) and (not first_heading or line.number < first_heading)
    ]
    candidates = [line for line in headings if "blueprint" in line.text.lower()]
    candidates += [line for line in headings if line.level == 1]
    candidates += [line for line in opening if JOB_WORDS_RE.search(line.text)] + headings[:1] + opening
    for line in candidates:
        if title := _clean_title(line.text):
            return title, line.number
    raise ImportRefused(
        document.file,
        'has no title: give it a first heading ("# Backend Engineer") or a front matter "title:" line',
    )


JOB_WORDS_RE = re.compile(
    r"\b(engineer|developer|manager|analyst|designer|scientist|researcher|writer|lead|executive|director|architect|"
    r"specialist|consultant|administrator|representative|officer|associate|coordinator|recruiter|head|"
    r"accountant|nurse|technician|editor|marketer|product owner|owner|partner|advisor|agent|intern)s?\b",
    re.IGNORECASE,
)


def _clean_title(text: str) -> str:
    """The role's name from a heading: "Acme — Backend Engineer Interview Rubric" gives "Backend Engineer" (the
    first part naming a job, else the first part)."""
    parts = [TITLE_WORDS_RE.sub("", part).strip(" :–—|-") for part in re.split(r":\s|\s+[–—|·-]\s+", text)]
    parts = [part for part in parts if part and not re.fullmatch(r"(responsibilities|skills|kpis).*", part, re.I)]
    named = [part for part in parts if JOB_WORDS_RE.search(part)]
    return squash((named or parts)[0]) if parts else ""


def _role_purpose(document: Document, title_line: int, seed_shaped: bool) -> tuple[str, int]:
    for key in ("purpose", "description", "summary"):
        if document.front.get(key):
            return document.front[key], 0
    purpose, number = _summary_value(document, "role purpose")
    if purpose:
        return purpose, number
    lines = document.lines
    for i, line in enumerate(lines):
        if re.search(r"role summary|role purpose|purpose|about the role", _plain(line.text), re.I) and _heading_like(
            line
        ):
            following = next((later for later in lines[i + 1 : i + 6] if later.kind == "text"), None)
            if following is not None and not _heading_like(following):
                return following.text, following.number
    if seed_shaped:
        return "", 0
    for line in lines:  # the opening paragraph after the title, before the first part of the rubric
        if line.number <= title_line or (line.kind == "text" and _heading_like(line) and not line.bold_only):
            continue
        if line.kind != "text" or line.bold_only:
            break
        if line.text.endswith(".") and len(line.text.split()) >= 6:
            if SCALE_WORD_RE.search(line.text) and RANGE_RE.search(line.text):
                break
            return line.text, line.number
    return "", 0
