"""Line-level evidence for the reader: labelled fields, the title a timed line carries,
agenda lines with their linked people, title lines, lines of people, table columns.
Pure functions over `document.Line`s."""

from __future__ import annotations

import re

from .clocks import When, find_when
from .document import Block, Line, Span
from .speakers import looks_like_name
from .zones import is_zone_abbreviation

GENERIC_LINK = re.compile(
    r"^(?:@.*|\S*@|(?:see|watch|register|sign up|read|click|slides?|video|recording|full|here|link|details|"
    r"session|more|info|download|instructions|calendar|youtube|sched)\b(?:\W+\w+){0,3}\W*|"
    r".*information here|this blog post|link)$",
    re.IGNORECASE,
)
FIELD = re.compile(r"^\W{0,3}(?P<label>[A-Za-z][A-Za-z &/]{0,24}?)\s*:\s*(?P<value>.*)$")
FIELDS = {
    "when": "when", "date": "when", "time": "when", "datetime": "when", "date & time": "when",
    "date/time": "when", "date and time": "when", "day": "when", "dates": "when", "times": "when",
    "speaker": "speakers", "speakers": "speakers", "presenter": "speakers", "presenters": "speakers",
    "by": "speakers", "host": "speakers", "hosts": "speakers", "moderator": "speakers", "panelists": "speakers",
    "where": "room", "location": "room", "room": "room", "venue": "room", "place": "room",
    "abstract": "abstract", "description": "abstract", "summary": "abstract",
    "track": "track",
}  # fmt: skip
QUOTED = re.compile(r"[\"“](?P<text>[^\"”]{3,150})[\"”]")
EDGE = " \t-–—:|•·,@/()[]*_>"
HANDLE = re.compile(r"\s*\(@[\w.]+\)")
BYLINE = re.compile(r"^(?:authors?|note|update|edit|posted|written)\b\s*:", re.IGNORECASE)


# -- line-level evidence ------------------------------------------------------------------


def labelled_field(line: Line) -> tuple[str, str, Line, str] | None:
    """`**When:** …`, `DATE: …`, `- **Time:** …`: a labelled field."""
    found = FIELD.match(line.text)
    if not found:
        return None
    label = " ".join(found.group("label").lower().split())
    kind = FIELDS.get(label)
    if kind is None:
        return None
    offset = found.start("value")
    value_line = Line(
        line.number,
        found.group("value"),
        tuple(Span(s.kind, s.text, s.start - offset, s.end - offset, s.url) for s in line.spans if s.start >= offset),
    )
    return kind, found.group("value"), value_line, label


def only_label(text: str) -> bool:
    return bool(re.fullmatch(r"[\w &/]{1,20}", text)) and text.split()[0].lower() in FIELDS


def title_spans(line: Line, when: When | None = None) -> list[Span]:
    spans = []
    for span in line.spans:
        if when is not None and span.start < when.span[1] and span.end > when.span[0]:
            continue
        if span.kind == "link" and GENERIC_LINK.match(span.text):
            continue
        if (span.text.rstrip().endswith(":") and len(span.text) < 30) or BYLINE.match(span.text):
            continue  # a label such as **Note:**, a byline
        spans.append(span)
    return spans


def title_in_line(line: Line, when: When, heading: bool = False) -> tuple[str, str | None, str]:
    """The title a timed line carries itself: a link, a bold run or a quoted name; for
    a heading or a line that opens with its time, what follows the time. Also returns
    the rest of the line after the time."""
    text = line.text
    after = text[when.span[1] :].lstrip(EDGE).rstrip()  # a trailing comma may join the next line
    spans = title_spans(line, when)
    links = [s for s in spans if s.kind == "link"]
    strongs = [s for s in spans if s.kind == "strong"]
    for span in links + strongs:
        if span.start <= when.span[0] or not is_prose(text[: span.start]):
            url = span.url or next((s.url for s in links if s.start <= span.start < s.end), None)
            return span.text, url, after
    wrapped = _title_around_time(line, when)
    if wrapped:
        return wrapped, None, after
    quoted = QUOTED.search(text, when.span[1])
    if quoted and when.span[0] <= 3:
        return quoted.group("text").strip(), None, after
    if heading:
        rest = (text[: when.span[0]] + " " + text[when.span[1] :]).strip(EDGE)
        return rest, None, after
    return "", None, after if len(after) <= 150 else ""


def _title_around_time(line: Line, when: When) -> str:
    """`**Widget Talk — 10:00-10:30**`: a bold run that opens the line and holds the time."""
    for span in line.strongs():
        if span.start <= 2 and span.start <= when.span[0] and when.span[1] <= span.end:
            title = (line.text[span.start : when.span[0]] + " " + line.text[when.span[1] : span.end]).strip(EDGE)
            if len(title) >= 3 and not FIELD.match(line.text[span.start : span.end]):
                return " ".join(title.split())
    return ""


def agenda_entry(line: Line, when: When) -> tuple[str, str | None, tuple[str, ...]] | None:
    """`09:15 ~ 09:45 am - [#sig-x](u): Topic by [Ada Lovelace](u) (Org)/[Bob](u)`: on a
    line that opens with its time, the rest is the title, up to the people it links to."""
    text = line.text
    if text[: when.span[0]].strip(EDGE):
        return None
    people = people_run(line, when.span[1])
    if not people:
        return None
    head = text[when.span[1] : people[0].start]
    head = re.sub(r"(?:\bby|\bwith|[:–—,/-])\s*$", "", head.rstrip()).strip(EDGE)
    if not head or " will " in head:
        return None
    links = [s for s in line.links() if when.span[1] <= s.start < people[0].start]
    url = links[0].url if len(links) == 1 else None
    return head, url, tuple(span.text for span in people)


