"""Exactly once with real processes: SIGKILL during dispatch, and three processes at once,
on SQLite and on PostgreSQL; and two hosts whose clocks differ by 90 s on PostgreSQL.

Bounded: a few real `python -m bot serve` processes, each test well under a minute.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.console.standin import SlackStandIn
from bot.reminders.ledger import Ledger
from bot.schedule import load_schedule
from bot.store import open_store
from bot.store.database import SqliteStore, Store, stamp
from tests.conftest import REPO, free_port

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them

USERS = 40
# Crashed sends are checked against each person's DM history first, within the bot's budget
# of 10 look-ups at once, 40 a minute: as many people as fit the ten keep that check prompt.
KILLED_USERS = 10
KILLED_SENDERS = "2"  # posts two at a time: a kill finds some delivered, some in flight, some not begun
LEAD_MINUTES = 30
ON_TIME = 15.0  # seconds: every reminder reaches Slack within this of its due time
# Rows due within the lookahead (1 s) are claimed together and posted from the first one's
# due second: a post may lead its own due time by that much, never by a host's skew.
EARLY = 2.0
SKEW = 45  # seconds each way: two hosts whose clocks differ by 90 s


@dataclass
class SharedDatabase:
    """The database the processes under test share: a SQLite file (`path`) or PostgreSQL
    (`url`); `store` is this test's own connection to it, to seed and to watch."""

    path: Path | None = None
    url: str = ""
    _store: Store | None = field(default=None, repr=False)

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url} if self.url else {"DATABASE_PATH": str(self.path)}

    @property
    def store(self) -> Store:
        if self._store is None:  # a reader that waits out the processes' writes on SQLite
            self._store = open_store("", self.url) if self.url else SqliteStore(self.path, busy_seconds=30)
        return self._store

    def statuses(self) -> Counter:
        return Counter(dict(self.store.query("SELECT status, count(*) FROM reminders GROUP BY status")))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


@pytest.fixture
def shared_database(engine_settings) -> Iterator[SharedDatabase]:
    """Once on a SQLite file, once on a fresh PostgreSQL database (see engine_settings)."""
    database = SharedDatabase(**engine_settings)
    yield database
    database.close()


@pytest.fixture
def sqlite_database(tmp_path) -> Iterator[SharedDatabase]:
    database = SharedDatabase(path=tmp_path / "shared.db")
    yield database
    database.close()


@pytest.fixture
def postgres_database(postgres_url) -> Iterator[SharedDatabase]:
    database = SharedDatabase(url=postgres_url)
    yield database
    database.close()


