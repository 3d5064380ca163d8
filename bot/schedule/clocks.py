"""Finding dates, times and zones anywhere in a line, as people write them.

`find_when` reads `9:15am - 9:20am`, `11:45--12:15 PM`, `4:45-5:20pm`, `2-5pm`, `10:27 to
10:32 CET`, `6:15pmEST`, `9.30–10.00`, `2:35 PM` (start only), `All Day`, with an optional
date anywhere in the same text: `Monday, October 24`, `Tuesday April 1, 2025`, `March
22nd`, `23 March`, `Sat, Mar 21, 2026`, `2024-03-20`, `07/22/2014`, `Wednesday 21`
(the month from the context). It says where in the text it found them, so the caller
can read what is left (a title, speakers, a room). Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from .timelines import MONTHS, WEEKDAYS, DateParts, alternation, read_clock, to_24h
from .zones import is_zone_abbreviation

_WD = rf"(?P<weekday>{alternation(WEEKDAYS)})\.?"
_MONTH = rf"(?P<{{p}}>{alternation(MONTHS)})\.?"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?(?![\d:])"
_DATE = re.compile(
    rf"(?<![\w/])(?:{_WD},?\s+(?:the\s+)?)?"
    r"(?:"
    rf"{_MONTH.format(p='month1')}\s+(?P<day1>\d{{1,2}}){_ORD}(?![\d:.]\d){_YEAR}"
    rf"|(?P<day2>\d{{1,2}}){_ORD}\.?\s+(?:of\s+)?{_MONTH.format(p='month2')}(?![a-zé]){_YEAR.replace('year', 'year2')}"
    r"|(?P<iso>(?:19|20)\d\d-\d\d-\d\d)"
    r"|(?P<us>\d{1,2}/\d{1,2}(?:/(?:19|20)?\d\d)?)(?![\d/])"
    r")",
    re.IGNORECASE,
)
# "Wednesday 21": a weekday and a day of the month, the month left to the context.
_WEEKDAY_DAY = re.compile(
    rf"(?<![\w/]){_WD},?\s+(?P<day>\d{{1,2}}){_ORD}(?![\d.]|:\d|/\d|\s*[ap]\.?m|\s*(?:-|–|—|~|to\b)\s*\d)"
)
# Dates are matched in a lower-cased copy (same length, so positions hold): faster than IGNORECASE.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_CLOCK = (
    r"(?P<{p}h>\d{{1,2}})(?:(?P<{p}sep>[:.h])(?P<{p}m>\d\d)|(?P<{p}hour>h)(?![a-z]))?"
    r"\s?(?P<{p}ap>[aApP]\.?[mM]\.?(?![a-z]))?"
)
_RANGE_MARK = r"\s*(?:--|-|–|—|~|\bto\b|\buntil\b|\btill\b|\bbis\b|à)\s*"
_TIME = re.compile(
    r"(?<![A-Za-z0-9:./-])"
    + _CLOCK.format(p="s")
    + rf"(?:{_RANGE_MARK}"
    + _CLOCK.format(p="e")
    + r")?(?:\s?Uhr\b)?(?![\d/a-z]|:\d)"
)
_ZONE_AFTER = re.compile(r"\s*\(?(?P<zone>[A-Z]{2,5})\)?(?![\w])")
_LOCAL_TIME = re.compile(r"\s*\((?:local|venue)(?: time)?\)", re.IGNORECASE)
_ALL_DAY = re.compile(r"\ball[- ]day\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NOON = re.compile(r"\b(?:noon|midday|midnight)\b", re.IGNORECASE)
_NOON_CLOCKS = {"noon": "12pm", "midday": "12:00pm", "midnight": "12:00 am"}
_SHORT_NAMES = alternation({**MONTHS, **WEEKDAYS})
_DIGITS = re.compile(r"\d+")
_NAME_BEFORE = re.compile(rf"\b(?:{_SHORT_NAMES})[a-z]*\.?,?\s+(?:the\s+)?$")
_NAME_AFTER = re.compile(rf"(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?:{_SHORT_NAMES})")


def _could_be_date(text: str) -> bool:
    """A day number beside a month or weekday name, or digits joined by - or /: every date
    people write. Checked around each number only, which is far cheaper than the patterns."""
    for number in _DIGITS.finditer(text):
        start, end = number.span()
        after = text[end : end + 16].lower()
        if after[:1] in ("-", "/") and after[1:2].isdigit():
            return True
        if _NAME_AFTER.match(after) or _NAME_BEFORE.search(text[max(0, start - 16) : start].lower()):
            return True
    return False


# Cheap evidence checked before the full patterns, which are slow to try at every position.
_WORD = re.compile(r"[a-z]+")
_MONTH_WORDS = frozenset(MONTHS)
_WEEKDAY_WORDS = frozenset(WEEKDAYS)
_NUMERIC_DATE = re.compile(r"\d-\d\d-\d|\d/\d")
_CLOCK_HINT = re.compile(r"\d[:.h]\d\d|\d\s?[aApP]\.?[mM]|\dh\s*(?:-|–|—|to)\s*\d")
_EXTRA_ZONES = {"IST"}  # the venue's own zone decides what these mean


@dataclass(frozen=True, slots=True)
class When:
    """A date and/or time found in a line. `start` is None for "All Day"; `end` is None
    for a start-only time; `problem` says why a clock in it cannot be a time."""

    start: time | None
    end: time | None
    date: DateParts | None
    zone: str | None
    span: tuple[int, int]
    overnight: bool = False
    all_day: bool = False
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    parts: DateParts
    start: int
    end: int


def find_dates(text: str) -> tuple[Found, ...]:
    """Every date in `text`, in order."""
    if not _could_be_date(text):
        return ()  # every date people write has a day number beside a month or weekday, or digits only
    text = text.translate(_ASCII_LOWER)
    words = set(_WORD.findall(text))
    found = []
    could_be_date = words & _MONTH_WORDS or _NUMERIC_DATE.search(text)
    for match in _DATE.finditer(text) if could_be_date else ():
        parts = _date_parts(match)
        if parts is not None:
            found.append(Found(parts, match.start(), match.end()))
    taken = [(f.start, f.end) for f in found]
    for match in _WEEKDAY_DAY.finditer(text) if words & _WEEKDAY_WORDS else ():
        if any(start <= match.start() < end for start, end in taken):
            continue
        day = int(match.group("day"))
        if 1 <= day <= 31:
            weekday = WEEKDAYS[match.group("weekday").lower()]
            found.append(Found(DateParts(0, day, None, weekday), match.start(), match.end()))
    return tuple(sorted(found, key=lambda f: f.start))


def _date_parts(match: re.Match) -> DateParts | None:
    weekday = match.group("weekday")
    weekday_number = WEEKDAYS[weekday.lower()] if weekday else None
    if match.group("iso"):
        year, month, day = (int(x) for x in match.group("iso").split("-"))
        return DateParts(month, day, year, weekday_number)
    if match.group("us"):
        numbers = [int(x) for x in match.group("us").split("/")]
        if len(numbers) == 2 and weekday_number is None:
            return None  # "3/4" alone is a fraction; "Monday, 5/12" is a date
        month, day = numbers[0], numbers[1]
        year = numbers[2] if len(numbers) == 3 else None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return DateParts(
            month, day, (year + 2000 if year < 100 else year) if year is not None else None, weekday_number
        )
    month_name = match.group("month1") or match.group("month2")
    day = int(match.group("day1") or match.group("day2"))
    year = match.group("year") or match.group("year2")
    if not 1 <= day <= 31:
        return None
    return DateParts(MONTHS[month_name.lower()], day, int(year) if year else None, weekday_number)


_WEEKDAY_WORD = re.compile(rf"(?<![\w-])(?:{alternation(WEEKDAYS)})\b\.?", re.IGNORECASE)


def weekday_named(text: str) -> int | None:
    """The weekday a line names without a date (`Tuesday, 10:00-10:30`), if it names one."""
    found = _WEEKDAY_WORD.search(text)
    return WEEKDAYS[found.group(0).rstrip(".").lower()] if found else None


def _masked(text: str, dates: tuple[Found, ...]) -> str:
    chars = list(text)
    for found in dates:
        chars[found.start : found.end] = " " * (found.end - found.start)
    return "".join(chars)


def find_when(text: str) -> When | None:
    """The first time (range, start-only or all-day) in `text` with the date beside it."""
    if _NOON.search(text):
        text = _NOON.sub(lambda m: _NOON_CLOCKS[m.group(0).lower()], text)  # same length: spans hold
    if not _DIGIT.search(text):
        all_day = _ALL_DAY.search(text)
        return When(None, None, None, None, all_day.span(), all_day=True) if all_day else None
    dates = find_dates(text)
    masked = _masked(text, dates)
    for match in _TIME.finditer(masked) if _CLOCK_HINT.search(masked) else ():
        clock = _read_clock(match)
        if clock is None:
            continue
        start, end, overnight, problem = clock
        pieces = [(match.start(), match.end())]
        zone, zone_end = _zone_after(masked, match.end())
        if zone_end > match.end():
            pieces.append((match.end(), zone_end))
        return _with_date(text, dates, start, end, overnight, zone, pieces, problem)
    all_day = _ALL_DAY.search(masked)
    if all_day:
        return _with_date(text, dates, None, None, False, None, [all_day.span()], None, all_day=True)
    return None


def _with_date(text, dates, start, end, overnight, zone, pieces, problem, all_day=False) -> When:
    date = None
    if dates:
        nearest = min(dates, key=lambda f: abs(f.start - pieces[0][0]))
        date = nearest.parts
        pieces.append((nearest.start, nearest.end))
    low = min(p[0] for p in pieces)
    high = max(p[1] for p in pieces)
    return When(start, end, date, zone, (low, high), overnight, all_day, problem)


def _zone_after(text: str, position: int) -> tuple[str | None, int]:
    local = _LOCAL_TIME.match(text, position)
    if local:
        return None, local.end()
    found = _ZONE_AFTER.match(text, position)
    if found:
        token = found.group("zone")
        if is_zone_abbreviation(token) or token in _EXTRA_ZONES:
            return token, found.end()
    return None, position


def _read_clock(match: re.Match) -> tuple[time, time | None, bool, str | None] | None:
    """The clock(s) a match holds, None when it is no time at all (`10-12`, `2021`)."""
    has_end = match.group("eh") is not None
    start_marked = any(match.group(g) is not None for g in ("sm", "sap", "shour"))  # `10h` is a time too
    end_marked = has_end and any(match.group(g) is not None for g in ("em", "eap", "ehour"))
    if not (start_marked or end_marked):
        return None
    if has_end and not end_marked:
        return None  # "10:30-12": not a range people write
    if has_end and _version_like(match):
        return None  # "Kubernetes 1.29 - 1.30": versions, not a night-time range
    if not has_end and match.group("ssep") == ".":
        return None  # "1.10" alone is a version, not a time
    if not has_end and match.group("shour"):
        return None  # "a 2h workshop" is a length; "10h" counts only in a range
    try:
        if not has_end:
            h, m, ap = read_clock(match.group("sh"), _minutes(match, "s"), match.group("sap"))
            if not ap and _afternoon_hour(match.group("sh")):
                h += 12  # a start-only `2:35` in a talk list is in the afternoon
            return time(to_24h(h, ap), m), None, False, None
        start, end, overnight = _range(match)
        return start, end, overnight, None
    except ValueError as problem:
        return time(0), None, False, str(problem)


def _afternoon_hour(hour: str, upto: int = 6) -> bool:
    """1–6 written without a leading zero and without am/pm: a 12-hour afternoon clock."""
    return not hour.startswith("0") and 1 <= int(hour) <= upto


def _minutes(match: re.Match, end: str) -> str | None:
    """The minutes written, `00` for an hour written `10h`."""
    return match.group(f"{end}m") or ("00" if match.group(f"{end}hour") else None)


def _version_like(match: re.Match) -> bool:
    dotted = match.group("ssep") == "." and match.group("esep") == "."
    no_meridiem = not match.group("sap") and not match.group("eap")
    return dotted and no_meridiem and int(match.group("sh")) < 7 and int(match.group("eh")) < 7


def _range(found: re.Match) -> tuple[time, time, bool]:
    """Both ends of a range; one am/pm covers both unless that would reverse them
    (`11:45--12:15 PM` crosses noon)."""
    sh, sm, sap = _bare_clock(found.group("sh"), _minutes(found, "s"), found.group("sap"))
    eh, em, eap = read_clock(found.group("eh"), _minutes(found, "e"), found.group("eap"))
    opposite = {"a": "p", "p": "a"}
    if eap == "a" and eh == 12 and not sap and 1 <= sh <= 11:
        eap = "p"  # `11:00 ~ 12:30 am`: noon, the usual slip of 12 o'clock's am/pm
    if eap and not sap and 1 <= sh <= 12:
        sap = eap
        if (to_24h(sh, sap), sm) > (to_24h(eh, eap), em):
            sap = opposite[eap]
    elif sap and not eap and 1 <= eh <= 12:
        eap = sap
        if (to_24h(eh, eap), em) < (to_24h(sh, sap), sm):
            eap = opposite[sap]
    if not sap and not eap and _afternoon_hour(found.group("sh")) and _afternoon_hour(found.group("eh"), upto=9):
        sap = eap = "p"  # `1:30–2:00` in a talk list: nobody speaks at half past one at night
    start = time(to_24h(sh, sap), sm)
    end = time(to_24h(eh, eap), em)
    afternoon_end = 1 <= eh <= 7 and not found.group("eh").startswith("0")
    if end < start and not sap and not eap and afternoon_end and 8 <= start.hour <= 12:
        end = time(eh + 12, em)  # `12:30 - 1:15`, `11:30 - 1:00`: a daytime range past noon
    overnight = False
    if end < start:
        if (start.hour >= 13 or sap == "p") and eap in (None, "a") and sap in (None, "p"):
            overnight = True  # only an evening event may run past midnight
        else:
            raise ValueError(f"ends ({end:%H:%M}) before it starts ({start:%H:%M})")
    return start, end, overnight


def _bare_clock(hour: str, minute: str | None, meridiem: str | None) -> tuple[int, int, str | None]:
    """The start of `2-5pm` may have neither minutes nor am/pm."""
    if minute is None and meridiem is None:
        h = int(hour)
        if not 0 <= h <= 23:
            raise ValueError(f"hour {h} is not a time")
        return h, 0, None
    return read_clock(hour, minute, meridiem)
