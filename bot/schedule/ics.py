"""The iCalendar loader: an .ics export (pretalx, a conference site's feed) to a Schedule.

Each VEVENT with a SUMMARY and a DTSTART date-time is a session; all-day events are
not. Times are converted to the venue's zone: X-WR-TIMEZONE, else the zone the events
name (TZID=, an IANA name even without a VTIMEZONE block), else --tz/CONFERENCE_TZ,
else UTC. Speakers are the ATTENDEEs' names (or the ORGANIZER's), else a labelled
line or list in DESCRIPTION (`Speaker: …`, `von: …`, `Intervenants :` then bullets),
else the end of SUMMARY (`Title - Name, Name` as pretalx writes it).

Longer than most modules on purpose: iCalendar exports differ in every field (zones,
speakers in ATTENDEE, ORGANIZER, DESCRIPTION or SUMMARY, folded and mis-encoded lines), and
the whole of reading one format is easier to check in one place.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.words import plural

from .ids import IdAllocator, pretalx_code
from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError
from .speakers import FoldedNames, parse_speakers, split_title
from .zones import venue_zone, zone_named

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # pragma: no cover - older icalendar
    WINDOWS_TO_OLSON = {}

_FOLD = re.compile(r"\r?\n[ \t]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")
_IANA_TAIL = re.compile(r"([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+){1,2})$")
# `Speaker: Name`, `von: Name`, `**Intervenants** :` (then a list), and the like.
_SPEAKER_LABEL = re.compile(
    r"^[\s*_]*(?:speakers?|presenters?|presented by|by|von|referent(?:in|en|innen)?|"
    r"sprecher(?:in|innen)?|intervenant(?:e|s|es)?|orat(?:eur|rice)s?|présenté par|par)"
    r"[\s*_]*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TRACK_LABEL = re.compile(r"^[\s*_]*(?:track|thème|theme|themenbereich)[\s*_]*:\s*(?P<rest>.+)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+(?P<item>\S.*)$")
# `Talk title par Name (15’)`: a person named after the thing they present.
_PRESENTED_BY = re.compile(r"(?:^|\s)(?:par|by|von)\s+(?P<name>[^()]+?)\s*(?:\([^)]*\))?$")
_ITEM_SEPARATOR = re.compile(r"\s+[–—-]\s+|\s*[,:(]\s*")
_NAME_SPLIT = re.compile(r"\s*(?:;|&|,|\band\b|\bund\b|\bet\b)\s*")
_NOT_IN_NAME = re.compile(r"[\d?!:;@#|\\()\[\]{}<>=+*]")
# Names that stand for nobody in particular ("everyone", "various speakers").
_PLACEHOLDERS = {
    "alle", "all", "everyone", "everybody", "various", "various speakers", "verschiedene",
    "verschiedene redner", "diverse", "divers", "tba", "tbd", "n/a", "none", "nobody", "?",
}  # fmt: skip
_PRETALX_UID = re.compile(r"^pretalx-.+?-([A-Za-z0-9]{1,8})(?:-\d+)?@")
_TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION")
_UTC = ZoneInfo("UTC")


def decode_ics(raw: bytes) -> str:
    """Text for `load_ics` from a file's bytes. Some exporters fold lines in the middle
    of a UTF-8 character; those bytes survive as surrogates that `load_ics` rejoins."""
    return raw.decode("utf-8-sig", errors="surrogateescape")


@dataclass(frozen=True)
class _Span:
    """One component's place in the text: its BEGIN line and its logical lines."""

    line: int
    first: int
    last: int


@dataclass
class _Source:
    """The text's logical (unfolded) lines, each with the physical line it starts on."""

    lines: list[tuple[int, str]]

    @classmethod
    def of(cls, text: str) -> _Source:
        text = text.lstrip("\ufeff")
        physical = text.split("\n") if "\n" in text or "\r" not in text else text.split("\r")
        lines: list[tuple[int, str]] = []
        for number, raw in enumerate(physical, start=1):
            raw = raw.rstrip("\r")
            if raw[:1] in (" ", "\t") and lines:
                lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
            else:
                lines.append((number, raw))
        return cls(lines)

    def spans(self, name: str) -> list[_Span]:
        begin, end = f"BEGIN:{name}", f"END:{name}"
        spans, opened = [], None
        for index, (number, line) in enumerate(self.lines):
            key = line.strip().upper()
            if key == begin:
                opened = (number, index)
            elif key == end and opened is not None:
                spans.append(_Span(opened[0], opened[1], index))
                opened = None
        return spans

    def property_line(self, name: str, span: _Span | None = None) -> int:
        first, last = (span.first, span.last) if span else (0, len(self.lines) - 1)
        wanted = name.upper()
        for number, line in self.lines[first : last + 1]:
            key = re.split(r"[;:]", line, maxsplit=1)[0].strip().upper()
            if key == wanted:
                return number
        return span.line if span else 1

    def line_quoted_in(self, message: str, span: _Span | None = None) -> int | None:
        """The line whose content icalendar's message quotes."""
        first, last = (span.first, span.last) if span else (0, len(self.lines) - 1)
        for number, line in self.lines[first : last + 1]:
            if line.strip() and (repr(line) in message or repr(line.strip()) in message):
                return number
        return None


