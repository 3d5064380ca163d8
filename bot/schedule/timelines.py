"""Reading the date/time lines that people write under a talk.

Handles what real posts do: `Monday, October 24 • 9:15am - 9:20am`,
`Tuesday May 17 2022 16:05 - 17:05 CEST`, `**Thursday, November 9 • 2:55 pm - 3:30pm**`,
`09:00 - 09:05 AM` (the day given by the text around it), `Monday, 23 March`,
`Cloud Native University - Monday, November 10, 10:40 - 11:05 AM` (a track first) and
`*Name, Org | 13:35 - 14:00*` (speakers first). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .problems import LineError

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _alternation(words: dict[str, int]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WD = rf"(?P<weekday>{_alternation(_WEEKDAYS)})\.?"
_MON1 = rf"(?P<month1>{_alternation(_MONTHS)})\.?"
_MON2 = rf"(?P<month2>{_alternation(_MONTHS)})\.?"
_ORD = r"(?:st|nd|rd|th)?"
_DATE_BODY = (
    rf"(?:{_MON1}\s+(?P<day1>\d{{1,2}}){_ORD}(?![\d:])"
    rf"|(?P<day2>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MON2})"
    r"(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})"
)
_DATE = rf"(?:{_WD},?\s+)?(?:{_DATE_BODY})"
_DATE_AT_END = re.compile(rf"(?<![\w]){_DATE}$", re.IGNORECASE)
_PROSE_DATE = re.compile(rf"(?<![\w]){_WD},?\s+(?:the\s+)?(?:{_DATE_BODY})(?![\w])", re.IGNORECASE)

_TIME = r"(?P<{p}h>\d{{1,2}})(?:[:.](?P<{p}m>\d{{2}}))?\s*(?P<{p}ap>[ap]\.?\s?m\b\.?)?"
_RANGE_AT_END = re.compile(
    r"(?<![\d:.])"
    + _TIME.format(p="s")
    + r"\s*(?:-|–|—|to|until)\s*"
    + _TIME.format(p="e")
    + r"(?:\s+(?P<zone>[A-Z]{1,5}))?\s*$",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"[*`]|\\(?=\S)")
_HEAD_SEPARATORS = " \t,•·|"


@dataclass(frozen=True, slots=True)
class DateParts:
    month: int
    day: int
    year: int | None = None
    weekday: int | None = None


@dataclass(frozen=True, slots=True)
class TimeLine:
    """A parsed date/time line. `date` is None when the line gives only times."""

    start: time
    end: time
    overnight: bool = False
    date: DateParts | None = None
    zone: str | None = None
    track: str | None = None
    speakers: str | None = None


def clean_markup(text: str) -> str:
    """Drop emphasis, code ticks, escapes and heading marks; fold white space."""
    text = text.replace("\u00a0", " ").strip()
    text = text.lstrip("#").strip()
    text = _MARKUP.sub("", text)
    text = text.strip().strip("_").strip()
    return " ".join(text.split())


def parse_time_line(raw: str) -> TimeLine | None:
    """The date/time a line gives, None if the line is not a date/time line.

    Raises LineError for a line that is plainly a date/time line but cannot be right
    (hour 25, 13 pm, ends before it starts).
    """
    text = clean_markup(raw)
    if not text or len(text) > 200:
        return None
    found = _RANGE_AT_END.search(text)
    if not found:
        return None
    head = text[: found.start()].rstrip(_HEAD_SEPARATORS)
    before_range = text[len(head) : found.start()]
    zone = found.group("zone")
    if zone and not _looks_like_zone(zone):
        return None
    date_parts = None
    prefix = head
    dated = _DATE_AT_END.search(head)
    if dated:
        date_parts = _date_parts(dated)
        prefix = head[: dated.start()]
        separator = prefix[len(prefix.rstrip(" -–—|,•")) :]
        prefix = prefix.rstrip(" -–—|,•")
    else:
        separator = before_range
    track = speakers = None
    if prefix:
        if "|" in separator:
            speakers = prefix.strip()
        elif dated and re.search(r"\s[-–—]\s*$", separator) and len(prefix) <= 80:
            track = prefix.strip()
        else:
            return None  # prose that merely ends with a time
    start, end, overnight = _time_range(found)
    return TimeLine(start, end, overnight, date_parts, zone.upper() if zone else None, track, speakers)


def _looks_like_zone(token: str) -> bool:
    return token.isupper() and token.upper() not in {"AM", "PM"}


def _date_parts(match: re.Match) -> DateParts:
    weekday = match.group("weekday")
    weekday_number = _WEEKDAYS[weekday.lower()] if weekday else None
    if match.group("iso"):
        year, month, day = (int(x) for x in match.group("iso").split("-"))
        return DateParts(month, day, year, weekday_number)
    month_name = match.group("month1") or match.group("month2")
    day = int(match.group("day1") or match.group("day2"))
    year = match.group("year")
    return DateParts(_MONTHS[month_name.lower()], day, int(year) if year else None, weekday_number)


def find_prose_date(raw: str) -> DateParts | None:
    """The last weekday-and-date mention in running text ("Join us on Monday, 23 March")."""
    matches = list(_PROSE_DATE.finditer(clean_markup(raw)))
    return _date_parts(matches[-1]) if matches else None


def _clock(hour: str, minute: str | None, meridiem: str | None) -> tuple[int, int, str | None]:
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


def _to_24h(h: int, ap: str | None) -> int:
    if ap == "a":
        return 0 if h == 12 else h
    if ap == "p":
        return 12 if h == 12 else h + 12
    return h


def _time_range(found: re.Match) -> tuple[time, time, bool]:
    sh, sm, sap = _clock(found.group("sh"), found.group("sm"), found.group("sap"))
    eh, em, eap = _clock(found.group("eh"), found.group("em"), found.group("eap"))
    opposite = {"a": "p", "p": "a"}
    # `09:00 - 09:05 AM`: one am/pm covers both ends unless that would reverse them.
    if eap and not sap and 1 <= sh <= 12:
        sap = eap
        if (_to_24h(sh, sap), sm) > (_to_24h(eh, eap), em):
            sap = opposite[eap]
    elif sap and not eap and 1 <= eh <= 12:
        eap = sap
        if (_to_24h(eh, eap), em) < (_to_24h(sh, sap), sm):
            eap = opposite[sap]
    start = time(_to_24h(sh, sap), sm)
    end = time(_to_24h(eh, eap), em)
    overnight = False
    if end < start:
        # Only an evening event may run past midnight; anything else is a typo.
        if start.hour >= 12 and (eap in (None, "a")) and (sap in (None, "p")):
            overnight = True
        else:
            raise LineError(f"ends ({end:%H:%M}) before it starts ({start:%H:%M})")
    return start, end, overnight


def resolve_date(parts: DateParts, default_year: int | None) -> date:
    """The calendar date of `parts`: the year given, or the default year (or the
    next one, for a post written in December about January) on which the weekday
    matches."""
    if parts.year is not None:
        day = _make_date(parts.year, parts.month, parts.day)
        _check_weekday(parts, day)
        return day
    if default_year is None:
        raise LineError("the date has no year and the front matter has no `date:` to take it from")
    candidates = []
    for year in (default_year, default_year + 1):
        try:
            candidates.append(date(year, parts.month, parts.day))
        except ValueError:
            continue
    if not candidates:
        raise LineError(f"there is no day {parts.day} in month {parts.month}")
    if parts.weekday is None:
        return candidates[0]
    for day in candidates:
        if day.weekday() == parts.weekday:
            return day
    _check_weekday(parts, candidates[0])
    return candidates[0]  # unreachable: _check_weekday raised


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise LineError(f"there is no {year:04d}-{month:02d}-{day:02d}") from None


def _check_weekday(parts: DateParts, day: date) -> None:
    if parts.weekday is not None and day.weekday() != parts.weekday:
        raise LineError(
            f"{_WEEKDAY_NAMES[parts.weekday]} does not match {day.isoformat()}, "
            f"which is a {_WEEKDAY_NAMES[day.weekday()]}"
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


def session_times(day: date, line: TimeLine, zone: tzinfo) -> tuple[datetime, datetime]:
    start = localize(day, line.start, zone)
    end_day = day + timedelta(days=1) if line.overnight else day
    end = localize(end_day, line.end, zone)
    if end < start:
        raise LineError(f"ends before it starts once the venue zone's clock change is applied ({start:%H:%M})")
    return start, end
