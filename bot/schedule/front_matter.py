"""A post's front matter (YAML `---` or TOML `+++`) and the dates that give its year.

A date written without a year takes the post's year: the front matter's `date:`, else
the date in the file name (`2025-03-27-…`) or in a `slug:`/`path:` (`/2025/03/`), else
the first year the text names. Each of those is tried in turn until the weekday fits.
Pure: text in, metadata and dates out.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePath

import frontmatter
from dateutil import parser as dateparser

from .problems import LineError, Problem, ScheduleError
from .timelines import WEEKDAY_NAMES, DateParts, check_weekday

_TOML_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*=\s*\S")
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_PATH_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)(?:/(\d\d))?(?:/|$)")
_TEXT_YEAR = re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/.-])")
_NEXT_YEAR_GAP = timedelta(days=90)  # a December post about January


@dataclass(frozen=True)
class Post:
    metadata: dict
    body: str
    body_line: int  # the file line the body starts on


def split_post(path: str, text: str) -> Post:
    """Front matter and body. Raises ScheduleError for front matter that does not parse."""
    lines = re.split(r"\r\n|\r|\n", text)  # only real line ends: U+2028 and form feeds stay text
    first = lines[0].strip() if lines else ""
    if first == "+++":
        end = _closing(lines, "+++")
        return _toml_post(path, lines, 1, end)
    if first and _TOML_KEY.match(first):
        end = _closing(lines, "---")
        if end is not None:
            return _toml_post(path, lines, 0, end)
    if first == "---" and _closing(lines, ("---", "...")) is not None:
        try:
            post = frontmatter.loads(text)
        except Exception as problem:  # YAML's errors have no common base worth naming
            mark = getattr(problem, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise ScheduleError([Problem(path, line, f"front matter is not valid YAML: {problem}")]) from None
        end = _closing(lines, ("---", "..."))
        body_line = end + 2
        return Post(dict(post.metadata), "\n".join(lines[end + 1 :]), body_line)
    return Post({}, text, 1)


def _closing(lines: list[str], marks: str | tuple[str, ...]) -> int | None:
    """The index of the first line after the opening one that closes the front matter."""
    marks = (marks,) if isinstance(marks, str) else marks
    for index in range(1, len(lines)):
        if lines[index].strip() in marks:
            return index
    return None


def _toml_post(path: str, lines: list[str], start: int, end: int | None) -> Post:
    if end is None:
        raise ScheduleError([Problem(path, 1, "front matter opened with +++ is never closed")])
    try:
        metadata = tomllib.loads("\n".join(lines[start:end]))
    except tomllib.TOMLDecodeError as problem:
        found = re.search(r"line (\d+)", str(problem))
        line = start + int(found.group(1)) if found else 1
        raise ScheduleError([Problem(path, line, f"front matter is not valid TOML: {problem}")]) from None
    return Post(metadata, "\n".join(lines[end + 1 :]), end + 2)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dateparser.parse(value).date()
        except (ValueError, OverflowError):
            return None
    return None


def post_dates(path: str, post: Post, warnings: list[Problem]) -> tuple[list[date], bool]:
    """The dates a post was written on, best first (see the module's docstring), and
    whether they are only a guess from a year the text names."""
    dates: list[date] = []
    stated = _as_date(post.metadata.get("date"))
    if stated is not None:
        dates.append(stated)
    found = _NAME_DATE.search(PurePath(path).name)
    if found:
        dates.append(_safe_date(*found.groups()))
    for key in ("slug", "path", "url", "link", "permalink"):
        value = post.metadata.get(key)
        match = _PATH_DATE.search(str(value)) if value else None
        if match:
            dates.append(_safe_date(match.group(1), match.group(2), match.group(3) or "01"))
    dates = [d for d in dict.fromkeys(dates) if d is not None and d.year >= 1900]  # Hugo's zero date is none
    if stated is None and dates:
        warnings.append(
            Problem(path, 1, f"no `date:` in the front matter: dates without a year are read in {dates[0].year}")
        )
    if dates:
        return dates, False
    year = _TEXT_YEAR.search(post.body)
    if year:
        dates.append(date(int(year.group(1)), 1, 1))
        warnings.append(
            Problem(path, 1, f"no `date:` in the front matter: dates without a year are read in {year.group(1)}")
        )
    return dates, True


def _safe_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def date_resolver(dates: list[date], today: date | None = None):
    """`DateParts` → calendar date, trying the post's dates in turn (see the docstring).
    With no date at all, a date that names its weekday takes the latest year up to
    `today`'s in which that weekday fits (a schedule page that never says its year)."""

    def resolve(parts: DateParts) -> date:
        if parts.year is not None:
            day = _make(parts.year, parts.month, parts.day)
            check_weekday(parts, day)
            return day
        if not dates and today is not None and parts.weekday is not None and parts.month:
            return _latest_fitting_year(parts, today)
        if not dates:
            raise LineError("the date has no year and the front matter has no `date:` to take it from")
        if not parts.month:
            return _month_from_context(parts, dates)
        first = None
        for written in dates:
            try:
                day = _make(written.year, parts.month, parts.day, dated=False)
            except LineError:
                day = _make(written.year + 1, parts.month, parts.day, dated=False)  # 29 February next year
            if day < written - _NEXT_YEAR_GAP:
                day = _make(written.year + 1, parts.month, parts.day, dated=False)
            first = first or day
            if parts.weekday is None or day.weekday() == parts.weekday:
                return day
        if today is not None and parts.weekday is not None:
            return _latest_fitting_year(parts, today)  # the year was only a guess from the text
        check_weekday(parts, first)
        return first  # unreachable: _check_weekday raised

    return resolve


def _latest_fitting_year(parts: DateParts, today: date) -> date:
    for year in range(today.year, today.year - 12, -1):
        try:
            day = date(year, parts.month, parts.day)
        except ValueError:
            continue
        if day.weekday() == parts.weekday:
            return day
    raise LineError("the date has no year and the front matter has no `date:` to take it from")


def _month_from_context(parts: DateParts, dates: list[date]) -> date:
    """`Wednesday 21`: the first month from the post's date on where the 21st is a Wednesday."""
    for written in dates:
        year, month = written.year, written.month
        for _ in range(3):
            try:
                day = date(year, month, parts.day)
            except ValueError:
                day = None
            weekday_fits = day is not None and (parts.weekday is None or day.weekday() == parts.weekday)
            if weekday_fits and day >= written - timedelta(days=7):
                return day
            month += 1
            if month > 12:
                year, month = year + 1, 1
    weekday = WEEKDAY_NAMES[parts.weekday] if parts.weekday is not None else "that day"
    raise LineError(f"no month near the post's date has {weekday} {parts.day}")


def _make(year: int, month: int, day: int, dated: bool = True) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if not dated and not (month == 2 and day == 29):
            raise LineError(f"there is no day {day} in month {month}") from None
        raise LineError(f"there is no {year:04d}-{month:02d}-{day:02d}") from None
