"""What a person's Home tab shows, decided from the schedule, their subscriptions,
follows and lead time, and the clock. Reads the store; talks to no one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

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
    viewer_zone: Callable[[str], tzinfo | None] = lambda user_id: None  # never asks Slack
    public_url: str | None = None

    def content(self, user_id: str) -> HomeContent:
        schedule = self.catalog.current.schedule
        now = self.clock.now()
        subscribed = frozenset(i.casefold() for i in self.store.subscriptions(user_id))
        mine = sorted((s for s in schedule.sessions if s.id.casefold() in subscribed), key=lambda s: (s.start, s.title))
        today = now.astimezone(schedule.zone).date()
        not_over = [s for s in mine if s.end > now]
        running = [s for s in schedule.running_at(now) if s.id.casefold() not in subscribed]
        upcoming = [s for s in schedule.next_start(now) if s.id.casefold() not in subscribed]
        feed = f"{self.public_url}/calendar/{self.store.feed_token(user_id)}.ics" if self.public_url else None
        return HomeContent(
            title=schedule.title,
            now=now,
            venue=schedule.zone,
            viewer=self.viewer_zone(user_id),
            days=schedule.days,
            subscribed=subscribed,
            next_mine=not_over[0] if not_over else None,
            today_mine=[s for s in mine if s.start.astimezone(schedule.zone).date() == today],
            running=running if today in schedule.days else [],
            upcoming=[s for s in upcoming if s.start.astimezone(schedule.zone).date() == today],
            lead_minutes=self.ledger.lead_minutes(user_id),
            follows=[(kind, value) for _, kind, value in self.store.follows(user_id)],
            feed_url=feed,
            mine_total=len(mine),
        )

    def view(self, user_id: str) -> dict:
        return home_view(self.content(user_id))
