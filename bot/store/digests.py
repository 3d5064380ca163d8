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
        key = day.isoformat()
        alive_since = stamp(self.store.lease_now(now) - lease)
        with self.store.transaction() as tx:
            row = None
            while row is None:  # a peer may release the day between our insert and our read: insert again
                if tx.execute(
                    "INSERT INTO digests (day, status, claimed_by, claimed_at) VALUES (?, 'claimed', ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [key, worker, stamp(now)],
                ).rowcount:
                    return "new"
                row = tx.execute(
                    f"SELECT status, claimed_by FROM digests WHERE day = ?{self.store.lock_row}", [key]
                ).fetchone()
            status, holder = row
            if status == "failed" and retry_failed:
                outcome = "new"
            elif status != "claimed":
                return "done"
            elif holder == worker:
                return "recover"
            elif tx.execute(
                "SELECT 1 FROM workers WHERE id = ? AND heartbeat_at >= ?", [holder, alive_since]
            ).fetchone():
                return "busy"
            else:
                outcome = "recover"
            tx.execute(
                "UPDATE digests SET status = 'claimed', claimed_by = ?, claimed_at = ?, error = NULL WHERE day = ?",
                [worker, stamp(now), key],
            )
        return outcome

    def finish(self, day: date, status: str, **fields: str | None) -> None:
        self.store.write(
            "UPDATE digests SET status = ?, channel = ?, ts = ?, error = ? WHERE day = ?",
            [status, fields.get("channel"), fields.get("ts"), fields.get("error"), day.isoformat()],
        )

    def release(self, day: date, worker: str) -> None:
        self.store.write(
            "DELETE FROM digests WHERE day = ? AND status = 'claimed' AND claimed_by = ?", [day.isoformat(), worker]
        )

    def row(self, day: date) -> dict:
        row = self.store.one("SELECT status, channel FROM digests WHERE day = ?", [day.isoformat()])
        return {"status": row[0], "channel": row[1]} if row else {"status": "unknown", "channel": None}