def soon_schedule(path, talks: int = 3) -> datetime:
    """Talks starting at the minute 30 minutes from now (UTC): with a 30-minute lead their
    reminders are due now and none has started. Returns when they fell due."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=30)
    lines = ["---", "title: Soon", f"date: '{start:%Y-%m-%d}'", "timezone: UTC", "---", ""]
    for n in range(talks):
        begin, end = start, start + timedelta(minutes=20)
        lines += [f"### [Talk {n} - Speaker {n}, Org](https://sched.co/1E2E{n})", "",
                  f"{begin:%A}, {begin:%B} {begin.day} • {begin:%H:%M} - {end:%H:%M}", "", "About it.", ""]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")
    return start - timedelta(minutes=LEAD_MINUTES)


def seed_subscriptions(tmp_path, database: SharedDatabase, users: int = USERS, talks: int = 3):
    """`users` people subscribed to every talk, in `database`; returns the schedule, the
    number of reminders and the moment they became due (not before this call)."""
    schedule_path = tmp_path / "soon.md"
    due = soon_schedule(schedule_path, talks)
    schedule, _ = load_schedule(schedule_path)
    store = database.store
    ledger = Ledger(store, LEAD_MINUTES, clock=lambda: datetime.now(UTC))
    for n in range(users):
        user = f"U{n:04d}"
        for session in schedule:
            store.subscribe(user, session.id)
        ledger.plan(user, schedule.sessions)
    return schedule_path, users * len(schedule), max(due, datetime.now(UTC))


def reminder_posts(standin) -> Iterator[tuple[float, dict]]:
    """(when it reached Slack, its metadata payload) of each delivered reminder message."""
    for call in standin.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if call.delivered and metadata.get("event_type") == "session_reminder":  # a 429'd post never arrived
            yield call.at, metadata["event_payload"]


def lateness(standin, due: datetime) -> list[float]:
    """Seconds from due to the delivered post, per reminder message."""
    return [at - due.timestamp() for at, _ in reminder_posts(standin)]


def start_bot(standin, schedule_path, database: SharedDatabase, **settings: str):
    inherited = ("SLACK_", "DATABASE_", "CLOCK_OFFSET_")  # the test says where, and how wrong the clock is
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env.update(
        SLACK_BOT_TOKEN="xoxb-e2e",
        SLACK_SIGNING_SECRET="e2e",
        SLACK_API_URL=standin.api_url,
        SCHEDULE_PATH=str(schedule_path),
        PORT=str(free_port()),
        REMINDER_MINUTES=str(LEAD_MINUTES),
        REMINDER_TICK_SECONDS="0.2",
        **database.env(),
        **settings,
    )  # the default lease (10 s): a restart on this host takes over without waiting it out
    return subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def stop(processes: list[subprocess.Popen], timeout: float = 10) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=timeout)


def wait_for_workers(database: SharedDatabase, count: int, limit: float = 30) -> None:
    """Until `count` processes beat their hearts in the shared database (each has ticked)."""
    deadline = time.monotonic() + limit
    while database.store.one("SELECT count(*) FROM workers")[0] < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} workers after {limit}s")
        time.sleep(0.05)  # the processes are starting


def wait_for_a_new_sender(database: SharedDatabase, before: set[str], total: int, limit: float = 30) -> set[str]:
    """Until a process not among `before` has begun a post (or recorded one after a history
    check), or all are sent; the processes that have."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        rows = database.store.query("SELECT claimed_by, status FROM reminders WHERE status IN ('attempting', 'sent')")
        senders = {worker for worker, _ in rows}
        if senders - before or sum(status == "sent" for _, status in rows) == total:
            return senders | before
        time.sleep(0.01)  # the process is starting: poll the shared database
    raise AssertionError(f"no new process posted in {limit}s: {database.statuses()}")


def wait_until_all_sent(database: SharedDatabase, total: int, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if database.statuses().get("sent", 0) == total:
            return
        time.sleep(0.2)  # real processes are working; poll the shared database
    raise AssertionError(f"not all sent in {limit}s: {database.statuses()}")


def deliveries(standin) -> Counter:
    counted: Counter = Counter()
    for _, payload in reminder_posts(standin):
        counted.update((payload["user_id"], session_id) for session_id in payload["session_ids"])
    return counted


def test_sigkill_during_dispatch_never_loses_or_doubles_a_reminder(tmp_path, shared_database):
    database = shared_database
    schedule_path, total, due = seed_subscriptions(tmp_path, database, users=KILLED_USERS)
    rng = random.Random(20221024)
    with SlackStandIn(tiers=True) as standin:  # Slack's rate tiers, 429 past them
        standin.delays["chat.postMessage"] = 0.15  # Slack has the message before the bot hears back
        kills, posting = 0, set()
        for _ in range(8):
            process = start_bot(standin, schedule_path, database, REMINDER_SENDERS=KILLED_SENDERS)
            try:
                posting = wait_for_a_new_sender(database, posting, total)
                time.sleep(rng.uniform(0, 0.5))  # somewhere inside its dispatch (posts 2 at a time, 0.15 s each)
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            kills += 1
            if database.statuses().get("sent", 0) == total:
                break
        last_start = datetime.now(UTC)
        process = start_bot(standin, schedule_path, database)
        try:
            wait_until_all_sent(database, total)
        finally:
            stop([process])
        counted = deliveries(standin)
    print(f"{kills} kills during dispatch; latest post {max(lateness(standin, due)):.1f} s after due")
    assert kills >= 2
    assert len(counted) == total
    assert set(counted.values()) == {1}, {k: v for k, v in counted.items() if v != 1}
    # Each killed process had to start and begin posting first; the last one, once started,
    # sends what is left at once (not after a lease: it sees its predecessors are gone).
    assert max(lateness(standin, last_start)) < ON_TIME


def test_three_processes_on_one_database_send_each_reminder_once(tmp_path, shared_database):
    database = shared_database
    schedule_path, total, due = seed_subscriptions(tmp_path, database)
    with SlackStandIn(tiers=True) as standin:
        standin.delays["chat.postMessage"] = 0.005
        processes = [start_bot(standin, schedule_path, database) for _ in range(3)]
        try:
            wait_until_all_sent(database, total)
        finally:
            stop(processes)
        counted = deliveries(standin)
    assert len(counted) == total
    assert set(counted.values()) == {1}
    assert max(lateness(standin, due)) < ON_TIME


def test_a_crash_amid_2000_reminders_due_together_loses_and_doubles_none(tmp_path, sqlite_database):
    database = sqlite_database
    schedule_path, total, due = seed_subscriptions(tmp_path, database, users=2000, talks=1)
    with SlackStandIn(tiers=True) as standin:
        standin.delays["chat.postMessage"] = 0.05  # a real round trip
        process = start_bot(standin, schedule_path, database)
        deadline = time.monotonic() + 60
        while database.statuses().get("sent", 0) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)  # the first process is sending: poll the shared database
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process = start_bot(standin, schedule_path, database)  # restarted at once
        try:
            wait_until_all_sent(database, total, limit=150)
        finally:
            stop([process], timeout=15)
        counted = deliveries(standin)
        history_calls = len(standin.calls_to("conversations.history"))
    print(f"2,000 due together, one SIGKILL: {history_calls} conversations.history calls, "
          f"latest {max(lateness(standin, due)):.1f} s after due, 429s {dict(standin.rate_limited)}")  # fmt: skip
    assert len(counted) == total
    assert set(counted.values()) == {1}
    assert max(lateness(standin, due)) < 120
    assert history_calls <= 2 * 16  # only posts in flight at the kill were checked


