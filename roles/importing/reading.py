"""Blueprint documents as lines: the one shape the parser reads, whatever the document's form.

A document is refused (ImportRefused, naming the file and what is wrong) when it is too
large, empty, binary, not UTF-8, carries scripts, or is JSON without the blog export's
`content.rendered`. HTML is read with the standard library's parser and never rendered.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MAX_DOCUMENT_BYTES = 1_000_000
HTML_RE = re.compile(r"<(?:!doctype|html|body|h[1-6]|p|ul|ol|li|table|div|article|section)\b", re.IGNORECASE)
SCRIPT_RE = re.compile(r"<\s*script\b", re.IGNORECASE)
BULLET_RE = re.compile(r"^(\s*)(?:[-*+•●▪◦·–]|\d{1,2}[.)]|[a-z][.)])\s+(.*)$")
NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}\)\s+\S")
MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MD_TABLE_SEPARATOR_RE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
MD_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
LEAD_RE = re.compile(r"^(\*\*|__)(.+?)\1\s*(.*)$")
BLOCK_TAGS = {"p", "div", "section", "article", "figure", "blockquote", "pre", "dt", "dd", "table", "ul", "ol", "hr"}
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
    lead: str = ""  # bold text the line starts with, if any
    level: int = 0  # heading level where the markup gives one
    cells: tuple[str, ...] = ()
    header: bool = False
    depth: int = 0  # list nesting, 0 outermost


@dataclass(frozen=True)
class Document:
    file: str
    form: str  # "text", "html", "blog-json"
    lines: list[Line]
    title: str = ""  # the export's own title, when it has one


def squash(text: str) -> str:
    return " ".join(text.split())


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
    return f"is {size / 1_000_000:.1f} MB; a blueprint document may be at most {MAX_DOCUMENT_BYTES // 1_000_000} MB"


def document_parse(*, file: str, data: bytes) -> Document:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ImportRefused(file, _too_large(len(data)))
    if not data.strip():
        raise ImportRefused(file, "is empty; expected a role blueprint document")
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
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _blog_export(file, stripped)
    if HTML_RE.search(text):
        return Document(file=file, form="html", lines=html_lines(file, text))
    return Document(file=file, form="text", lines=text_lines(text))


def _blog_export(file: str, text: str) -> Document:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"looks like JSON but is not valid JSON ({error.msg}, line {error.lineno})"
        raise ImportRefused(file, message) from error
    content = data.get("content") if isinstance(data, dict) else None
    rendered = content.get("rendered") if isinstance(content, dict) else None
    if not isinstance(rendered, str) or not rendered.strip():
        raise ImportRefused(file, "is JSON but not a blog export: it has no content.rendered text")
    title = data.get("title")
    title_text = title.get("rendered") if isinstance(title, dict) else None
    return Document(
        file=file,
        form="blog-json",
        lines=html_lines(file, rendered),
        title=squash(html.unescape(title_text)) if isinstance(title_text, str) else "",
    )


class _HtmlLines(HTMLParser):
    """Collects headings, list items, paragraphs and table rows; refuses active content."""

    def __init__(self, file: str) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.lead: list[str] | None = None
        self.lead_done = False
        self.kind = "text"
        self.heading = 0
        self.lists = 0
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.header_row = False
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._refuse_active(tag, attrs)
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif self.cell is not None:
            if tag in {"br", "p", "li"}:
                self.cell.append(" ")
        elif tag == "tr":
            self.flush()
            self.cells, self.header_row = [], False
        elif tag in {"td", "th"} and self.cells is not None:
            self.cell = []
            self.header_row = self.header_row or tag == "th"
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading = int(tag[1])
        elif tag == "li":
            self.flush()
            self.kind = "item"
        elif tag in {"ul", "ol"}:
            self.flush()
            self.lists += 1
        elif tag == "br":
            self.flush()
            self.kind = "text"
        elif tag in BLOCK_TAGS:
            kind = self.kind
            self.flush()
            self.kind = kind if kind == "item" and tag == "p" else "text"
        elif tag in {"strong", "b"} and not "".join(self.buffer).strip() and not self.lead_done:
            self.lead = []

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in {"td", "th"} and self.cell is not None and self.cells is not None:
            self.cells.append(squash("".join(self.cell)))
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            if any(self.cells):
                text = " | ".join(self.cells)
                self.lines.append(Line(kind="row", text=text, cells=tuple(self.cells), header=self.header_row))
            self.cells = None
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
            self.cell.append(data)
            return
        self.buffer.append(data)
        if self.lead is not None and not self.lead_done:
            self.lead.append(data)

    def flush(self) -> None:
        text = squash("".join(self.buffer))
        if text:
            lead = squash("".join(self.lead)) if self.lead is not None else ""
            kind = "heading" if self.heading else self.kind
            depth = max(0, self.lists - 1) if kind == "item" else 0
            self.lines.append(Line(kind=kind, text=text, lead=lead, level=self.heading, depth=depth))
        self.buffer, self.lead, self.lead_done, self.heading = [], None, False, 0
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


@dataclass
class _TextState:
    lines: list[Line] = field(default_factory=list)
    item_open: bool = False


def _markdown_inline(text: str) -> tuple[str, str]:
    """The line's text without bold markers and link targets, and its bold lead, if any."""
    text = MD_LINK_RE.sub(r"\1", text)
    lead = ""
    if match := LEAD_RE.match(text):
        lead = match.group(2).strip()
    return squash(text.replace("**", "").replace("__", "")), squash(lead)


