"""PostgreSQL as several hosts meet it: connections dropped by the server, a full pool,
processes starting together, a digest day released while another claims it, and a
DATABASE_URL whose password must never be shown."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, timedelta

import psycopg
import pytest

from bot.bootstrap import build_bot
from bot.config import ConfigError
from bot.reminders.ledger import Ledger
from bot.store import open_store
from bot.store.digests import DigestRecords
from bot.store.errors import StoreUnavailable, storage_errors
from bot.store.postgres import PostgresStore
from tests.slackkit import bot_config
from tests.store.test_engines import NOW

pytestmark = pytest.mark.postgres


def test_connections_the_server_dropped_are_replaced_before_use(postgres_url):
    store = PostgresStore(postgres_url, clock=lambda: NOW)
    try:
        store.idle_check_seconds = 0.0  # as if the connections had sat idle a while
        holders = [store.pool.getconn() for _ in range(3)]  # three pooled connections…
        for connection in holders:
            store.pool.putconn(connection)
        with psycopg.connect(postgres_url, autocommit=True) as admin:  # …dropped, as a restart or failover does
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        answers = []
        for n in range(5):
            with storage_errors():
                answers.append(store.subscribe(f"U{n}", "1Auye"))
    finally:
        store.close()
    assert answers == [True] * 5  # no request met a dead connection


def test_a_full_pool_is_busy_within_slacks_three_seconds_and_healthy(postgres_url):
    store = PostgresStore(postgres_url, clock=lambda: NOW, pool_size=2)
    held = [store.pool.getconn(), store.pool.getconn()]
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as refused, storage_errors():
            store.subscribe("U1", "1Auye")
        waited = time.monotonic() - started
        assert refused.value.kind == "busy" and waited < 3.0
        assert store.writable()  # busy is not broken: /healthz stays 200
    finally:
        for connection in held:
            store.pool.putconn(connection)
        store.close()


def test_processes_starting_together_apply_each_migration_once(postgres_url):
    stores, problems = [], []

    def start() -> None:
        try:
            stores.append(PostgresStore(postgres_url))
        except Exception as problem:
            problems.append(problem)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert problems == []
        names = [row[0] for row in stores[0].query("SELECT name FROM _migrations ORDER BY id")]
    finally:
        for store in stores:
            store.close()
    assert len(names) == len(set(names)) == 12


def test_a_digest_day_released_while_another_claims_it_never_breaks_the_claim(postgres_url):
    stores = [PostgresStore(postgres_url, clock=lambda: NOW) for _ in range(2)]
    day, lease, failures, outcomes = date(2022, 10, 24), timedelta(seconds=10), [], []
    for number, store in enumerate(stores):
        Ledger(store, 10, clock=lambda: NOW).heartbeat(f"w{number}", NOW)
    deadline = time.monotonic() + 3

    def claim_and_release(worker: str, records: DigestRecords) -> None:
        while time.monotonic() < deadline:
            try:
                outcome = records.claim(day, worker, NOW, lease)
                outcomes.append(outcome)
                if outcome in ("new", "recover"):
                    records.release(day, worker)  # as after a failed post
            except Exception as problem:
                failures.append(repr(problem))

    threads = [
        threading.Thread(target=claim_and_release, args=(f"w{n % 2}", DigestRecords(stores[n % 2]))) for n in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for store in stores:
        store.close()
    assert failures == []
    assert {"new", "busy"} <= set(outcomes)


def test_a_malformed_url_or_a_refused_connection_never_shows_the_password(tmp_path, standin, caplog, postgres_url):
    caplog.set_level(logging.DEBUG)
    malformed = "postgresql://confbot:hunter%zz2pw@127.0.0.1:1/none"
    unreachable = "postgresql://confbot:hunter2pw@127.0.0.1:1/none"
    for url in (malformed, unreachable):
        with pytest.raises(ConfigError) as refused:
            build_bot(bot_config(tmp_path, standin, database_url=url))
        assert "hunter" not in str(refused.value) and str(refused.value).startswith("DATABASE_URL:")
    assert "hunter" not in caplog.text
    store = open_store("", postgres_url.replace("confbot@", "confbot:hunter2pw@"))  # trust: any password works
    store.close()
    assert "hunter" not in caplog.text