def people_run(line: Line, start: int) -> list[Span]:
    """Links to people from `start` on, one after another: `[A](u) (Org)/[B](u)`, `[A](u) & [B](u)`;
    links inside an affiliation's parentheses are not people."""
    text = line.text
    run: list[Span] = []
    position = start
    for span in line.links():
        if span.start < position:
            continue
        name = span.text.strip()
        if not is_person(name):
            if run:
                break
            continue
        if not run and len(name.split()) == 1 and not re.search(r"\bby\s*$", text[: span.start]):
            continue  # `[Helmfile](u) by [Ada](u)`: a one-word link opens a list of people only after "by"
        if run and not re.fullmatch(r"\s*(?:/|,|&|and|,\s*and)\s*", text[position : span.start]):
            break
        run.append(span)
        position = span.end
        paren = re.match(r"\s*\(", text[position:])
        if paren:
            close = text.find(")", position)
            position = close + 1 if close >= 0 else len(text)
    return run


def is_person(text: str) -> bool:
    return looks_like_name(text) and not GENERIC_LINK.match(text)


def only_people(line: Line) -> bool:
    """A line that is nothing but links to people, joined by `,` `&` `and`."""
    links = line.links()
    if not links or not all(is_person(s.text.strip()) for s in links):
        return False
    rest = without(line.text, [(s.start, s.end) for s in links])
    return not re.sub(r"(?:,|&|\band\b|/)", " ", rest).strip(EDGE + " .")


def is_prose(text: str) -> bool:
    return len(text.split()) > 6


def starts_with_title(line: Line) -> bool:
    spans = title_spans(line)
    return bool(spans) and spans[0].start <= 2


def sentence_between(line: Line, when: When) -> bool:
    """Lower-case words between an opening title and its time make a sentence."""
    spans = title_spans(line, when)
    if not spans or spans[0].start > 2 or spans[0].end > when.span[0]:
        return False
    between = line.text[spans[0].end : when.span[0]].strip(EDGE)
    return bool(re.match(r"[a-z]", between))


def after_is_detail(text: str, when: When) -> bool:
    """`… | 4:15pm - 4:45pm EST`, `… // date @ time // Room`: details follow the time."""
    after = text[when.span[1] :]
    return bool(re.match(r"^\s*(?:\||//|$)", after))


def title_line(line: Line, block: Block, position: int) -> tuple[str, str | None] | None:
    """A link or bold run that is the whole line, or opens a list item or a line that
    goes on with ` - `/`|`/`(`: the name of a talk."""
    spans = title_spans(line)
    if not spans:
        return None
    first = spans[0]
    if first.start > 2:
        return None
    tail = line.text[first.end :].strip()
    link = first if first.kind == "link" else next((s for s in line.links() if s.start <= first.start < s.end), None)
    url = link.url if link is not None else None
    if not tail.strip(" .:*_") or tail.startswith(("- ", "– ", "— ", "|", "(", "//")):
        return first.text.strip(), url
    return None


def wrapped_prose(block: Block, position: int) -> bool:
    """A link alone on its source line in the middle of a wrapped sentence is no title:
    "Join us for the day-long / [Summit](url) / pre-conference event."""
    line = block.lines[position]
    if not line.soft or position == 0:
        return False
    previous = block.lines[position - 1]
    if find_when(previous.text) is not None or (title_spans(previous)[:1] and title_spans(previous)[0].start <= 2):
        return False
    following = block.lines[position + 1] if position + 1 < len(block.lines) else None
    ends_open = previous.text[-1:].isalnum() or previous.text.endswith(",")
    continues = following is not None and following.soft and following.text[:1].islower()
    return ends_open or continues


def heading_title(line: Line) -> tuple[str, str | None]:
    """A heading's talk name: its link when it has one (`## Contribfest: [Name](url)`)."""
    links = [s for s in line.links() if not GENERIC_LINK.match(s.text)]
    if len(links) == 1:
        return links[0].text, links[0].url
    return strip_title(line.text), None


def strip_title(text: str) -> str:
    """Separators and markup off both ends; a closing parenthesis stays when it closes one."""
    stripped = text.strip(EDGE)
    if text.rstrip().endswith(")") and stripped.count("(") > stripped.count(")"):
        stripped += ")"
    return stripped


def without(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# -- tables ---------------------------------------------------------------------------------

COLUMN_WORDS = {
    "when": ("time", "when", "date", "hour", "slot", "day", "start", "begin", "end", "until"),
    "title": ("title", "session", "talk", "topic", "what", "event", "name"),
    "speakers": ("speaker", "presenter", "who", "host", "by"),
    "room": ("location", "room", "where", "venue", "place"),
    "link": ("link", "url", "slides", "recording", "video"),
}


def column_roles(header: tuple[str, ...]) -> dict[int, str]:
    roles = {}
    for index, heading in enumerate(header):
        words = re.findall(r"[a-z]+", heading.lower())
        for role, keys in COLUMN_WORDS.items():
            if any(word.startswith(key) for word in words for key in keys):
                roles[index] = role
                break
    return roles


def cell_with_role(cells: list[Line], roles: dict[int, str], role: str) -> Line | None:
    for index, cell_role in roles.items():
        if cell_role == role and index < len(cells):
            return cells[index]
    return None


def first_title_cell(cells: list[Line], when: When) -> Line | None:
    candidates = [cell for cell in cells if cell.text.strip() and find_when(cell.text) is None]
    with_link = [cell for cell in candidates if title_spans(cell)]
    return (with_link or candidates or [None])[0]


def header_zone(header: tuple[str, ...]) -> str | None:
    for heading in header:
        found = re.search(r"\(([A-Z]{2,5})\)", heading)
        if found and is_zone_abbreviation(found.group(1)):
            return found.group(1)
    return None
