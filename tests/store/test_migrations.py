"""The schema's named migrations: an old database upgrades with its rows intact."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from bot.store.database import SqliteStore
from bot.store.migrations import MIGRATIONS, migrate


def names(db: sqlite_utils.Database) -> list[str]:
    return [row["name"] for row in db.query("SELECT name FROM _migrations ORDER BY id")]


def test_a_new_database_gets_every_migration_once(tmp_path):
    db = sqlite_utils.Database(tmp_path / "new.db")
    assert migrate(db) == [m.__name__ for m in MIGRATIONS]
    assert migrate(db) == []
    assert names(db) == [m.__name__ for m in MIGRATIONS]


def test_an_old_database_upgrades_with_its_rows_intact(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    # The first release: numbered rows, the first five migrations.
    old["_migrations"].create({"id": int, "name": str, "applied_at": str}, pk="id")
    for number, migration in enumerate(MIGRATIONS[:5], start=1):
        migration(old)
        old["_migrations"].insert({"id": number, "name": migration.__name__, "applied_at": "2022-10-01T00:00:00+00:00"})
    old["subscriptions"].insert({"user_id": "U1", "session_id": "1Auye", "created_at": "2022-10-20T10:00:00"})
    old["reminders"].insert({"user_id": "U1", "session_id": "1Auye", "due_at": "2022-10-24T13:05:00.000000Z"})
    old["settings"].insert({"key": "digest_channel", "value": "C0CONF"})
    old.conn.close()

    store = SqliteStore(path)
    assert names(store.db) == [m.__name__ for m in MIGRATIONS]
    assert list(store.db["subscriptions"].rows) == [
        {"user_id": "U1", "session_id": "1Auye", "created_at": "2022-10-20T10:00:00"}
    ]
    [reminder] = store.db["reminders"].rows
    assert (reminder["user_id"], reminder["status"], reminder["session_start"]) == ("U1", "planned", None)
    assert store.db["settings"].get("digest_channel")["value"] == "C0CONF"
    assert {"feeds", "follows", "follow_offers", "user_zones"} <= set(store.db.table_names())
    # The counts `stats` reads start from the rows already there, then follow every change.
    assert list(store.db["subscription_counts"].rows) == [{"session_id": "1Auye", "count": 1}]
    store.subscribe("U2", "1Auye")
    store.subscribe("U2", "1Avqp")
    store.unsubscribe("U1", "1Auye")
    assert sorted(store.db["subscription_counts"].rows, key=str) == [
        {"session_id": "1Auye", "count": 1},
        {"session_id": "1Avqp", "count": 1},
    ]
    assert list(store.db["subscriber_counts"].rows) == [{"user_id": "U2", "count": 2}]
    assert (store.subscriber_count(), store.subscription_counts()) == (1, {"1Auye": 1, "1Avqp": 1})


def test_a_failing_migration_leaves_nothing_half_done(tmp_path, monkeypatch):
    db = sqlite_utils.Database(tmp_path / "half.db")

    def broken(db: sqlite_utils.Database) -> None:
        db["half_done"].create({"id": int}, pk="id")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("bot.store.migrations.MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(sqlite3.OperationalError):
        migrate(db)
    assert "broken" not in names(db)
    assert "half_done" not in db.table_names()
    assert len(names(db)) == len(MIGRATIONS)