@dataclass
class _Event:
    line: int
    summary: str
    start: datetime
    end: datetime
    attendees: tuple[Speaker, ...]
    described: tuple[Speaker, ...]
    track: str | None
    url: str | None
    abstract: str
    location: str | None
    own_id: str | None


@dataclass
class _Reader:
    path: str
    source: _Source
    zone: tzinfo = _UTC
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    unknown_tzids: set[str] = field(default_factory=set)

    def warn(self, line: int, message: str, reason: str | None = None) -> None:
        self.warnings.append(Problem(self.path, line, message))
        if reason:
            self.skipped[reason] += 1


def load_ics(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse an iCalendar schedule. Returns the schedule and its warnings; raises
    ScheduleError listing every `path:line` problem when it cannot be used."""
    source = _Source.of(text)
    structure = _structure_problem(path, source)
    if structure is not None:
        raise ScheduleError([structure])
    parse_text, unreadable_line = _parse_text(text)
    try:
        calendars = Calendar.from_ical(parse_text, multiple=True)
    except Exception as problem:  # icalendar raises ValueError, but garbage must never crash us
        line = source.line_quoted_in(str(problem)) or _orphan_line(str(problem), source) or 1
        raise ScheduleError([Problem(path, line, f"not valid iCalendar: {_short(problem)}")]) from None

    reader = _Reader(path, source)
    if unreadable_line:
        reader.warn(unreadable_line, "not UTF-8 text: unreadable bytes are shown as �")
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    spans = source.spans("VEVENT")
    if len(spans) != len(events):  # cannot happen once the structure is sound
        spans = [_Span(1, 0, len(source.lines) - 1)] * len(events)
    reader.zone = _venue_zone(reader, calendars, events, default_zone)
    shared_organizer = _shared_organizer(events)
    pretalx = any("pretalx" in str(c.get("PRODID", "")).casefold() for c in calendars)

    read = [_read_event(reader, event, span, shared_organizer) for event, span in zip(events, spans, strict=True)]
    timed = [event for event in read if event is not None]
    sessions = _sessions(timed, pretalx)
    if not sessions and not reader.errors:
        detail = ", ".join(f"{count} {reason}" for reason, count in sorted(reader.skipped.items()))
        found = plural(len(events), "event") + (f": {detail}" if detail else "")
        reader.errors.append(Problem(path, 1, f"no session (a VEVENT with SUMMARY and a DTSTART time) found ({found})"))
    if reader.errors:
        raise ScheduleError(reader.errors, reader.warnings)
    title = _calendar_title(calendars)
    schedule = Schedule(tuple(sessions), reader.zone, source=path, title=title)
    return schedule, sorted(reader.warnings, key=lambda w: w.line)


def _calendar_title(calendars: list) -> str:
    for key in ("X-WR-CALNAME", "NAME", "X-WR-CALDESC"):
        for calendar in calendars:
            text = _clean(_single(calendar.get(key)))
            if text and (key != "X-WR-CALDESC" or len(text) <= 80):
                return text
    return ""


# --- Reading the text -------------------------------------------------------------


def _structure_problem(path: str, source: _Source) -> Problem | None:
    """The first BEGIN/END that does not nest, or text that is not iCalendar at all."""
    content = [(number, line) for number, line in source.lines if line.strip()]
    if not content:
        return Problem(path, 1, "empty file: no iCalendar data")
    number, first = content[0]
    if first.strip().upper() != "BEGIN:VCALENDAR":
        return Problem(path, number, "not an iCalendar file: it should start with BEGIN:VCALENDAR")
    stack: list[tuple[str, int]] = []
    for number, line in content:
        key, colon, value = line.partition(":")
        key, name = key.strip().upper(), value.strip().upper()
        if not colon or key not in ("BEGIN", "END"):
            continue
        if key == "BEGIN":
            stack.append((name, number))
        elif not stack:
            return Problem(path, number, f"END:{name} without a BEGIN:{name}")
        else:
            opened, opened_line = stack.pop()
            if opened != name:
                return Problem(path, number, f"END:{name} closes BEGIN:{opened} (line {opened_line})")
    if stack:
        name, number = stack[-1]
        return Problem(path, number, f"BEGIN:{name} is never closed (no END:{name})")
    return None


def _parse_text(text: str) -> tuple[str, int]:
    """The text for icalendar, and the line of the first unreadable byte (0 if none).
    Bytes of a UTF-8 character split by a fold (kept as surrogates by `decode_ics`)
    are joined again once the lines are unfolded."""
    text = text.lstrip("\ufeff")
    if "\n" not in text:
        text = text.replace("\r", "\n")
    first_bad = _SURROGATE.search(text)
    if first_bad is None:
        return text, 0
    bad_line = text.count("\n", 0, first_bad.start()) + 1
    unfolded = _FOLD.sub("", text)
    try:
        raw = unfolded.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", unfolded), bad_line
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), bad_line


def _orphan_line(message: str, source: _Source) -> int | None:
    """For `Property "X" does not have a parent component`: the line of X."""
    found = re.search(r'Property "([^"]+)"', message)
    return source.property_line(found.group(1)) if found else None


def _short(problem: Exception) -> str:
    text = " ".join(str(problem).split("\n", 1)[0].split()) or type(problem).__name__
    return text if len(text) <= 120 else text[:119] + "…"


# --- Zones ----------------------------------------------------------------------


def _iana_zone(name: str | None) -> tzinfo | None:
    """The IANA zone a TZID names: itself, its `Area/City` tail
    (`/mozilla.org/…/Europe/Berlin`), or a Windows zone name's equivalent."""
    name = " ".join(str(name or "").split())
    if not name:
        return None
    candidates = [name]
    tail = _IANA_TAIL.search(name)
    if tail:
        candidates.append(tail.group(1))
    if name in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[name])
    for candidate in candidates:
        try:
            return zone_named(candidate)
        except ValueError:
            continue
    return None


