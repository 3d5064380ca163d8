""" "Up next" posts put into effect: a channel's mappings kept, and its posts planned in
the reminders ledger (which sends them once, like reminders). The `announce` handler
and the reloader (for sessions that appear or move) both use it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.clock import Clock
from bot.reminders.ledger import Ledger
from bot.reminders.planning import UPNEXT, Announcement, announced
from bot.schedule.current import CurrentSchedule
from bot.schedule.model import Session
from bot.store.announcements import AnnouncementsTable


@dataclass
class UpNext:
    catalog: CurrentSchedule
    table: AnnouncementsTable
    ledger: Ledger
    clock: Clock

    def set(self, announcement: Announcement) -> int:
        """Store a mapping and plan the channel's posts again. Returns how many sessions
        the channel now announces."""
        self.table.put(announcement, self.clock.now())
        return self._replan_channel(announcement.channel)

    def off(self, channel: str) -> int:
        """The channel announces nothing any more; returns how many mappings it had."""
        removed = self.table.remove_channel(channel)
        self.ledger.cancel_channel(channel)
        return removed

    def mappings(self) -> list[Announcement]:
        return self.table.all()

    def refresh(self) -> None:
        """At start: the schedule may have changed while the bot was down."""
        announcements = self.table.all()
        if announcements:
            self.ledger.cancel_planned(purpose=UPNEXT)
            self._plan(announcements, list(self.catalog.current.schedule))

    def replan(self, sessions: Iterable[Session]) -> None:
        """Sessions that appeared or moved (a reload): their posts planned anew."""
        sessions = list(sessions)
        for session in sessions:
            self.ledger.cancel_planned(session_id=session.id, purpose=UPNEXT)
        self._plan(self.table.all(), sessions)

    def _replan_channel(self, channel: str) -> int:
        self.ledger.cancel_planned(user_id=channel, purpose=UPNEXT)
        return self._plan(self.table.all(channel), list(self.catalog.current.schedule))

    def _plan(self, announcements: list[Announcement], sessions: list[Session]) -> int:
        now = self.clock.now()
        upcoming = [s for s in sessions if s.start > now]  # a post for a talk under way says nothing
        planned = 0
        for (channel, minutes), covered in announced(announcements, upcoming).items():
            self.ledger.plan_upnext(channel, covered, minutes)
            planned += len(covered)
        return planned
