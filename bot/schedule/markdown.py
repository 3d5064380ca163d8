"""The Markdown loader: a talk-list post (front matter + Markdown) to a Schedule.

The post is parsed as Markdown (`document.py`), talks are found by evidence
(`reader.py`), and here each draft becomes a session: its day and times in the venue
zone, its speakers, its id. What cannot be a session is said, never guessed: a talk
with no time is a warning; a booth, a party or an "All Day" is a warning; an unreadable
time or a wrong weekday is an error at its line.

Longer than most modules on purpose: drafts become sessions here, with all the rules that
keep a session honest (ends, zones, duplicates, speakers) side by side.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo

from bot.words import plural

from .clocks import When
from .document import Line, MarkdownFailure, parse_blocks
from .front_matter import date_resolver, post_dates, split_post
from .ids import IdAllocator
from .model import Schedule, Session, Speaker
from .problems import LineError, Problem, ScheduleError
from .reader import Draft, read_talks
from .speakers import HANDLE, FoldedNames, Knowledge, looks_like_name, names_in, normalised, parse_speakers, split_title
from .timelines import localize
from .zones import check_abbreviation, venue_zone

DEFAULT_LENGTH = timedelta(minutes=30)
# What people list beside talks but nobody subscribes to as one.
_NOT_A_TALK = re.compile(
    r"\b(?:booth|kiosk|pavilion|party|parties|happy hour|office hours|showcase hours|reception|"
    r"lunch|breakfast|dinner|(?:tea|coffee|networking) break|group photo|after-?party|expo hall|coffee|stand|"
    r"pause|déjeuner|mittagspause|kaffeepause|apéro|stammtisch)\b"
    r"|^break\b|\bbreak/|/break\b",
    re.IGNORECASE,
)
_AUTHOR = re.compile(r"^Author:\s*(?P<names>[^|]+)", re.IGNORECASE)


def load_markdown(
    path: str, text: str, default_zone: str | None = None, today: date | None = None
) -> tuple[Schedule, list[Problem]]:
    """Parse a Markdown schedule. Returns the schedule and its warnings; raises
    ScheduleError listing every `path:line` problem when it cannot be used. `today`
    (default: the clock's) only matters for a post that names no year anywhere."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    post = split_post(path, text)
    zone, zone_named = _venue_zone(path, text, post.metadata, default_zone, errors, warnings)
    dates, guessed = post_dates(path, post, warnings)
    try:
        blocks = parse_blocks(post.body, post.body_line)
    except MarkdownFailure as problem:
        raise ScheduleError([Problem(path, post.body_line, f"the Markdown parser failed: {problem}")]) from None
    if not dates:
        warnings.append(Problem(path, 1, "no year anywhere: dates take the latest year in which their weekday fits"))
    # Only a post with no real date of its own needs today's year (a guess from the text may not fit).
    resolver = date_resolver(dates, (today or date.today()) if guessed else None)
    drafts = read_talks(blocks, resolver, path, errors)
    authors = [name for b in blocks for line in b.lines for name in _authors(line.text)]
    sessions = _sessions(path, drafts, authors, zone, zone_named, errors, warnings)
    if not sessions and not errors:
        untimed = sum(1 for w in warnings if "no date/time" in w.message)
        detail = f" ({plural(untimed, 'talk')} without one)" if untimed else ""
        errors.append(Problem(path, post.body_line, f"no session with a date and time found{detail}"))
    if errors:
        raise ScheduleError(errors, warnings)
    title = str(post.metadata.get("title") or "").strip()
    return Schedule(tuple(sessions), zone, source=path, title=title), sorted(warnings, key=lambda w: w.line)


def _authors(text: str) -> list[str]:
    found = _AUTHOR.match(text)
    return names_in(found.group("names")) if found else []


def _venue_zone(
    path: str, text: str, metadata: dict, default_zone: str | None, errors: list[Problem], warnings: list[Problem]
) -> tuple[tzinfo, bool]:
    named = str(metadata.get("timezone") or metadata.get("time_zone") or "") or None
    line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.startswith(("timezone", "time_zone"))), 1)
    zone = venue_zone(path, named, line, default_zone, "no `timezone:` in the front matter", errors, warnings)
    return zone, bool(named or default_zone)


