"""The home_tabs table: who opened the bot's Home tab, so only their tabs are kept fresh."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Store


class HomeTabsTable:
    def __init__(self, store: Store):
        self.store = store

    def opened(self, user_id: str, now: datetime) -> None:
        db = self.store.db
        with db.conn:
            db.execute(
                "INSERT OR REPLACE INTO home_tabs (user_id, opened_at) VALUES (?, ?)", [user_id, now.isoformat()]
            )

    def has_opened(self, user_id: str) -> bool:
        return self.store.db.execute("SELECT 1 FROM home_tabs WHERE user_id = ?", [user_id]).fetchone() is not None

    def users(self) -> list[str]:
        """Most recently opened first: after a reload, those tabs are refreshed first."""
        rows = self.store.db.execute("SELECT user_id FROM home_tabs ORDER BY opened_at DESC, user_id").fetchall()
        return [row[0] for row in rows]
