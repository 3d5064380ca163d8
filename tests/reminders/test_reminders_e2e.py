"""Exactly once with real processes: SIGKILL during dispatch, and three processes at once.

Bounded: a few real `python -m bot serve` processes, each test well under a minute.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.console.standin import SlackStandIn
from bot.reminders.ledger import Ledger
from bot.schedule import load_schedule
from bot.store.database import SqliteStore
from tests.conftest import REPO, free_port

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them

USERS = 40
LEAD_MINUTES = 30
ON_TIME = 15.0  # seconds: every reminder reaches Slack within this of its due time


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


def seed_subscriptions(tmp_path, users: int = USERS, talks: int = 3):
    """`users` people subscribed to every talk; returns the schedule, the database, the
    number of reminders and the moment they became due (not before this call)."""
    schedule_path = tmp_path / "soon.md"
    due = soon_schedule(schedule_path, talks)
    schedule, _ = load_schedule(schedule_path)
    store = SqliteStore(tmp_path / "shared.db")
    ledger = Ledger(store, LEAD_MINUTES, clock=lambda: datetime.now(UTC))
    for n in range(users):
        user = f"U{n:04d}"
        for session in schedule:
            store.subscribe(user, session.id)
        ledger.plan(user, schedule.sessions)
    store.close()
    return schedule_path, tmp_path / "shared.db", users * len(schedule), max(due, datetime.now(UTC))


def lateness(standin, due: datetime) -> list[float]:
    """Seconds from due to the delivered post, per reminder message."""
    return [
        c.at - due.timestamp()
        for c in standin.calls_to("chat.postMessage")
        if c.delivered and (c.params.get("metadata") or {}).get("event_type") == "session_reminder"
    ]


def start_bot(standin, schedule_path, database):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(
        SLACK_BOT_TOKEN="xoxb-e2e",
        SLACK_SIGNING_SECRET="e2e",
        SLACK_API_URL=standin.api_url,
        SCHEDULE_PATH=str(schedule_path),
        DATABASE_PATH=str(database),
        PORT=str(free_port()),
        REMINDER_MINUTES=str(LEAD_MINUTES),
        REMINDER_TICK_SECONDS="0.2",
    )  # the default lease (10 s): a restart on this host takes over without waiting it out
    return subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def statuses(database) -> Counter:
    with sqlite3.connect(database, timeout=30) as db:
        return Counter(status for (status,) in db.execute("SELECT status FROM reminders"))


def wait_until_all_sent(database, total: int, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if statuses(database).get("sent", 0) == total:
            return
        time.sleep(0.2)  # real processes are working; poll the shared database
    raise AssertionError(f"not all sent in {limit}s: {statuses(database)}")


def deliveries(standin) -> Counter:
    counted: Counter = Counter()
    for call in standin.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata") or {}
        if call.delivered and metadata.get("event_type") == "session_reminder":  # a 429'd post never arrived
            payload = metadata["event_payload"]
            counted.update((payload["user_id"], session_id) for session_id in payload["session_ids"])
    return counted


def test_sigkill_during_dispatch_never_loses_or_doubles_a_reminder(tmp_path):
    schedule_path, database, total, due = seed_subscriptions(tmp_path)
    rng = random.Random(20221024)
    with SlackStandIn(tiers=True) as standin:  # Slack's rate tiers, 429 past them
        standin.delays["chat.postMessage"] = 0.15  # Slack has the message before the bot hears back
        kills = 0
        for _ in range(8):
            process = start_bot(standin, schedule_path, database)
            time.sleep(rng.uniform(0.5, 1.3))  # somewhere inside start-up or dispatch
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            kills += 1
            if statuses(database).get("sent", 0) == total:
                break
        process = start_bot(standin, schedule_path, database)
        try:
            wait_until_all_sent(database, total)
        finally:
            process.terminate()
            process.wait(timeout=10)
        counted = deliveries(standin)
    assert kills >= 2
    assert len(counted) == total
    assert set(counted.values()) == {1}, {k: v for k, v in counted.items() if v != 1}
    assert max(lateness(standin, due)) < ON_TIME


def test_three_processes_on_one_database_send_each_reminder_once(tmp_path):
    schedule_path, database, total, due = seed_subscriptions(tmp_path)
    with SlackStandIn(tiers=True) as standin:
        standin.delays["chat.postMessage"] = 0.005
        processes = [start_bot(standin, schedule_path, database) for _ in range(3)]
        try:
            wait_until_all_sent(database, total)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)
        counted = deliveries(standin)
    assert len(counted) == total
    assert set(counted.values()) == {1}
    assert max(lateness(standin, due)) < ON_TIME


def test_a_crash_amid_2000_reminders_due_together_loses_and_doubles_none(tmp_path):
    schedule_path, database, total, due = seed_subscriptions(tmp_path, users=2000, talks=1)
    with SlackStandIn(tiers=True) as standin:
        standin.delays["chat.postMessage"] = 0.05  # a real round trip
        process = start_bot(standin, schedule_path, database)
        deadline = time.monotonic() + 60
        while statuses(database).get("sent", 0) < 300 and time.monotonic() < deadline:
            time.sleep(0.05)  # the first process is sending: poll the shared database
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process = start_bot(standin, schedule_path, database)  # restarted at once
        try:
            wait_until_all_sent(database, total, limit=150)
        finally:
            process.terminate()
            process.wait(timeout=15)
        counted = deliveries(standin)
        history_calls = len(standin.calls_to("conversations.history"))
    print(f"2,000 due together, one SIGKILL: {history_calls} conversations.history calls, "
          f"latest {max(lateness(standin, due)):.1f} s after due, 429s {dict(standin.rate_limited)}")  # fmt: skip
    assert len(counted) == total
    assert set(counted.values()) == {1}
    assert max(lateness(standin, due)) < 120
    assert history_calls <= 2 * 16  # only posts in flight at the kill were checked