def _sessions(
    path: str,
    drafts: list[Draft],
    authors: list[str],
    zone: tzinfo,
    zone_named: bool,
    errors: list[Problem],
    warnings: list[Problem],
) -> list[Session]:
    starts = {
        id(draft): localize(draft.day, draft.when.start, zone)
        for draft in drafts
        if draft.when is not None and draft.when.start is not None and draft.day is not None
    }
    # Whatever has a start bounds the talk before it, breaks and lunches included.
    boundaries = _starts_by_day_and_track(drafts, starts)
    timed = [d for d in drafts if _is_session(path, d, warnings)]
    known_people = _people_named(timed, authors)
    placed = []
    for draft in timed:
        start = starts[id(draft)]
        try:
            if draft.when.zone:
                slip = check_abbreviation(draft.when.zone, start, zone, zone_named)
                if slip:
                    warnings.append(Problem(path, draft.when_line, slip))
        except LineError as problem:
            errors.append(Problem(path, draft.when_line, str(problem)))
            continue
        placed.append((draft, start))
    ends = _ends(path, placed, boundaries, zone, warnings)
    ids = IdAllocator()
    sessions: dict[tuple[str, datetime], Session] = {}
    for (draft, start), end in zip(placed, ends, strict=True):
        if end < start:  # a clock change can turn a range around
            errors.append(Problem(path, draft.when_line, f"ends ({end:%H:%M}) before it starts ({start:%H:%M})"))
            continue
        title, speakers = _title_and_speakers(draft, known_people)
        key = (" ".join(title.casefold().split()), start)
        if key in sessions:
            sessions[key] = _merged(sessions[key], speakers, draft)
            continue
        own_id = draft.url[1:] if draft.url and draft.url.startswith("#") else None
        session_id = ids.allocate(title, draft.url, salt=start.isoformat(), preferred=own_id)
        sessions[key] = Session(
            id=session_id,
            title=title,
            start=start,
            end=end,
            speakers=speakers,
            track=draft.track,
            url=None if own_id else draft.url,
            abstract=_abstract(draft.abstract),
            location=draft.room,
        )
    return list(sessions.values())


def _is_session(path: str, draft: Draft, warnings: list[Problem]) -> bool:
    title = draft.title
    if not title:
        if draft.when is not None:
            warnings.append(Problem(path, draft.when_line, "a time with no talk beside it"))
        return False
    if draft.when is None:
        if not draft.weak and _looks_like_a_talk(draft):
            warnings.append(Problem(path, draft.line, f'no date/time for "{split_title(title)[0]}"'))
        return False
    if draft.when.all_day:
        warnings.append(Problem(path, draft.when_line, f'"{title}" runs all day: not a session'))
        return False
    if _NOT_A_TALK.search(title) and not _named_speakers(draft):
        warnings.append(Problem(path, draft.line, f'"{title}" is not a talk (a booth, a break or a social)'))
        return False
    if draft.day is None:
        warnings.append(Problem(path, draft.when_line, f'no date/time for "{title}": a time with no day'))
        return False
    return True


def _named_speakers(draft: Draft) -> bool:
    """Someone is named as giving it: "No Free Lunch: …" with a speaker is a talk."""
    return bool(draft.speaker_names or (draft.speakers_text and parse_speakers(draft.speakers_text)))


_EVENT_PAGE = re.compile(r"sched\.(?:co|com)|/events?/|/talks?/|/sessions?/|pretalx|youtu", re.IGNORECASE)


def _looks_like_a_talk(draft: Draft) -> bool:
    """Whether an untimed title is worth a warning: it has speakers, an abstract or a
    talk's page; a list of plain links ("Conference website") is not a programme."""
    has_speakers = draft.speakers_text or draft.speaker_names or split_title(draft.title)[1]
    return bool(has_speakers or draft.abstract or (draft.url and _EVENT_PAGE.search(draft.url)))


