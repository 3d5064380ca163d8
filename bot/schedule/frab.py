"""The frab loader: a Pentabarf/frab/pretalx/wafer `schedule.xml` to a Schedule.

`<schedule>` holds `<conference>` (title, `time_zone_name`, `day_change`) and `<day
date=...>` elements, each with `<room name=...>` elements holding `<event id=...>`.
An event's start is its `<date>` (a full timestamp, as pretalx and wafer write it) when
it has one; otherwise its day's date and its `<start>` time. Its end is the start plus
`<duration>` (`HH:MM`, tolerated: `HH:MM:SS`, `D:HH:MM`, ISO `PT1H30M`).

Without a `<date>`, the calendar day of a `<start>` time needs care. A day with `start`
and `end` attributes (wafer) spans those instants, whatever its `date` says: the event
is on the calendar day that puts it inside them. Otherwise the day runs from the
conference's `<day_change>` (frab's "the night belongs to the day before"): a time
earlier than `day_change` is on the calendar day after the day's `date`.

Longer than most modules on purpose: the whole of reading one format, in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from html import unescape
from html.parser import HTMLParser
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from .ids import IdAllocator, pretalx_code
from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError
from .text import join_distinct, parse_duration
from .zones import venue_zone

_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAGS = {
    "p", "div", "br", "ul", "ol", "li", "tr", "table", "blockquote", "pre", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "section", "article",
}  # fmt: skip


@dataclass
class _Document:
    root: Element
    lines: dict[int, int]  # id(element) -> line of its start tag

    def line(self, element: Element) -> int:
        return self.lines.get(id(element), 1)


def _parse_xml(path: str, text: str) -> _Document:
    """Build an ElementTree, remembering each element's line; ScheduleError if not XML."""
    builder = TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.ordered_attributes = False

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[id(builder.start(tag, attributes))] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(text, True)
        root = builder.close()
    except expat.ExpatError as problem:
        message = f"not valid XML: {expat.ErrorString(problem.code)} (column {problem.offset + 1})"
        raise ScheduleError([Problem(path, problem.lineno or 1, message)]) from None
    if root is None:  # expat reports an empty document first; kept for safety
        raise ScheduleError([Problem(path, 1, "not valid XML: no element found")])
    # Elements stay alive in the tree, so their ids are stable for this document.
    return _Document(root, lines)


def _text(element: Element | None, child: str) -> str:
    if element is None:
        return ""
    found = element.find(child)
    if found is None:
        return ""
    return "".join(found.itertext()).strip()


