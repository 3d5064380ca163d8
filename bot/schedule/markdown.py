"""The Markdown loader: a talk-list blog post (YAML front matter + Markdown) to a Schedule.

A talk is a title (a heading or a paragraph that is one link, or a bold list item),
then, within its first lines, a date/time line, optionally speakers on their own line,
then its abstract. `##` headings name the track. A time with no date takes the day
last named in the text around it ("Join us on Monday, November 10").
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

import frontmatter
from dateutil import parser as dateparser

from .ids import IdAllocator
from .model import Schedule, Session, Speaker
from .problems import LineError, Problem, ScheduleError
from .speakers import FoldedNames, Knowledge, names_in, parse_speakers, split_title
from .timelines import (
    TimeLine,
    clean_markup,
    find_prose_date,
    parse_time_line,
    resolve_date,
    session_times,
)
from .zones import check_abbreviation, venue_zone

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LINK_ONLY = re.compile(r"^\[(?P<text>.+?)\]\((?P<url>[^)\s]*)\)$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_BOLD_ITEM = re.compile(r"^[-*+]\s+\*\*(?P<text>.+?)\*\*\s*(?:<br\s*/?>)?$")
_BREAK = re.compile(r"<br\s*/?>\s*$")
_AUTHOR = re.compile(r"Author:\s*(?P<names>[^|]+)", re.IGNORECASE)
_NOISE = re.compile(r"^(?:import\s.+\sfrom\s|!\[|<(?!br))")
# Links that accompany a talk rather than name one.
_GENERIC_LINK = re.compile(
    r"^(?:see|watch|register|sign up|read|click|slides|video|recording|here|link)\b\W*(?:\w+\W*){0,3}$",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_HEADER_LINES = 3  # non-empty lines after a title that may hold its time and speakers


@dataclass
class _Talk:
    title_text: str
    line: int
    url: str | None
    track: str | None
    speakers_text: str | None = None
    time: TimeLine | None = None
    time_line: int = 0
    day: date | None = None
    header_seen: int = 0
    abstract: list[str] = field(default_factory=list)
    unaided_split: tuple[str, tuple[Speaker, ...]] | None = None  # split_title with no document knowledge
    asked: frozenset[str] = frozenset()  # the names that reading asked about


@dataclass
class _Reader:
    path: str
    default_year: int | None
    talks: list[_Talk] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    track: str | None = None
    context_day: date | None = None
    current: _Talk | None = None

    def finish_talk(self) -> None:
        if self.current is not None:
            self.talks.append(self.current)
            self.current = None

    def start_talk(self, text: str, url: str | None, line: int) -> None:
        self.finish_talk()
        self.current = _Talk(clean_markup(text), line, url or None, self.track)

    def note_prose_date(self, text: str) -> None:
        parts = find_prose_date(text)
        if parts is None:
            return
        # A date in running text that does not resolve is not ours to judge.
        with contextlib.suppress(LineError):
            self.context_day = resolve_date(parts, self.default_year)

    def read_line(self, number: int, raw: str) -> None:
        text = raw.strip()
        if not text:
            return
        if _NOISE.match(text):
            self.finish_talk()
            return
        author = _AUTHOR.search(text)
        if author:
            self.authors.extend(names_in(clean_markup(author.group("names"))))
        heading = _HEADING.match(text)
        if heading:
            self.read_heading(number, len(heading.group(1)), heading.group(2))
            return
        link = _LINK_ONLY.match(text)
        if link and not _GENERIC_LINK.match(clean_markup(link.group("text"))):
            self.start_talk(link.group("text"), link.group("url"), number)
            return
        item = _BOLD_ITEM.match(text)
        if item:
            self.start_talk(item.group("text"), None, number)
            return
        if self.current is None:
            self.note_prose_date(text)
            return
        self.read_talk_line(number, text, link)

    def read_heading(self, number: int, level: int, text: str) -> None:
        link = _LINK.search(text)
        if link and level >= 2 and _LINK_ONLY.match(text.strip()):
            self.start_talk(link.group(1), link.group(2), number)
            return
        self.finish_talk()
        if level <= 2:
            self.track = clean_markup(_LINK.sub(r"\1", text)) or None
        self.note_prose_date(text)

    def read_talk_line(self, number: int, text: str, link: re.Match | None) -> None:
        talk = self.current
        assert talk is not None
        in_header = not talk.abstract and talk.header_seen < _HEADER_LINES
        talk.header_seen += 1
        if in_header and talk.time is None:
            try:
                parsed = parse_time_line(text)
            except LineError as problem:
                self.errors.append(Problem(self.path, number, str(problem)))
                talk.time_line = number
                return
            if parsed is not None:
                self.take_time(talk, parsed, number)
                return
        if in_header and link is not None and talk.url is None:
            talk.url = link.group("url")
            return
        if in_header and link is None and _BREAK.search(text) and talk.speakers_text is None:
            talk.speakers_text = clean_markup(_BREAK.sub("", text))
            return
        if in_header and link is not None:
            return  # "See on Youtube." under a talk that already has its link
        talk.abstract.append(text)

    def take_time(self, talk: _Talk, parsed: TimeLine, number: int) -> None:
        talk.time, talk.time_line = parsed, number
        if parsed.speakers:
            talk.speakers_text = parsed.speakers
        if parsed.track:
            talk.track = parsed.track
        if parsed.date is None:
            talk.day = self.context_day
            return
        try:
            talk.day = self.context_day = resolve_date(parsed.date, self.default_year)
        except LineError as problem:
            self.errors.append(Problem(self.path, number, str(problem)))


def _body_offset(text: str) -> int:
    """How many lines the front matter takes (0 when there is none)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return 0
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return index + 1
    return 0


