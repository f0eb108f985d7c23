"""Rubric documents as numbered lines: the one shape the parser reads, whatever the document's form.

Markdown and plain text go through markdown-it-py (block tokens with their source lines, tables
on; links, images and autolinks off: a link's text is kept, its target dropped). HTML, alone or
as a blog export's `content.rendered`, is read with the standard library's `html.parser`, never
rendered. YAML front matter is split off and read with `yaml.safe_load`.

A document is refused (ImportRefused, naming the file and what is wrong) when it is too large,
empty, binary, not UTF-8, carries scripts, nests its JSON or front matter too deeply, or is JSON
without the blog export's `content.rendered`. Every step is linear in the document's size.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_DOCUMENT_BYTES = 1_000_000
MAX_NESTING = 200  # brackets deep in a JSON export or front matter; real exports nest under 10
MAX_FRONT_MATTER_LINES = 200
HTML_RE = re.compile(r"<(?:!doctype|html|body|h[1-6]|p|ul|ol|li|table|div|article|section)\b", re.IGNORECASE)
SCRIPT_RE = re.compile(r"<\s*script\b", re.IGNORECASE)
BULLET_RE = re.compile(r"^(\s*)(?:[-*+•●▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+(.*)$")
CHECKBOX_RE = re.compile(r"^\[[ xX✓]?\]\s*")
NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}\)\s+\S")
MD_TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
LINK_RE = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*\)")  # linear: no nesting, no backtracking across brackets
KEYED_LINE_RE = re.compile(r"^(\d{1,2}(\s*[-–—]\s*\d{1,2})?\s*[-–—:.)=]|[A-Z][\w ]{0,30}:\s)")  # "5 - …", "Ask: …"
QUOTE_RE = re.compile(r"^\s{0,3}(?:>\s?)+")
BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
FRONT_MATTER_END = frozenset({"---", "..."})
BLOCK_TAGS = {"p", "div", "section", "article", "figure", "blockquote", "pre", "dt", "dd", "table", "hr", "main"}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "applet"}
SKIPPED_TAGS = {"style", "template", "noscript", "head", "title"}


class ImportRefused(Exception):
    """A document cannot be imported; the message names the file and what is missing or wrong."""

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")


@dataclass(frozen=True)
class Line:
    """One heading, list item, paragraph line or table row, its text whitespace-normalised but verbatim."""

    kind: str  # "heading", "item", "text", "row"
    text: str
    number: int = 0  # the line of the source document it starts on (1-based)
    lead: str = ""  # bold text the line starts with, if any
    level: int = 0  # heading level where the markup gives one
    cells: tuple[str, ...] = ()
    header: bool = False  # a table's header row
    depth: int = 0  # list nesting, 0 outermost
    block: int = 0  # the table, list or paragraph the line belongs to
    checkbox: bool = False  # a "[ ]" checklist item

    @property
    def bold_only(self) -> bool:
        """The whole line is bold ("**Communication**"): a heading written as a paragraph."""
        return bool(self.lead) and self.lead.rstrip(":") == self.text.rstrip(":")


@dataclass(frozen=True)
class Document:
    file: str
    form: str  # "text", "html", "blog-json"
    lines: list[Line]
    title: str = ""  # the export's or the front matter's own title, when it has one
    front: dict[str, str] = field(default_factory=dict)  # the front matter's texts, by key


def squash(text: str) -> str:
    return " ".join(text.split())


def cell_text(pieces: list[str]) -> str:
    """A table cell's text from its pieces split at line breaks: "a<br>b" reads "a; b", never shows "<br>"."""
    parts = [squash(piece) for piece in pieces if piece.strip()]
    joined: list[str] = []
    for part in parts:
        if joined:
            joined.append(" " if joined[-1].endswith((".", ";", ":", ",", "!", "?")) else "; ")
        joined.append(part)
    return "".join(joined)


