"""Finding talks in a document by evidence: a title-like element and a time, near each other.

The evidence, element by element:
- a *title* is a link or bold run that opens its line (or the whole line), a quoted name
  after a time, a table's title cell, or a heading (the weakest: it names the talk only
  when a time follows it before any stronger title does; else it names the track);
- a *time* is anywhere in the title's line, in the lines of its block, in a labelled
  field (`When:`, `Date:` + `Time:`), in a table's time cell, or on a time-only line;
  a line whose time sits in the middle of a sentence is prose and names no talk;
- a *day* comes with the time, or from the nearest day heading, bold day line, "Day 2",
  or a sentence above that names a weekday and a date;
- *speakers* come from the title (`Title - Speakers`), a `Speaker:` field, the rest of
  the time line, a `by …` or `– …` line, a line of people's links, or the sentence that
  opens the abstract ("Ori Zohar and Simon Jones will discuss …").

`read_talks` walks the blocks once and returns drafts; `markdown.py` turns them into
sessions. Pure: blocks in, drafts out.

Longer than most modules on purpose: it is one walk over the blocks holding the state of
the talk being read (open draft, pending heading, day, track); split, that state would be
passed around everywhere. The line-level evidence it asks about is in `evidence.py`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .clocks import When, find_dates, find_when, weekday_named
from .document import Block, Line
from .evidence import (
    EDGE,
    GENERIC_LINK,
    HANDLE,
    after_is_detail,
    agenda_entry,
    cell_with_role,
    column_roles,
    first_title_cell,
    header_zone,
    heading_title,
    labelled_field,
    only_label,
    only_people,
    sentence_between,
    starts_with_title,
    title_in_line,
    title_line,
    title_spans,
    without,
    wrapped_prose,
)
from .problems import LineError, Problem
from .speakers import looks_like_name, parse_speakers
from .timelines import DateParts

# Links that go with a talk rather than name one.
_DAY_NUMBER = re.compile(r"\bday\s+(?P<n>\d{1,2})\b", re.IGNORECASE)
_SPEAKERS_LINE = re.compile(r"^(?:[-–—]\s*|by\s+)(?P<names>.+)$", re.IGNORECASE)
_PROSE_LEAD = re.compile(r"^(?P<lead>.{3,200}?)\s+will\s", re.IGNORECASE)


@dataclass
class Draft:
    """A talk as found: title, time and what came with them, with their lines."""

    title: str
    line: int
    url: str | None = None
    track: str | None = None
    weak: bool = False  # title from a heading or the rest of a line: a stronger one may replace it
    when: When | None = None
    when_line: int = 0
    day: date | None = None
    day_line: int = 0
    speakers_text: str | None = None
    speaker_names: tuple[str, ...] = ()
    room: str | None = None
    abstract: list[Line] = field(default_factory=list)
    block: int = -1
    in_item: bool = False  # written as a list item: it ends with its item
    prose_lead: str | None = None
    names_list: bool = False  # speakers from a "Speakers:" field or column: a list of people
    unaided_split: tuple[str, tuple] | None = None  # split_title with no document knowledge
    asked: frozenset[str] = frozenset()  # the names that reading asked about


@dataclass
class _Section:
    """A heading that may yet name a talk."""

    title: str
    url: str | None
    line: int
    track_before: str | None
    lines: list[Line] = field(default_factory=list)  # prose under it, the talk's abstract if it is one


DayResolver = Callable[[DateParts], date]


@dataclass
class _Reader:
    resolve: DayResolver
    errors: list[Problem]
    path: str
    drafts: list[Draft] = field(default_factory=list)
    open: Draft | None = None
    section: _Section | None = None
    track: str | None = None
    day: date | None = None
    numbered_days: dict[int, date] = field(default_factory=dict)
    block_index: int = -1
    skip_block: int = -2  # the rest of this block was read as a speaker list
    in_item: bool = False
    line_text: str = ""  # the line being read, for a weekday written without a date
    # Posts repeat their date and time lines; one reading of each per document.
    when_in: Callable[[str], When | None] = field(default_factory=lambda: functools.lru_cache(maxsize=None)(find_when))
    dates_in: Callable[[str], tuple] = field(default_factory=lambda: functools.lru_cache(maxsize=None)(find_dates))

    # -- helpers -------------------------------------------------------------------

    def error(self, line: int, message: str) -> None:
        self.errors.append(Problem(self.path, line, message))

    def resolve_day(self, parts: DateParts, line: int) -> date | None:
        try:
            return self.resolve(parts)
        except LineError as problem:
            self.error(line, str(problem))
            return None

    def close(self) -> None:
        if self.open is not None:
            self.drafts.append(self.open)
            self.open = None

    def start(self, draft: Draft) -> Draft:
        self.close()
        draft.block = self.block_index
        draft.in_item = self.in_item
        if draft.track is None:
            draft.track = self.track
        self.open = draft
        return draft

    def take_section(self) -> Draft | None:
        """The pending heading as a talk's title (it then names no track)."""
        if self.section is None:
            return None
        section, self.section = self.section, None
        self.track = section.track_before
        draft = self.start(Draft(section.title, section.line, section.url, section.track_before, weak=True))
        draft.abstract.extend(section.lines)
        return draft

    def attach_when(self, draft: Draft, when: When, line: int) -> None:
        if when.problem:
            self.error(line, when.problem)
        draft.when, draft.when_line = when, line
        if when.date is not None:
            draft.day = self.resolve_day(when.date, line)
            draft.day_line = line
            if draft.day is not None:
                self.day = draft.day
        elif draft.day is None:
            weekday = weekday_named(self.line_text)
            draft.day = self.day if weekday is None else self.nearest(weekday)
            draft.day_line = line

    def nearest(self, weekday: int) -> date | None:
        """`Tuesday, 10:00-10:30` with no date: the Tuesday nearest the day in context."""
        if self.day is None:
            return None
        offsets = sorted(range(-6, 7), key=lambda k: (abs(k), k < 0))
        return next(
            self.day + timedelta(days=k) for k in offsets if (self.day + timedelta(days=k)).weekday() == weekday
        )

    # -- blocks ----------------------------------------------------------------------

    def read(self, blocks: list[Block]) -> list[Draft]:
        for index, block in enumerate(blocks):
            self.block_index = index
            self.in_item = block.in_item
            if block.kind == "heading":
                self.read_heading(block)
            elif block.kind == "row":
                self.read_row(block)
            else:
                self.read_paragraph(block)
        self.close()
        return self.drafts

    def read_heading(self, block: Block) -> None:
        line = block.lines[0]
        self.close()
        when = self.when_in(line.text)
        if when is not None and when.start is not None:
            title, url, _ = title_in_line(line, when, heading=True)
            if title:
                draft = self.start(Draft(title, line.number, url))
                self.attach_when(draft, when, line.number)
                return
        if self.read_day_line(line, heading=True):
            self.section = None
            return
        title, url = heading_title(line)
        self.section = _Section(title, url, line.number, self.track) if title else None
        if block.level <= 2:
            self.track = title or None

    def read_day_line(self, line: Line, heading: bool = False) -> bool:
        """A heading or a short line that names a day (`## Wednesday, May 22`, `**Monday
        Nov 10th**`, `Wednesday 21:`, `### Day 1: October 19th 2021`): the day of what follows."""
        dates = self.dates_in(line.text)
        number = _DAY_NUMBER.search(line.text)
        if not dates:
            if heading and number and int(number.group("n")) in self.numbered_days:
                self.day = self.numbered_days[int(number.group("n"))]
                return True
            return False
        rest = without(line.text, [(d.start, d.end) for d in dates])
        rest = without(rest, [s.span() for s in _DAY_NUMBER.finditer(rest)])
        for link in line.links():
            if GENERIC_LINK.match(link.text):
                rest = rest.replace(link.text, " ")
        if not heading and len(rest.strip(EDGE + " .!")) > 20:
            return False
        if heading and len(rest.strip(EDGE)) > 40:
            return False
        day = self.resolve_day(dates[0].parts, line.number)
        if day is not None:
            self.day = day
            if number:
                self.numbered_days[int(number.group("n"))] = day
        self.close()
        return True

    # -- table rows ---------------------------------------------------------------------

    def read_row(self, block: Block) -> None:
        self.close()
        self.section = None
        roles = column_roles(block.header)
        cells = list(block.cells)
        # `| Start | End |` columns read as one range; `| Date | Time |` as a date and a time.
        when_cells = [cells[i].text.strip() for i, role in roles.items() if role == "when" and i < len(cells)]
        clocks_only = len(when_cells) == 2 and all(_BARE_CLOCK.fullmatch(text) for text in when_cells)
        time_text = " - ".join(when_cells) if clocks_only else " ".join(when_cells)
        when = find_when(time_text) if time_text else None
        if when is None:
            for cell in cells:
                when = find_when(cell.text)
                if when is not None:
                    break
        if when is None or (when.start is None and not when.all_day):
            return
        title_cell = cell_with_role(cells, roles, "title") or first_title_cell(cells, when)
        if title_cell is None or not title_cell.text.strip():
            return
        links = [s for s in title_cell.links() if not GENERIC_LINK.match(s.text)]
        title = links[0].text if len(links) == 1 and len(links[0].text) >= len(title_cell.text) - 2 else title_cell.text
        url = links[0].url if links else None
        if url is None:
            link_cell = cell_with_role(cells, roles, "link")
            url = link_cell.links()[0].url if link_cell is not None and link_cell.links() else None
        draft = self.start(Draft(title.strip(), block.line, url))
        zone = header_zone(block.header)
        if zone and when.zone is None:
            when = replace(when, zone=zone)
        self.attach_when(draft, when, block.line)
        speakers = cell_with_role(cells, roles, "speakers")
        if speakers is not None and speakers.text.strip():
            draft.speakers_text, draft.names_list = speakers.text, True
        room = cell_with_role(cells, roles, "room")
        if room is not None and room.text.strip():
            draft.room = room.text.strip()
        self.close()

    # -- paragraphs ----------------------------------------------------------------------

    def read_paragraph(self, block: Block) -> None:
        if self.open is not None and self.open.in_item and not block.in_item:
            self.close()  # the talk was a list item; this is the post going on
        for position, line in enumerate(block.lines):
            if self.skip_block == self.block_index:
                return
            self.read_line(block, position, line)

    def read_line(self, block: Block, position: int, line: Line) -> None:
        self.line_text = line.text
        draft = self.open
        same_block = draft is not None and draft.block == self.block_index
        people_line = position > 0 or same_block  # a new paragraph of one bold link is a title
        if (
            people_line
            and draft is not None
            and draft.title
            and not draft.weak
            and not draft.speaker_names
            and only_people(line)
            and _room_at_most(draft)
        ):
            if draft.abstract:  # `*Ballroom A*` above the people: the room
                draft.room = draft.room or draft.abstract.pop().text
            draft.speaker_names = tuple(s.text.strip() for s in line.links())  # `**[Ada](u) & [Bob](u)**`
            return
        label = labelled_field(line)
        if label is not None:
            self.read_field(line, *label)
            return
        when = self.when_in(line.text)
        if when is not None and (when.start is not None or when.all_day):
            if self.read_timed_line(block, position, line, when):
                return
        elif self.read_day_line(line):
            self.section = None
            return
        title = title_line(line, block, position)
        if title is not None and wrapped_prose(block, position):
            title = None
        if title is None and draft is not None and same_block and draft.weak and draft.when is not None:
            link = next((s for s in title_spans(line) if s.kind == "link"), None)
            if link is not None:
                # `**1:00 pm**: Alex Leong will give a hands-on workshop on [Title](url)`
                draft.prose_lead = " ".join([draft.title, line.text[: link.start]])
                draft.title, draft.url, draft.weak = link.text, link.url, False
                return
        if title is not None:
            self.read_title(line, *title)
            return
        if draft is None:
            if self.section is not None:
                self.section.lines.append(line)
            self.note_prose_date(line)
            return
        if same_block and draft.weak and draft.when is not None and draft.url is None:
            draft.title = f"{draft.title} {line.text}".strip()  # the sentence goes on; its link may follow
            return
        by_line = _SPEAKERS_LINE.match(line.text)
        if by_line and line.text[:2].lower() == "by" and not draft.abstract and not draft.speakers_text:
            draft.speakers_text = by_line.group("names")  # `by Ada Lovelace, Example` under the talk
            return
        if same_block and self.read_speakers_line(draft, block, position, line):
            return
        if block.quote and not draft.speakers_text and not draft.abstract:
            draft.speakers_text = line.text
            return
        draft.abstract.append(line)

    def read_title(self, line: Line, title: str, url: str | None) -> None:
        draft = self.open
        # `[**Maintainer track**](u)` then the talk's own name linking to the same page,
        # or a time line that opened the block with only prose after it.
        same_block = draft is not None and draft.block == self.block_index
        if same_block and (draft.weak or (url and url == draft.url and draft.when is not None)):
            if not draft.weak:
                draft.track = draft.title
            if draft.weak and draft.when is not None:
                draft.prose_lead = draft.title
            draft.title, draft.url, draft.weak = title, url, False
            return
        self.section = None
        new = self.start(Draft(title, line.number, url))
        tail = line.text[line.text.find(title) + len(title) :].strip(" *_")
        if tail.startswith(("(", "- ", "– ", "— ")):
            new.speakers_text = tail.lstrip("-–— ")

    def read_timed_line(self, block: Block, position: int, line: Line, when: When) -> bool:
        """A line with a time: its own talk, the time of the open one, or prose."""
        text = line.text
        before = text[: when.span[0]].strip(EDGE)
        after = text[when.span[1] :].strip(EDGE)
        draft = self.open
        same_block = draft is not None and draft.block == self.block_index
        title, url, rest = title_in_line(line, when)
        entry = agenda_entry(line, when)
        if entry is not None:
            title, url, people = entry
        at_start = all(char in _SYMBOLS for char in before) or before == title or only_label(before)
        structured = at_start or not after or starts_with_title(line) or after_is_detail(text, when)
        if structured and not at_start and sentence_between(line, when):
            structured = False  # `**Submissions close** on Friday, March 8 at 11:59pm`
        if structured and _continues_a_sentence(block, position):
            structured = False  # `…kiosk P-14, Wednesday through Friday,` / `10:30 AM–4:00 PM. See you!`
        if not structured:
            return False  # a time in the middle of a sentence
        if when.problem:
            self.error(line.number, when.problem)
            return True
        if title:
            if draft is not None and draft.when is None and same_block and draft.url and draft.url == url:
                self.attach_when(draft, when, line.number)
                return True
            self.section = None
            new = self.start(Draft(title, line.number, url))
            self.attach_when(new, when, line.number)
            if entry is not None:
                new.speaker_names = people
            else:
                _line_extras(new, line, when, title)
            return True
        next_item = draft is not None and draft.in_item and block.item_start and not same_block
        if draft is not None and draft.when is None and not next_item:
            self.attach_when(draft, when, line.number)
            _time_line_prefix(draft, text, when)
            return True
        if self.section is not None:
            new = self.take_section()
            if new is not None:
                self.attach_when(new, when, line.number)
                _time_line_prefix(new, text, when)
            return True
        if at_start and rest:
            new = self.start(Draft(rest, line.number, None, weak=True))
            self.attach_when(new, when, line.number)
            return True
        if at_start and (block.item_start or position == 0) and not after:
            new = self.start(Draft("", line.number, None, weak=True))
            self.attach_when(new, when, line.number)
            return True
        return False

    def read_field(self, line: Line, kind: str, value: str, value_line: Line, label: str) -> None:
        draft = self.open
        if kind == "when":
            when = find_when(value)
            if when is None or (when.start is None and not when.all_day):
                dates = find_dates(value)
                if dates and len(dates) == 1:
                    target = draft if draft is not None else self.take_section()
                    if target is not None and target.when is None:
                        target.day = self.resolve_day(dates[0].parts, line.number)
                        target.day_line = line.number
                return
            if draft is None or draft.when is not None:
                draft = self.take_section() if self.section is not None else None
            if draft is None:
                return
            day = draft.day
            self.attach_when(draft, when, line.number)
            if when.date is None and day is not None:
                draft.day = day
            return
        if draft is None and kind in ("speakers", "room") and self.section is not None:
            draft = self.take_section()  # `**Speaker:**` before `**When:**` under a heading
        if draft is None and kind == "abstract" and self.drafts:
            draft = self.drafts[-1]  # `**Abstract:**` under a talk written as a list item
        if draft is None:
            return
        if kind == "speakers":
            names = [s.text for s in value_line.links() if looks_like_name(s.text)]
            draft.speakers_text = value
            draft.names_list = label.endswith("s")
            if names and len(names) == len(value_line.links()):
                draft.speaker_names = tuple(names)
        elif kind == "room":
            draft.room = value.strip()
        elif kind == "abstract":
            draft.abstract.append(value_line)
        elif kind == "track" and value.strip():
            draft.track = value.strip()

    def read_speakers_line(self, draft: Draft, block: Block, position: int, line: Line) -> bool:
        """Speakers on a line of their own just under the title."""
        text = line.text
        if draft.abstract:
            return False
        folded_title = draft.title.casefold()
        if folded_title and text.casefold().startswith(folded_title) and len(text) > len(draft.title) + 3:
            rest = text[len(draft.title) :].strip(EDGE)
            draft.speakers_text = draft.speakers_text or rest
            return True
        people = [s.text for s in line.links() if looks_like_name(HANDLE.sub("", s.text).strip())]
        if people and len(people) >= len(line.links()) and len(people) * 4 >= len(text.split()) // 3:
            draft.speaker_names = draft.speaker_names or tuple(people)
            return True
        dashed = _SPEAKERS_LINE.match(text)
        if dashed and not draft.speakers_text:
            rest = [dashed.group("names")] + [later.text for later in block.lines[position + 1 :]]
            draft.speakers_text = HANDLE.sub("", " ".join(rest))
            self.skip_block = self.block_index
            return True
        if (
            not draft.speakers_text
            and len(text) < 120
            and not text.endswith((".", "!", "?"))
            and (block.lines[0] is not line or block.in_item)
        ):
            draft.speakers_text = text
            return True
        return False

    def note_prose_date(self, line: Line) -> None:
        """A sentence naming a weekday and a date sets the day of times that follow."""
        for found in self.dates_in(line.text):
            if found.parts.weekday is not None and found.parts.month:
                with contextlib.suppress(LineError):  # running text's dates are not ours to judge
                    self.day = self.resolve(found.parts)
                return


