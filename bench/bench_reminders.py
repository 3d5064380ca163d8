"""Reminders at scale: 100,000 subscriptions (20,000 people × 5 sessions) over 5,000 sessions.

Measures (1) the time one tick takes to find and claim due rows, and (2) how late each
reminder reaches the stand-in Web API (run in its own process). By default: 5,000
reminders for 5,000 people due in the same second, first with a stand-in that answers at
once, then with one that allows ~1 message per second per channel. With --tiers and/or
--latency-ms: the 2,000 subscribers of one keynote, reminded in the same second, against
the instant stand-in and then against one enforcing Slack's rate tiers and/or a round trip.

With --db postgresql://…: the claim timings and the 5,000 due in one second (instant
stand-in) on SQLite and then on PostgreSQL, side by side. The bench works in a database
of its own, made beside the one the URL names and dropped afterwards (the URL's user
needs CREATEDB): nothing in the named database is read or touched.

Run: python -m bench.bench_reminders [--tiers] [--latency-ms 50] [--db postgresql://…]
Target (issue "Reminders…"): p99 lateness under 1 s against the immediate stand-in.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.generate import seed_format_schedule
from bot.bootstrap import build_bot
from bot.clock import SystemClock
from bot.config import Config
from bot.reminders.planning import due_time
from bot.schedule.model import Schedule
from bot.store.database import stamp

USERS = 20_000
PER_USER = 5  # distinct sessions each
SESSIONS = 5_000
SUBSCRIPTIONS = USERS * PER_USER
DUE_AT_ONCE = 5_000
KEYNOTE_SUBSCRIBERS = 2_000  # users U00000… also subscribe to the first session, the keynote
FINISHED = ("sent", "failed", "missed")
ONE_EACH = "UPDATE reminders SET due_at = ? WHERE id IN (SELECT min(id) FROM reminders GROUP BY user_id LIMIT ?)"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def user_sessions(user: int) -> list[int]:
    """One user's 5 distinct session indexes; the keynote (0) among them for the first 2,000."""
    others = [1 + (user * PER_USER + k) % (SESSIONS - 1) for k in range(PER_USER)]  # consecutive: distinct
    return [0, *others[1:]] if user < KEYNOTE_SUBSCRIBERS else others


def build(folder: Path, api_url: str, database_url: str = ""):
    """The bot on 100,000 subscriptions: in folder/bench.db, or in PostgreSQL at `database_url`."""
    schedule = folder / "big.md"
    schedule.write_text(seed_format_schedule(SESSIONS), encoding="utf-8")
    config = Config(
        bot_token="xoxb-bench",
        signing_secret="s",
        api_url=api_url,
        schedule_path=schedule,
        database_path=folder / "bench.db",
        database_url=database_url,
    )
    bot = build_bot(config, clock=SystemClock())
    # The generated conference is in 2022; move it a month ahead so no session has started.
    generated = bot.catalog.current.schedule
    offset = datetime.now(UTC) + timedelta(days=30) - generated.sessions[0].start
    shifted = tuple(replace(s, start=s.start + offset, end=s.end + offset) for s in generated)
    bot.catalog.replace(Schedule(shifted, generated.zone), "bench", datetime.now(UTC))
    sessions = bot.catalog.current.schedule.sessions
    assert len(sessions) == SESSIONS
    rows_subs, rows_reminders = [], []
    for user in range(USERS):
        for index in user_sessions(user):
            session = sessions[index]
            rows_subs.append((f"U{user:05d}", session.id, "2022-10-01T00:00:00"))
            due = due_time(session, config.reminder_minutes)  # as the bot plans it
            rows_reminders.append((f"U{user:05d}", session.id, stamp(due), stamp(session.start)))
    store = bot.store  # plain INSERTs: a repeated pair raises instead of vanishing
    store.write_many("INSERT INTO subscriptions (user_id, session_id, created_at) VALUES (?, ?, ?)", rows_subs)
    store.write_many(
        "INSERT INTO reminders (user_id, session_id, due_at, session_start, status, attempts) "
        "VALUES (?, ?, ?, ?, 'planned', 0)",
        rows_reminders,
    )
    stored = store.one("SELECT count(*), count(DISTINCT user_id), count(DISTINCT session_id) FROM subscriptions")
    assert tuple(stored) == (SUBSCRIPTIONS, USERS, SESSIONS)
    planned = store.one("SELECT count(*) FROM reminders WHERE status = 'planned' AND session_start IS NOT NULL")
    assert planned[0] == SUBSCRIPTIONS
    keynote = store.one("SELECT count(*) FROM subscriptions WHERE session_id = ?", [sessions[0].id])
    assert keynote[0] == KEYNOTE_SUBSCRIBERS
    return bot


def claim_timings(bot) -> tuple[float, float]:
    """Median and max time of a tick's claim when nothing is due, over 50 claims."""
    now = datetime.now(UTC)
    empty = []
    for _ in range(50):
        started = time.perf_counter()
        claimed = bot.ledger.claim_due("bench", now)
        empty.append(time.perf_counter() - started)
        assert claimed == [], "something was due: the timing would include claiming it"
    return statistics.median(empty), max(empty)