def _cells(raw: str) -> tuple[str, ...]:
    if "\t" in raw and "|" not in raw:
        return tuple(squash(cell) for cell in raw.split("\t"))
    inner = raw.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return tuple(_markdown_inline(cell)[0] for cell in inner.split("|"))


def text_lines(text: str) -> list[Line]:
    """Plain text and Markdown: headings (#, setext, "19) Title"), list items, table rows, text."""
    state = _TextState()
    for raw in text.splitlines():
        _text_line(state, raw.rstrip())
    return state.lines


def _text_line(state: _TextState, raw: str) -> None:
    lines = state.lines
    stripped = raw.strip()
    if not stripped:
        state.item_open = False
        return
    if re.fullmatch(r"=+", stripped) and lines and lines[-1].kind == "text":
        lines[-1] = Line(kind="heading", text=lines[-1].text, level=1)
        return
    if re.fullmatch(r"(-{3,}|\*{3,}|_{3,})", stripped):
        if stripped.startswith("-") and lines and lines[-1].kind == "text" and not state.item_open:
            lines[-1] = Line(kind="heading", text=lines[-1].text, level=2)
        state.item_open = False
        return
    if MD_TABLE_SEPARATOR_RE.match(stripped) and "|" in stripped:
        if lines and lines[-1].kind == "row":
            lines[-1] = Line(kind="row", text=lines[-1].text, cells=lines[-1].cells, header=True)
        return
    if stripped.startswith("|") or ("\t" in stripped and len(stripped.split("\t")) > 1):
        cells = _cells(stripped)
        lines.append(Line(kind="row", text=" | ".join(cells), cells=cells))
        state.item_open = False
        return
    if match := MD_HEADING_RE.match(stripped):
        text, _ = _markdown_inline(match.group(2))
        lines.append(Line(kind="heading", text=text, level=len(match.group(1))))
        state.item_open = False
        return
    if not raw[0].isspace() and NUMBERED_HEADING_RE.match(stripped) and _heading_like(stripped):
        lines.append(Line(kind="heading", text=stripped, level=2))
        state.item_open = False
        return
    if match := BULLET_RE.match(raw):
        text, lead = _markdown_inline(match.group(2))
        lines.append(Line(kind="item", text=text, lead=lead, depth=len(match.group(1).expandtabs(4)) // 2))
        state.item_open = True
        return
    text, lead = _markdown_inline(stripped)
    if state.item_open and raw[0].isspace() and lines:
        previous = lines[-1]
        lines[-1] = Line(kind="item", text=f"{previous.text} {text}", lead=previous.lead, depth=previous.depth)
        return
    lines.append(Line(kind="text", text=text, lead=lead))
    state.item_open = False


def _heading_like(text: str) -> bool:
    return len(text.split()) <= 10 and not text.endswith((".", ",", ";"))
