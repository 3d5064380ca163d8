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
    """The sessions that start next (all of those sharing the first start time), from
    this minute on: at 10:40:20 a talk of 10:40 is "starting now", not past."""
    return schedule.next_start(now.replace(second=0, microsecond=0) - timedelta(microseconds=1))


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]  # fmt: skip
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"


def _month(word: str) -> int | None:
    """`oct`, `Oct.`, `october` -> 10."""
    word = word.rstrip(".")
    matches = [n for n, name in enumerate(_MONTHS, 1) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _dated(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _in_conference_year(schedule: Schedule, month: int, day: int, today: date) -> date | None:
    """A month and day with no year: the conference day it names, else that date in
    the conference's (first) year."""
    for conference_day in schedule.days:
        if (conference_day.month, conference_day.day) == (month, day):
            return conference_day
    return _dated(schedule.days[0].year if schedule.days else today.year, month, day)


def _numeric(schedule: Schedule, first: int, second: int, year: int | None, today: date) -> list[date]:
    """`25/10` or `10/25`: the readings that are dates. When both are, the conference
    settles it if only one of them is a conference day; else both are returned."""
    readings = set()
    for day, month in ((first, second), (second, first)):
        if 1 <= month <= 12:
            found = _dated(year, month, day) if year else _in_conference_year(schedule, month, day, today)
            if found:
                readings.add(found)
    in_conference = [d for d in readings if d in schedule.days]
    if len(readings) == 2 and len(in_conference) == 1:
        return in_conference
    return sorted(readings)


def resolve_day(schedule: Schedule, spec: str, today: date) -> date | None:
    """The one day `spec` means (see day_readings); None when it names no day or two."""
    readings = day_readings(schedule, spec, today)
    return readings[0] if len(readings) == 1 else None


_YEAR = r"(?: (\d{4}))?"  # `24 oct 2022`, `Oct 25, 2022`


def day_readings(schedule: Schedule, spec: str, today: date) -> list[date]:
    """The days people mean by what they type: `tuesday`, `tue`, `today`, `tomorrow`,
    `2022-10-25`, `24` (that day of the month within the conference), `Oct 25`,
    `25 Oct`, `october 25th`, `Oct 25, 2022`, `24 oct 2022`, `25/10`, `10/25`, `25.10.`,
    `25.10.2022`. A weekday means that weekday within the conference (else the next one
    from today). Empty when it is no day; two when a numeric date reads both ways
    (`10/11`: 11 October or 10 November) and the conference does not settle which."""
    word = " ".join(spec.strip().casefold().replace(",", " ").split())
    if found := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4})|\.)?", word):
        year = int(found.group(3)) if found.group(3) else None
        return _numeric(schedule, int(found.group(1)), int(found.group(2)), year, today)
    day = _one_day(schedule, word, today)
    return [day] if day else []


def _one_day(schedule: Schedule, word: str, today: date) -> date | None:
    """Every form but the numeric `25/10` (day_readings), from the normalised words."""
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
    if found := re.fullmatch(_ORDINAL, word):
        return _day_of_month(schedule, int(found.group(1)), today)
    if found := re.fullmatch(rf"([a-z]+\.?) {_ORDINAL}{_YEAR}", word):
        return _month_and_day(schedule, found.group(1), int(found.group(2)), found.group(3), today)
    if found := re.fullmatch(rf"{_ORDINAL} (?:of )?([a-z]+\.?){_YEAR}", word):
        return _month_and_day(schedule, found.group(2), int(found.group(1)), found.group(3), today)
    return _weekday(schedule, word, today)


def _month_and_day(schedule: Schedule, month_word: str, day: int, year: str | None, today: date) -> date | None:
    """`oct` and 25, with the year typed or else the conference's."""
    month = _month(month_word)
    if month is None:
        return None
    return _dated(int(year), month, day) if year else _in_conference_year(schedule, month, day, today)


def _day_of_month(schedule: Schedule, number: int, today: date) -> date | None:
    """`24`: the conference day that is the 24th, else the 24th of the conference's
    first month (a day without sessions, answered as such)."""
    for conference_day in schedule.days:
        if conference_day.day == number:
            return conference_day
    first = schedule.days[0] if schedule.days else today
    return _dated(first.year, first.month, number)


def _weekday(schedule: Schedule, word: str, today: date) -> date | None:
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
