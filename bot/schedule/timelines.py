"""The calendar vocabulary the readers share: weekday and month names, a date's parts,
clock readings (`9:15am`, `16:05`), weekday checks and wall-clock times in a zone.
Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

from .problems import LineError

WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
    # German and French, as posts for events there write them.
    "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6,
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}  # fmt: skip
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "januar": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}  # fmt: skip
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def alternation(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class DateParts:
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None


def read_clock(hour: str, minute: str | None, meridiem: str | None) -> tuple[int, int, str | None]:
    h = int(hour)
    m = int(minute) if minute else 0
    ap = meridiem.lower().replace(".", "").replace(" ", "")[0] if meridiem else None
    if m > 59:
        raise LineError(f"minute {m} is not a time")
    if ap and not 1 <= h <= 12:
        raise LineError(f"{h} {ap}m is not a time")
    if not ap and h > 23:
        raise LineError(f"hour {h} is not a time")
    if not ap and minute is None:
        raise LineError(f"{h} needs minutes or am/pm")
    return h, m, ap


def to_24h(h: int, ap: str | None) -> int:
    if ap == "a":
        return 0 if h == 12 else h
    if ap == "p":
        return 12 if h == 12 else h + 12
    return h


def check_weekday(parts: DateParts, day: date) -> None:
    if parts.weekday is not None and day.weekday() != parts.weekday:
        raise LineError(
            f"{WEEKDAY_NAMES[parts.weekday]} does not match {day.isoformat()}, "
            f"which is a {WEEKDAY_NAMES[day.weekday()]}"
        )


def localize(day: date, clock: time, zone: tzinfo) -> datetime:
    """`day` at wall-clock `clock` in `zone`; a time skipped by a DST change moves
    forward by the gap, as a clock on the wall would."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=zone)
    if isinstance(zone, ZoneInfo):
        round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(zone)
        if round_trip.replace(tzinfo=None) != naive:
            return round_trip
    return aware
