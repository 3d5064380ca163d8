"""SQLite storage (sqlite-utils): the database, and the subscriptions, settings, feeds
and follows repositories.

The schema is made by the named migrations of `migrations.py`, applied at open. WAL
mode, so a reader never blocks the writer. One connection per thread: Bolt runs
listeners on a thread pool. `immediate()` is the one transaction that takes the write
lock first, for the atomic claims of the reminder ledger and the digest.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bot.store.errors import kind_of
from bot.store.migrations import migrate


def stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so SQLite compares times as strings correctly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# How long a write waits for another writer's lock before it gives up. Short: a command
# must answer within Slack's 3 seconds, and its write must happen then or not at all.
BUSY_SECONDS = 2.0


class Store:
    def __init__(
        self, path: str | Path, clock: Callable[[], datetime] | None = None, busy_seconds: float = BUSY_SECONDS
    ):
        self.path = str(path)
        self.busy_seconds = busy_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._now = clock or (lambda: datetime.now(UTC))
        db = self.db
        db.enable_wal()
        migrate(db)

    def _connect(self, busy_seconds: float) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=busy_seconds, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {int(busy_seconds * 1000)}")
        # WAL + NORMAL: no fsync per commit. A crash may lose the last "sent" marks,
        # which leaves rows claimed; the takeover checks the DM before re-sending.
        connection.execute("PRAGMA synchronous = NORMAL")
        with self._connections_lock:
            self._connections.append(connection)
        return connection

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite_utils.Database(self._connect(self.busy_seconds))
        return db

    def close(self) -> None:
        """Close every thread's connection (at shutdown, once the threads are done)."""
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(sqlite3.Error):
                connection.close()

    @contextlib.contextmanager
    def immediate(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the lock first, so read-then-write is atomic
        across threads and processes."""
        connection = self.db.conn
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()

    def writable(self) -> bool:
        """True when the database accepts a write (for /healthz), found out without
        waiting: a lock another process holds means busy, not broken."""
        try:
            connection = getattr(self._local, "health", None)
            if connection is None:
                connection = self._local.health = self._connect(busy_seconds=0.0)
            with connection:
                connection.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('_health', ?)", [_utcnow()])
            return True
        except sqlite3.OperationalError as error:
            return kind_of(error) == "busy"
        except sqlite3.Error:
            return False

    # -- subscriptions ------------------------------------------------------------

    def subscribe(self, user_id: str, session_id: str) -> bool:
        """Subscribe; False when the user already was (nothing changes)."""
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO subscriptions (user_id, session_id, created_at) VALUES (?, ?, ?)",
                [user_id, session_id, self._now().isoformat(timespec="seconds")],
            )
            return cursor.rowcount == 1

    def unsubscribe(self, user_id: str, session_id: str) -> bool:
        """Unsubscribe; False when the user was not subscribed."""
        with self.db.conn:
            cursor = self.db.execute(
                "DELETE FROM subscriptions WHERE user_id = ? AND session_id = ? COLLATE NOCASE", [user_id, session_id]
            )
            return cursor.rowcount > 0

    def subscriptions(self, user_id: str) -> set[str]:
        rows = self.db.execute("SELECT session_id FROM subscriptions WHERE user_id = ?", [user_id]).fetchall()
        return {row[0] for row in rows}

    def subscribers(self, session_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT user_id FROM subscriptions WHERE session_id = ? ORDER BY user_id", [session_id]
        ).fetchall()
        return [row[0] for row in rows]

    def subscriber_count(self) -> int:
        """People with at least one subscription (kept by triggers: no scan of every row)."""
        return self.db.execute("SELECT count(*) FROM subscriber_counts").fetchone()[0]

    def subscription_counts(self, session_ids: Iterable[str] | None = None) -> dict[str, int]:
        rows = self.db.execute("SELECT session_id, count FROM subscription_counts").fetchall()
        counts = {row[0]: row[1] for row in rows}
        if session_ids is not None:
            wanted = set(session_ids)
            counts = {key: value for key, value in counts.items() if key in wanted}
        return counts

    # -- follows ------------------------------------------------------------------

    def follow(self, user_id: str, kind: str, value: str) -> bool:
        with self.db.conn:
            return (
                self.db.execute(
                    "INSERT OR IGNORE INTO follows (user_id, kind, value, created_at) VALUES (?, ?, ?, ?)",
                    [user_id, kind, value, self._now().isoformat(timespec="seconds")],
                ).rowcount
                == 1
            )

    def unfollow(self, user_id: str, kind: str, value: str) -> bool:
        with self.db.conn:
            return (
                self.db.execute(
                    "DELETE FROM follows WHERE user_id = ? AND kind = ? AND value = ? COLLATE NOCASE",
                    [user_id, kind, value],
                ).rowcount
                > 0
            )

    def follows(self, user_id: str | None = None) -> list[tuple[str, str, str]]:
        """(user, kind, value) rows, for one user or everyone."""
        query, params = "SELECT user_id, kind, value FROM follows", []
        if user_id is not None:
            query, params = query + " WHERE user_id = ?", [user_id]
        return [tuple(row) for row in self.db.execute(query + " ORDER BY user_id, kind, value", params).fetchall()]

    def subscribe_unoffered(self, user_id: str, session_ids: list[str]) -> list[str]:
        """Subscribe `user_id` to those of `session_ids` no follow offered before; record
        them as offered. Returns the ids newly subscribed. One transaction."""
        with self.db.conn:
            offered = [
                session_id
                for session_id in session_ids
                if self.db.execute(
                    "INSERT OR IGNORE INTO follow_offers (user_id, session_id) VALUES (?, ?)", [user_id, session_id]
                ).rowcount
            ]
            stamp = self._now().isoformat(timespec="seconds")
            return [
                session_id
                for session_id in offered
                if self.db.execute(
                    "INSERT OR IGNORE INTO subscriptions (user_id, session_id, created_at) VALUES (?, ?, ?)",
                    [user_id, session_id, stamp],
                ).rowcount
            ]

    # -- agenda feeds -------------------------------------------------------------

    def feed_token(self, user_id: str, renew: bool = False) -> str:
        """The user's private feed token, made on first use; `renew` replaces it."""
        row = self.db.execute("SELECT token FROM feeds WHERE user_id = ?", [user_id]).fetchone()
        if row and not renew:
            return row[0]
        token = secrets.token_urlsafe(18)
        with self.db.conn:
            self.db.execute(
                "INSERT OR REPLACE INTO feeds (user_id, token, created_at) VALUES (?, ?, ?)",
                [user_id, token, self._now().isoformat(timespec="seconds")],
            )
        return token

    def feed_user(self, token: str) -> str | None:
        row = self.db.execute("SELECT user_id FROM feeds WHERE token = ?", [token]).fetchone()
        return row[0] if row else None

    # -- users' zones ---------------------------------------------------------------

    def user_zone(self, user_id: str) -> tuple[str, datetime] | None:
        """The zone name users.info gave ("" for none) and when, if ever learned."""
        row = self.db.execute("SELECT zone, learned_at FROM user_zones WHERE user_id = ?", [user_id]).fetchone()
        return (row[0] or "", datetime.fromisoformat(row[1])) if row else None

    def remember_user_zone(self, user_id: str, zone: str, learned_at: datetime) -> None:
        with self.db.conn:
            self.db.execute(
                "INSERT OR REPLACE INTO user_zones (user_id, zone, learned_at) VALUES (?, ?, ?)",
                [user_id, zone, learned_at.isoformat()],
            )

    # -- settings -----------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        with self.db.conn:
            if value is None:
                self.db.execute("DELETE FROM settings WHERE key = ?", [key])
            else:
                self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])
