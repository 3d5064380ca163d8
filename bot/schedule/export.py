"""Writing a schedule out: Markdown (the format organisers edit), iCalendar (for
calendar apps and a user's agenda feed), and schedule JSON (c3voc/frab schema).

Pure: a schedule in, text out. Each format reads back through its own loader to the
same sessions, ids included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo

from icalendar import Calendar, Event, Timezone

from .model import Schedule, Session, Speaker


def _zone_name(zone: tzinfo) -> str:
    """The venue zone's IANA name; a zone without one cannot be written faithfully."""
    name = getattr(zone, "key", None)
    if not name:
        raise ValueError(f"the venue zone {zone} has no IANA name; pass one with --tz")
    return name


def speakers_text(speakers: Iterable[Speaker]) -> str:
    """`A, Org; B, Other; C`: one group per person, which no reader can misread."""
    return "; ".join(f"{s.name}, {s.affiliation}" if s.affiliation else s.name for s in speakers)


_LINE_STARTS_SYNTAX = re.compile(r"^(#|<|\[|[-*+]\s+\*\*|import\s|!\[|---)")


def _markdown_line(line: str) -> str:
    """An abstract line that would read as a heading, a talk, or noise gets a `\\`."""
    return "\\" + line if _LINE_STARTS_SYNTAX.match(line.lstrip()) else line


def _markdown_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def to_markdown(schedule: Schedule) -> str:
    """Markdown as organisers write it; talks with no track first (a track heading would
    otherwise claim them). Rooms have no place in this format and are left out."""
    first = schedule.sessions[0].start if schedule.sessions else datetime.now(UTC)
    lines = [
        "---",
        f"title: {json.dumps(schedule.title or 'Conference schedule')}",
        f"date: '{first.date().isoformat()}'",
        f"timezone: {_zone_name(schedule.zone)}",
        "---",
        "",
    ]
    by_track: dict[str, list[Session]] = {"": []}
    for session in schedule:
        by_track.setdefault(session.track or "", []).append(session)
    for track, sessions in by_track.items():
        if track:
            lines += [f"## {track}", ""]
        for session in sessions:
            title = session.title.replace("[", "(").replace("]", ")")
            target = _markdown_url(session.url) if session.url else f"#{session.id}"
            start, end = session.start.astimezone(schedule.zone), session.end.astimezone(schedule.zone)
            # An evening past midnight reads as such: the loader takes 20:00 - 01:00 as overnight.
            when = f"{start:%A}, {start:%B} {start.day}, {start.year} • {start:%H:%M} - {end:%H:%M}"
            people = speakers_text(session.speakers)
            lines += [f"### [{title}]({target})", "", f"*{people} | {when}*" if people else when, ""]
            if session.abstract:
                lines += [_markdown_line(line) for line in session.abstract.splitlines()] + [""]
    return "\n".join(lines)


def _event(session: Session, zone: tzinfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{session.id}@confbot")
    event.add("summary", session.title)
    event.add("dtstart", session.start.astimezone(zone))
    event.add("dtend", session.end.astimezone(zone))
    event.add("dtstamp", stamp.astimezone(UTC))  # RFC 5545: DTSTAMP is in UTC
    if session.url:
        event.add("url", session.url)
    if session.location:
        event.add("location", session.location)
    if session.track:
        event.add("categories", [session.track])
    description = session.abstract
    if session.speakers:
        description = f"Speaker: {speakers_text(session.speakers)}\n\n{description}".strip()
    if description:
        event.add("description", description)
    return event


def to_ics(sessions: Iterable[Session], zone: tzinfo, name: str = "", *, stamp: datetime) -> str:
    """`stamp` is DTSTAMP: when this file was made (the caller's now), so a calendar
    app that sees the file again knows which copy is newer."""
    sessions = list(sessions)
    calendar = Calendar()
    calendar.add("prodid", "-//confbot//schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", _zone_name(zone))
    if name:
        calendar.add("x-wr-calname", name)
    for session in sessions:
        calendar.add_component(_event(session, zone, stamp))
    if calendar.get_missing_tzids():  # a VTIMEZONE (before the events), so every calendar app places the times right
        calendar.subcomponents.insert(0, _venue_timezone(sessions, zone))
    return calendar.to_ical().decode("utf-8")


def _venue_timezone(sessions: list[Session], zone: tzinfo) -> Timezone:
    """The venue zone's rules for the years the sessions span, and no more: icalendar's
    default (1970-2038) is long, and wrong past 2038."""
    first = min(s.start.astimezone(zone) for s in sessions).year
    last = max(s.end.astimezone(zone) for s in sessions).year
    timezone = Timezone.from_tzinfo(zone, _zone_name(zone), date(first, 1, 1), date(last + 1, 1, 1))
    timezone.pop("COMMENT", None)  # "only works from … to …": true of every file, and noise in a calendar
    return timezone


def _duration(session: Session) -> str:
    # Elapsed time, in UTC: the same zone on both sides would subtract wall clocks (DST).
    minutes = int((session.end.astimezone(UTC) - session.start.astimezone(UTC)).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# The c3voc schema lists events by room name; sessions with none go under this one.
NO_ROOM = "(no room)"


def to_json(schedule: Schedule) -> str:
    """The c3voc schedule schema (frab and pretalx write it)."""
    days: dict[str, dict[str, list[dict]]] = {}
    for number, session in enumerate(schedule, start=1):
        start = session.start.astimezone(schedule.zone)
        room = session.location or NO_ROOM  # the event's own "room": null says so to our reader
        days.setdefault(start.date().isoformat(), {}).setdefault(room, []).append(
            {
                "id": number,
                "guid": f"{session.id}@confbot",
                "date": start.isoformat(),
                "start": f"{start:%H:%M}",
                "duration": _duration(session),
                "room": session.location,
                "title": session.title,
                "track": session.track,
                "abstract": session.abstract,
                "url": session.url,
                "slug": session.id,
                "persons": [
                    {"public_name": s.name, **({"affiliation": s.affiliation} if s.affiliation else {})}
                    for s in session.speakers
                ],
            }
        )
    document = {
        "schedule": {
            "version": "confbot",
            "conference": {
                "title": schedule.title or "Conference schedule",
                "time_zone_name": _zone_name(schedule.zone),
                "days": [
                    {"index": index, "date": day, "rooms": rooms}
                    for index, (day, rooms) in enumerate(sorted(days.items()), start=1)
                ],
            },
        }
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def write(schedule: Schedule, suffix: str, now: datetime) -> str:
    """The schedule in the format `suffix` names (`.md`, `.ics`, `.json`); `now` is the
    time of writing, which iCalendar records (DTSTAMP)."""
    if suffix == ".md":
        return to_markdown(schedule)
    if suffix == ".json":
        return to_json(schedule)
    if suffix == ".ics":
        return to_ics(schedule.sessions, schedule.zone, schedule.title, stamp=now)
    raise ValueError(f"cannot write {suffix or 'files without an extension'}: use .md, .ics or .json")
