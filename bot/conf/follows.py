"""Standing subscriptions put into effect: each follower subscribed to the sessions
their follows cover, once per session, so an unsubscribe lasts. The follow handlers
and the reloader (for sessions that appear or move) both use it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conf import agenda
from bot.reminders.ledger import Ledger
from bot.schedule.current import CurrentSchedule
from bot.schedule.model import Schedule, Session
from bot.store.database import Store


@dataclass
class Follows:
    catalog: CurrentSchedule
    store: Store
    ledger: Ledger

    def apply(self, user_id: str | None = None, among: list[Session] | None = None) -> int:
        """Subscribe followers (one, or everyone) to the sessions their follows cover,
        among `among` (default: all). Returns how many subscriptions were added."""
        schedule = self.catalog.current.schedule
        pool = Schedule(tuple(among), schedule.zone) if among is not None else schedule
        if not len(pool):
            return 0
        by_follow: dict[tuple[str, str], list[Session]] = {}
        added = 0
        for follower, kind, value in self.store.follows(user_id):
            if (kind, value) not in by_follow:  # many people follow the same track
                by_follow[(kind, value)] = agenda.followed_sessions(pool, kind, value)
            fresh = self.store.subscribe_unoffered(follower, [s.id for s in by_follow[(kind, value)]])
            self.ledger.plan(follower, [s for s in by_follow[(kind, value)] if s.id in fresh])
            added += len(fresh)
        return added