def document_file_read(path: Path) -> Document:
    """Read one document from disk, refusing an oversized file before reading it."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ImportRefused(file, _too_large(size))
        data = path.read_bytes()
    except OSError as error:
        raise ImportRefused(file, f"cannot be read: {error.strerror}") from error
    return document_parse(file=file, data=data)


def _too_large(size: int) -> str:
    return f"is {size / 1_000_000:.1f} MB; a rubric document may be at most {MAX_DOCUMENT_BYTES // 1_000_000} MB"


def document_parse(*, file: str, data: bytes) -> Document:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ImportRefused(file, _too_large(len(data)))
    if not data.strip():
        raise ImportRefused(file, "is empty; expected a rubric document")
    if b"\x00" in data:
        raise ImportRefused(file, "is a binary file, not a text document (text, Markdown, HTML or JSON export)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            file, f"is not UTF-8 text (undecodable byte at position {error.start}); save it as UTF-8 and import again"
        ) from error
    if SCRIPT_RE.search(text):
        raise ImportRefused(file, "contains a <script> element; remove scripts from the document and import again")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, title, text = _front_matter(file, text)
    stripped = text.lstrip()
    if stripped.startswith("{") and not stripped.startswith(("{%", "{{")):
        return _blog_export(file, stripped)
    if HTML_RE.search(text):
        return Document(file=file, form="html", lines=html_lines(file, text), title=title, front=front)
    return Document(file=file, form="text", lines=markdown_lines(text), title=title, front=front)


def _nesting_check(file: str, text: str, what: str) -> None:
    """Refuse brackets nested deeper than MAX_NESTING before a recursive parser sees them (one pass)."""
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise ImportRefused(
                    file, f"nests its {what} more than {MAX_NESTING} levels deep; no rubric document does"
                )
        elif char in "]}":
            depth -= 1


def _front_matter(file: str, text: str) -> tuple[dict[str, str], str, str]:
    """The YAML front matter's texts, its title, and the rest with the front matter's lines left blank."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, "", text
    end = next(
        (i for i in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)) if lines[i].strip() in FRONT_MATTER_END),
        None,
    )
    if end is None:
        return {}, "", text  # a rule at the top, not front matter
    source = "\n".join(lines[1:end])
    _nesting_check(file, source, "front matter")
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise ImportRefused(file, f"has front matter that is not valid YAML ({_yaml_problem(error)})") from error
    front = (
        {str(key): squash(str(value)) for key, value in data.items() if _scalar(value)}
        if isinstance(data, dict)
        else {}
    )
    rest = "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return front, front.get("title", ""), rest


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and bool(str(value).strip())


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "unreadable"
    return f"{problem}, line {mark.line + 2}" if mark is not None else str(problem)


def _blog_export(file: str, text: str) -> Document:
    _nesting_check(file, text, "JSON")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"looks like JSON but is not valid JSON ({error.msg}, line {error.lineno})"
        raise ImportRefused(file, message) from error
    content = data.get("content") if isinstance(data, dict) else None
    rendered = content.get("rendered") if isinstance(content, dict) else None
    if not isinstance(data, dict) or not isinstance(rendered, str) or not rendered.strip():
        raise ImportRefused(file, "is JSON but not a blog export: it has no content.rendered text")
    if SCRIPT_RE.search(rendered):
        raise ImportRefused(file, "contains a <script> element; remove scripts from the document and import again")
    title = data.get("title")
    title_text = title.get("rendered") if isinstance(title, dict) else None
    return Document(
        file=file,
        form="blog-json",
        lines=html_lines(file, rendered),
        title=squash(html.unescape(title_text)) if isinstance(title_text, str) else "",
    )


# --- Markdown and plain text -------------------------------------------------------------------

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable(["link", "image", "autolink"])


def _inline(children: list[Token]) -> list[tuple[str, str]]:
    """(text, bold lead) per physical line of an inline token's children."""
    lines: list[tuple[str, str]] = []
    parts: list[str] = []
    lead: list[str] | None = None
    lead_done = False
    has_text = False  # the line so far holds more than white space
    for child in children:
        if child.type in {"softbreak", "hardbreak"}:
            lines.append(_plain(parts, lead))
            parts, lead, lead_done, has_text = [], None, False, False
        elif child.type == "strong_open" and not has_text and not lead_done:
            lead = []
        elif child.type == "strong_close" and lead is not None:
            lead_done = True
        elif child.type in {"text", "code_inline"}:
            parts.append(child.content)
            has_text = has_text or bool(child.content.strip())
            if lead is not None and not lead_done:
                lead.append(child.content)
    lines.append(_plain(parts, lead))
    return lines


