"""A Markdown document as the reader sees it: leaf blocks of lines, with source line
numbers and the links and bold spans of each line.

markdown-it-py parses the CommonMark (plus tables); this module flattens its token tree
into `Block`s: headings (ATX and Setext), paragraphs (inside list items and block
quotes too), table rows (with their header cells) and HTML blocks (`<h4>`, `<strong>`,
`<a>`, `<br>` are kept, the rest of the markup goes). Each source line of a block is
one `Line`, so a talk written over three lines of one list item stays three lines.
Pure: text in, blocks out.

Longer than most modules on purpose: the Markdown tree, HTML blocks and tables all become
the same blocks of lines here, so the reader never meets a format's markup.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field

from markdown_it_pyrs import MarkdownIt

# CommonMark's rules and tables, less code spans: markdown-it-pyrs 0.4 panics on an unclosed
# backtick inside link text (a cilium post has one); a fuzz run of 80,000 mutated posts found
# no panic without that rule. Backticks then stay in the text, where clean-up drops them.
_RULES = [
    "heading", "lheading", "paragraph", "list", "blockquote", "code", "fence", "hr", "html_block",
    "html_inline", "table", "link", "image", "emphasis", "newline", "escape", "entity", "autolink",
    "strikethrough", "reference",
]  # fmt: skip
_PARSER = MarkdownIt("zero").enable_many(_RULES)

_BR = re.compile(r"^<br\s*/?>$", re.IGNORECASE)
_HTML_HEADING = re.compile(r"^\s*<h([1-6])[^>]*>(.*?)</h\1>\s*$", re.IGNORECASE | re.DOTALL)
_MDX = re.compile(r"^(?:import\s.+\sfrom\s|export\s|<[A-Z][\w.]*[\s/>])")  # MDX statements and components
_FORMATTING_TAG = re.compile(
    r"^</?(?:em|i|u|span|sup|sub|img|code|small|mark|s|del|ins|kbd|abbr|font|p|div|br|h[1-6]|iframe|!--)\b"
)
_HTML_RUN = re.compile(  # groups: 1 href, 2 link text, 3 tag, 4 bold text
    r"<a\s[^>]*?href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>|<(strong|b)>(.*?)</\3>", re.IGNORECASE | re.DOTALL
)
_UNTIDY = re.compile(r"^\s|\s\s|[^\S ]|\s$")
_HTML_LIST_OPEN = re.compile(r"<li\b", re.IGNORECASE)
_HTML_LIST_CLOSE = re.compile(r"</[uo]l>", re.IGNORECASE)
_LINK_HEADING = re.compile(r"^#{1,6}[ \t]+\[(?P<text>[^\\`*_\[\]<>&~\n]+)\]\((?P<url>[^\s()<>\\]*)\)[ \t]*$")
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&~]")  # anything the inline parser would act on
_HTML_SPAN_LIMIT = 4000  # longer HTML lines are read as plain text: the span pattern rescans them
_HTML_TAG = re.compile(r"<[^>]+>")
_HTML_DROPPED = re.compile(r"^\s*<(iframe|script|style|img|video|!--)", re.IGNORECASE)


class MarkdownFailure(ValueError):
    """The Markdown parser itself failed on the text."""


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


@dataclass
class _Inline:
    """Builds the lines of one inline token."""

    number: int
    lines: list[Line] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    open_spans: list[tuple[str, int, int, str | None]] = field(default_factory=list)  # kind, offset, part, url
    soft: bool = False
    size: int = 0  # the length of the text so far

    def write(self, text: str) -> None:
        text = text.replace("\u00a0", " ")
        self.text.append(text)
        self.size += len(text)

    def open(self, kind: str, url: str | None = None) -> None:
        self.open_spans.append((kind, self.size, len(self.text), url))

    def close(self, kind: str) -> None:
        for index in range(len(self.open_spans) - 1, -1, -1):
            open_kind, start, part, url = self.open_spans[index]
            if open_kind == kind:
                del self.open_spans[index]
                text = "".join(self.text[part:])  # only the span's own parts: no quadratic rejoin
                if text.strip():
                    self.spans.append(Span(kind, " ".join(text.split()), start, self.size, url))
                return

    def newline(self, number: int, soft: bool = False) -> None:
        """Start line `number` (the same one again for a `<br>`)."""
        self.flush()
        self.number = number
        self.soft = soft

    def flush(self) -> None:
        raw = "".join(self.text)
        if raw.strip():
            spans = tuple(sorted(self.spans, key=lambda s: s.start))
            self.lines.append(_tidy(Line(self.number, raw, spans, self.soft)))
        self.text, self.spans, self.size = [], [], 0
        self.open_spans = [(kind, 0, 0, url) for kind, _, _, url in self.open_spans]


def _tidy(line: Line) -> Line:
    """Fold white space, keeping span offsets right."""
    text = line.text
    if not _UNTIDY.search(text):
        return line  # the common case: nothing to fold
    if not line.spans:
        return Line(line.number, " ".join(text.split()), (), line.soft)
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


def _inline_lines(nodes, first_line: int, line_of) -> list[Line]:
    """The lines of inline nodes: soft and hard breaks and `<br>` start new ones."""
    builder = _Inline(first_line)
    _walk_inline(builder, nodes, line_of)
    builder.flush()
    return builder.lines


def _walk_inline(builder: _Inline, nodes, line_of) -> None:
    for node in nodes:
        name = node.name
        if name == "text":
            builder.write(node.meta.get("content", ""))
        elif name in ("softbreak", "hardbreak"):
            number = line_of(node.srcmap[1]) if node.srcmap else builder.number + 1
            builder.newline(number, soft=name == "softbreak")
        elif name == "link":
            builder.open("link", str(node.meta.get("url", "")))
            _walk_inline(builder, node.children, line_of)
            builder.close("link")
        elif name == "strong":
            builder.open("strong")
            _walk_inline(builder, node.children, line_of)
            builder.close("strong")
        elif name == "html_inline":
            _inline_html(builder, node.meta.get("content", ""))
        elif name != "image":
            _walk_inline(builder, node.children, line_of)


def _inline_html(builder: _Inline, tag: str) -> None:
    lowered = tag.strip().lower()
    if _BR.match(lowered):
        builder.newline(builder.number)
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


def _html_block(content: str, first: int, context: dict) -> list[Block]:
    if _HTML_DROPPED.match(content):
        return []
    heading = _HTML_HEADING.match(content)
    if heading:
        line = _html_line(first, heading.group(2))
        return [Block("heading", first, (line,), level=int(heading.group(1)))] if line.text else []
    blocks = []
    in_list = context["items"] > 0
    for index, raw in enumerate(content.split("\n")):
        # An exported page puts each <p>, <li> and <h4> on a line of its own: each is a block.
        in_list = (in_list or bool(_HTML_LIST_OPEN.search(raw))) and not _HTML_LIST_CLOSE.search(raw)
        lines = [_html_line(first + index, part) for part in re.split(r"<br\s*/?>", raw, flags=re.IGNORECASE)]
        lines = [line for line in lines if line.text]
        if lines:
            blocks.append(Block("paragraph", first + index, tuple(lines), item_start=in_list, in_item=in_list))
    return blocks


def _code_block(content: str, first: int, context: dict) -> list[Block]:
    lines = tuple(Line(first + i, " ".join(raw.split())) for i, raw in enumerate(content.splitlines()))
    lines = tuple(line for line in lines if line.text)
    return [Block("paragraph", first, lines, **_where(context))] if lines else []


def _html_line(number: int, raw: str) -> Line:
    """One line of HTML as text, its `<a>` and `<strong>` runs as spans."""
    spans: list[Span] = []
    parts: list[str] = []
    position = 0
    for found in _HTML_RUN.finditer(raw) if len(raw) <= _HTML_SPAN_LIMIT else ():
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


class _Lines:
    """Byte offsets (as the parser gives them) to file line numbers."""

    def __init__(self, body: str, first_line: int):
        self.raw = body.encode("utf-8")
        self.starts = [0]
        for raw in self.raw.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(raw))
        self.first_line = first_line

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1 + self.first_line


def parse_blocks(body: str, first_line: int = 1) -> list[Block]:
    """The leaf blocks of Markdown `body`, whose first line is line `first_line` of its file."""
    line_of = _Lines(body, first_line)
    blocks: list[Block] = []
    context = {"items": 0, "quotes": 0, "item_fresh": False}
    try:
        tree = _PARSER.tree(body)
    except BaseException as problem:  # a Rust panic arrives as pyo3's PanicException (a BaseException)
        if isinstance(problem, KeyboardInterrupt | SystemExit):
            raise
        raise MarkdownFailure(str(problem)) from None
    try:
        _walk_blocks(tree.children, context, line_of, blocks)
    except RecursionError:
        raise MarkdownFailure("the document nests quotes, lists or emphasis too deeply to read") from None
    return blocks


_INLINE_NAMES = frozenset(
    {"text", "softbreak", "hardbreak", "link", "strong", "em", "html_inline", "image", "code_inline", "s"}
)


def _walk_blocks(nodes, context: dict, line_of, blocks: list[Block]) -> None:
    inline_run = []
    for node in nodes:
        if node.name in _INLINE_NAMES:
            inline_run.append(node)  # a tight list item holds its text without a paragraph
            continue
        if inline_run:
            blocks.extend(_paragraph(inline_run, context, line_of))
            inline_run = []
        _block(node, context, line_of, blocks)
    if inline_run:
        blocks.extend(_paragraph(inline_run, context, line_of))


def _block(node, context: dict, line_of, blocks: list[Block]) -> None:
    name = node.name
    first = line_of(node.srcmap[0]) if node.srcmap else 0
    if name == "paragraph":
        plain = _plain_paragraph(node, context, line_of)
        blocks.extend(plain if plain is not None else _paragraph(node.children, context, line_of))
    elif name == "heading" and (plain := _plain_link_heading(node, line_of)) is not None:
        blocks.append(Block("heading", first, (plain,), level=int(node.meta.get("level", 1))))
    elif name in ("heading", "lheading"):
        lines = _inline_lines(node.children, first, line_of)
        if lines:
            line = Line(first, " ".join(x.text for x in lines), _merged_spans(lines))
            blocks.append(Block("heading", first, (line,), level=int(node.meta.get("level", 1))))
    elif name == "list_item":
        context["items"] += 1
        context["item_fresh"] = True
        _walk_blocks(node.children, context, line_of, blocks)
        context["items"] -= 1
        context["item_fresh"] = False
    elif name == "blockquote":
        context["quotes"] += 1
        _walk_blocks(node.children, context, line_of, blocks)
        context["quotes"] -= 1
    elif name == "table":
        blocks.extend(_table_rows(node, line_of))
    elif name == "html_block":
        blocks.extend(_html_block(node.meta.get("content", ""), first, context))
    elif name == "code_block":  # an indented line, as a tab before a time line makes it
        blocks.extend(_code_block(node.meta.get("content", ""), first, context))
    elif name != "fence":
        _walk_blocks(node.children, context, line_of, blocks)


def _plain_link_heading(node, line_of: _Lines) -> Line | None:
    """`### [Title](url)` with no other markup, read from its source line: the same line
    the tree gives, without walking it (the common shape of a talk-list post)."""
    if not node.srcmap:
        return None
    raw = line_of.raw[node.srcmap[0] : node.srcmap[1]].decode("utf-8", "replace")
    found = _LINK_HEADING.match(raw)
    if found is None:
        return None
    text = " ".join(found.group("text").split())
    return Line(line_of(node.srcmap[0]), text, (Span("link", text, 0, len(text), found.group("url")),))


def _plain_paragraph(node, context: dict, line_of: _Lines) -> list[Block] | None:
    """A paragraph with no inline markup at all, read straight from its source lines:
    the same lines the tree gives, without walking it (most abstracts are like this)."""
    if context["quotes"] or not node.srcmap:
        return None
    start, end = node.srcmap
    raw = line_of.raw[start:end].decode("utf-8", "replace")
    if _INLINE_SPECIAL.search(raw):
        return None
    first = line_of(start)
    lines = []
    previous = ""
    for index, part in enumerate(raw.split("\n")):
        text = " ".join(part.split())
        if text and not _MDX.match(text):
            lines.append(Line(first + index, text, (), soft=index > 0 and not previous.endswith("  ")))
        previous = part
    fresh = context["item_fresh"]
    context["item_fresh"] = False
    return [Block("paragraph", first, tuple(lines), item_start=fresh, **_where(context))] if lines else []


def _paragraph(nodes, context: dict, line_of) -> list[Block]:
    first = line_of(nodes[0].srcmap[0]) if nodes and nodes[0].srcmap else 0
    lines = [line for line in _inline_lines(nodes, first, line_of) if not _MDX.match(line.text)]
    fresh = context["item_fresh"]
    context["item_fresh"] = False
    return [Block("paragraph", first, tuple(lines), item_start=fresh, **_where(context))] if lines else []


def _table_rows(table, line_of) -> list[Block]:
    header: list[str] = []
    rows = []
    for section in table.children:
        for row in section.children:
            number = line_of(row.srcmap[0]) if row.srcmap else 0
            cells = []
            for cell in row.children:
                lines = _inline_lines(cell.children, number, line_of)
                cells.append(Line(number, " ".join(x.text for x in lines), _merged_spans(lines)))
            if section.name == "thead":
                header = [cell.text for cell in cells]
            elif any(cell.text for cell in cells):
                joined = Line(number, " | ".join(cell.text for cell in cells))
                rows.append(Block("row", number, (joined,), header=tuple(header), cells=tuple(cells)))
    return rows


def _merged_spans(lines: list[Line]) -> tuple[Span, ...]:
    """Spans of several lines joined by single spaces."""
    spans = []
    offset = 0
    for line in lines:
        spans.extend(Span(s.kind, s.text, s.start + offset, s.end + offset, s.url) for s in line.spans)
        offset += len(line.text) + 1
    return tuple(spans)