class StandInProcess:
    """The stand-in in its own process, so it does not share this one's CPU and GIL."""

    def __init__(self, per_channel_interval: float = 0.0, tiers: bool = False, latency_ms: float = 0.0):
        command = [sys.executable, "-m", "bot.console.standin", "--per-channel-interval", str(per_channel_interval)]
        command += ["--tiers"] if tiers else []
        command += ["--latency-ms", str(latency_ms)] if latency_ms else []
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())
        self.api_url = f"http://127.0.0.1:{self.port}/api/"

    def calls(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_calls", timeout=60) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def make_due(bot, keynote: bool) -> tuple[datetime, int]:
    """Make reminders fall due in one second, 15 s from now; returns it and how many."""
    store = bot.store
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=15)
    if keynote:  # the keynote moves to start 10 minutes after that, and its rows with it
        schedule = bot.catalog.current.schedule
        first = schedule.sessions[0]
        start = due + timedelta(minutes=bot.config.reminder_minutes)
        moved = replace(first, start=start, end=start + (first.end - first.start))
        bot.catalog.replace(Schedule((moved, *schedule.sessions[1:]), schedule.zone), "bench", datetime.now(UTC))
        assert due_time(moved, bot.config.reminder_minutes) == due
        count = store.write(
            "UPDATE reminders SET due_at = ?, session_start = ? WHERE session_id = ?",
            [stamp(due), stamp(start), first.id],
        )
    else:  # one reminder each for 5,000 different people
        count = store.write(ONE_EACH, [stamp(due), DUE_AT_ONCE])
    return due, count


def lateness_run(
    folder: Path,
    label: str,
    keynote: bool = False,
    deadline_seconds: float = 180,
    database_url: str = "",
    **standin_args,
) -> dict[str, float]:
    """Prints how late the posts were; returns p50, p99 and max in seconds."""
    standin = StandInProcess(**standin_args)
    try:
        bot = build(folder, standin.api_url, database_url)
        store = bot.store
        due, expected = make_due(bot, keynote)
        assert expected == (KEYNOTE_SUBSCRIBERS if keynote else DUE_AT_ONCE)
        ticks = []
        deadline = time.monotonic() + deadline_seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            bot.dispatcher.tick()
            ticks.append(time.perf_counter() - started)
            marks = ",".join("?" * len(FINISHED))
            done = store.one(
                f"SELECT count(*) FROM reminders WHERE due_at = ? AND status IN ({marks})", [stamp(due), *FINISHED]
            )[0]
            if done >= expected:
                break
            time.sleep(max(0.0, bot.config.reminder_tick_seconds - (time.perf_counter() - started)))
        statuses = dict(store.query("SELECT status, count(*) FROM reminders WHERE due_at = ? GROUP BY status",
                                    [stamp(due)]))  # fmt: skip
        bot.close()
        answer = standin.calls()
    finally:
        standin.stop()
    calls, limited = answer["calls"], answer.get("rate_limited", {})
    reminders = [
        c
        for c in calls
        if c["method"] == "chat.postMessage"
        and c.get("delivered")  # a 429'd post never reached anyone
        and (c["params"].get("metadata") or {}).get("event_type") == "session_reminder"
    ]
    people = {c["params"]["channel"] for c in reminders}
    lateness = [c["at"] - due.timestamp() for c in reminders] or [float("nan")]
    print(f"{label}:")
    print(
        f"  {len(reminders)} reminder posts delivered to {len(people)} people, for {expected} due in the same "
        f"second; rows {statuses}"
    )
    print(
        f"  lateness p50 {percentile(lateness, 0.5):.3f} s  p99 {percentile(lateness, 0.99):.3f} s  "
        f"max {max(lateness):.3f} s  (earliest {min(lateness):+.3f} s)"
    )
    lookups = [c for c in calls if c["method"] == "users.info"]
    early = sum(c["at"] < due.timestamp() for c in lookups)
    share = f"{early / len(lookups):.0%}" if lookups else "n/a"
    print(f"  users.info calls {len(lookups)}, {early} ({share}) before the due second")
    print(f"  429s: {', '.join(f'{m} {n}' for m, n in sorted(limited.items())) or 'none'}")
    print(f"  ticks {len(ticks)}, slowest {max(ticks):.2f} s")
    return {"p50": percentile(lateness, 0.5), "p99": percentile(lateness, 0.99), "max": max(lateness)}


