"""The digests table: one row per conference day, claimed by one process at a time,
so the day's digest is posted once across restarts and several processes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.store.database import Store, stamp


class DigestRecords:
    def __init__(self, store: Store):
        self.store = store

    def claim(self, day: date, worker: str, now: datetime, lease: timedelta, retry_failed: bool = False) -> str:
        """'new' or 'recover' (ours now; recover means check the channel first), 'busy'
        (a live process has it), 'done'. `retry_failed` takes a failed day back."""
        with self.store.immediate() as connection:
            row = connection.execute(
                "SELECT status, claimed_by FROM digests WHERE day = ?", [day.isoformat()]
            ).fetchone()
            if row is None:
                connection.execute(
                    "INSERT INTO digests (day, status, claimed_by, claimed_at) VALUES (?, 'claimed', ?, ?)",
                    [day.isoformat(), worker, stamp(now)],
                )
                outcome = "new"
            elif row[0] == "failed" and retry_failed:
                connection.execute(
                    "UPDATE digests SET status = 'claimed', claimed_by = ?, claimed_at = ?, error = NULL WHERE day = ?",
                    [worker, stamp(now), day.isoformat()],
                )
                outcome = "new"
            elif row[0] != "claimed":
                outcome = "done"
            elif row[1] == worker:
                outcome = "recover"
            else:
                alive = connection.execute(
                    "SELECT 1 FROM workers WHERE id = ? AND heartbeat_at >= ?", [row[1], stamp(now - lease)]
                ).fetchone()
                if alive:
                    outcome = "busy"
                else:
                    connection.execute(
                        "UPDATE digests SET claimed_by = ?, claimed_at = ? WHERE day = ?",
                        [worker, stamp(now), day.isoformat()],
                    )
                    outcome = "recover"
        return outcome

    def finish(self, day: date, status: str, **fields: str | None) -> None:
        with self.store.db.conn:
            self.store.db.execute(
                "UPDATE digests SET status = ?, channel = ?, ts = ?, error = ? WHERE day = ?",
                [status, fields.get("channel"), fields.get("ts"), fields.get("error"), day.isoformat()],
            )

    def release(self, day: date, worker: str) -> None:
        with self.store.db.conn:
            self.store.db.execute(
                "DELETE FROM digests WHERE day = ? AND status = 'claimed' AND claimed_by = ?",
                [day.isoformat(), worker],
            )

    def row(self, day: date) -> dict:
        row = self.store.db.execute("SELECT status, channel FROM digests WHERE day = ?", [day.isoformat()]).fetchone()
        return {"status": row[0], "channel": row[1]} if row else {"status": "unknown", "channel": None}
