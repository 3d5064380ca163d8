"""What a person's Home tab shows, decided from the schedule, their subscriptions,
follows and lead time, and the clock. Reads the store; talks to no one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.clock import Clock
from bot.reminders.ledger import Ledger
from bot.schedule.current import CurrentSchedule
from bot.store.database import Store
from bot.views.home import HomeContent, home_view


@dataclass
class HomePage:
    catalog: CurrentSchedule
    store: Store
    ledger: Ledger
    clock: Clock
    viewer_zone: Callable[[str], tzinfo | None] = lambda user_id: None  # may ask Slack, within its budget
    public_url: str | None = None

    def content(self, user_id: str) -> HomeContent:
        schedule = self.catalog.current.schedule
        now = self.clock.now()
        subscribed = frozenset(i.casefold() for i in self.store.subscriptions(user_id))
        found = (schedule.get(session_id) for session_id in subscribed)
        mine = sorted((s for s in found if s is not None), key=lambda s: (s.start, s.title))
        today = now.astimezone(schedule.zone).date()
        upcoming = [s for s in schedule.next_start(now) if s.start.astimezone(schedule.zone).date() == today]
        feed = f"{self.public_url}/calendar/{self.store.feed_token(user_id)}.ics" if self.public_url else None
        return HomeContent(
            title=schedule.title,
            now=now,
            venue=schedule.zone,
            viewer=self.viewer_zone(user_id),
            days=schedule.days,
            subscribed=subscribed,
            now_mine=[s for s in mine if s.is_running(now)],
            next_mine=next((s for s in mine if s.start > now), None),
            today_mine=[s for s in mine if s.start.astimezone(schedule.zone).date() == today],
            running=schedule.running_at(now) if today in schedule.days else [],
            upcoming=upcoming,
            lead_minutes=self.ledger.lead_minutes(user_id),
            follows=[(kind, value) for _, kind, value in self.store.follows(user_id)],
            feed_url=feed,
            mine_total=len(mine),
        )

    def render(self, user_id: str) -> tuple[dict, datetime]:
        """The view, and the moment it stops being true (publish it again then)."""
        content = self.content(user_id)
        return home_view(content), content.fresh_until()

    def view(self, user_id: str) -> dict:
        return self.render(user_id)[0]
