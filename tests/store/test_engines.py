"""Every repository and the reminder ledger, on both engines: SQLite and a real
PostgreSQL server (tests/postgres.py). The same calls must give the same rows."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.ledger import Ledger
from bot.reminders.planning import Announcement
from bot.schedule.model import Session, Speaker
from bot.store import open_store
from bot.store.announcements import AnnouncementsTable
from bot.store.digests import DigestRecords
from bot.store.home_tabs import HomeTabsTable
from bot.store.notices import Notices

NOW = datetime(2022, 10, 24, 14, 0, tzinfo=UTC)
DETROIT = ZoneInfo("America/Detroit")


def talk(number: int, minutes_from_now: int) -> Session:
    start = NOW + timedelta(minutes=minutes_from_now)
    return Session(
        id=f"T{number:04d}",
        title=f"Talk {number}",
        start=start.astimezone(DETROIT),
        end=(start + timedelta(minutes=30)).astimezone(DETROIT),
        speakers=(Speaker("Someone"),),
        track="Main",
        location="Hall A",
    )


@pytest.fixture
def store(engine_settings):
    opened = open_store(engine_settings.get("path", ""), engine_settings.get("url", ""), clock=lambda: NOW)
    yield opened
    opened.close()


def test_subscriptions_follows_feeds_zones_and_settings(store):
    assert store.subscribe("U1", "1Auye") and not store.subscribe("U1", "1Auye")
    assert store.subscribe("U2", "1Auye") and store.subscribe("U2", "1Avqp")
    assert store.subscriptions("U2") == {"1Auye", "1Avqp"}
    assert store.subscribers("1Auye") == ["U1", "U2"]
    assert (store.subscriber_count(), store.subscription_counts()) == (2, {"1Auye": 2, "1Avqp": 1})
    assert store.unsubscribe("U1", "1AUYE") and not store.unsubscribe("U1", "1Auye")  # ids in any case
    assert (store.subscriber_count(), store.subscription_counts(["1Auye"])) == (1, {"1Auye": 1})

    assert store.follow("U1", "track", "Security") and not store.follow("U1", "track", "Security")
    assert store.follows() == [("U1", "track", "Security")]
    assert store.subscribe_unoffered("U1", ["1Auye", "1AOie"]) == ["1Auye", "1AOie"]
    store.unsubscribe("U1", "1AOie")
    assert store.subscribe_unoffered("U1", ["1AOie", "182Ej"]) == ["182Ej"]  # an unsubscribe lasts
    assert store.unfollow("U1", "track", "security") and store.follows("U1") == []

    token = store.feed_token("U1")
    assert store.feed_token("U1") == token and store.feed_user(token) == "U1"
    renewed = store.feed_token("U1", renew=True)
    assert renewed != token and store.feed_user(token) is None and store.feed_user(renewed) == "U1"

    assert store.user_zone("U1") is None
    store.remember_user_zone("U1", "Asia/Tokyo", NOW)
    store.remember_user_zone("U1", "Europe/Berlin", NOW)
    assert store.user_zone("U1") == ("Europe/Berlin", NOW)

    store.set_setting("digest_channel", "C1")
    store.set_setting("digest_channel", "C2")
    assert store.setting("digest_channel") == "C2"
    store.set_setting("digest_channel", None)
    assert store.setting("digest_channel", "none") == "none"
    assert (
        store.change_setting("told", "a")
        and not store.change_setting("told", "a")
        and store.change_setting("told", "b")
    )
    assert store.writable()


def test_notices_announcements_home_tabs_and_digests(store):
    notices = Notices(store)
    assert notices.first("U1", "1Auye", "moved", "10:00", NOW) and not notices.first(
        "U1", "1Auye", "moved", "10:00", NOW
    )
    notices.forget("U1", "1Auye", "moved", "10:00")
    assert notices.first("U1", "1Auye", "moved", "10:00", NOW)

    table = AnnouncementsTable(store)
    table.put(Announcement("C1", "room", "Hall A", 5), NOW)
    table.put(Announcement("C1", "room", "Hall A", 10), NOW)  # replaced, not added
    table.put(Announcement("C2", "all", "", 5), NOW)
    assert table.all() == [Announcement("C1", "room", "Hall A", 10), Announcement("C2", "all", "", 5)]
    assert table.remove_channel("C1") == 1 and table.all("C1") == []

    tabs = HomeTabsTable(store)
    tabs.opened("U1", NOW)
    tabs.opened("U2", NOW + timedelta(minutes=1))
    assert tabs.users() == ["U2", "U1"] and tabs.has_opened("U1") and not tabs.has_opened("U3")

    records = DigestRecords(store)
    day, lease = date(2022, 10, 24), timedelta(seconds=10)
    ledger = Ledger(store, 10, clock=lambda: NOW)
    ledger.heartbeat("w1", NOW)
    assert records.claim(day, "w1", NOW, lease) == "new"
    assert records.claim(day, "w2", NOW, lease) == "busy"  # w1 is alive
    assert records.claim(day, "w1", NOW, lease) == "recover"
    records.finish(day, "posted", channel="C1", ts="1.2")
    assert records.claim(day, "w2", NOW, lease) == "done"
    assert records.row(day) == {"status": "posted", "channel": "C1"}


def test_the_ledger_plans_claims_sends_and_retries(store):
    ledger = Ledger(store, 10, clock=lambda: NOW)
    sessions = [talk(1, 5), talk(2, 30), talk(3, -5)]  # the third has started: no reminder
    assert ledger.plan("U1", sessions) == 2 and ledger.plan("U1", sessions) == 0
    ledger.set_lead_minutes("U2", 20)
    assert ledger.lead_minutes("U2") == 20
    ledger.set_lead_minutes("U2", None)
    assert ledger.lead_minutes("U2") is None and ledger.plan("U2", sessions) == 0

    ledger.heartbeat("w1", NOW)
    claimed = ledger.claim_due("w1", NOW)
    assert [d.session_id for d in claimed] == ["T0001"]  # due 13:55 (5 min ahead, lead 10)
    assert ledger.mark_attempting("w1", [d.id for d in claimed])
    assert not ledger.mark_attempting("w2", [d.id for d in claimed])  # another holds them
    ledger.finish_sent("w1", [([claimed[0].id], "DU1", "1.1")], NOW)
    assert ledger.dm_channel("U1") == "DU1"
    later = ledger.claim_due("w1", NOW + timedelta(minutes=25))
    assert [d.session_id for d in later] == ["T0002"]
    assert ledger.release("w1", [later[0].id], "ratelimited", NOW) == []
    assert ledger.counts() == {"sent": 1, "planned": 1}
    assert ledger.next_reminder("U1").session_id == "T0002"
    assert ledger.users_due_before(NOW + timedelta(hours=1)) == ["U1"]


def test_a_silent_workers_claims_are_taken_over_by_the_lease_clock(store):
    ledger = Ledger(store, 10, clock=lambda: NOW)
    ledger.plan("U1", [talk(1, 5)])
    ledger.heartbeat("dead", NOW)
    [due] = ledger.claim_due("dead", NOW)
    ledger.heartbeat("alive", NOW)
    assert ledger.take_over_stale("alive", NOW, timedelta(seconds=10)) == ([], [])  # "dead" beat just now
    if hasattr(store, "clock_offset"):  # PostgreSQL: leases go by the database's clock, moved here
        store.clock_offset = timedelta(seconds=11)
    ledger.heartbeat("alive", NOW + timedelta(seconds=11))
    fresh, doubtful = ledger.take_over_stale("alive", NOW + timedelta(seconds=11), timedelta(seconds=10))
    assert [d.id for d in fresh] == [due.id] and doubtful == []


def test_two_workers_claiming_at_once_share_the_rows_without_overlap(engine_settings):
    stores = [
        open_store(engine_settings.get("path", ""), engine_settings.get("url", ""), clock=lambda: NOW) for _ in range(2)
    ]
    try:
        ledger = Ledger(stores[0], 10, clock=lambda: NOW)
        for user in range(200):
            ledger.plan(f"U{user:03d}", [talk(1, 5), talk(2, 6)])
        claimed: dict[str, list[int]] = {"w0": [], "w1": []}
        start = threading.Barrier(2)

        def claim(worker: str, own: Ledger) -> None:
            start.wait()
            while rows := own.claim_due(worker, NOW, limit=25):
                claimed[worker] += [d.id for d in rows]

        threads = [
            threading.Thread(target=claim, args=(f"w{n}", Ledger(stores[n], 10, clock=lambda: NOW))) for n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for opened in stores:
            opened.close()
    every = claimed["w0"] + claimed["w1"]
    assert len(every) == 400 and len(set(every)) == 400  # all claimed, none twice


def test_migrations_apply_once_and_make_the_same_schema(engine_settings, tmp_path):
    first = open_store(engine_settings.get("path", ""), engine_settings.get("url", ""))
    first.close()
    again = open_store(engine_settings.get("path", ""), engine_settings.get("url", ""))
    try:
        applied = [row[0] for row in again.query("SELECT name FROM _migrations ORDER BY id")]
        if again.dialect == "postgresql":
            columns = again.query(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            )
        else:
            tables = [row[0] for row in again.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
            columns = [(t, row[1]) for t in tables for row in again.query(f"PRAGMA table_info({t})")]
    finally:
        again.close()
    sqlite = open_store(tmp_path / "reference.db")
    try:
        tables = [row[0] for row in sqlite.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        reference = {(t, row[1]) for t in tables for row in sqlite.query(f"PRAGMA table_info({t})")}
        names = [row[0] for row in sqlite.query("SELECT name FROM _migrations ORDER BY id")]
    finally:
        sqlite.close()
    assert applied == names  # each once, in the same order
    assert {c for c in columns if not c[0].startswith("sqlite_")} == reference