def _venue_zone(reader: _Reader, calendars: list, events: list, default_zone: str | None) -> tzinfo:
    for calendar in calendars:
        named = calendar.get("X-WR-TIMEZONE")
        if named:
            zone = _iana_zone(str(named))
            if zone is not None:
                return zone
            line = reader.source.property_line("X-WR-TIMEZONE")
            reader.warn(line, f"X-WR-TIMEZONE {str(named)!r} is not a known time zone; ignored")
    starts = [start for start in map(_start_property, events) if start is not None]
    used = Counter(str(start.params["TZID"]) for start in starts if "TZID" in start.params)
    blocks = [str(tz["TZID"]) for calendar in calendars for tz in calendar.walk("VTIMEZONE") if tz.get("TZID")]
    for name in [name for name, _ in used.most_common()] + blocks:
        zone = _iana_zone(name)
        if zone is not None:
            return zone
    for start in starts:  # a zone only its VTIMEZONE block defines
        moment = _value(start)
        if isinstance(moment, datetime) and moment.tzinfo is not None and "TZID" in start.params:
            return moment.tzinfo
    missing = "no time zone in the file (X-WR-TIMEZONE, TZID=)"
    return venue_zone(reader.path, None, 1, default_zone, missing, reader.errors, reader.warnings)


def _start_property(event):
    return _single(event.get("DTSTART"))


def _value(prop):
    """A date/time property's value; None when icalendar could not read it."""
    try:
        return prop.dt
    except Exception:  # icalendar's BrokenCalendarProperty, or no `dt` at all
        return None


# --- Events ----------------------------------------------------------------------