def _starts_by_day_and_track(drafts: list[Draft], starts: dict[int, datetime]) -> dict[tuple, list[datetime]]:
    grouped: dict[tuple, list[datetime]] = {}
    for draft in drafts:
        if id(draft) in starts:
            start = starts[id(draft)]
            grouped.setdefault((start.date(), draft.track), []).append(start)
    return {key: sorted(set(values)) for key, values in grouped.items()}


def _ends(
    path: str,
    placed: list[tuple[Draft, datetime]],
    boundaries: dict[tuple, list[datetime]],
    zone: tzinfo,
    warnings: list[Problem],
) -> list[datetime]:
    """Each talk's end: as written; for a start-only time, the next start of the same day
    and track (a break's too), else DEFAULT_LENGTH (with a warning naming the line)."""
    ends = []
    for draft, start in placed:
        when: When = draft.when
        if when.end is not None:
            end_day = draft.day + timedelta(days=1) if when.overnight else draft.day
            ends.append(localize(end_day, when.end, zone))
            continue
        starts = boundaries.get((start.date(), draft.track), [])
        index = bisect.bisect_right(starts, start)
        later = starts[index:]
        end = later[0] if later else start + DEFAULT_LENGTH
        minutes = int((end - start).total_seconds() // 60)
        reason = "the next talk's start" if later else "the default length"
        warnings.append(
            Problem(path, draft.when_line, f'"{draft.title}" gives no end: {plural(minutes, "minute")} ({reason})')
        )
        ends.append(end)
    return ends


def _merged(session: Session, speakers: tuple[Speaker, ...], draft: Draft) -> Session:
    """The same talk listed twice (an agenda table, then a section per talk): one session
    with what each listing adds."""
    return replace(
        session,
        speakers=session.speakers or speakers,
        abstract=session.abstract or _abstract(draft.abstract),
        url=session.url or draft.url,
        location=session.location or draft.room,
    )


_STRAY_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")


def _abstract(lines: list[Line]) -> str:
    """Plain text; emphasis marks that the parser left as text (`**.**`) go too."""
    text = "\n".join(line.text.strip() for line in lines).strip()
    return _STRAY_EMPHASIS.sub("", text) if ("*" in text or "_" in text) else text


def _people_named(drafts: list[Draft], authors: list[str]) -> FoldedNames:
    """Everyone the document plainly names as a person: authors, and the speakers of
    talks whose speaker list reads the same with or without this knowledge."""
    people = list(authors)
    for draft in drafts:
        people.extend(names_in(draft.speakers_text or ""))
        people.extend(draft.speaker_names)
        probe = Knowledge()
        draft.unaided_split = split_title(draft.title, probe)
        draft.asked = frozenset(probe.asked)
        people.extend(speaker.name for speaker in draft.unaided_split[1])
    return FoldedNames.of(people)


def _title_and_speakers(draft: Draft, known_people: FoldedNames) -> tuple[str, tuple[Speaker, ...]]:
    if draft.speaker_names:
        return draft.title, tuple(Speaker(name) for name in draft.speaker_names)
    if draft.speakers_text:
        speakers = _listed_people(draft) or parse_speakers(normalised(draft.speakers_text), known_people)
        if speakers:
            title, in_title = _split(draft, known_people)
            return (title if in_title else draft.title), speakers
    title, speakers = _split(draft, known_people)
    if not speakers and draft.weak:
        title, speakers = _agenda_tail(title)
    if not speakers and draft.prose_lead:
        speakers = _people_in_prose(draft.prose_lead)
    if not speakers and draft.abstract:
        speakers = _people_in_prose(draft.abstract[0].text, lead_only=True) or _linked_people(draft.abstract, title)
    return title.rstrip(" ,;"), speakers


_PEOPLE_SPLIT = re.compile(r"\s*(?:,|&|;|\band\b)\s*")


def _listed_people(draft: Draft) -> tuple[Speaker, ...]:
    """A "Speakers:" field or column of full names only: each item is a person."""
    if not draft.names_list:
        return ()
    items = [item for item in _PEOPLE_SPLIT.split(normalised(draft.speakers_text or "")) if item]
    if len(items) >= 2 and all(len(item.split()) >= 2 and looks_like_name(item) for item in items):
        return tuple(Speaker(item) for item in items)
    return ()


_ORGANISED_BY = re.compile(r"\borgani[sz]ed by\s*$", re.IGNORECASE)
_LINK_GLUE = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)$")