def _plain(parts: list[str], lead: list[str] | None) -> tuple[str, str]:
    text = LINK_RE.sub(r"\1", "".join(parts))
    return text, squash(LINK_RE.sub(r"\1", "".join(lead))) if lead else ""


@dataclass
class _Walk:
    lines: list[Line] = field(default_factory=list)
    block: int = 0
    depth: int = -1  # list nesting: -1 outside lists
    item_open: bool = False  # the next paragraph is the first of a list item
    item_number: str = ""  # an ordered item's number, when written "19)" at the start of its line
    row: list[str] = field(default_factory=list)
    row_line: int = 0
    header: bool = False
    tail: list[str] = field(default_factory=list)  # lines of text that go on from the last Line, joined once
    tail_number: int = 0  # the last source line joined to it

    def append(self, line: Line) -> None:
        self.flush()
        self.lines.append(line)

    def flush(self) -> None:
        """Join the lines that go on from the last Line into its text (once: joining each time is quadratic)."""
        if self.tail:
            last = self.lines[-1]
            self.lines[-1] = Line(
                last.kind,
                " ".join([last.text, *self.tail]),
                last.number,
                last.lead,
                last.level,
                last.cells,
                last.header,
                last.depth,
                last.block,
                last.checkbox,
            )
            self.tail = []

    def last_text(self) -> str:
        return self.tail[-1] if self.tail else self.lines[-1].text


def markdown_lines(text: str) -> list[Line]:
    """Headings, list items, paragraph lines and table rows of a Markdown or plain-text document."""
    tokens = _MARKDOWN.parse(text)
    source = text.split("\n")
    walk = _Walk()
    for index, token in enumerate(tokens):
        _token(walk, token, tokens, index, source)
    walk.flush()
    return walk.lines


def _token(walk: _Walk, token: Token, tokens: list[Token], index: int, source: list[str]) -> None:
    kind = token.type
    start = token.map[0] + 1 if token.map else 0
    if kind in {"bullet_list_open", "ordered_list_open"}:
        walk.depth += 1
        walk.block += 1
    elif kind in {"bullet_list_close", "ordered_list_close"}:
        walk.depth -= 1
    elif kind == "list_item_open":
        walk.item_open = True
        line = source[start - 1] if 0 < start <= len(source) else ""
        numbered = token.markup == ")" and walk.depth == 0 and line.startswith(f"{token.info})")
        walk.item_number = token.info if numbered else ""
    elif kind == "heading_open":
        _heading(walk, token, tokens[index + 1], source)
    elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
        _paragraph(walk, token, start, source)
    elif kind == "table_open":
        walk.block += 1
    elif kind == "thead_open":
        walk.header = True
    elif kind == "tbody_open":
        walk.header = False
    elif kind == "tr_open":
        walk.row, walk.row_line = [], start
    elif kind == "inline" and tokens[index - 1].type in {"th_open", "td_open"}:
        walk.row.append(cell_text(BR_RE.split(" ".join(text for text, _ in _inline(token.children or [])))))
    elif kind == "tr_close":
        cells = tuple(walk.row)
        if any(cells):
            walk.append(
                Line("row", " | ".join(cells), walk.row_line, cells=cells, header=walk.header, block=walk.block)
            )
    elif kind in {"code_block", "fence"}:
        walk.block += 1
        for offset, raw in enumerate(token.content.split("\n")):
            _physical(walk, raw, raw, "", start + offset + (1 if kind == "fence" else 0))


def _heading(walk: _Walk, token: Token, inline: Token, source: list[str]) -> None:
    """An ATX or setext heading; a setext "heading" that reads as a paragraph is a paragraph above a rule."""
    start = token.map[0] + 1 if token.map else 0
    texts = [text for text, _ in _inline(inline.children or [])]
    joined = squash(" ".join(texts))
    walk.block += 1
    if token.markup in {"-", "="} and (len(texts) > 1 or not _heading_like(joined)):
        _paragraph(walk, inline, start, source)
        return
    walk.append(Line("heading", joined, start, level=int(token.tag[1]), block=walk.block))


