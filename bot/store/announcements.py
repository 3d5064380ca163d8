"""The announcements table: which channel posts "up next" for which track, room or all,
and how many minutes ahead."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.planning import Announcement
from bot.store.database import Store, upsert_sql


class AnnouncementsTable:
    def __init__(self, store: Store):
        self.store = store

    def put(self, announcement: Announcement, now: datetime) -> None:
        self.store.write(
            upsert_sql(
                "announcements", ["channel", "kind", "value", "minutes", "created_at"], ["channel", "kind", "value"]
            ),
            [announcement.channel, announcement.kind, announcement.value, announcement.minutes, now.isoformat()],
        )

    def remove_channel(self, channel: str) -> int:
        return self.store.write("DELETE FROM announcements WHERE channel = ?", [channel])

    def all(self, channel: str | None = None) -> list[Announcement]:
        query, params = "SELECT channel, kind, value, minutes FROM announcements", []
        if channel is not None:
            query, params = query + " WHERE channel = ?", [channel]
        rows = self.store.query(query + " ORDER BY channel, kind, value", params)
        return [Announcement(*row) for row in rows]
