"""Time-based questions about a schedule: what runs now, what's next, which day. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.schedule.model import Schedule, Session

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class Outside:
    """Why a question about 'now' has no sessions: before, between or after the days."""

    kind: str  # "before", "after", "between"
    first_day: date
    last_day: date
    next_session: Session | None


def local_now(schedule: Schedule, now: datetime) -> datetime:
    return now.astimezone(schedule.zone)


def outside(schedule: Schedule, now: datetime) -> Outside | None:
    """Where `now` stands relative to the conference, when no day of it is today."""
    days = schedule.days
    if not days:
        return None
    today = local_now(schedule, now).date()
    upcoming = schedule.starting_after(now)
    following = upcoming[0] if upcoming else None
    if today < days[0]:
        return Outside("before", days[0], days[-1], following)
    if today > days[-1]:
        return Outside("after", days[0], days[-1], None)
    if today not in days:
        return Outside("between", days[0], days[-1], following)
    return None


def next_sessions(schedule: Schedule, now: datetime) -> list[Session]:
    """The sessions that start next (all of those sharing the first start time)."""
    return schedule.next_start(now)


def resolve_day(schedule: Schedule, spec: str, today: date) -> date | None:
    """A day from `tuesday`, `tue`, `2022-10-25`, `today`, `tomorrow`. A weekday means
    that weekday within the conference (else the next one from today)."""
    word = spec.strip().casefold()
    if not word:
        return None
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            return None
    matches = [i for i, name in enumerate(_WEEKDAYS) if len(word) >= 2 and name.startswith(word.rstrip("."))]
    if len(matches) != 1:
        return None
    weekday = matches[0]
    for day in schedule.days:
        if day.weekday() == weekday:
            return day
    return today + timedelta(days=(weekday - today.weekday()) % 7)


@dataclass(frozen=True)
class FreeSlot:
    start: datetime
    end: datetime
    sessions: list[Session]  # what fits in the slot


def free_slots(day_sessions: list[Session], mine: list[Session], now: datetime) -> list[FreeSlot]:
    """The stretches of a conference day (first start to last end) not taken by `mine`,
    from `now` on, each with the sessions that fit in it."""
    if not day_sessions:
        return []
    day_start = max(min(s.start for s in day_sessions), now)
    day_end = max(s.end for s in day_sessions)
    busy = sorted((s.start, s.end) for s in mine if s.end > day_start and s.start < day_end)
    slots, cursor = [], day_start
    for start, end in busy:
        if start > cursor:
            slots.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < day_end:
        slots.append((cursor, day_end))
    mine_ids = {s.id for s in mine}
    result = []
    for start, end in slots:
        # What fits: starts in the gap and is over before my next session begins.
        starting = [s for s in day_sessions if start <= s.start and s.end <= end and s.id not in mine_ids]
        if starting:
            result.append(FreeSlot(start, end, starting))
    return result


FOLLOW_KINDS = ("track", "speaker", "text")


def parse_follow(argument: str) -> tuple[str, str] | None:
    """`track Security`, `speaker liz rice` or any words: (kind, value); None if empty."""
    first, _, rest = argument.strip().partition(" ")
    if first.casefold() in ("track", "speaker") and rest.strip():
        return first.casefold(), " ".join(rest.split())
    text = " ".join(argument.split())
    return ("text", text) if text else None


def followed_sessions(schedule: Schedule, kind: str, value: str) -> list[Session]:
    """Sessions a follow covers: a track (as /conf track finds it), a speaker (as /conf
    speaker does), or words found in a title, a speaker's name or a track."""
    if kind == "track":
        return schedule.in_track(value)
    if kind == "speaker":
        return schedule.by_speaker(value)
    wanted = value.casefold()
    return [
        s
        for s in schedule
        if wanted in s.title.casefold()
        or wanted in (s.track or "").casefold()
        or any(wanted in p.name.casefold() for p in s.speakers)
    ]
