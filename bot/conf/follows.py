"""Standing subscriptions: what a follow covers, and putting follows into effect.

A follow covers what its look-up finds: a track as `/conf track` finds it, a speaker as
`/conf speaker` does, words as `/conf search` does (every match, not only the first
screen). Each follower is subscribed to the sessions their follows cover, once per
session, so an unsubscribe lasts. The follow handlers and the reloader (for sessions
that appear or move) both use it; after a reload each person is told once, in one
message, what their follows added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.reminders.ledger import Ledger
from bot.schedule.current import CurrentSchedule, Loaded
from bot.schedule.model import Session
from bot.store.database import Store

NAMED_KINDS = ("track", "speaker")  # a follow of these needs a name the schedule knows
_KIND_WORDS = {"track": "track", "tracks": "track", "speaker": "speaker", "speakers": "speaker"}


@dataclass(frozen=True)
class Follow:
    kind: str  # "track", "speaker" or "text"
    value: str  # the name or the words; "" for a track or speaker not named yet


def parse_follow(argument: str) -> Follow | None:
    """`track Security`, `speaker liz rice` or any words; `track` alone is a track not
    named yet (the answer lists the tracks), never the word "track". None if empty."""
    text = " ".join(argument.split())
    if not text:
        return None
    first, _, rest = text.partition(" ")
    kind = _KIND_WORDS.get(first.casefold())
    if kind is not None:
        return Follow(kind, rest)
    return Follow("text", text)


def covered(loaded: Loaded, kind: str, value: str) -> list[Session]:
    """The sessions a follow covers, in time order. Words go through the search index
    with search's own rules (typos, prefixes, every word when some session has them
    all), so a follow covers exactly what `/conf search` finds."""
    if kind == "track":
        return loaded.schedule.in_track(value)
    if kind == "speaker":
        return loaded.schedule.by_speaker(value)
    found = {hit.session.id for hit in loaded.index.search(value)}  # all hits, not a screenful
    return [s for s in loaded.schedule if s.id in found]


def known_names(loaded: Loaded, kind: str) -> list[str]:
    """The tracks, or the speakers, of the schedule, alphabetically."""
    if kind == "track":
        return loaded.schedule.tracks
    return sorted({p.name for s in loaded.schedule for p in s.speakers}, key=str.casefold)


def closest_first(value: str, names: list[str]) -> list[str]:
    """`names`, those most like `value` first (a typo, a part of the name)."""
    if not names:
        return []
    ranked = process.extract(value, names, scorer=fuzz.WRatio, limit=len(names))
    return [name for name, _, _ in sorted(ranked, key=lambda match: (-match[1], match[2]))]


Told = Callable[[str, list[Session]], None]  # (person, sessions their follows added)


@dataclass
class Follows:
    catalog: CurrentSchedule
    store: Store
    ledger: Ledger
    now: Callable[[], datetime]  # the bot's clock: what is over is not news
    told: Told = lambda user_id, sessions: None  # the edge DMs the person

    def apply(self, user_id: str | None = None, among: list[Session] | None = None) -> dict[str, list[Session]]:
        """Subscribe followers (one, or everyone) to the sessions their follows cover,
        among `among` (default: all). Returns the sessions newly subscribed, per person;
        a session offered once is never offered again, so nobody hears of it twice."""
        loaded = self.catalog.current
        wanted = None if among is None else {s.id for s in among}
        if wanted is not None and not wanted:
            return {}
        by_follow: dict[tuple[str, str], list[Session]] = {}
        added: dict[str, list[Session]] = {}
        for follower, kind, value in self.store.follows(user_id):
            if (kind, value) not in by_follow:  # many people follow the same track
                # Decided on the whole schedule, then narrowed: what a follow covers must
                # not depend on which sessions happened to change.
                sessions = covered(loaded, kind, value)
                by_follow[(kind, value)] = sessions if wanted is None else [s for s in sessions if s.id in wanted]
            sessions = by_follow[(kind, value)]
            fresh = set(self.store.subscribe_unoffered(follower, [s.id for s in sessions]))
            if fresh:
                new = [s for s in sessions if s.id in fresh]
                self.ledger.plan(follower, new)
                added.setdefault(follower, []).extend(new)
        return {person: sorted(sessions, key=lambda s: (s.start, s.id)) for person, sessions in added.items()}

    def after_reload(self, among: list[Session]) -> int:
        """Sessions that appeared or moved: followers subscribed, each person told once,
        in one message, of all their follows added that are not over yet (an ended one
        stays subscribed, unannounced; nothing left, no message). Returns how many
        subscriptions."""
        added = self.apply(None, among)
        now = self.now()
        for person, sessions in added.items():
            news = [s for s in sessions if s.end > now]
            if news:
                self.told(person, news)
        return sum(len(sessions) for sessions in added.values())