def _paragraph(walk: _Walk, inline: Token, start: int, source: list[str]) -> None:
    """A paragraph, one Line per physical line: plain text puts an item or a table row on each line."""
    walk.block += 1
    for offset, (text, lead) in enumerate(_inline(inline.children or [])):
        number = start + offset
        raw = QUOTE_RE.sub("", source[number - 1]) if 0 < number <= len(source) else text
        if walk.item_open and offset == 0 and walk.item_number and _heading_like(text):
            walk.item_open = False  # "19) Hiring Evaluation Criteria": a numbered heading of a plain-text document
            walk.append(Line("heading", f"{walk.item_number}) {squash(text)}", start, level=2, block=walk.block))
        elif walk.item_open and offset == 0:
            walk.item_open = False
            _item(walk, text, lead, start, walk.depth)
        else:
            _physical(walk, raw, text, lead, start + offset)


def _item(walk: _Walk, text: str, lead: str, number: int, depth: int) -> None:
    walk.tail_number = number
    checkbox = bool(CHECKBOX_RE.match(text))
    text = CHECKBOX_RE.sub("", text) if checkbox else text
    walk.append(Line("item", squash(text), number, lead=lead, depth=max(depth, 0), block=walk.block, checkbox=checkbox))


def _physical(walk: _Walk, raw: str, text: str, lead: str, number: int) -> None:
    """One line of plain text: a "•" item, a row of cells (| or tabs), a numbered heading, or text."""
    stripped = raw.strip()
    if not stripped:
        return
    lines = walk.lines
    if MD_TABLE_SEPARATOR_RE.match(stripped) and "|" in stripped:
        if lines and lines[-1].kind == "row":
            last = lines[-1]
            lines[-1] = Line("row", last.text, last.number, cells=last.cells, header=True, block=last.block)
        return
    if stripped.startswith("|") or ("\t" in stripped and len(stripped.split("\t")) > 1):
        cells = _cells(stripped)
        block = lines[-1].block if lines and lines[-1].kind == "row" and lines[-1].number == number - 1 else walk.block
        walk.append(Line("row", " | ".join(cells), number, cells=cells, block=block))
        return
    if NUMBERED_HEADING_RE.match(stripped) and not raw[0].isspace() and _heading_like(stripped):
        walk.append(Line("heading", squash(text), number, level=2, block=walk.block))
        return
    if CHECKBOX_RE.match(stripped):
        _item(walk, squash(text), "", number, 0)
        return
    if match := BULLET_RE.match(raw):
        inner, inner_lead = _plain([match.group(2)], None)
        depth = len(match.group(1).expandtabs(4)) // 2
        _item(walk, inner.replace("**", ""), _bold_lead(match.group(2)) or inner_lead, number, depth)
        return
    previous = lines[-1] if lines else None
    goes_on = previous is not None and walk.tail_number == number - 1 and previous.block == walk.block
    if goes_on and previous is not None and previous.kind == "text":
        before = walk.last_text()
        keyed = bool(KEYED_LINE_RE.match(stripped))  # "1 = Not yet, …" after "…scale:" goes on; "5 - …" stands
        goes_on = keyed if before.endswith(":") else _continued(before, stripped) and not keyed
    elif goes_on and previous is not None:
        goes_on = previous.kind == "item" and raw[:1].isspace()
    if goes_on:
        walk.tail.append(squash(text))
        walk.tail_number = number
        return
    walk.append(Line("text", squash(text), number, lead=lead, block=walk.block))
    walk.tail_number = number


def _bold_lead(text: str) -> str:
    if text.startswith(("**", "__")):
        end = text.find(text[:2], 2)
        if end > 2:
            return squash(text[2:end])
    return ""


def _cells(raw: str) -> tuple[str, ...]:
    if "\t" in raw and "|" not in raw:
        return tuple(cell_text(BR_RE.split(cell)) for cell in raw.split("\t"))
    inner = raw.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return tuple(cell_text(BR_RE.split(_plain([cell.replace("**", "")], None)[0])) for cell in inner.split("|"))


def _continued(previous: str, line: str) -> bool:
    """Whether a line of a paragraph goes on from the one before (a sentence, or a sentence wrapped mid-way) rather
    than standing on its own like the rows of a table pasted as text, or a title such as "Strong candidate
    signals" right under a sentence."""
    if line[:1].isupper() and _heading_like(line) and len(line.split()) <= 6:
        return False
    return previous.endswith((".", ",", ";")) or line[:1].islower()