def claims(folder: Path, database_url: str = "", label: str = "") -> dict[str, float]:
    """The claim timings on 100,000 planned reminders (prints them; returns them in ms)."""
    bot = build(folder, "http://127.0.0.1:9/api/", database_url)
    try:
        empty_median, empty_max = claim_timings(bot)
        print(f"{label}tick claim with nothing due: median {empty_median * 1000:.2f} ms, max {empty_max * 1000:.2f} ms")
        made_due = bot.store.write(ONE_EACH, [stamp(datetime.now(UTC) - timedelta(seconds=1)), DUE_AT_ONCE])
        started = time.perf_counter()
        claimed = bot.ledger.claim_due("bench", datetime.now(UTC), limit=DUE_AT_ONCE)
        elapsed = time.perf_counter() - started
        assert made_due == len(claimed) == DUE_AT_ONCE
        print(f"{label}tick claim of {len(claimed)} due rows: {elapsed * 1000:.1f} ms")
    finally:
        bot.close()
    return {"empty median": empty_median * 1000, "empty max": empty_max * 1000, "due": elapsed * 1000}


_scratch_numbers = itertools.count(1)


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database beside the one `url` names, dropped afterwards; its URL."""
    import psycopg  # only with --db
    from psycopg import sql

    name = f"confbot_bench_{os.getpid()}_{next(_scratch_numbers)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def compare_engines(url: str) -> None:
    """Claims and the 5,000 due in one second on SQLite, then on PostgreSQL; a table of both."""
    figures: dict[str, dict[str, float]] = {}
    for engine in ("SQLite", "PostgreSQL"):
        print(f"-- {engine}")
        database = scratch_database(url) if engine == "PostgreSQL" else contextlib.nullcontext("")
        with tempfile.TemporaryDirectory() as folder, database as database_url:
            figures[engine] = claims(Path(folder), database_url)
        database = scratch_database(url) if engine == "PostgreSQL" else contextlib.nullcontext("")
        with tempfile.TemporaryDirectory() as folder, database as database_url:
            late = lateness_run(Path(folder), "stand-in answering at once", database_url=database_url)
            figures[engine].update({f"lateness {k}": v for k, v in late.items()})
    print(f"\n{'':36}{'SQLite':>12}{'PostgreSQL':>14}")
    rows = [
        ("tick claim, nothing due (median)", "empty median", "ms", 2),
        ("tick claim, nothing due (max)", "empty max", "ms", 2),
        (f"tick claim of {DUE_AT_ONCE} due rows", "due", "ms", 1),
        (f"{DUE_AT_ONCE} due in 1 s: lateness p50", "lateness p50", "s", 3),
        (f"{DUE_AT_ONCE} due in 1 s: lateness p99", "lateness p99", "s", 3),
        (f"{DUE_AT_ONCE} due in 1 s: lateness max", "lateness max", "s", 3),
    ]
    for title, key, unit, places in rows:
        sqlite, postgres = (f"{figures[e][key]:.{places}f} {unit}" for e in ("SQLite", "PostgreSQL"))
        print(f"{title:36}{sqlite:>12}{postgres:>14}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiers", action="store_true", help="keynote run against Slack's rate tiers")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="keynote run with this round trip per call")
    parser.add_argument("--deadline", type=float, default=300, help="seconds a faithful run may take")
    parser.add_argument(
        "--db",
        metavar="POSTGRESQL_URL",
        help="claims and the 5,000 due in one second on SQLite and on PostgreSQL, side by side "
        "(in a scratch database made beside the one the URL names, dropped afterwards)",
    )
    args = parser.parse_args()
    if args.db and (args.tiers or args.latency_ms):
        parser.error("--db compares the engines on the 5,000 due in one second; run --tiers/--latency-ms without it")
    if args.db and not args.db.startswith(("postgresql://", "postgres://")):
        parser.error("--db takes a PostgreSQL URL: postgresql://USER:PASSWORD@HOST:PORT/DATABASE")
    logging.disable(logging.WARNING)
    print(
        f"{SUBSCRIPTIONS} distinct subscriptions ({USERS} people × {PER_USER} sessions, {KEYNOTE_SUBSCRIBERS} "
        f"of them to the keynote) over {SESSIONS} sessions; {SUBSCRIPTIONS} planned reminders with session starts"
    )
    if args.db:
        compare_engines(args.db)
        return
    with tempfile.TemporaryDirectory() as folder:
        claims(Path(folder))
    if args.tiers or args.latency_ms:
        with tempfile.TemporaryDirectory() as folder:
            lateness_run(Path(folder), "keynote, stand-in answering at once", keynote=True)
        faithful = " and ".join(
            (["Slack's rate tiers"] if args.tiers else [])
            + ([f"{args.latency_ms:g} ms round trip"] if args.latency_ms else [])
        )
        with tempfile.TemporaryDirectory() as folder:
            lateness_run(
                Path(folder),
                f"keynote, stand-in with {faithful}",
                keynote=True,
                deadline_seconds=args.deadline,
                tiers=args.tiers,
                latency_ms=args.latency_ms,
            )
        return
    with tempfile.TemporaryDirectory() as folder:
        lateness_run(Path(folder), "stand-in answering at once")
    with tempfile.TemporaryDirectory() as folder:
        lateness_run(Path(folder), "stand-in allowing ~1 message/s per channel", per_channel_interval=1.0)


if __name__ == "__main__":
    main()
