"""The home_tabs table: who opened the bot's Home tab, so only their tabs are kept fresh."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Store, stamp, upsert_sql


class HomeTabsTable:
    def __init__(self, store: Store):
        self.store = store

    def opened(self, user_id: str, now: datetime) -> None:
        self.store.write(upsert_sql("home_tabs", ["user_id", "opened_at"], ["user_id"]), [user_id, stamp(now)])

    def has_opened(self, user_id: str) -> bool:
        return self.store.one("SELECT 1 FROM home_tabs WHERE user_id = ?", [user_id]) is not None

    def users(self) -> list[str]:
        """Most recently opened first: after a reload, those tabs are refreshed first."""
        rows = self.store.query("SELECT user_id FROM home_tabs ORDER BY opened_at DESC, user_id")
        return [row[0] for row in rows]