def _clock(value: str) -> time | None:
    found = _CLOCK.match(value.strip())
    if not found:
        return None
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def _timestamp(value: str) -> datetime | date | None:
    """An ISO date-time (aware or naive) or a bare date; None when neither."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10 and moment.time() == time(0):
        return moment.date()
    return moment


def _localize(moment: datetime, zone: tzinfo) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


class _TextOnly(HTMLParser):
    """HTML to plain text: block elements become line breaks, list items dashes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("p", "div", "blockquote", "pre", "table", "ul", "ol") or tag.startswith("h"):
            self.parts.append("\n\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """HTML tags stripped (only when the text has some), whitespace tidied: spaces
    collapsed within lines, at most one blank line between paragraphs."""
    if _TAG.search(text):
        reader = _TextOnly()
        reader.feed(text)
        reader.close()
        text = "".join(reader.parts)
    elif "&" in text:
        text = unescape(text)
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    # HTML list items come apart by the source's own line breaks; keep a list together.
    tidy = re.sub(r"^(- .*)\n\n(?=- )", r"\1\n", tidy, flags=re.MULTILINE)
    return tidy.strip()


def _abstract(event: Element) -> str:
    """Subtitle, abstract and description, skipping any part another already holds."""
    return join_distinct([plain_text(_text(event, name)) for name in ("subtitle", "abstract", "description")])


def _speakers(event: Element) -> tuple[Speaker, ...]:
    names: list[str] = []
    for person in event.iter("person"):
        name = " ".join("".join(person.itertext()).split()) or " ".join(person.get("name", "").split())
        if name and name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return tuple(Speaker(name) for name in names)


@dataclass(frozen=True)
class _Day:
    date: date | None
    start: datetime | None  # the instants the day spans, when the day gives them
    end: datetime | None


def _day_of(day: Element | None, zone: tzinfo) -> _Day:
    if day is None:
        return _Day(None, None, None)
    named = _timestamp(day.get("date", ""))
    if isinstance(named, datetime):
        named = named.date()
    bounds = []
    for key in ("start", "end"):
        moment = _timestamp(day.get(key, ""))
        bounds.append(_localize(moment, zone) if isinstance(moment, datetime) else None)
    return _Day(named, bounds[0], bounds[1])


def _start_from_day(day: _Day, clock: time, day_change: time, zone: tzinfo) -> datetime | None:
    """The start of a `<start>` time on `day` (see the module's docstring)."""
    if day.start is not None:
        last = day.end if day.end is not None and day.end > day.start else day.start + timedelta(days=1)
        for offset in (0, 1):
            candidate = datetime.combine(day.start.date() + timedelta(days=offset), clock, tzinfo=zone)
            if day.start <= candidate <= last:
                return candidate
    if day.date is None:
        return None
    calendar_day = day.date + timedelta(days=1) if clock < day_change else day.date
    return datetime.combine(calendar_day, clock, tzinfo=zone)


def _venue_zone(
    path: str, document: _Document, default_zone: str | None, errors: list[Problem], warnings: list[Problem]
) -> tzinfo:
    named = document.root.find(".//conference/time_zone_name")
    if named is None:
        named = document.root.find(".//time_zone_name")
    name = "".join(named.itertext()).strip() if named is not None else ""
    line = document.line(named) if named is not None else 1
    if not name and not default_zone:
        offset = _one_offset(document)
        if offset is not None:
            warnings.append(
                Problem(
                    path,
                    1,
                    f"no <time_zone_name> in the file: times keep their UTC offset ({_offset_text(offset)}); "
                    "pass --tz with the venue's zone to follow its clock changes",
                )
            )
            return timezone(offset)
    return venue_zone(path, name or None, line, default_zone, "no <time_zone_name> in the file", errors, warnings)


def _one_offset(document: _Document) -> timedelta | None:
    """The UTC offset every event `<date>` carries, when they all carry the same one."""
    offsets = set()
    for element in document.root.iter("date"):
        try:
            moment = datetime.fromisoformat("".join(element.itertext()).strip())
        except ValueError:
            continue
        offsets.add(moment.utcoffset())
    return offsets.pop() if len(offsets) == 1 and None not in offsets else None


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _day_change(document: _Document) -> time:
    named = document.root.find(".//conference/day_change")
    return (_clock("".join(named.itertext())) if named is not None else None) or time(0)


def _events(root: Element) -> list[tuple[Element, Element | None, Element | None]]:
    """Every event with its enclosing <day> and <room>, in document order. Iterative:
    a hostile document may nest deeper than Python's recursion limit."""
    if root.tag == "event":
        return [(root, None, None)]
    found = []
    stack: list[tuple[Element, Element | None, Element | None]] = [(root, None, None)]
    while stack:
        element, day, room = stack.pop()
        if element.tag == "event" and element is not root:
            found.append((element, day, room))
            continue  # events do not nest
        if element.tag == "day":
            day = element
        elif element.tag == "room" and element.get("name"):
            room = element
        stack.extend((child, day, room) for child in reversed(element))
    return found


def load_frab(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse a frab `schedule.xml`. Returns the schedule and its warnings; raises
    ScheduleError listing every `path:line` problem when it cannot be used."""
    document = _parse_xml(path, text)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    zone = _venue_zone(path, document, default_zone, errors, warnings)
    day_change = _day_change(document)
    events = _events(document.root)

    ids = IdAllocator()
    sessions: list[Session] = []
    for event, day, room in events:
        line = document.line(event)
        try:
            session = _session(event, day, room, zone, day_change, ids, line, path, warnings)
        except (ValueError, OverflowError) as problem:  # dates beyond year 9999 and the like
            warnings.append(Problem(path, line, f"event skipped: {problem}"))
            continue
        if session is not None:
            sessions.append(session)

    if not sessions and not errors:
        detail = f" ({len(events)} <event> elements, none usable)" if events else " (no <event> elements)"
        errors.append(Problem(path, 1, f"no session with a title and a start found{detail}"))
    if errors:
        raise ScheduleError(errors, warnings)
    title = _text(document.root.find(".//conference"), "title")
    return Schedule(tuple(sessions), zone, source=path, title=title), sorted(warnings, key=lambda w: w.line)


def _session(
    event: Element,
    day: Element | None,
    room: Element | None,
    zone: tzinfo,
    day_change: time,
    ids: IdAllocator,
    line: int,
    path: str,
    warnings: list[Problem],
) -> Session | None:
    title = " ".join(_text(event, "title").split())
    label = f"event {event.get('id')}" if event.get("id") else "an event"
    if not title:
        warnings.append(Problem(path, line, f"{label} has no <title>: skipped"))
        return None
    start = _start(event, day, zone, day_change)
    if start is None:
        warnings.append(Problem(path, line, f'no usable start for "{title}" (<date>, or <day date> and <start>)'))
        return None
    raw_duration = _text(event, "duration")
    duration = parse_duration(raw_duration) if raw_duration else None
    if duration is None:
        shown = f"<duration> {raw_duration!r} not understood" if raw_duration else "no <duration>"
        warnings.append(Problem(path, line, f'{shown} for "{title}": read as ending when it starts'))
        duration = timedelta(0)
    # Elapsed time, so that a session across a DST change lasts what it says.
    end = (start.astimezone(UTC) + duration).astimezone(zone)
    url = _text(event, "url") or None
    track = " ".join(_text(event, "track").split()) or None
    location = " ".join(_text(event, "room").split()) or (room.get("name", "").strip() if room is not None else "")
    own_id = pretalx_code(url) or (event.get("id") or "").strip() or None
    return Session(
        id=ids.allocate(title, url, salt=start.isoformat(), preferred=own_id),
        title=title,
        start=start,
        end=end,
        speakers=_speakers(event),
        track=track,
        url=url,
        abstract=_abstract(event),
        location=location or None,
    )


def _start(event: Element, day: Element | None, zone: tzinfo, day_change: time) -> datetime | None:
    clock = _clock(_text(event, "start"))
    stamp = _timestamp(_text(event, "date"))
    if isinstance(stamp, datetime):
        return _localize(stamp, zone)
    if clock is None:
        return None
    if isinstance(stamp, date):
        return datetime.combine(stamp, clock, tzinfo=zone)
    return _start_from_day(_day_of(day, zone), clock, day_change, zone)
