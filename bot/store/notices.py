"""The notices table: what the bot has told someone once (a session moved or removed,
a digest channel that refused), so a reload or a retry never tells it twice."""

from __future__ import annotations

from datetime import datetime

from bot.store.database import Store, stamp


class Notices:
    def __init__(self, store: Store):
        self.store = store

    def first(self, user_id: str, session_id: str, kind: str, detail: str, now: datetime) -> bool:
        """Record the notice; True when it is new (tell them), False when told before."""
        return (
            self.store.write(
                "INSERT INTO notices (user_id, session_id, kind, detail, sent_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [user_id, session_id, kind, detail, stamp(now)],
            )
            == 1
        )

    def forget(self, user_id: str, session_id: str, kind: str, detail: str) -> None:
        """The notice could not be delivered: let a later attempt send it."""
        self.store.write(
            "DELETE FROM notices WHERE user_id = ? AND session_id = ? AND kind = ? AND detail = ?",
            [user_id, session_id, kind, detail],
        )
