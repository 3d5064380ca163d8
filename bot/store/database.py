"""SQLite storage (sqlite-utils): subscriptions and settings.

Tables are made by numbered migrations applied at open, each once, recorded in
`_migrations`. WAL mode, so a reader never blocks the writer. One connection per
thread: Bolt runs listeners on a thread pool.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils


def stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so SQLite compares times as strings correctly."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _m001_subscriptions(db: sqlite_utils.Database) -> None:
    db["subscriptions"].create(
        {"user_id": str, "session_id": str, "created_at": str},
        pk=("user_id", "session_id"),
        not_null={"user_id", "session_id", "created_at"},
        if_not_exists=True,
    )
    db["subscriptions"].create_index(["session_id"], if_not_exists=True)


def _m002_settings(db: sqlite_utils.Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key", if_not_exists=True)


def _m003_reminders(db: sqlite_utils.Database) -> None:
    db["reminders"].create(
        {
            "id": int,
            "user_id": str,
            "session_id": str,
            "due_at": str,  # UTC ISO 8601: sorts as it compares
            "status": str,  # planned, claimed, sent, failed, missed, cancelled
            "claimed_by": str,
            "claimed_at": str,
            "attempts": int,
            "sent_at": str,
            "channel": str,
            "message_ts": str,
            "error": str,
        },
        pk="id",
        not_null={"user_id", "session_id", "due_at", "status"},
        defaults={"status": "planned", "attempts": 0},
        if_not_exists=True,
    )
    db["reminders"].create_index(["user_id", "session_id", "due_at"], unique=True, if_not_exists=True)
    db["reminders"].create_index(["status", "due_at"], if_not_exists=True)
    db["user_settings"].create({"user_id": str, "remind_minutes": int}, pk="user_id", if_not_exists=True)
    db["workers"].create({"id": str, "heartbeat_at": str}, pk="id", if_not_exists=True)


def _m004_notices(db: sqlite_utils.Database) -> None:
    # One change notice per user, session, kind and new time: reloads never repeat one.
    db["notices"].create(
        {"user_id": str, "session_id": str, "kind": str, "detail": str, "sent_at": str},
        pk=("user_id", "session_id", "kind", "detail"),
        if_not_exists=True,
    )


def _m005_digests(db: sqlite_utils.Database) -> None:
    db["digests"].create(
        {
            "day": str,  # venue-local date, YYYY-MM-DD
            "status": str,  # claimed, posted, skipped, failed
            "claimed_by": str,
            "claimed_at": str,
            "channel": str,
            "ts": str,
            "error": str,
        },
        pk="day",
        not_null={"status"},
        if_not_exists=True,
    )


def _m006_reminder_session_start(db: sqlite_utils.Database) -> None:
    # One reminder per (user, session, session start): a new lead time moves a planned
    # reminder but never repeats one already sent; a session that moves gets a new one.
    # retry_at spaces out retries after Slack errors.
    db["reminders"].add_column("session_start", str)
    db["reminders"].add_column("retry_at", str)
    db.execute("DROP INDEX IF EXISTS idx_reminders_user_id_session_id_due_at")
    db["reminders"].create_index(["user_id", "session_id", "session_start"], unique=True, if_not_exists=True)


def _m007_feeds(db: sqlite_utils.Database) -> None:
    # A private, unguessable token per user for their agenda at /calendar/TOKEN.ics.
    db["feeds"].create({"user_id": str, "token": str, "created_at": str}, pk="user_id", if_not_exists=True)
    db["feeds"].create_index(["token"], unique=True, if_not_exists=True)


def _m008_follows(db: sqlite_utils.Database) -> None:
    # Standing subscriptions: a track, a speaker or words, applied to new sessions too.
    db["follows"].create(
        {"user_id": str, "kind": str, "value": str, "created_at": str},
        pk=("user_id", "kind", "value"),
        if_not_exists=True,
    )


def _m009_follow_offers(db: sqlite_utils.Database) -> None:
    # Sessions a follow has subscribed a user to once: unsubscribing from one lasts.
    db["follow_offers"].create({"user_id": str, "session_id": str}, pk=("user_id", "session_id"), if_not_exists=True)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _m001_subscriptions,
    _m002_settings,
    _m003_reminders,
    _m004_notices,
    _m005_digests,
    _m006_reminder_session_start,
    _m007_feeds,
    _m008_follows,
    _m009_follow_offers,
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet applied, in order. Returns the names applied."""
    db["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id", if_not_exists=True)
    done = {row["id"] for row in db["_migrations"].rows}
    applied = []
    for number, migration in enumerate(MIGRATIONS, start=1):
        if number in done:
            continue
        with db.conn:
            migration(db)
            db["_migrations"].insert({"id": number, "name": migration.__name__, "applied_at": _utcnow()})
        applied.append(migration.__name__)
    return applied


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: str | Path, clock: Callable[[], datetime] | None = None):
        self.path = str(path)
        self._local = threading.local()
        self._now = clock or (lambda: datetime.now(UTC))
        db = self.db
        db.enable_wal()
        migrate(db)

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout = 30000")
            # WAL + NORMAL: no fsync per commit. A crash may lose the last "sent" marks,
            # which leaves rows claimed; the takeover checks the DM before re-sending.
            connection.execute("PRAGMA synchronous = NORMAL")
            db = self._local.db = sqlite_utils.Database(connection)
        return db

    def writable(self) -> bool:
        """True when the database accepts a write (for /healthz)."""
        try:
            with self.db.conn:
                self.db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('_health', ?)", [_utcnow()])
            return True
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
        return self.db.execute("SELECT count(DISTINCT user_id) FROM subscriptions").fetchone()[0]

    def subscription_counts(self, session_ids: Iterable[str] | None = None) -> dict[str, int]:
        rows = self.db.execute("SELECT session_id, count(*) FROM subscriptions GROUP BY session_id").fetchall()
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
