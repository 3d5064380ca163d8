"""The announcements table: which channel posts "up next" for which track, room or all,
and how many minutes ahead."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.planning import Announcement
from bot.store.database import Store


class AnnouncementsTable:
    def __init__(self, store: Store):
        self.store = store

    def put(self, announcement: Announcement, now: datetime) -> None:
        db = self.store.db
        with db.conn:
            db.execute(
                "INSERT OR REPLACE INTO announcements (channel, kind, value, minutes, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [announcement.channel, announcement.kind, announcement.value, announcement.minutes, now.isoformat()],
            )

    def remove_channel(self, channel: str) -> int:
        db = self.store.db
        with db.conn:
            return db.execute("DELETE FROM announcements WHERE channel = ?", [channel]).rowcount

    def all(self, channel: str | None = None) -> list[Announcement]:
        query, params = "SELECT channel, kind, value, minutes FROM announcements", []
        if channel is not None:
            query, params = query + " WHERE channel = ?", [channel]
        rows = self.store.db.execute(query + " ORDER BY channel, kind, value", params).fetchall()
        return [Announcement(*row) for row in rows]
