"""The database schema as named migrations (simonw/llm's way): each applied once, in
order, at open, and recorded by name in `_migrations`. Each has its SQLite body (with
sqlite-utils) and its PostgreSQL body (`POSTGRES`, the same name): the same schema on
both engines, which a test compares table by table, column by column."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils


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
            "status": str,  # planned, claimed, sent, uncertain, failed, missed, cancelled
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


_COUNT_STATEMENTS = [
    "INSERT OR REPLACE INTO subscription_counts SELECT session_id, count(*) FROM subscriptions GROUP BY session_id",
    "INSERT OR REPLACE INTO subscriber_counts SELECT user_id, count(*) FROM subscriptions GROUP BY user_id",
    """CREATE TRIGGER IF NOT EXISTS subscription_added AFTER INSERT ON subscriptions BEGIN
        INSERT INTO subscription_counts VALUES (new.session_id, 1)
            ON CONFLICT (session_id) DO UPDATE SET count = count + 1;
        INSERT INTO subscriber_counts VALUES (new.user_id, 1)
            ON CONFLICT (user_id) DO UPDATE SET count = count + 1;
    END""",
    """CREATE TRIGGER IF NOT EXISTS subscription_removed AFTER DELETE ON subscriptions BEGIN
        UPDATE subscription_counts SET count = count - 1 WHERE session_id = old.session_id;
        DELETE FROM subscription_counts WHERE session_id = old.session_id AND count <= 0;
        UPDATE subscriber_counts SET count = count - 1 WHERE user_id = old.user_id;
        DELETE FROM subscriber_counts WHERE user_id = old.user_id AND count <= 0;
    END""",
]


def _m010_attempts_zones_counts(db: sqlite_utils.Database) -> None:
    # A claimed row is marked `attempting` just before its post, so after a crash only
    # those need the DM's history checked. Workers say where they run, so a successor on
    # the same host can see its predecessor is gone without waiting out the lease.
    db["workers"].add_column("host", str)
    db["workers"].add_column("pid", int)
    # Users' zones, learned from users.info ahead of their reminders: a send never waits on it.
    db["user_zones"].create({"user_id": str, "zone": str, "learned_at": str}, pk="user_id", if_not_exists=True)
    # Counts `stats` reads, kept by triggers as subscriptions change (no scans of 100k rows).
    db["subscription_counts"].create({"session_id": str, "count": int}, pk="session_id", if_not_exists=True)
    db["subscriber_counts"].create({"user_id": str, "count": int}, pk="user_id", if_not_exists=True)
    for statement in _COUNT_STATEMENTS:  # one by one: executescript() would commit the migration's transaction
        db.execute(statement)


def _m011_announcements(db: sqlite_utils.Database) -> None:
    # "Up next" posts: which channel announces which track, room or all, how early; their
    # rows share the reminders ledger (claims, takeover, history check), `purpose` upnext
    # and the channel ID where a reminder has the user ID.
    db["announcements"].create(
        {"channel": str, "kind": str, "value": str, "minutes": int, "created_at": str},
        pk=("channel", "kind", "value"),
        if_not_exists=True,
    )
    db["reminders"].add_column("purpose", str, not_null_default="reminder")


def _m012_home_tabs(db: sqlite_utils.Database) -> None:
    # People who opened the bot's Home tab: only their tabs are published again when
    # their subscriptions or the schedule change (publishing to everyone would waste the
    # views.publish budget on tabs nobody looks at).
    db["home_tabs"].create({"user_id": str, "opened_at": str}, pk="user_id", if_not_exists=True)


# In the order they apply. A migration is known by its name, recorded in `_migrations`
# when applied: add new ones at the end with a new name; never rename or reorder.
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
    _m010_attempts_zones_counts,
    _m011_announcements,
    _m012_home_tabs,
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply, in order, the migrations whose names `_migrations` does not hold yet, each
    in its own transaction. Returns the names applied."""
    db["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for migration in MIGRATIONS:
        name = migration.__name__
        if name in done:
            continue
        # An explicit transaction: Python's sqlite3 would commit each DDL statement alone.
        db.conn.execute("BEGIN IMMEDIATE")
        if db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone():
            db.conn.rollback()  # another process starting at the same moment applied it first
            continue
        try:
            migration(db)
            db["_migrations"].insert({"name": name, "applied_at": datetime.now(UTC).isoformat(timespec="seconds")})
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
        applied.append(name)
    return applied


_POSTGRES_COUNTS = [
    "INSERT INTO subscription_counts SELECT session_id, count(*) FROM subscriptions GROUP BY session_id "
    "ON CONFLICT (session_id) DO UPDATE SET count = excluded.count",
    "INSERT INTO subscriber_counts SELECT user_id, count(*) FROM subscriptions GROUP BY user_id "
    "ON CONFLICT (user_id) DO UPDATE SET count = excluded.count",
    """CREATE OR REPLACE FUNCTION confbot_subscription_added() RETURNS trigger AS $$ BEGIN
        INSERT INTO subscription_counts VALUES (new.session_id, 1)
            ON CONFLICT (session_id) DO UPDATE SET count = subscription_counts.count + 1;
        INSERT INTO subscriber_counts VALUES (new.user_id, 1)
            ON CONFLICT (user_id) DO UPDATE SET count = subscriber_counts.count + 1;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION confbot_subscription_removed() RETURNS trigger AS $$ BEGIN
        UPDATE subscription_counts SET count = count - 1 WHERE session_id = old.session_id;
        DELETE FROM subscription_counts WHERE session_id = old.session_id AND count <= 0;
        UPDATE subscriber_counts SET count = count - 1 WHERE user_id = old.user_id;
        DELETE FROM subscriber_counts WHERE user_id = old.user_id AND count <= 0;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER subscription_added AFTER INSERT ON subscriptions "
    "FOR EACH ROW EXECUTE FUNCTION confbot_subscription_added()",
    "CREATE TRIGGER subscription_removed AFTER DELETE ON subscriptions "
    "FOR EACH ROW EXECUTE FUNCTION confbot_subscription_removed()",
]

# The PostgreSQL body of each migration, by its name. Times are the same fixed-width UTC
# text as in SQLite (they compare as strings); ids are identities.
POSTGRES: dict[str, list[str]] = {
    "_m001_subscriptions": [
        "CREATE TABLE subscriptions (user_id TEXT NOT NULL, session_id TEXT NOT NULL, created_at TEXT NOT NULL, "
        "PRIMARY KEY (user_id, session_id))",
        "CREATE INDEX idx_subscriptions_session_id ON subscriptions (session_id)",
    ],
    "_m002_settings": ["CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)"],
    "_m003_reminders": [
        "CREATE TABLE reminders (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, user_id TEXT NOT NULL, "
        "session_id TEXT NOT NULL, due_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'planned', claimed_by TEXT, "
        "claimed_at TEXT, attempts INTEGER DEFAULT 0, sent_at TEXT, channel TEXT, message_ts TEXT, error TEXT)",
        "CREATE UNIQUE INDEX idx_reminders_user_id_session_id_due_at ON reminders (user_id, session_id, due_at)",
        "CREATE INDEX idx_reminders_status_due_at ON reminders (status, due_at)",
        "CREATE TABLE user_settings (user_id TEXT PRIMARY KEY, remind_minutes INTEGER)",
        "CREATE TABLE workers (id TEXT PRIMARY KEY, heartbeat_at TEXT)",
    ],
    "_m004_notices": [
        "CREATE TABLE notices (user_id TEXT, session_id TEXT, kind TEXT, detail TEXT, sent_at TEXT, "
        "PRIMARY KEY (user_id, session_id, kind, detail))",
    ],
    "_m005_digests": [
        "CREATE TABLE digests (day TEXT PRIMARY KEY, status TEXT NOT NULL, claimed_by TEXT, claimed_at TEXT, "
        "channel TEXT, ts TEXT, error TEXT)",
    ],
    "_m006_reminder_session_start": [
        "ALTER TABLE reminders ADD COLUMN session_start TEXT",
        "ALTER TABLE reminders ADD COLUMN retry_at TEXT",
        "DROP INDEX IF EXISTS idx_reminders_user_id_session_id_due_at",
        "CREATE UNIQUE INDEX idx_reminders_user_id_session_id_session_start "
        "ON reminders (user_id, session_id, session_start)",
    ],
    "_m007_feeds": [
        "CREATE TABLE feeds (user_id TEXT PRIMARY KEY, token TEXT, created_at TEXT)",
        "CREATE UNIQUE INDEX idx_feeds_token ON feeds (token)",
    ],
    "_m008_follows": [
        "CREATE TABLE follows (user_id TEXT, kind TEXT, value TEXT, created_at TEXT, "
        "PRIMARY KEY (user_id, kind, value))"
    ],
    "_m009_follow_offers": [
        "CREATE TABLE follow_offers (user_id TEXT, session_id TEXT, PRIMARY KEY (user_id, session_id))"
    ],
    "_m010_attempts_zones_counts": [
        "ALTER TABLE workers ADD COLUMN host TEXT",
        "ALTER TABLE workers ADD COLUMN pid INTEGER",
        "CREATE TABLE user_zones (user_id TEXT PRIMARY KEY, zone TEXT, learned_at TEXT)",
        "CREATE TABLE subscription_counts (session_id TEXT PRIMARY KEY, count INTEGER)",
        "CREATE TABLE subscriber_counts (user_id TEXT PRIMARY KEY, count INTEGER)",
        *_POSTGRES_COUNTS,
    ],
    "_m011_announcements": [
        "CREATE TABLE announcements (channel TEXT, kind TEXT, value TEXT, minutes INTEGER, created_at TEXT, "
        "PRIMARY KEY (channel, kind, value))",
        "ALTER TABLE reminders ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reminder'",
    ],
    "_m012_home_tabs": ["CREATE TABLE home_tabs (user_id TEXT PRIMARY KEY, opened_at TEXT)"],
}
_MIGRATIONS_LOCK = 7_317_001  # an advisory lock: processes starting together migrate one at a time


def migrate_postgres(connection) -> list[str]:
    """The same named migrations on PostgreSQL (a psycopg connection in autocommit), each
    in its own transaction, under an advisory lock. Returns the names applied."""
    applied = []
    with connection.transaction():
        connection.execute("SET LOCAL lock_timeout = '120s'")  # another process may be migrating: wait for it
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATIONS_LOCK])
        connection.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "name TEXT UNIQUE, applied_at TEXT)"
        )
    for migration in MIGRATIONS:
        name = migration.__name__
        with connection.transaction():
            connection.execute("SET LOCAL lock_timeout = '120s'")
            connection.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATIONS_LOCK])
            if connection.execute("SELECT 1 FROM _migrations WHERE name = %s", [name]).fetchone():
                continue
            for statement in POSTGRES[name]:
                connection.execute(statement)
            connection.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)",
                [name, datetime.now(UTC).isoformat(timespec="seconds")],
            )
            applied.append(name)
    return applied