def _front_matter_line(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _default_year(value: object) -> int | None:
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, str) and value.strip():
        try:
            return dateparser.parse(value).year
        except (ValueError, OverflowError):
            return None
    return None


def _abstract(lines: list[str]) -> str:
    """Plain text: links become their text, emphasis marks go."""
    lines = [line[1:] if line.startswith("\\") and len(line) > 1 and not line[1].isalnum() else line for line in lines]
    paragraphs = [_LINK.sub(r"\1", line) if "](" in line else line for line in lines]
    return "\n".join(_EMPHASIS.sub("", p) if ("*" in p or "_" in p) else p for p in paragraphs).strip()


def load_markdown(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse a Markdown schedule. Returns the schedule and its warnings; raises
    ScheduleError listing every `path:line` problem when it cannot be used."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    try:
        post = frontmatter.loads(text)
        metadata = post.metadata
    except Exception as problem:  # YAML's errors have no common base worth naming
        mark = getattr(problem, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ScheduleError([Problem(path, line, f"front matter is not valid YAML: {problem}")]) from None

    zone = _venue_zone(path, text, metadata, default_zone, errors, warnings)
    default_year = _default_year(metadata.get("date"))
    reader = _Reader(path, default_year)
    offset = _body_offset(text)
    for number, raw in enumerate(text.splitlines()[offset:], start=offset + 1):
        reader.read_line(number, raw)
    reader.finish_talk()
    errors.extend(reader.errors)
    warnings.extend(reader.warnings)

    sessions = _sessions(path, reader, zone, errors, warnings)
    if not sessions and not errors:
        untimed = sum(1 for w in warnings if "no date/time" in w.message)
        detail = f" ({untimed} talks without one)" if untimed else ""
        errors.append(Problem(path, offset + 1 if offset else 1, f"no session with a date and time found{detail}"))
    if errors:
        raise ScheduleError(errors, warnings)
    title = str(metadata.get("title") or "").strip()
    return Schedule(tuple(sessions), zone, source=path, title=title), sorted(warnings, key=lambda w: w.line)


def _venue_zone(
    path: str, text: str, metadata: dict, default_zone: str | None, errors: list[Problem], warnings: list[Problem]
) -> tzinfo:
    named = str(metadata.get("timezone") or "") or None
    line = _front_matter_line(text, "timezone")
    return venue_zone(path, named, line, default_zone, "no `timezone:` in the front matter", errors, warnings)


def _sessions(
    path: str, reader: _Reader, zone: tzinfo, errors: list[Problem], warnings: list[Problem]
) -> list[Session]:
    known_people = _people_named(reader)
    ids = IdAllocator()
    sessions = []
    for talk in reader.talks:
        title, speakers = _title_and_speakers(talk, known_people)
        if talk.time is None:
            if talk.time_line == 0:  # a broken time line was reported already
                warnings.append(Problem(path, talk.line, f'no date/time for "{title}"'))
            continue
        if talk.day is None:
            if talk.time.date is None:
                warnings.append(Problem(path, talk.time_line, f'no date/time for "{title}": a time with no day'))
            continue
        try:
            start, end = session_times(talk.day, talk.time, zone)
            if talk.time.zone:
                check_abbreviation(talk.time.zone, start, zone)
        except LineError as problem:
            errors.append(Problem(path, talk.time_line, str(problem)))
            continue
        # `[Title](#1Auye)`: a link to nowhere but an id, as `convert` writes talks with no page.
        own_id = talk.url[1:] if talk.url and talk.url.startswith("#") else None
        session_id = ids.allocate(title, talk.url, salt=start.isoformat(), preferred=own_id)
        sessions.append(
            Session(
                id=session_id,
                title=title,
                start=start,
                end=end,
                speakers=speakers,
                track=talk.track,
                url=None if own_id else talk.url,
                abstract=_abstract(talk.abstract),
            )
        )
    return sessions


def _people_named(reader: _Reader) -> FoldedNames:
    """Everyone the document plainly names as a person: authors, and the speakers of
    talks whose speaker list reads the same with or without this knowledge."""
    people = list(reader.authors)
    for talk in reader.talks:
        people.extend(names_in(talk.speakers_text or ""))
        probe = Knowledge()
        talk.unaided_split = split_title(talk.title_text, probe)
        talk.asked = frozenset(probe.asked)
        people.extend(speaker.name for speaker in talk.unaided_split[1])
    return FoldedNames.of(people)


def _title_and_speakers(talk: _Talk, known_people: FoldedNames) -> tuple[str, tuple[Speaker, ...]]:
    if talk.speakers_text:
        speakers = parse_speakers(talk.speakers_text, known_people)
        if speakers:
            return talk.title_text, speakers
    if talk.unaided_split is not None and not talk.asked & known_people:
        return talk.unaided_split  # the document knows none of the names that reading asked about
    return split_title(talk.title_text, known_people)
