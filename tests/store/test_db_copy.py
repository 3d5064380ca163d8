"""`python -m bot db copy --from PATH --to URL`: a SQLite database into a real PostgreSQL
server, whole rows compared; again copies nothing twice; a failure copies nothing."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from bot.cli import main
from bot.reminders.ledger import Ledger
from bot.store import open_store
from bot.store.digests import DigestRecords
from bot.store.home_tabs import HomeTabsTable
from tests.store.test_engines import NOW, talk

pytestmark = pytest.mark.postgres
COMPARED = ("subscriptions", "settings", "reminders", "user_settings", "follows", "follow_offers", "feeds",
            "notices", "digests", "home_tabs", "user_zones", "subscription_counts", "subscriber_counts")  # fmt: skip


def a_used_sqlite_database(path):
    store = open_store(path, clock=lambda: NOW)
    ledger = Ledger(store, 10, clock=lambda: NOW)
    for user in ("U1", "U2", "U3"):
        store.subscribe(user, "T0001")
        ledger.plan(user, [talk(1, 5), talk(2, 60)])
    store.subscribe("U1", "T0002")
    store.follow("U2", "track", "Main")
    store.subscribe_unoffered("U2", ["T0003"])
    store.feed_token("U1")
    store.remember_user_zone("U3", "Asia/Tokyo", NOW)
    store.set_setting("digest_channel", "C0CONF")
    ledger.set_lead_minutes("U3", 15)
    ledger.heartbeat("w1", NOW)
    [first, *_] = ledger.claim_due("w1", NOW)
    ledger.finish_sent("w1", [([first.id], "DU1", "1.1")], NOW)
    DigestRecords(store).claim(date(2022, 10, 24), "w1", NOW, timedelta(seconds=10))
    HomeTabsTable(store).opened("U1", NOW)
    store.close()


def rows(store, table: str) -> list[tuple]:
    return sorted(store.query(f"SELECT * FROM {table}"), key=repr)


def test_every_row_arrives_and_a_second_copy_adds_nothing(tmp_path, postgres_url, capsys):
    source = tmp_path / "confbot.db"
    a_used_sqlite_database(source)
    assert main(["db", "copy", "--from", str(source), "--to", postgres_url]) == 0
    first = capsys.readouterr().out
    assert "subscriptions: 5 rows read, 5 new" in first and "reminders: 6 rows read, 6 new" in first
    assert postgres_url not in first

    assert main(["db", "copy", "--from", str(source), "--to", postgres_url]) == 0
    assert "copied 0 new rows" in capsys.readouterr().out

    sqlite, postgres = open_store(source), open_store("", postgres_url)
    try:
        for table in COMPARED:
            assert [tuple(r) for r in rows(postgres, table)] == [tuple(r) for r in rows(sqlite, table)], table
        # The bot on PostgreSQL carries on: new reminders get new ids after the copied ones.
        ledger = Ledger(postgres, 10, clock=lambda: NOW)
        assert ledger.plan("U9", [talk(3, 30)]) == 1
        assert postgres.one("SELECT id FROM reminders WHERE user_id = 'U9'")[0] > 6  # after the copied ones
        assert postgres.subscriptions("U1") == {"T0001", "T0002"} and postgres.feed_user(sqlite.feed_token("U1"))
    finally:
        sqlite.close()
        postgres.close()


def test_a_target_a_bot_already_used_keeps_its_rows_beside_the_copied_ones(tmp_path, postgres_url):
    used = open_store("", postgres_url, clock=lambda: NOW)
    Ledger(used, 10, clock=lambda: NOW).plan("UPG", [talk(9, 40)])  # id 1 there already
    used.close()
    source = tmp_path / "confbot.db"
    a_used_sqlite_database(source)
    assert main(["db", "copy", "--from", str(source), "--to", postgres_url]) == 0
    postgres = open_store("", postgres_url)
    try:
        users = sorted(row[0] for row in postgres.query("SELECT user_id FROM reminders"))
    finally:
        postgres.close()
    assert users == ["U1", "U1", "U2", "U2", "U3", "U3", "UPG"]  # none lost to an id clash


def test_a_row_postgresql_refuses_copies_nothing_at_all(tmp_path, postgres_url, capsys):
    source = tmp_path / "confbot.db"
    a_used_sqlite_database(source)
    with sqlite3.connect(source) as db:  # SQLite keeps text in an INTEGER column; PostgreSQL will not
        db.execute("UPDATE reminders SET attempts = 'many' WHERE id = 6")
    assert main(["db", "copy", "--from", str(source), "--to", postgres_url]) == 1
    error = capsys.readouterr().err
    assert error.startswith("confbot db copy: nothing copied:") and error.count("\n") == 1
    postgres = open_store("", postgres_url)
    try:
        assert postgres.query("SELECT count(*) FROM subscriptions") == [(0,)]  # the tables before it too
    finally:
        postgres.close()


def test_a_missing_source_or_a_url_that_is_not_postgresql_is_one_line(tmp_path, postgres_url, capsys):
    assert main(["db", "copy", "--from", str(tmp_path / "nope.db"), "--to", postgres_url]) == 1
    assert "nope.db: no such SQLite database" in capsys.readouterr().err
    assert main(["db", "copy", "--from", str(tmp_path / "nope.db"), "--to", "mysql://x"]) == 2
    assert "--to must be a PostgreSQL URL" in capsys.readouterr().err


def test_a_copied_database_serves_the_same_answers(tmp_path, postgres_url):
    source = tmp_path / "confbot.db"
    a_used_sqlite_database(source)
    assert main(["db", "copy", "--from", str(source), "--to", postgres_url]) == 0
    postgres = open_store("", postgres_url)
    try:
        ledger = Ledger(postgres, 10, clock=lambda: NOW)
        assert ledger.lead_minutes("U3") == 15
        assert ledger.counts() == {"sent": 1, "claimed": 2, "planned": 3}
        assert (postgres.subscriber_count(), postgres.subscription_counts()) == (
            3,
            {"T0001": 3, "T0002": 1, "T0003": 1},
        )
        assert postgres.user_zone("U3") == ("Asia/Tokyo", NOW)
    finally:
        postgres.close()
