"""A Markdown document as the reader sees it: leaf blocks of lines, with source line
numbers and the links and bold spans of each line.

markdown-it-py parses the CommonMark (plus tables); this module flattens its token tree
into `Block`s: headings (ATX and Setext), paragraphs (inside list items and block
quotes too), table rows (with their header cells) and HTML blocks (`<h4>`, `<strong>`,
`<a>`, `<br>` are kept, the rest of the markup goes). Each source line of a block is
one `Line`, so a talk written over three lines of one list item stays three lines.
Pure: text in, blocks out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

_PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")

_BR = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>\s*$", re.IGNORECASE | re.DOTALL)
_HTML_LINK = re.compile(r"<a\s[^>]*?href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_HTML_STRONG = re.compile(r"<(strong|b)>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_MDX = re.compile(r"^(?:import\s.+\sfrom\s|export\s|<[A-Z][\w.]*[\s/>])")  # MDX statements and components
_FORMATTING_TAG = re.compile(
    r"^</?(?:em|i|u|span|sup|sub|img|code|small|mark|s|del|ins|kbd|abbr|font|p|div|br|h[1-6]|iframe|!--)\b"
)
_HTML_TAG = re.compile(r"<[^>]+>")
_HTML_DROPPED = re.compile(r"^\s*<(iframe|script|style|img|video|!--)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    """A link or a bold run inside a line: `start`/`end` index the line's text."""

    kind: str  # "link" or "strong"
    text: str
    start: int
    end: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str
    spans: tuple[Span, ...] = ()
    soft: bool = False  # joined to the line before by a soft break: maybe one sentence wrapped

    def links(self) -> list[Span]:
        return [span for span in self.spans if span.kind == "link"]

    def strongs(self) -> list[Span]:
        return [span for span in self.spans if span.kind == "strong"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "heading", "paragraph", "row"
    line: int
    lines: tuple[Line, ...]
    level: int = 0  # heading level
    item_start: bool = False  # the first paragraph of a list item
    in_item: bool = False
    quote: bool = False
    header: tuple[str, ...] = ()  # a table row's column headings
    cells: tuple[Line, ...] = ()  # a table row's cells

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass
class _Inline:
    """Builds the lines of one inline token."""

    number: int
    lines: list[Line] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    open_spans: list[tuple[str, int, str | None]] = field(default_factory=list)
    soft: bool = False

    def write(self, text: str) -> None:
        self.text.append(text.replace("\u00a0", " "))

    def length(self) -> int:
        return sum(len(part) for part in self.text)

    def open(self, kind: str, url: str | None = None) -> None:
        self.open_spans.append((kind, self.length(), url))

    def close(self, kind: str) -> None:
        for index in range(len(self.open_spans) - 1, -1, -1):
            open_kind, start, url = self.open_spans[index]
            if open_kind == kind:
                del self.open_spans[index]
                text = "".join(self.text)[start:]
                if text.strip():
                    self.spans.append(Span(kind, " ".join(text.split()), start, len("".join(self.text)), url))
                return

    def newline(self, advance: int, soft: bool = False) -> None:
        self.flush()
        self.number += advance
        self.soft = soft

    def flush(self) -> None:
        raw = "".join(self.text)
        if raw.strip():
            spans = tuple(sorted(self.spans, key=lambda s: s.start))
            self.lines.append(_tidy(Line(self.number, raw, spans, self.soft)))
        self.text, self.spans = [], []
        self.open_spans = [(kind, 0, url) for kind, _, url in self.open_spans]


def _tidy(line: Line) -> Line:
    """Fold white space, keeping span offsets right."""
    text = line.text
    keep = []
    mapping = []
    previous_space = True
    for char in text:
        space = char.isspace()
        if space and previous_space:
            mapping.append(len(keep))
            continue
        mapping.append(len(keep))
        keep.append(" " if space else char)
        previous_space = space
    mapping.append(len(keep))
    folded = "".join(keep).rstrip()
    spans = tuple(
        Span(s.kind, s.text, min(mapping[s.start], len(folded)), min(mapping[s.end], len(folded)), s.url)
        for s in line.spans
    )
    return Line(line.number, folded, spans, line.soft)


def inline_lines(token: Token, first_line: int) -> list[Line]:
    """The lines of an inline token: soft and hard breaks and `<br>` start new ones."""
    builder = _Inline(first_line)
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            builder.write(child.content)
        elif kind in ("softbreak", "hardbreak"):
            builder.newline(1, soft=kind == "softbreak")
        elif kind == "link_open":
            builder.open("link", str(child.attrs.get("href", "")))
        elif kind == "link_close":
            builder.close("link")
        elif kind == "strong_open":
            builder.open("strong")
        elif kind == "strong_close":
            builder.close("strong")
        elif kind == "html_inline":
            _inline_html(builder, child.content)
    builder.flush()
    return builder.lines


def _inline_html(builder: _Inline, tag: str) -> None:
    lowered = tag.strip().lower()
    if _BR.match(lowered):
        builder.newline(0)
    elif lowered in ("<strong>", "<b>"):
        builder.open("strong")
    elif lowered in ("</strong>", "</b>"):
        builder.close("strong")
    elif lowered.startswith("<a "):
        href = re.search(r"href=[\"']([^\"']*)", tag, re.IGNORECASE)
        builder.open("link", href.group(1) if href else "")
    elif lowered == "</a>":
        builder.close("link")
    elif not _FORMATTING_TAG.match(lowered):
        builder.write(tag)  # `<!channel>` in a title is text, not markup to drop


def _html_block(token: Token, context: dict) -> list[Block]:
    content = token.content
    first = token.map[0] + context["offset"] if token.map else context["offset"]
    if _HTML_DROPPED.match(content):
        return []
    heading = _HTML_HEADING.match(content)
    if heading:
        line = _html_line(first, heading.group(2))
        return [Block("heading", first, (line,), level=int(heading.group(1)))] if line.text else []
    lines = []
    for index, raw in enumerate(re.split(r"\n|<br\s*/?>", content)):
        line = _html_line(first + index, raw)
        if line.text:
            lines.append(line)
    return [Block("paragraph", first, tuple(lines), **_where(context))] if lines else []


def _code_block(token: Token, context: dict) -> list[Block]:
    first = (token.map[0] if token.map else 0) + context["offset"]
    lines = tuple(Line(first + i, " ".join(raw.split())) for i, raw in enumerate(token.content.splitlines()))
    lines = tuple(line for line in lines if line.text)
    return [Block("paragraph", first, lines, **_where(context))] if lines else []


def _html_line(number: int, raw: str) -> Line:
    """One line of HTML as text, its `<a>` and `<strong>` runs as spans."""
    spans: list[Span] = []
    parts: list[str] = []
    position = 0
    pattern = re.compile(f"{_HTML_LINK.pattern}|{_HTML_STRONG.pattern}", re.IGNORECASE | re.DOTALL)
    for found in pattern.finditer(raw):
        parts.append(_plain_html(raw[position : found.start()]))
        start = len("".join(parts))
        inner = _plain_html(found.group(2) if found.group(1) is not None else found.group(4))
        parts.append(inner)
        kind = "link" if found.group(1) is not None else "strong"
        spans.append(Span(kind, inner.strip(), start, start + len(inner), found.group(1)))
        position = found.end()
    parts.append(_plain_html(raw[position:]))
    return _tidy(Line(number, "".join(parts), tuple(spans)))


def _plain_html(text: str) -> str:
    return html.unescape(_HTML_TAG.sub("", text))


def _where(context: dict) -> dict:
    return {"in_item": context["items"] > 0, "quote": context["quotes"] > 0}


def parse_blocks(body: str, first_line: int = 1) -> list[Block]:
    """The leaf blocks of Markdown `body`, whose first line is line `first_line` of its file."""
    context = {"offset": first_line, "items": 0, "quotes": 0, "item_fresh": False}
    blocks: list[Block] = []
    table = _Table()
    heading_level = 0
    for token in _PARSER.parse(body):
        kind = token.type
        if kind in _CONTEXT_STEPS:
            key, step = _CONTEXT_STEPS[kind]
            context[key] += step
            context["item_fresh"] = kind == "list_item_open"
        elif kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("thead_open", "thead_close", "tr_open", "tr_close", "th_open", "td_open", "th_close", "td_close"):
            row = table.step(token, context["offset"])
            if row is not None:
                blocks.append(row)
        elif kind == "html_block":
            blocks.extend(_html_block(token, context))
        elif kind == "code_block":  # an indented line, as a tab before a time line makes it
            blocks.extend(_code_block(token, context))
        elif kind == "inline" and table.in_cell:
            table.add_cell(token)
        elif kind == "inline":
            blocks.extend(_inline_block(token, context, heading_level))
    return blocks


_CONTEXT_STEPS = {
    "list_item_open": ("items", 1),
    "list_item_close": ("items", -1),
    "blockquote_open": ("quotes", 1),
    "blockquote_close": ("quotes", -1),
}


@dataclass
class _Table:
    """Collects a table's header and rows from the token stream."""

    header: list[str] = field(default_factory=list)
    cells: list[Line] = field(default_factory=list)
    in_head: bool = False
    in_cell: bool = False
    row_line: int = 0

    def step(self, token: Token, offset: int) -> Block | None:
        kind = token.type
        if kind == "thead_open":
            self.in_head, self.header = True, []
        elif kind == "thead_close":
            self.in_head = False
        elif kind == "tr_open":
            self.cells, self.row_line = [], (token.map[0] if token.map else 0) + offset
        elif kind in ("th_open", "td_open"):
            self.in_cell = True
        elif kind in ("th_close", "td_close"):
            self.in_cell = False
        elif kind == "tr_close" and not self.in_head and any(cell.text for cell in self.cells):
            joined = Line(self.row_line, " | ".join(cell.text for cell in self.cells))
            return Block("row", self.row_line, (joined,), header=tuple(self.header), cells=tuple(self.cells))
        return None

    def add_cell(self, token: Token) -> None:
        lines = inline_lines(token, self.row_line)
        cell = Line(self.row_line, " ".join(line.text for line in lines), _merged_spans(lines))
        if self.in_head:
            self.header.append(cell.text)
        else:
            self.cells.append(cell)


def _inline_block(token: Token, context: dict, heading_level: int) -> list[Block]:
    first = (token.map[0] if token.map else 0) + context["offset"]
    lines = inline_lines(token, first)
    if not lines:
        return []
    if heading_level:
        line = Line(first, " ".join(x.text for x in lines), _merged_spans(lines))
        return [Block("heading", first, (line,), level=heading_level)]
    fresh = context["item_fresh"]
    context["item_fresh"] = False
    lines = [line for line in lines if not _MDX.match(line.text)]
    return [Block("paragraph", first, tuple(lines), item_start=fresh, **_where(context))] if lines else []


def _merged_spans(lines: list[Line]) -> tuple[Span, ...]:
    """Spans of several lines joined by single spaces."""
    spans = []
    offset = 0
    for line in lines:
        spans.extend(Span(s.kind, s.text, s.start + offset, s.end + offset, s.url) for s in line.spans)
        offset += len(line.text) + 1
    return tuple(spans)