def make_due_in_steps(database: SharedDatabase, users: int, first: datetime, step: float) -> dict[str, datetime]:
    """Each person's reminders fall due together, people a `step` apart from `first`:
    whoever ticks claims the next ones. Returns each person's due time."""
    due = {f"U{n:04d}": first + timedelta(seconds=step * n) for n in range(users)}
    database.store.write_many("UPDATE reminders SET due_at = ? WHERE user_id = ?",
                              [(stamp(at), user) for user, at in due.items()])  # fmt: skip
    return due


@pytest.mark.postgres
def test_two_hosts_whose_clocks_differ_by_90_seconds_send_each_reminder_once_on_time(tmp_path, postgres_database):
    database = postgres_database
    schedule_path, total, _ = seed_subscriptions(tmp_path, database)
    # Nothing due while the hosts start: a host 45 s fast would otherwise look right.
    make_due_in_steps(database, USERS, datetime.now(UTC) + timedelta(minutes=10), step=0)
    with SlackStandIn(tiers=True) as standin:
        standin.delays["chat.postMessage"] = 0.005
        hosts = [start_bot(standin, schedule_path, database, CLOCK_OFFSET_SECONDS=str(offset))
                 for offset in (-SKEW, SKEW)]  # fmt: skip
        try:
            wait_for_workers(database, 2)
            # Due from 5 s on, within 45 s: a host trusting its own fast clock would send them
            # all at once, seconds early; one trusting its slow clock, none of them.
            due = make_due_in_steps(database, USERS, datetime.now(UTC) + timedelta(seconds=5), step=0.1)
            wait_until_all_sent(database, total)
            workers = {pid for (pid,) in database.store.query("SELECT pid FROM workers")}
            senders = database.store.query("SELECT claimed_by, count(*) FROM reminders GROUP BY claimed_by")
        finally:
            stop(hosts)
        counted = deliveries(standin)
        earliness = [(due[payload["user_id"]].timestamp() - at, payload["user_id"])
                     for at, payload in reminder_posts(standin)]  # fmt: skip
    assert len(counted) == total
    assert set(counted.values()) == {1}, {k: v for k, v in counted.items() if v != 1}
    assert workers == {host.pid for host in hosts}
    assert len(senders) == 2, f"one host sent everything: {senders}"
    assert max(earliness)[0] < EARLY, sorted(earliness, reverse=True)[:5]  # (seconds early, person)
    assert min(earliness)[0] > -ON_TIME