def _single(value):
    """A property given twice comes back as a list: the first counts."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _clean(value: object) -> str:
    return " ".join(str(value if value is not None else "").split())


def _read_event(reader: _Reader, event, span: _Span, shared_organizer: str | None) -> _Event | None:
    broken = _event_errors(reader, event, span)
    summary = _title_text(_single(event.get("SUMMARY")))
    start_property = _start_property(event)
    if start_property is None or not summary:
        missing = " and ".join(name for name, value in (("DTSTART", start_property), ("SUMMARY", summary)) if not value)
        label = f' "{summary}"' if summary else ""
        reader.warn(span.line, f"event{label} without {missing}: not a session", f"without {missing}")
        return None
    if broken:
        return None
    start = _value(start_property)
    if isinstance(start, date) and not isinstance(start, datetime):
        reader.warn(span.line, f'"{summary}" is an all-day event (a date, no time): not a session', "all-day")
        return None
    if not isinstance(start, datetime):
        line = reader.source.property_line("DTSTART", span)
        reader.errors.append(Problem(reader.path, line, f'"{summary}": DTSTART is not a date and time'))
        return None
    if _clean(event.get("STATUS")).upper() == "CANCELLED":
        reader.warn(span.line, f'"{summary}" is cancelled (STATUS:CANCELLED): not a session', "cancelled")
        return None
    start = _in_zone(reader, start_property, span, "DTSTART")
    end = _end(reader, event, span, summary, start)
    if end is None:
        return None
    if event.get("RRULE"):
        reader.warn(span.line, f'"{summary}" repeats (RRULE): only its first occurrence is read')
    described = _read_description(_single(event.get("DESCRIPTION")))
    url = _clean(_single(event.get("URL"))) or None
    return _Event(
        line=span.line,
        summary=summary,
        start=start,
        end=end,
        attendees=_attendees(event, shared_organizer),
        described=described.speakers,
        track=_track(event) or described.track,
        url=url,
        abstract=described.abstract,
        location=_clean(_single(event.get("LOCATION"))) or None,
        own_id=_own_id(_clean(_single(event.get("UID"))), url),
    )


def _event_errors(reader: _Reader, event, span: _Span) -> bool:
    """Report what icalendar could not read in the event; True when its times are broken."""
    broken = False
    for name, message in getattr(event, "errors", []):
        if name is None:
            line = reader.source.line_quoted_in(message, span) or span.line
            reader.errors.append(Problem(reader.path, line, f"not a `NAME:value` content line: {_short(message)}"))
            broken = True
        elif str(name).upper() in _TIME_PROPERTIES:
            line = reader.source.property_line(str(name), span)
            reader.errors.append(Problem(reader.path, line, f"{str(name).upper()} is not valid: {_short(message)}"))
            broken = True
        else:
            line = reader.source.property_line(str(name), span)
            reader.warn(line, f"{str(name).upper()} is not valid, ignored: {_short(message)}")
    return broken


def _in_zone(reader: _Reader, prop, span: _Span, name: str) -> datetime:
    moment: datetime = _value(prop)
    if moment.tzinfo is None:  # floating, or a TZID icalendar does not know
        tzid = str(prop.params.get("TZID") or "")
        own = _iana_zone(tzid) if tzid else None
        if tzid and own is None and tzid not in reader.unknown_tzids:
            reader.unknown_tzids.add(tzid)
            line = reader.source.property_line(name, span)
            zone_name = getattr(reader.zone, "key", str(reader.zone))
            reader.warn(line, f"unknown TZID {tzid!r}: its times are read in the venue zone {zone_name}")
        moment = moment.replace(tzinfo=own or reader.zone)
    return moment.astimezone(reader.zone)


def _end(reader: _Reader, event, span: _Span, summary: str, start: datetime) -> datetime | None:
    end_property = _single(event.get("DTEND"))
    duration = _single(event.get("DURATION"))
    if end_property is not None:
        value = _value(end_property)
        if not isinstance(value, datetime):
            line = reader.source.property_line("DTEND", span)
            reader.warn(line, f'"{summary}": DTEND is a date without a time: not a session', "with a date-only DTEND")
            return None
        end = _in_zone(reader, end_property, span, "DTEND")
    elif duration is not None and isinstance(_value(duration), timedelta):
        end = start + _value(duration)
    elif duration is not None:
        line = reader.source.property_line("DURATION", span)
        reader.errors.append(Problem(reader.path, line, f'"{summary}": DURATION is not a duration'))
        return None
    else:
        reader.warn(span.line, f'"{summary}" has no DTEND or DURATION: it ends when it starts')
        end = start
    if end < start:
        reader.warn(span.line, f'"{summary}" ends before it starts: not a session', "ending before they start")
        return None
    return end


def _title_text(value) -> str:
    text = _clean(value)
    return html.unescape(text) if _ENTITY.search(text) else text


def _track(event) -> str | None:
    for value in event.get("CATEGORIES") if isinstance(event.get("CATEGORIES"), list) else [event.get("CATEGORIES")]:
        for category in getattr(value, "cats", []) or []:
            text = _clean(category)
            if text:
                return text
    return None


def _own_id(uid: str, url: str | None) -> str | None:
    """The exporter's short event id: a pretalx code, or a UID that is one short word."""
    code = pretalx_code(url)
    if code:
        return code
    found = _PRETALX_UID.search(uid)
    if found:
        return found.group(1)
    local = uid.split("@", 1)[0]
    if local.isascii() and local.isalnum() and len(local) <= 8:
        return local
    return None