def _linked_people(lines: list[Line], title: str) -> tuple[Speaker, ...]:
    """ "with [Scott](…), [Robert](…), and [Ingy](…)": a run of links to people in the
    abstract, joined by commas and "and" (a plain name between them counts too), names
    the speakers; not the organisers of an "organized by" nor a link to the event itself."""
    for line in lines:
        run: list[str] = []
        previous_end = 0
        for span in line.links():
            name = span.text.strip()
            if not looks_like_name(name) or name.casefold() in title.casefold():
                if run:
                    break
                continue
            if run:
                between = _names_between(line.text[previous_end : span.start])
                if between is None:
                    break
                run.extend(between)
            elif _ORGANISED_BY.search(line.text[: span.start]):
                break
            run.append(name)
            previous_end = span.end
        if run:
            return tuple(Speaker(name) for name in run)
    return ()


def _names_between(glue: str) -> list[str] | None:
    """`, ` or `, and ` between two linked names; `, Jules, ` holds a name of its own."""
    if _LINK_GLUE.match(glue):
        return []
    names = [piece.strip() for piece in re.split(r",|\band\b|&", glue) if piece.strip()]
    if names and glue.strip().startswith(",") and all(looks_like_name(name) for name in names):
        return names
    return None


_TAIL_DASH = re.compile(r"\s+[—–-]\s+(?P<tail>[^—–]+)$")
_TAIL_LEAD = re.compile(
    r"^(?:(?:facilitated|presented|hosted|moderated|animée?|présentée?)\s+)?(?:by|par|von|mit|avec|with)\s+", re.I
)
_TAIL_ROOM = re.compile(r"\s+[·|•]\s+.*$")


def _agenda_tail(title: str) -> tuple[str, tuple[Speaker, ...]]:
    """`Ignite: My Homelab Runs on Spite — Tomás Ortega`, `… — facilitated by Jane Doe`,
    `… — par Claire Dubois (Ville de Rezé)`, `… — Name · Room`: on an agenda line that opened
    with its time, the last dashed part names the people when it reads as names."""
    found = _TAIL_DASH.search(title)
    if found is None:
        return title, ()
    tail = _TAIL_ROOM.sub("", found.group("tail")).strip()
    tail = _TAIL_LEAD.sub("", tail)
    speakers = parse_speakers(tail)
    if not speakers:
        names = [n.strip() for n in re.split(r",|&|\bet\b|\bund\b|\band\b", tail) if n.strip()]
        if names and all(looks_like_name(n) and len(n.split()) >= 2 for n in names):
            speakers = tuple(Speaker(n) for n in names)
    if not speakers:
        return title, ()
    return title[: found.start()].strip(), speakers


def _split(draft: Draft, known_people: FoldedNames) -> tuple[str, tuple[Speaker, ...]]:
    if draft.unaided_split is not None and not draft.asked & known_people:
        return draft.unaided_split  # the document knows none of the names that reading asked about
    return split_title(draft.title, known_people)


_VERB = re.compile(
    r"\s(?:will|share|shares|as they|as he|as she|to discuss|present|presents|talk|talks|speak|speaks|join|joins)\s"
)
_CHUNKS = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
_CAPITALISED_RUN = re.compile(r"((?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w.'’-]*)$")


def _people_in_prose(text: str, lead_only: bool = False) -> tuple[Speaker, ...]:
    """ "Alex Leong (@adleong), Linkerd core maintainer, will give …", "Ori Zohar and Simon
    Jones will discuss …": the people a sentence opens with."""
    will = _VERB.search(text)
    if will is None and lead_only:
        return ()
    lead = HANDLE.sub("", text[: will.start()] if will else text)
    if len(lead) > 200:
        return ()
    names = []
    for chunk in _CHUNKS.split(lead):
        run = _CAPITALISED_RUN.search(chunk.strip(" .,;:"))
        if run and len(run.group(1).split()) >= 2 and looks_like_name(run.group(1)):
            names.append(run.group(1))
    return tuple(Speaker(name) for name in dict.fromkeys(names))
