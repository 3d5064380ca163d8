"""The schedule model: immutable sessions and the look-ups every feature needs.

Pure: no I/O. Datetimes are always zone-aware, in the venue's zone.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from .text import fold


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    affiliation: str | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "affiliation": self.affiliation}


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    title: str
    start: datetime
    end: datetime
    speakers: tuple[Speaker, ...] = ()
    track: str | None = None
    url: str | None = None
    abstract: str = ""
    location: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError(f"session {self.id}: datetimes must be zone-aware")
        if self.end < self.start:
            raise ValueError(f"session {self.id}: ends before it starts")

    @property
    def day(self) -> date:
        return self.start.date()

    def overlaps(self, other: Session) -> bool:
        """True when the two share any time; touching end-to-start does not count."""
        return self.start < other.end and other.start < self.end

    def is_running(self, now: datetime) -> bool:
        return self.start <= now < self.end

    def as_dict(self) -> dict:
        """The contract's session object (`check --json`)."""
        return {
            "id": self.id,
            "title": self.title,
            "speakers": [s.as_dict() for s in self.speakers],
            "track": self.track,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "url": self.url,
            "abstract": self.abstract,
            "location": self.location,
        }


@dataclass(frozen=True)
class Schedule:
    """Sessions in time order (start, then end, then title) with look-ups."""

    sessions: tuple[Session, ...]
    zone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    source: str = ""
    title: str = ""
    _by_id: dict[str, Session] = field(init=False, repr=False, compare=False)
    _starts: list[datetime] = field(init=False, repr=False, compare=False)
    _by_day: dict[date, list[Session]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.sessions, key=lambda s: (s.start, s.end, s.title)))
        by_id: dict[str, Session] = {}
        for session in ordered:
            key = session.id.casefold()
            if key in by_id:
                raise ValueError(f"duplicate session id {session.id!r}")
            by_id[key] = session
        object.__setattr__(self, "sessions", ordered)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_starts", [s.start for s in ordered])
        by_day: dict[date, list[Session]] = {}
        for session in ordered:  # once: every answer that names the days asks for them
            by_day.setdefault(session.day, []).append(session)
        object.__setattr__(self, "_by_day", by_day)

    def __len__(self) -> int:
        return len(self.sessions)

    def __iter__(self) -> Iterator[Session]:
        return iter(self.sessions)

    def get(self, session_id: str) -> Session | None:
        """Look a session up by id, ignoring case and surrounding spaces."""
        return self._by_id.get(session_id.strip().casefold())

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sessions]

    @property
    def days(self) -> list[date]:
        """The conference's days (those with at least one session), in order."""
        return sorted(self._by_day)

    @property
    def tracks(self) -> list[str]:
        return sorted({s.track for s in self.sessions if s.track}, key=fold)

    def on_day(self, day: date) -> list[Session]:
        return list(self._by_day.get(day, ()))

    def in_track(self, name: str) -> list[Session]:
        """Sessions whose track equals `name` (any case), else contains it."""
        wanted = fold(name)
        exact = [s for s in self.sessions if s.track and fold(s.track) == wanted]
        if exact:
            return exact
        return [s for s in self.sessions if s.track and wanted in fold(s.track)]

    def by_speaker(self, name: str) -> list[Session]:
        """Sessions with a speaker whose full name, or one of whose names, matches."""
        wanted = fold(name)
        if not wanted:
            return []

        def matches(speaker: Speaker) -> bool:
            full = fold(speaker.name)
            return full == wanted or wanted in full.split() or (" " in wanted and wanted in full)

        return [s for s in self.sessions if any(matches(p) for p in s.speakers)]

    def overlapping(self, session: Session, among: Iterable[Session] | None = None) -> list[Session]:
        """Other sessions (from `among`, default all) that share time with `session`."""
        pool = self.sessions if among is None else among
        return [s for s in pool if s.id != session.id and s.overlaps(session)]

    def running_at(self, moment: datetime) -> list[Session]:
        end = bisect.bisect_right(self._starts, moment)
        return [s for s in self.sessions[:end] if s.is_running(moment)]

    def starting_after(self, moment: datetime) -> list[Session]:
        """Sessions that start strictly after `moment`, in time order."""
        return list(self.sessions[bisect.bisect_right(self._starts, moment) :])

    def next_start(self, moment: datetime) -> list[Session]:
        """The sessions that share the first start time after `moment`."""
        upcoming = self.starting_after(moment)
        if not upcoming:
            return []
        first = upcoming[0].start
        return [s for s in upcoming if s.start == first]