def _room_at_most(draft: Draft) -> bool:
    """Nothing but a short room line has come under the talk yet."""
    if not draft.abstract:
        return True
    only = draft.abstract[0].text
    return len(draft.abstract) == 1 and len(only) < 60 and not only.endswith((".", "!", "?"))


def _line_extras(draft: Draft, line: Line, when: When, title: str) -> None:
    """Speakers, track and room written beside the title on its time line."""
    text = line.text
    title_at = text.find(title)
    title_end = title_at + len(title) if title_at >= 0 else 0
    if title_at > when.span[1]:
        between = text[when.span[1] : title_at].strip(EDGE + '"“”')
        if between and len(between) <= 40:
            draft.track = between
        rest = text[title_end:].strip(EDGE)
    elif title_end <= when.span[0]:
        rest = text[title_end : when.span[0]].strip(EDGE)
        after = text[when.span[1] :].strip(EDGE)
        if after and not GENERIC_LINK.match(after) and len(after) <= 60:
            draft.room = after
    else:
        rest = ""
    if "//" in text[when.span[1] :]:
        draft.room = text[when.span[1] :].strip(" /") or None
    if " · " in rest:  # `**Title** — Ada Lovelace · UB4.136`: the room after the people
        rest, room = rest.split(" · ", 1)
        draft.room = draft.room or room.strip() or None
    names_follow = bool(rest) and (looks_like_name(rest) or parse_speakers(rest) is not None)
    if (rest and draft.url is not None) or (rest and text[:title_end].strip(EDGE) == title) or names_follow:
        lead = HANDLE.sub("", rest)
        if len(lead) <= 200:
            draft.speakers_text = lead
    if title_at > 0 and not draft.speakers_text:
        draft.prose_lead = text[when.span[1] : title_at].strip(EDGE)


