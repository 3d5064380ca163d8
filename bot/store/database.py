"""The database: SQLite (sqlite-utils, the embedded default) or PostgreSQL
(`DATABASE_URL`, psycopg 3 with a pool), behind one Store; and the subscriptions,
settings, feeds and follows repositories, written once in SQL both engines speak.

Each engine gives five primitives: `query`, `one`, `write`, `write_many` and
`transaction` (the one transaction that takes its locks first, for the atomic claims of
the reminder ledger and the digest). SQL is written with `?` placeholders; the
PostgreSQL engine turns them into its own. The schema is made by the named migrations
of `migrations.py`, applied at open, the same names on both engines.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlite_utils

from bot.store.errors import kind_of
from bot.store.migrations import migrate


def stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so both engines compare times as strings correctly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def upsert_sql(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """`INSERT … ON CONFLICT (key) DO UPDATE`: a row replaced in place, in SQL both
    engines speak (SQLite's `INSERT OR REPLACE` is its own)."""
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({', '.join(key)}) {action}"


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list: ...


class Transaction(Protocol):
    def execute(self, sql: str, params: Sequence = ()) -> Cursor: ...


# How long a write waits for another writer's lock before it gives up. Short: a command
# must answer within Slack's 3 seconds, and its write must happen then or not at all.
BUSY_SECONDS = 2.0


class Store:
    """The repositories, over an engine's primitives (see SqliteStore, PostgresStore)."""

    dialect = ""
    lock_rows = ""  # appended to a claim's inner SELECT: PostgreSQL's FOR UPDATE SKIP LOCKED
    lock_row = ""  # appended to a read-then-write SELECT: PostgreSQL's FOR UPDATE (SQLite locks the file)

    def __init__(self, clock: Callable[[], datetime] | None = None):
        self._now = clock or (lambda: datetime.now(UTC))

    def use_clock(self, clock: Callable[[], datetime]) -> None:
        """Stamp rows by this clock from now on (a host clock corrected to the database's)."""
        self._now = clock

    # -- the engine's primitives ------------------------------------------------------

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        raise NotImplementedError

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def write(self, sql: str, params: Sequence = ()) -> int:
        """One statement in its own transaction; the rows it changed."""
        with self.transaction() as tx:
            return tx.execute(sql, params).rowcount

    def write_many(self, sql: str, rows: Sequence[Sequence]) -> int:
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[Transaction]:
        raise NotImplementedError

    def lease_now(self, now: datetime) -> datetime:
        """The time leases and heartbeats are measured by: the bot's clock on one machine;
        the database's own where hosts share it (their clocks may disagree)."""
        return now

    def writable(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- subscriptions ------------------------------------------------------------

    def _stamp_now(self) -> str:
        return self._now().isoformat(timespec="seconds")

    def subscribe(self, user_id: str, session_id: str) -> bool:
        """Subscribe; False when the user already was (nothing changes)."""
        return (
            self.write(
                "INSERT INTO subscriptions (user_id, session_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [user_id, session_id, self._stamp_now()],
            )
            == 1
        )

    def unsubscribe(self, user_id: str, session_id: str) -> bool:
        """Unsubscribe; False when the user was not subscribed."""
        return (
            self.write(
                "DELETE FROM subscriptions WHERE user_id = ? AND lower(session_id) = lower(?)", [user_id, session_id]
            )
            > 0
        )

    def subscriptions(self, user_id: str) -> set[str]:
        return {row[0] for row in self.query("SELECT session_id FROM subscriptions WHERE user_id = ?", [user_id])}

    def subscribers(self, session_id: str) -> list[str]:
        rows = self.query("SELECT user_id FROM subscriptions WHERE session_id = ? ORDER BY user_id", [session_id])
        return [row[0] for row in rows]

    def subscriber_count(self) -> int:
        """People with at least one subscription (kept by triggers: no scan of every row)."""
        return self.one("SELECT count(*) FROM subscriber_counts")[0]

    def subscription_counts(self, session_ids: Iterable[str] | None = None) -> dict[str, int]:
        counts = {row[0]: row[1] for row in self.query("SELECT session_id, count FROM subscription_counts")}
        if session_ids is not None:
            wanted = set(session_ids)
            counts = {key: value for key, value in counts.items() if key in wanted}
        return counts

    # -- follows ------------------------------------------------------------------

    def follow(self, user_id: str, kind: str, value: str) -> bool:
        return (
            self.write(
                "INSERT INTO follows (user_id, kind, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [user_id, kind, value, self._stamp_now()],
            )
            == 1
        )

    def unfollow(self, user_id: str, kind: str, value: str) -> bool:
        return (
            self.write(
                "DELETE FROM follows WHERE user_id = ? AND kind = ? AND lower(value) = lower(?)", [user_id, kind, value]
            )
            > 0
        )

    def follows(self, user_id: str | None = None) -> list[tuple[str, str, str]]:
        """(user, kind, value) rows, for one user or everyone."""
        query, params = "SELECT user_id, kind, value FROM follows", []
        if user_id is not None:
            query, params = query + " WHERE user_id = ?", [user_id]
        return [tuple(row) for row in self.query(query + " ORDER BY user_id, kind, value", params)]

    def subscribe_unoffered(self, user_id: str, session_ids: list[str]) -> list[str]:
        """Subscribe `user_id` to those of `session_ids` no follow offered before; record
        them as offered. Returns the ids newly subscribed. One transaction."""
        created = self._stamp_now()
        with self.transaction() as tx:
            offered = [
                session_id
                for session_id in session_ids
                if tx.execute(
                    "INSERT INTO follow_offers (user_id, session_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [user_id, session_id],
                ).rowcount
            ]
            return [
                session_id
                for session_id in offered
                if tx.execute(
                    "INSERT INTO subscriptions (user_id, session_id, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    [user_id, session_id, created],
                ).rowcount
            ]

    # -- agenda feeds -------------------------------------------------------------

    def feed_token(self, user_id: str, renew: bool = False) -> str:
        """The user's private feed token, made on first use; `renew` replaces it."""
        row = self.one("SELECT token FROM feeds WHERE user_id = ?", [user_id])
        if row and not renew:
            return row[0]
        token = secrets.token_urlsafe(18)
        self.write(
            upsert_sql("feeds", ["user_id", "token", "created_at"], ["user_id"]), [user_id, token, self._stamp_now()]
        )
        return token

    def feed_user(self, token: str) -> str | None:
        row = self.one("SELECT user_id FROM feeds WHERE token = ?", [token])
        return row[0] if row else None

    # -- users' zones ---------------------------------------------------------------

    def user_zone(self, user_id: str) -> tuple[str, datetime] | None:
        """The zone name users.info gave ("" for none) and when, if ever learned."""
        row = self.one("SELECT zone, learned_at FROM user_zones WHERE user_id = ?", [user_id])
        return (row[0] or "", datetime.fromisoformat(row[1])) if row else None

    def remember_user_zone(self, user_id: str, zone: str, learned_at: datetime) -> None:
        self.write(
            upsert_sql("user_zones", ["user_id", "zone", "learned_at"], ["user_id"]),
            [user_id, zone, learned_at.isoformat()],
        )

    # -- settings -----------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.one("SELECT value FROM settings WHERE key = ?", [key])
        return row[0] if row else default

    def set_setting(self, key: str, value: str | None) -> None:
        if value is None:
            self.write("DELETE FROM settings WHERE key = ?", [key])
        else:
            self.write(upsert_sql("settings", ["key", "value"], ["key"]), [key, value])

    def change_setting(self, key: str, value: str) -> bool:
        """Set `key` to `value`; True only when it was something else (atomic, so of
        processes setting the same value at once, one learns it changed)."""
        return bool(
            self.write(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                "SET value = excluded.value WHERE settings.value <> excluded.value OR settings.value IS NULL",
                [key, value],
            )
        )


class SqliteStore(Store):
    """One file: WAL mode, so a reader never blocks the writer; one connection per thread
    (Bolt runs listeners on a thread pool)."""

    dialect = "sqlite"

    def __init__(
        self, path: str | Path, clock: Callable[[], datetime] | None = None, busy_seconds: float = BUSY_SECONDS
    ):
        super().__init__(clock)
        self.path = str(path)
        self.busy_seconds = busy_seconds
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
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

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return self.db.execute(sql, list(params)).fetchall()

    def write_many(self, sql: str, rows: Sequence[Sequence]) -> int:
        connection = self.db.conn
        with connection:
            return connection.executemany(sql, rows).rowcount

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Takes the write lock first (BEGIN IMMEDIATE), so read-then-write is atomic
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
                connection.execute(upsert_sql("settings", ["key", "value"], ["key"]), ["_health", _utcnow()])
            return True
        except sqlite3.OperationalError as error:
            return kind_of(error) == "busy"
        except sqlite3.Error:
            return False

    def close(self) -> None:
        """Close every thread's connection (at shutdown, once the threads are done)."""
        with self._connections_lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(sqlite3.Error):
                connection.close()
