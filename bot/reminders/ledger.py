"""The reminder ledger: one row per (user, session, session start), in SQLite or PostgreSQL.

Rows are claimed atomically (UPDATE … RETURNING in a transaction that locks first:
BEGIN IMMEDIATE in SQLite, FOR UPDATE SKIP LOCKED in PostgreSQL) so any number of bot
processes sharing the database send each reminder once. A claim whose process stopped
beating its heart is taken over, and checked against the DM's history before any
second send.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.reminders.planning import REMINDER, UPNEXT, Due, due_time
from bot.schedule.model import Schedule, Session
from bot.store.database import Store, stamp, upsert_sql

OFF = -1  # remind_minutes value meaning "no reminders for me"


def _host() -> str:
    """This machine, boot and pid namespace: where a pid means the same process."""
    parts = [socket.gethostname()]
    try:
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8])
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:
        parts.append("?")
    return "/".join(parts)


HOST = _host()
MAX_ATTEMPTS = 8  # with retries spaced 2, 4, … 60 s apart: about four minutes of Slack trouble


def unstamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


_DUE_COLUMNS = "id, user_id, session_id, due_at, status, purpose, session_start"


def _due(row) -> Due:
    """From a row of _DUE_COLUMNS."""
    return Due(int(row[0]), row[1], row[2], unstamp(row[3]), row[5], unstamp(row[6]) if row[6] else None)


class Ledger:
    def __init__(self, store: Store, default_minutes: int, clock: Callable[[], datetime]):
        self.store = store
        self.default_minutes = default_minutes
        self.now = clock  # what has started already is planned no reminder

    # -- lead time ----------------------------------------------------------------

    def lead_minutes(self, user_id: str) -> int | None:
        """The user's lead time, None when their reminders are off."""
        row = self.store.one("SELECT remind_minutes FROM user_settings WHERE user_id = ?", [user_id])
        minutes = self.default_minutes if row is None or row[0] is None else row[0]
        return None if minutes == OFF else minutes

    def set_lead_minutes(self, user_id: str, minutes: int | None) -> None:
        value = OFF if minutes is None else minutes
        self.store.write(upsert_sql("user_settings", ["user_id", "remind_minutes"], ["user_id"]), [user_id, value])

    # -- planning -----------------------------------------------------------------

    def plan(self, user_id: str, sessions: Iterable[Session]) -> int:
        """Plan reminders for `user_id` (nothing when their reminders are off), for the
        sessions that have not started: a reminder of a talk under way would only be
        counted as missed. Due already (the talk starts within the lead time): sent at once."""
        minutes = self.lead_minutes(user_id)
        if minutes is None:
            return 0
        now = self.now()
        rows = [(user_id, s.id, stamp(due_time(s, minutes)), stamp(s.start)) for s in sessions if s.start > now]
        if not rows:
            return 0
        return self.store.write_many(
            "INSERT INTO reminders (user_id, session_id, due_at, session_start, status, attempts) "
            "VALUES (?, ?, ?, ?, 'planned', 0) ON CONFLICT DO NOTHING",
            rows,
        )

    def plan_upnext(self, channel: str, sessions: Iterable[Session], minutes: int) -> int:
        """Plan `channel`'s up-next posts, `minutes` before each session starts (not for
        sessions that have started)."""
        now = self.now()
        rows = [(channel, s.id, stamp(due_time(s, minutes)), stamp(s.start)) for s in sessions if s.start > now]
        # A post that failed (the bot was not in the channel) is planned again when the
        # channel is announced again: that is how an admin says "try now".
        return self.store.write_many(
            "INSERT INTO reminders (user_id, session_id, due_at, session_start, status, attempts, purpose) "
            f"VALUES (?, ?, ?, ?, 'planned', 0, '{UPNEXT}') ON CONFLICT (user_id, session_id, session_start) "
            "DO UPDATE SET status = 'planned', attempts = 0, error = NULL, claimed_by = NULL, retry_at = NULL "
            "WHERE reminders.status IN ('failed', 'cancelled')",
            rows,
        )

    def cancel_channel(self, channel: str) -> int:
        """A channel announces nothing any more: its posts not yet begun are cancelled,
        claimed ones too (their sender finds them so and does not post)."""
        return self.store.write(
            "UPDATE reminders SET status = 'cancelled', error = 'announcements turned off' "
            f"WHERE user_id = ? AND purpose = '{UPNEXT}' AND status IN ('planned', 'claimed')",
            [channel],
        )

    def cancel_planned(
        self, user_id: str | None = None, session_id: str | None = None, purpose: str | None = None
    ) -> int:
        """Forget planned rows of a person or channel, of a session, of one purpose."""
        clauses, params = ["status = 'planned'"], []
        if purpose is not None:
            clauses.append("purpose = ?")
            params.append(purpose)
        if user_id is not None:
            clauses.append("user_id = ?")
            params.append(user_id)
        if session_id is not None:
            clauses.append("session_id = ?")
            params.append(session_id)
        return self.store.write(f"DELETE FROM reminders WHERE {' AND '.join(clauses)}", params)

    def replan_user(self, user_id: str, schedule: Schedule) -> None:
        self.cancel_planned(user_id=user_id, purpose=REMINDER)
        sessions = [schedule.get(i) for i in self.store.subscriptions(user_id)]
        self.plan(user_id, [s for s in sessions if s is not None])

    def replan_session(self, session: Session) -> None:
        """The session's reminders, planned again (its up-next posts: see Announcements)."""
        self.cancel_planned(session_id=session.id, purpose=REMINDER)
        for user_id in self.store.subscribers(session.id):
            self.plan(user_id, [session])

    # -- claiming -----------------------------------------------------------------

    def heartbeat(self, worker: str, now: datetime) -> None:
        """This worker is alive, by the lease clock (the database's, where hosts share it)."""
        self.store.write(
            upsert_sql("workers", ["id", "heartbeat_at", "host", "pid"], ["id"]),
            [worker, stamp(self.store.lease_now(now)), HOST, os.getpid()],
        )

    def forget_gone_neighbours(
        self, worker: str, alive: Callable[[int], bool], now: datetime, silent: timedelta
    ) -> list[str]:
        """Workers on this host (same machine, same boot, same pid namespace) whose process
        is gone and that have been silent for `silent` (a restart after a crash): removed,
        so their claims are taken over now rather than after the lease. A worker with this
        process's own pid is gone too: a restarted container often gets the same pid.
        Returns their ids."""
        rows = self.store.query(
            "SELECT id, pid FROM workers WHERE host = ? AND id != ? AND heartbeat_at < ?",
            [HOST, worker, stamp(self.store.lease_now(now) - silent)],
        )
        gone = [row_id for row_id, pid in rows if pid is not None and (pid == os.getpid() or not alive(pid))]
        if gone:
            self.store.write_many("DELETE FROM workers WHERE id = ?", [(g,) for g in gone])
        return gone

    def claim_due(self, worker: str, now: datetime, limit: int = 1000) -> list[Due]:
        with self.store.transaction() as tx:
            rows = tx.execute(
                "UPDATE reminders SET status = 'claimed', claimed_by = ?, claimed_at = ? "
                "WHERE id IN (SELECT id FROM reminders WHERE status = 'planned' AND due_at <= ? "
                "AND (retry_at IS NULL OR retry_at <= ?) "
                f"ORDER BY due_at, id LIMIT ?{self.store.lock_rows}) RETURNING {_DUE_COLUMNS}",
                [worker, stamp(now), stamp(now), stamp(now), limit],
            ).fetchall()
        return sorted((_due(r) for r in rows), key=lambda d: (d.due_at, d.id))

    def take_over_stale(self, worker: str, now: datetime, lease: timedelta) -> tuple[list[Due], list[Due]]:
        """Claims of processes that stopped beating for longer than `lease`, and this
        worker's own left over from an earlier tick that failed midway (a tick finishes
        every row it claims), now this worker's, as (never attempted, doubtful). Never
        attempted: the dead process had not begun their post, so they are sent at once.
        Doubtful: it had (or a send timed out, or a history check failed: `uncertain`):
        checked against the DM's history first."""
        alive_since = stamp(self.store.lease_now(now) - lease)
        with self.store.transaction() as tx:
            rows = tx.execute(
                "UPDATE reminders SET claimed_by = ?, claimed_at = ?, "
                "status = CASE status WHEN 'claimed' THEN 'claimed' ELSE 'doubtful' END "
                "WHERE id IN (SELECT id FROM reminders WHERE "
                "(status IN ('claimed', 'attempting', 'doubtful') AND (claimed_by = ? "
                "OR claimed_by NOT IN (SELECT id FROM workers WHERE heartbeat_at >= ?))) "
                f"OR (status = 'uncertain' AND (retry_at IS NULL OR retry_at <= ?)){self.store.lock_rows}) "
                f"RETURNING {_DUE_COLUMNS}",
                [worker, stamp(now), worker, alive_since, stamp(now)],
            ).fetchall()
        ordered = sorted(rows, key=lambda r: (r[3], r[0]))
        fresh = [_due(r) for r in ordered if r[4] == "claimed"]
        doubtful = [_due(r) for r in ordered if r[4] == "doubtful"]
        return fresh, doubtful

    def mark_attempting(self, worker: str, ids: list[int]) -> bool:
        """Just before a post: after a crash, only rows marked so need a history check.
        False when another worker holds any of them now (it took them over): then this
        worker must not post, and the rows it still holds go back to plain claimed."""
        marks = ",".join("?" * len(ids))
        with self.store.transaction() as tx:
            marked = tx.execute(
                f"UPDATE reminders SET status = 'attempting' WHERE id IN ({marks}) AND claimed_by = ? "
                "AND status IN ('claimed', 'doubtful', 'attempting') RETURNING id",
                [*ids, worker],
            ).fetchall()
            if len(marked) == len(ids):
                return True
            undo = [row[0] for row in marked]  # only what this call marked: a cancelled row stays cancelled
            if undo:
                tx.execute(f"UPDATE reminders SET status = 'claimed' WHERE id IN ({','.join('?' * len(undo))})", undo)
        return False

    def finish_sent(self, worker: str, delivered: list[tuple[list[int], str, str | None]], now: datetime) -> None:
        """Record many deliveries in one transaction: (ids, channel, message ts) each."""
        rows = [(stamp(now), channel, ts, row_id, worker) for ids, channel, ts in delivered for row_id in ids]
        self.store.write_many(
            "UPDATE reminders SET status = 'sent', sent_at = ?, channel = ?, message_ts = ?, error = NULL "
            "WHERE id = ? AND claimed_by = ?",
            rows,
        )

    def finish(self, worker: str, ids: list[int], status: str, now: datetime, **fields: str | None) -> None:
        """Record the outcome of claimed rows: sent, failed, missed or cancelled."""
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        self.store.write(
            f"UPDATE reminders SET status = ?, sent_at = ?, channel = ?, message_ts = ?, error = ? "
            f"WHERE id IN ({marks}) AND claimed_by = ?",
            [status, stamp(now), fields.get("channel"), fields.get("ts"), fields.get("error"), *ids, worker],
        )

    def release(
        self, worker: str, ids: list[int], error: str, now: datetime, uncertain: bool = False, attempt: bool = True
    ) -> list[int]:
        """Give rows back for a later try, spaced out: `planned` when Slack said no (not
        delivered), `uncertain` when nobody knows (checked against the DM before any
        resend). Rows out of attempts fail. `attempt=False`: nothing was tried (the bot's
        own budget said wait): no attempt counted, tried again in a second or two.
        Returns the failed ids."""
        marks = ",".join("?" * len(ids))
        retry_status = "uncertain" if uncertain else "planned"
        with self.store.transaction() as tx:
            rows = tx.execute(
                f"SELECT id, attempts FROM reminders WHERE id IN ({marks}) AND claimed_by = ?{self.store.lock_row}",
                [*ids, worker],
            ).fetchall()
            failed = []
            for row_id, attempts in rows:
                tries = (attempts or 0) + (1 if attempt else 0)
                status = "failed" if tries >= MAX_ATTEMPTS else retry_status
                retry_at = stamp(now + timedelta(seconds=min(60, 2**tries) if attempt else 1.5))
                tx.execute(
                    "UPDATE reminders SET status = ?, claimed_by = NULL, attempts = ?, error = ?, retry_at = ? "
                    "WHERE id = ? AND claimed_by = ?",
                    [status, tries, error, retry_at, row_id, worker],
                )
                if status == "failed":
                    failed.append(row_id)
        return failed

    def dm_channel(self, user_id: str) -> str | None:
        """The person's DM channel, as Slack named it when a reminder was delivered."""
        row = self.store.one("SELECT channel FROM reminders WHERE user_id = ? AND channel LIKE 'D%' LIMIT 1", [user_id])
        return row[0] if row else None

    # -- reporting ----------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        rows = self.store.query(f"SELECT status, count(*) FROM reminders WHERE purpose = '{REMINDER}' GROUP BY status")
        return {status: count for status, count in rows}

    def users_due_before(self, moment: datetime) -> list[str]:
        """Users with reminders planned before `moment`, soonest first."""
        rows = self.store.query(
            f"SELECT user_id FROM reminders WHERE status = 'planned' AND purpose = '{REMINDER}' AND due_at <= ? "
            "GROUP BY user_id ORDER BY min(due_at)",
            [stamp(moment)],
        )
        return [row[0] for row in rows]

    def next_reminder(self, user_id: str | None = None) -> Due | None:
        """The next reminder planned (of one person, or of anyone) whose session has
        not started: rows left over for a talk under way are not "next"."""
        who, params = ("AND user_id = ? ", [user_id]) if user_id is not None else ("", [])
        row = self.store.one(
            f"SELECT {_DUE_COLUMNS} FROM reminders WHERE status = 'planned' AND purpose = '{REMINDER}' {who}"
            "AND coalesce(session_start, due_at) > ? ORDER BY due_at, id LIMIT 1",
            [*params, stamp(self.now())],
        )
        return _due(row) if row else None
