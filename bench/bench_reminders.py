"""Reminders at scale: 100,000 subscriptions over 5,000 sessions.

Measures (1) the time one tick takes to find and claim due rows, and (2) how late each
reminder reaches the stand-in Web API when 5,000 fall due in the same minute — first
with a stand-in that answers at once, then with one that allows ~1 message per second
per channel (429 + Retry-After beyond that).

Run: python -m bench.bench_reminders
Target (issue "Reminders…"): p99 lateness under 1 s against the immediate stand-in.
"""

from __future__ import annotations

import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.generate import seed_format_schedule
from bot.bootstrap import build_bot
from bot.clock import SystemClock
from bot.config import Config
from bot.schedule.model import Schedule
from bot.store.database import stamp

SUBSCRIPTIONS = 100_000
DUE_AT_ONCE = 5_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def build(folder: Path, api_url: str):
    schedule = folder / "big.md"
    schedule.write_text(seed_format_schedule(5000), encoding="utf-8")
    config = Config(
        bot_token="xoxb-bench",
        signing_secret="s",
        api_url=api_url,
        schedule_path=schedule,
        database_path=folder / "bench.db",
    )
    bot = build_bot(config, clock=SystemClock())
    # The generated conference is in 2022; move it a month ahead so no session has started.
    generated = bot.catalog.current.schedule
    offset = datetime.now(UTC) + timedelta(days=30) - generated.sessions[0].start
    shifted = tuple(replace(s, start=s.start + offset, end=s.end + offset) for s in generated)
    bot.catalog.replace(Schedule(shifted, generated.zone), "bench", datetime.now(UTC))
    sessions = bot.catalog.current.schedule.sessions
    db = bot.store.db
    far = stamp(datetime.now(UTC) + timedelta(days=3650))
    rows_subs, rows_reminders = [], []
    for n in range(SUBSCRIPTIONS):
        user, session = f"U{n % 20_000:05d}", sessions[(n * 7919) % len(sessions)]
        rows_subs.append((user, session.id, "2022-10-01T00:00:00"))
        rows_reminders.append((user, session.id, far))
    with db.conn:
        db.conn.executemany("INSERT OR IGNORE INTO subscriptions VALUES (?, ?, ?)", rows_subs)
        db.conn.executemany(
            "INSERT OR IGNORE INTO reminders (user_id, session_id, due_at, status, attempts) "
            "VALUES (?, ?, ?, 'planned', 0)",
            rows_reminders,
        )
    return bot


def claim_timings(bot) -> tuple[float, float]:
    """Median time of a tick's claim when nothing is due, over 50 claims."""
    now = datetime.now(UTC)
    empty = []
    for _ in range(50):
        started = time.perf_counter()
        bot.ledger.claim_due("bench", now)
        empty.append(time.perf_counter() - started)
    return statistics.median(empty), max(empty)


class StandInProcess:
    """The stand-in in its own process, so it does not share this one's CPU and GIL."""

    def __init__(self, per_channel_interval: float = 0.0):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.console.standin", "--per-channel-interval", str(per_channel_interval)],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.process.stdout.readline())
        self.api_url = f"http://127.0.0.1:{self.port}/api/"

    def calls(self) -> list[dict]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_calls", timeout=30) as response:
            return json.loads(response.read())["calls"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def lateness_run(folder: Path, label: str, per_channel_interval: float = 0.0) -> None:
    standin = StandInProcess(per_channel_interval)
    try:
        bot = build(folder, standin.api_url)
        db = bot.store.db
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=15)
        with db.conn:  # 5,000 reminders, for 5,000 different people, due in the same second
            db.execute(
                "UPDATE reminders SET due_at = ? WHERE id IN (SELECT min(id) FROM reminders GROUP BY user_id LIMIT ?)",
                [stamp(due), DUE_AT_ONCE],
            )
        ticks = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            started = time.perf_counter()
            bot.dispatcher.tick()
            ticks.append(time.perf_counter() - started)
            done = db.execute("SELECT count(*) FROM reminders WHERE status IN ('sent', 'failed', 'missed')").fetchone()[
                0
            ]
            if done >= DUE_AT_ONCE:
                break
            time.sleep(max(0.0, bot.config.reminder_tick_seconds - (time.perf_counter() - started)))
        statuses = dict(db.execute("SELECT status, count(*) FROM reminders WHERE due_at = ? GROUP BY status",
                                   [stamp(due)]).fetchall())  # fmt: skip
        bot.close()
        calls = standin.calls()
    finally:
        standin.stop()
    posts = [c for c in calls if c["method"] == "chat.postMessage"]
    delivered = [c for c in posts if (c["params"].get("metadata") or {}).get("event_type") == "session_reminder"]
    lateness = [c["at"] - due.timestamp() for c in delivered]
    print(f"{label}: {len(delivered)} reminder posts for {DUE_AT_ONCE} due in the same second; {statuses}")
    print(
        f"  lateness p50 {percentile(lateness, 0.5):.3f} s  p99 {percentile(lateness, 0.99):.3f} s  "
        f"max {max(lateness):.3f} s  (earliest {min(lateness):+.3f} s; users.info calls "
        f"{sum(c['method'] == 'users.info' for c in calls)}, all before the due second)"
    )
    print(f"  slowest tick {max(ticks):.2f} s")


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        bot = build(Path(folder), "http://127.0.0.1:9/api/")
        empty_median, empty_max = claim_timings(bot)
        print(f"{SUBSCRIPTIONS} subscriptions over 5000 sessions, {SUBSCRIPTIONS} planned reminders")
        print(f"tick claim with nothing due: median {empty_median * 1000:.2f} ms, max {empty_max * 1000:.2f} ms")
        with bot.store.db.conn:
            bot.store.db.execute(
                "UPDATE reminders SET due_at = ? WHERE id IN (SELECT min(id) FROM reminders GROUP BY user_id LIMIT ?)",
                [stamp(datetime.now(UTC) - timedelta(seconds=1)), DUE_AT_ONCE],
            )
        started = time.perf_counter()
        claimed = bot.ledger.claim_due("bench", datetime.now(UTC), limit=DUE_AT_ONCE)
        print(f"tick claim of {len(claimed)} due rows: {(time.perf_counter() - started) * 1000:.1f} ms")
        bot.close()
    with tempfile.TemporaryDirectory() as folder:
        lateness_run(Path(folder), "stand-in answering at once")
    with tempfile.TemporaryDirectory() as folder:
        lateness_run(Path(folder), "stand-in allowing ~1 message/s per channel", per_channel_interval=1.0)


if __name__ == "__main__":
    main()