def _heading_like(text: str) -> bool:
    return 0 < len(text.split()) <= 12 and not text.endswith((".", ",", ";"))


# --- HTML ----------------------------------------------------------------------------------------


class _HtmlLines(HTMLParser):
    """Collects headings, list items, paragraphs and table rows, each with its source line; refuses active
    content."""

    def __init__(self, file: str) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.has_text = False  # the buffer holds more than white space
        self.start = 0
        self.lead: list[str] | None = None
        self.lead_done = False
        self.kind = "text"
        self.heading = 0
        self.lists = 0
        self.block = 0
        self.cells: list[str] | None = None
        self.cell: list[list[str]] | None = None
        self.row_start = 0
        self.header_row = False
        self.in_head = False
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._refuse_active(tag, attrs)
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif self.cell is not None:
            if tag in {"br", "p", "li", "div"}:
                self.cell.append([])
        elif tag == "tr":
            self.flush()
            self.cells, self.header_row, self.row_start = [], self.in_head, self.getpos()[0]
        elif tag in {"td", "th"} and self.cells is not None:
            self.cell = [[]]
            self.header_row = self.header_row or tag == "th"
        elif tag == "thead":
            self.in_head = True
        elif tag == "table":
            self.flush()
            self.block += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading = int(tag[1])
        elif tag == "li":
            self.flush()
            self.kind = "item"
        elif tag in {"ul", "ol"}:
            self.flush()
            self.lists += 1
            self.block += 1
        elif tag == "br":
            self.flush()
        elif tag in BLOCK_TAGS:
            kind = self.kind
            self.flush()
            self.kind = kind if kind == "item" and tag == "p" else "text"
        elif tag in {"strong", "b"} and not self.has_text and not self.lead_done:
            self.lead = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in {"td", "th"} and self.cell is not None and self.cells is not None:
            self.cells.append(cell_text(["".join(piece) for piece in self.cell]))
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            if any(self.cells):
                cells = tuple(self.cells)
                self.lines.append(
                    Line(
                        "row", " | ".join(cells), self.row_start, cells=cells, header=self.header_row, block=self.block
                    )
                )
            self.cells = None
        elif tag == "thead":
            self.in_head = False
        elif tag in {"strong", "b"} and self.lead is not None:
            self.lead_done = True
        elif tag in {"ul", "ol"}:
            self.flush()
            self.lists = max(0, self.lists - 1)
            self.kind = "item" if self.lists else "text"
        elif tag == "li" or re.fullmatch(r"h[1-6]", tag) or tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.cell is not None:
            self.cell[-1].append(data)
            return
        if not self.has_text and data.strip():
            self.start = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.has_text = True
        self.buffer.append(data)
        if self.lead is not None and not self.lead_done:
            self.lead.append(data)

    def flush(self) -> None:
        text = squash("".join(self.buffer))
        if text:
            lead = squash("".join(self.lead)) if self.lead is not None else ""
            kind = "heading" if self.heading else self.kind
            depth = max(0, self.lists - 1) if kind == "item" else 0
            checkbox = kind == "item" and bool(CHECKBOX_RE.match(text))
            if checkbox:
                text = CHECKBOX_RE.sub("", text)
            if kind != "item":
                self.block += 1
            self.lines.append(
                Line(kind, text, self.start, lead, self.heading, depth=depth, block=self.block, checkbox=checkbox)
            )
        self.buffer, self.lead, self.lead_done, self.heading, self.has_text = [], None, False, 0, False
        self.kind = "item" if self.kind == "item" and self.lists else "text"

    def _refuse_active(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            raise ImportRefused(self.file, f"contains a <{tag}> element; remove it from the document and import again")
        for name, value in attrs:
            if name.startswith("on"):
                raise ImportRefused(
                    self.file, f"has a script in the {name} attribute of a <{tag}> element; remove it and import again"
                )
            if value and squash(value).lower().replace(" ", "").startswith(("javascript:", "vbscript:")):
                raise ImportRefused(
                    self.file, f"has a javascript: link in a <{tag}> element; remove it and import again"
                )


def html_lines(file: str, text: str) -> list[Line]:
    parser = _HtmlLines(file)
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.lines
