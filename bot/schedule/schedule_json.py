"""The frab / pretalx `schedule.json` loader (the c3voc schema) to a Schedule.

    {"schedule": {"conference": {"title", "time_zone_name"?,
        "days": [{"date", "rooms": {ROOM: [event, ...]}}]}}}

An event's `date` is ISO 8601 with a UTC offset, so its instant holds whatever zone the
schedule is shown in; the venue zone is the conference's `time_zone_name`, else
--tz/CONFERENCE_TZ, else UTC with a warning. An event that cannot be read (no title, no
date, a bad duration) is a warning naming its line, never a guessed session.

Longer than most modules on purpose: the whole of reading one format, in one place.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.words import plural

from .ids import IdAllocator, pretalx_code
from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError
from .text import join_distinct
from .zones import zone_named

_DURATION = re.compile(r"^(?P<h>\d{1,3}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?$")

_PERSON_NAME_KEYS = ("public_name", "name", "full_public_name")
_AFFILIATION_KEYS = ("affiliation", "organisation", "organization")

# HTML to plain text: blocks become line breaks, list items dashes, other tags go.
_HTML_DROP = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"</?(?:p|div|h[1-6]|ul|ol|table|tr|blockquote|pre)\b[^<>]*>", re.IGNORECASE)
_HTML_ITEM = re.compile(r"<li\b[^<>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Markdown to plain text: images and links become their text, emphasis marks go.
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_MD_BULLET = re.compile(r"^\s*[*+]\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__|`|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")


def load_schedule_json(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse a frab/pretalx schedule.json. Returns the schedule and its warnings; raises
    ScheduleError listing every `path:line` problem when it cannot be used."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as problem:
        raise ScheduleError([Problem(path, problem.lineno, f"not valid JSON: {problem.msg}")]) from None
    except RecursionError:
        raise ScheduleError([Problem(path, 1, "not valid JSON: nested too deeply")]) from None
    except ValueError:  # json's other complaint: an integer of more than 4300 digits
        raise ScheduleError([Problem(path, 1, "not valid JSON: a number too long to read")]) from None

    reader = _Reader(path, text)
    conference = _conference(data)
    if conference is None:
        raise ScheduleError([Problem(path, 1, 'no "schedule": {"conference": {...}} object: not a schedule.json')])
    days = conference.get("days")
    if not isinstance(days, list):
        what = "missing" if days is None else f"a {_kind(days)}, not a list"
        raise ScheduleError([Problem(path, reader.key_line("days"), f'the conference\'s "days" is {what}')])

    zone = reader.venue_zone(conference.get("time_zone_name"), default_zone)
    sessions = reader.sessions(days, zone)
    if not sessions and not reader.errors:
        unread = sum(1 for w in reader.warnings if w.message.startswith("event"))
        detail = f" ({plural(unread, 'event')} could not be read)" if unread else ""
        reader.errors.append(Problem(path, reader.key_line("days"), f"no session found{detail}"))
    warnings = sorted(reader.warnings, key=lambda w: w.line)
    if reader.errors:
        raise ScheduleError(reader.errors, warnings)
    title = _text(conference.get("title"))
    return Schedule(tuple(sessions), zone, source=path, title=title), warnings


def _conference(data: object) -> dict | None:
    if isinstance(data, dict) and isinstance(data.get("schedule"), dict):
        data = data["schedule"]
    if isinstance(data, dict) and isinstance(data.get("conference"), dict):
        return data["conference"]
    return None


def _kind(value: object) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def _text(value: object) -> str:
    """A string field, white space folded; anything else (null, numbers, lists) is ''."""
    return " ".join(value.split()) if isinstance(value, str) else ""


@dataclass
class _Reader:
    path: str
    raw: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _cursor: int = 0
    _newlines: list[int] | None = None

    # -- lines ---------------------------------------------------------------------

    def line_at(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.raw)]
        return bisect_right(self._newlines, offset - 1) + 1

    def key_line(self, key: str) -> int:
        found = re.search(rf'"{re.escape(key)}"\s*:', self.raw)
        return self.line_at(found.start()) if found else 1

    def event_line(self, event: dict) -> int:
        """The line of the event's "guid" (else "id"), searched from the last event
        found, as json keeps document order; 1 when neither is in the text."""
        for key in ("guid", "id"):
            value = event.get(key)
            if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
                continue
            if isinstance(value, int):
                literals = [rf'"?{value}"?(?![\w.])']
            else:
                literals = [re.escape(json.dumps(value, ensure_ascii=flag)) for flag in (False, True)]
            for literal in literals:
                pattern = re.compile(rf'"{key}"\s*:\s*{literal}')
                found = pattern.search(self.raw, self._cursor) or pattern.search(self.raw)
                if found is not None:
                    self._cursor = found.end()
                    return self.line_at(found.start())
        return 1

    # -- the venue zone ----------------------------------------------------------------

    def venue_zone(self, named: object, default_zone: str | None) -> tzinfo:
        if named is not None and named != "":
            line = self.key_line("time_zone_name")
            if not isinstance(named, str):
                self.errors.append(Problem(self.path, line, f'"time_zone_name" is a {_kind(named)}, not a zone name'))
                return ZoneInfo("UTC")
            return self._zone(named, line, "")
        if default_zone:
            return self._zone(default_zone, 1, "--tz/CONFERENCE_TZ: ")
        self.warnings.append(
            Problem(
                self.path,
                1,
                'no "time_zone_name" in the schedule and no --tz/CONFERENCE_TZ: times are shown in UTC '
                "(each event's own UTC offset still places it right)",
            )
        )
        return ZoneInfo("UTC")

    def _zone(self, name: str, line: int, prefix: str) -> tzinfo:
        try:
            return zone_named(name)
        except (ValueError, OSError):  # zone_named lets OSError through for names like "Europe"
            self.errors.append(
                Problem(self.path, line, f"{prefix}unknown time zone {name!r} (use an IANA name such as Europe/Paris)")
            )
            return ZoneInfo("UTC")

    # -- events ----------------------------------------------------------------------

    def sessions(self, days: list, zone: tzinfo) -> list[Session]:
        ids = IdAllocator()
        seen: set[str] = set()
        sessions: list[Session] = []
        for number, day in enumerate(days, start=1):
            rooms = day.get("rooms") if isinstance(day, dict) else None
            if not isinstance(rooms, dict):
                line = self._day_line(day)
                self.warnings.append(Problem(self.path, line, f'day {number}: no "rooms" object, skipped'))
                continue
            for room, events in rooms.items():
                if not isinstance(events, list):
                    line = self.key_line(room)
                    self.warnings.append(Problem(self.path, line, f'room "{room}": not a list of events, skipped'))
                    continue
                for event in events:
                    session = self.session(event, room, zone, ids, seen, day)
                    if session is not None:
                        sessions.append(session)
        return sessions

    def _day_line(self, day: object) -> int:
        when = day.get("date") if isinstance(day, dict) else None
        if isinstance(when, str) and when:
            found = re.search(rf'"date"\s*:\s*{re.escape(json.dumps(when))}', self.raw)
            if found:
                return self.line_at(found.start())
        return 1

    def session(
        self, event: object, room: str, zone: tzinfo, ids: IdAllocator, seen: set[str], day: dict | None = None
    ) -> Session | None:
        if not isinstance(event, dict):
            self.warnings.append(Problem(self.path, 1, f'event in room "{room}" is a {_kind(event)}, not an object'))
            return None
        line = self.event_line(event)
        title = _text(event.get("title"))
        label = f'"{title}"' if title else f"in room {room!r}"
        if not title:
            self.warnings.append(Problem(self.path, line, f"event {label} has no title, skipped"))
            return None
        key = _event_key(event)
        if key is not None and key in seen:
            self.warnings.append(Problem(self.path, line, f"event {label} appears twice, read once"))
            return None
        try:
            start, end = _times(event, zone, day or {})
        except ValueError as problem:
            self.warnings.append(Problem(self.path, line, f"event {label}: {problem}, skipped"))
            return None
        if key is not None:
            seen.add(key)
        url = _text(event.get("url")) or None
        location = _location(event, room)
        return Session(
            id=ids.allocate(title, url, salt=start.isoformat(), preferred=_short_id(event, url)),
            title=title,
            start=start,
            end=end,
            speakers=_speakers(event.get("persons")),
            track=_track(event.get("track")),
            url=url,
            abstract=_abstract(event.get("abstract"), event.get("description")),
            location=location,
        )


def _location(event: dict, room: str) -> str | None:
    """The event's own "room", else the room it is listed under; an explicit `"room":
    null` is no room (confbot lists such events under a placeholder room name)."""
    if "room" in event and event["room"] is None:
        return None
    return _text(event.get("room")) or " ".join(room.split()) or None


def _event_key(event: dict) -> str | None:
    for name in ("guid", "id"):
        value = event.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
            return f"{name}:{value}"
    return None


def _times(event: dict, zone: tzinfo, day: dict) -> tuple[datetime, datetime]:
    """Start and end in the venue zone; ValueError saying what is wrong."""
    when = event.get("date")
    if (not isinstance(when, str) or not when.strip()) and isinstance(event.get("start"), str):
        when = _listed_start(event["start"], day)  # frab 0.8: the day's date and the event's "start"
    if not isinstance(when, str) or not when.strip():
        raise ValueError('no "date"')
    when = when.strip()
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        raise ValueError(f'"date" {when!r} is not an ISO 8601 date and time') from None
    if len(when) <= 10:  # a day with no time of day
        raise ValueError(f'"date" {when!r} has no time of day')
    duration = _duration(event.get("duration"))
    try:
        # A date without an offset is venue time (frab's own convention).
        start = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
        end = (start.astimezone(ZoneInfo("UTC")) + duration).astimezone(zone)
    except OverflowError:
        raise ValueError(f'"date" {when!r} with "duration" is out of range') from None
    return start, end


def _listed_start(clock_text: str, day: dict) -> str | None:
    """frab 0.8 writes no event date: the start is the day's `date` at `start`, and a time
    before the day's own start (`day_start`, else 06:00) is the night after that date."""
    listed = day.get("date")
    try:
        clock = time.fromisoformat(clock_text.strip())
        calendar_day = date.fromisoformat(str(listed)[:10])
    except (TypeError, ValueError):
        return None
    day_start = time(6, 0)
    if isinstance(day.get("day_start"), str):
        with contextlib.suppress(ValueError):  # an unreadable day_start keeps the default
            day_start = datetime.fromisoformat(day["day_start"]).time()
    if clock < day_start:
        calendar_day += timedelta(days=1)
    return datetime.combine(calendar_day, clock).isoformat()


def _duration(value: object) -> timedelta:
    if not isinstance(value, str) or not value.strip():
        raise ValueError('no "duration"')
    # schedule.json's own H:MM:SS, whose first part is hours (frab XML's may be days).
    found = _DURATION.match(value.strip())
    if found is None:
        raise ValueError(f'"duration" {value!r} is not HH:MM or H:MM:SS')
    return timedelta(hours=int(found["h"]), minutes=int(found["m"]), seconds=int(found["s"] or 0))


def _short_id(event: dict, url: str | None) -> str | None:
    """pretalx's talk code (…/talk/XFUR3C/), else frab's numeric event id."""
    code = pretalx_code(url)
    if code:
        return code
    guid = event.get("guid")
    if isinstance(guid, str) and guid.endswith("@confbot"):  # written by `python -m bot convert`
        return guid.split("@", 1)[0]
    value = event.get("id")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _speakers(persons: object) -> tuple[Speaker, ...]:
    if not isinstance(persons, list):
        return ()
    speakers = []
    for person in persons:
        if isinstance(person, str):
            name, affiliation = _text(person), ""
        elif isinstance(person, dict):
            name = next((_text(person.get(k)) for k in _PERSON_NAME_KEYS if _text(person.get(k))), "")
            affiliation = next((_text(person.get(k)) for k in _AFFILIATION_KEYS if _text(person.get(k))), "")
        else:
            continue
        if name:
            speakers.append(Speaker(name, affiliation or None))
    return tuple(speakers)


def _track(value: object) -> str | None:
    if isinstance(value, dict):  # some exports write {"name": ..., "color": ...}
        value = value.get("name")
    return _text(value) or None


def _abstract(abstract: object, description: object) -> str:
    """Plain text from the short abstract and the longer description, the second
    dropped when it only repeats the first."""
    return join_distinct([_plain(value) if isinstance(value, str) else "" for value in (abstract, description)])


def _plain(text: str) -> str:
    """HTML or Markdown to plain text: tags, link targets and emphasis go, paragraphs
    stay apart by one blank line, other white space is folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HTML_DROP.sub("", text)
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_BLOCK.sub("\n\n", text)
    text = _HTML_ITEM.sub("\n- ", text)
    text = _HTML_TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_BULLET.sub("- ", text)
    text = _MD_EMPHASIS.sub("", text)
    text = html.unescape(text).replace("\u00a0", " ")
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        words = " ".join(line.split())
        if words:
            paragraphs[-1].append(words)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines)