def _time_line_prefix(draft: Draft, text: str, when: When) -> None:
    """`*Name, Org | 13:35 - 14:00*`: speakers; `Track - Monday, …`: a track."""
    before = text[: when.span[0]]
    if "|" in before:
        speakers = before.rsplit("|", 1)[0].strip(EDGE)
        if speakers:
            draft.speakers_text = draft.speakers_text or speakers
    elif re.search(r"\s[-–—]\s*$", before) and when.date is not None:
        track = before.strip(EDGE)
        if track and len(track) <= 80:
            draft.track = track


# What may stand before a time that opens its line: separators, arrows and symbols, clock
# emoji. A set, looked up per character: `str.strip` would scan all 10,000 on every line.
_SYMBOLS = frozenset(EDGE + "".join(chr(c) for c in range(0x2190, 0x2C00)) + "🕐🕑🕒🕓🕔🕕🕖🕗🕘🕙🕚🕛⏰📅🗓️🎤👉➡️•◦▪️")


def _continues_a_sentence(block: Block, position: int) -> bool:
    """A line that a soft break joins to a line of prose ending mid-sentence."""
    if position == 0 or not block.lines[position].soft:
        return False
    previous_line = block.lines[position - 1]
    if starts_with_title(previous_line):
        return False  # a title line, then its time
    previous = previous_line.text
    return len(previous.split()) > 6 and (previous[-1:].isalnum() or previous.endswith(","))


_BARE_CLOCK = re.compile(r"\d{1,2}(?:[:.h]\d\d)?\s*(?:[aApP]\.?[mM]\.?)?")


def read_talks(blocks: list[Block], resolve: DayResolver, path: str, errors: list[Problem]) -> list[Draft]:
    """The drafts of talks in `blocks`; date problems go to `errors`."""
    return _Reader(resolve, errors, path).read(blocks)