def _is_placeholder(name: str) -> bool:
    return name.casefold().strip(" .") in _PLACEHOLDERS


def _plausible_name(text: str) -> bool:
    """Loose: what a listing labels as a person ("A/Prof Vanessa Teague", "bunnie")."""
    words = text.split()
    return (
        1 <= len(words) <= 6
        and len(text) <= 80
        and not _NOT_IN_NAME.search(text)
        and any(c.isalpha() for c in text)
        and not _is_placeholder(text)
    )


def _unique(speakers: Iterable[Speaker]) -> tuple[Speaker, ...]:
    seen, kept = set(), []
    for speaker in speakers:
        key = speaker.name.casefold()
        if key not in seen and not _is_placeholder(speaker.name):
            seen.add(key)
            kept.append(speaker)
    return tuple(kept)


def _addresses(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _shared_organizer(events: list) -> str | None:
    """An ORGANIZER named on every event is the conference, not a speaker."""
    names = {_clean(getattr(_single(e.get("ORGANIZER")), "params", {}).get("CN")) for e in events}
    return names.pop() if len(events) > 1 and len(names) == 1 else None


def _attendees(event, shared_organizer: str | None) -> tuple[Speaker, ...]:
    names = []
    for address in _addresses(event.get("ATTENDEE")):
        params = getattr(address, "params", {})
        if str(params.get("CUTYPE", "")).upper() in ("ROOM", "RESOURCE"):
            continue
        if str(params.get("ROLE", "")).upper() == "NON-PARTICIPANT":
            continue
        names.extend(_names_in_cn(_clean(params.get("CN")).strip('"')))
    if not any(names):
        organizer = _single(event.get("ORGANIZER"))
        name = _clean(getattr(organizer, "params", {}).get("CN")).strip('"')
        if name and name != shared_organizer:
            names.extend(_names_in_cn(name))
    return _unique(Speaker(name) for name in names if name)


_CN_JOINS = re.compile(r"\s*(?:&|;|\band\b|\bund\b|\bet\b)\s*")


def _names_in_cn(cn: str) -> list[str]:
    """A CN may list several people: `Alice & Bob`, `Alice Smith, Bob Jones` (a comma
    only between full names, so `Smith, John` stays one person)."""
    names = []
    for group in _CN_JOINS.split(cn):
        parts = [part.strip() for part in group.split(",") if part.strip()]
        full_names = len(parts) > 1 and all(len(part.split()) >= 2 for part in parts)
        names.extend(parts if full_names else [group.strip()])
    names = [name for name in names if name]
    if len(names) > 1 and all(_plausible_name(name) for name in names):
        return names
    return [cn]


# --- DESCRIPTION ------------------------------------------------------------------


@dataclass(frozen=True)
class _Description:
    speakers: tuple[Speaker, ...] = ()
    track: str | None = None
    abstract: str = ""


def _plain_lines(text: str) -> list[str]:
    """Plain text lines: HTML becomes text, bold marks (`**`, `__`) go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(text):
        text = re.sub(r"(?i)<br\s*/?>", "\n", text)
        text = re.sub(r"(?i)<li\b[^>]*>", "\n- ", text)
        text = re.sub(r"(?i)</?(?:p|div|ul|ol|li|tr|h[1-6])\b[^>]*>", "\n", text)
        text = html.unescape(_TAG.sub("", text))
    elif _ENTITY.search(text):
        text = html.unescape(text)
    text = text.replace("\xa0", " ").replace("**", "").replace("__", "")
    return [line.rstrip() for line in text.split("\n")]


def _read_description(value) -> _Description:
    if value is None:
        return _Description()
    lines = _plain_lines(str(value))
    speakers: tuple[Speaker, ...] | None = None
    track = None
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        label = _SPEAKER_LABEL.match(line) if speakers is None else None
        if label:
            rest = label.group("rest").strip(" *_")
            if rest:
                found = _speakers_in_text(rest)
                if found is not None:
                    speakers = found
                    index += 1
                    continue
            else:
                items, after = _bullets(lines, index + 1)
                found = _unique(s for s in map(_speaker_in_item, items) if s is not None)
                if found:
                    speakers = found
                    index = after
                    continue
        named = _TRACK_LABEL.match(line) if track is None else None
        if named:
            track = _clean(named.group("rest").strip(" *_")) or None
            index += 1
            continue
        kept.append(line)
        index += 1
    abstract = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return _Description(speakers or (), track, abstract)


def _bullets(lines: list[str], index: int) -> tuple[list[str], int]:
    """The list items from `index` on (blank lines before the first allowed)."""
    while index < len(lines) and not lines[index].strip():
        index += 1
    items = []
    while index < len(lines):
        item = _BULLET.match(lines[index])
        if not item:
            break
        items.append(item.group("item"))
        index += 1
    return items, index


def _speakers_in_text(text: str) -> tuple[Speaker, ...] | None:
    """A labelled speaker line: a speaker list, else names as written; () for a
    placeholder ("von: Alle"), None when it names no one."""
    text = _clean(text).rstrip(" .")
    if _is_placeholder(text):
        return ()
    parsed = parse_speakers(text)
    if parsed:
        return _unique(parsed)
    names = [name for name in _NAME_SPLIT.split(text) if name]
    if names and all(_plausible_name(name) for name in names):
        return _unique(Speaker(name) for name in names)
    return None


def _speaker_in_item(item: str) -> Speaker | None:
    """One list item: `Name – Role – Org`, `Name, Role`, `Name: Role`, `Talk par Name (15’)`."""
    item = _clean(item).rstrip(" .")
    presented = _PRESENTED_BY.search(item)
    if presented and _plausible_name(presented.group("name")):
        return Speaker(presented.group("name"))
    parts = _ITEM_SEPARATOR.split(item, maxsplit=1)
    name = parts[0].strip()
    affiliation = parts[1].strip(" )") if len(parts) > 1 else ""
    if not _plausible_name(name):
        return None
    return Speaker(name, affiliation or None)


# --- Sessions ----------------------------------------------------------------------


def _pretalx_title(summary: str) -> tuple[str, tuple[Speaker, ...]]:
    """pretalx writes SUMMARY as `{title} - {speaker names joined by ', '}`."""
    if summary.endswith(" -"):  # a talk without speakers
        return summary[:-2].rstrip(), ()
    title, separator, names = summary.rpartition(" - ")
    people = [name.strip() for name in names.split(",")]
    if separator and title and all(_plausible_name(name) for name in people):
        return title, _unique(Speaker(name) for name in people)
    return summary, ()


_TALK_BY = re.compile(
    r"^(?P<title>.+?)\s*\((?:(?:a\s+)?(?:talk|workshop|presentation|lecture|keynote|panel|session|tutorial)\s+)?"
    r"by\s+(?P<names>[^()]+)\)$",
    re.IGNORECASE,
)


def _split_summary(summary: str, known: FoldedNames) -> tuple[str, tuple[Speaker, ...]]:
    """`Title - Speakers` or `Title (talk by Speakers)` outside pretalx, only when it
    reads unambiguously: a title with words in it (not `38 - Consul, l'outil magique…`,
    a number and a title) and affiliations that start like a name does."""
    by = _TALK_BY.match(summary)
    if by:
        people = _names_in_cn(by.group("names").strip())
        if all(_plausible_name(name) for name in people):
            return by.group("title").strip(), _unique(Speaker(name) for name in people)
    title, speakers = split_title(summary, known)
    if not speakers or not any(c.isalpha() for c in title):
        return summary, ()
    if any(s.affiliation and not s.affiliation[0].isupper() for s in speakers):
        return summary, ()
    return title, speakers


def _sessions(events: list[_Event], pretalx: bool) -> list[Session]:
    known = FoldedNames.of([s.name for event in events for s in event.attendees + event.described])
    ids = IdAllocator()
    sessions = []
    for event in events:
        title, in_title = _pretalx_title(event.summary) if pretalx else _split_summary(event.summary, known)
        own = event.attendees or event.described
        if own:
            own_names = {s.name.casefold() for s in own}
            if not in_title or not all(s.name.casefold() in own_names for s in in_title):
                title = event.summary
            speakers = own
        else:
            speakers = in_title
        sessions.append(
            Session(
                id=ids.allocate(title, event.url, salt=event.start.isoformat(), preferred=event.own_id),
                title=title,
                start=event.start,
                end=event.end,
                speakers=speakers,
                track=event.track,
                url=event.url,
                abstract=event.abstract,
                location=event.location,
            )
        )
    return sessions
