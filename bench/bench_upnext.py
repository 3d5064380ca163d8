""" "Up next" at FOSDEM's size: 60 channels, one per room, over a 700-session day.

Measures (1) planning: the time to map 60 channels (each `announce` plans its room's
posts); (2) a tick's claim with nothing due, and with a start minute's posts due; (3) how
late the posts of one busy start minute (a talk in every room at once) reach the
stand-in Web API, in real time.

Run: python -m bench.bench_upnext
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.bootstrap import build_bot
from bot.clock import SystemClock
from bot.config import Config
from bot.console.standin import SlackStandIn
from bot.reminders.planning import Announcement
from bot.schedule.model import Schedule, Session, Speaker

ROOMS = 60
SESSIONS = 700
LEAD = timedelta(minutes=5)


def fosdem_day(first_start: datetime) -> Schedule:
    """700 talks in 60 rooms; every room has a talk starting at `first_start`."""
    sessions = []
    for n in range(SESSIONS):
        room = n % ROOMS
        start = first_start + timedelta(minutes=25 * (n // ROOMS))
        sessions.append(
            Session(
                id=f"F{n:04d}",
                title=f"Talk {n} in room {room}",
                start=start,
                end=start + timedelta(minutes=20),
                speakers=(Speaker(f"Speaker {n}"),),
                track=f"Track {room % 30}",
                location=f"Room {room:02d}",
            )
        )
    return Schedule(tuple(sessions), ZoneInfo("Europe/Brussels"), title="FOSDEM-sized")


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        config = Config(
            bot_token="xoxb-bench", signing_secret="s", api_url=standin.api_url, database_path=Path(folder) / "b.db"
        )
        bot = build_bot(config, clock=SystemClock())
        # The busy minute falls due 20 s from now, so planning and warm-up are done by then.
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)
        bot.catalog.replace(fosdem_day(due + LEAD), "bench", datetime.now(UTC))
        upnext = bot.service.upnext

        started = time.perf_counter()
        planned = sum(upnext.set(Announcement(f"C{room:04d}", "room", f"Room {room:02d}", 5)) for room in range(ROOMS))
        planning = time.perf_counter() - started
        rows = bot.store.db.execute("SELECT count(*) FROM reminders WHERE purpose = 'upnext'").fetchone()[0]
        assert planned == rows == SESSIONS, (planned, rows)
        print(f"{ROOMS} channels over {SESSIONS} sessions: {rows} posts planned in {planning * 1000:.0f} ms")

        idle = []
        for _ in range(50):
            started = time.perf_counter()
            assert bot.ledger.claim_due(bot.dispatcher.worker, datetime.now(UTC)) == []
            idle.append(time.perf_counter() - started)
        median, worst = statistics.median(idle) * 1000, max(idle) * 1000
        print(f"tick claim with nothing due: median {median:.2f} ms, max {worst:.2f} ms")

        while datetime.now(UTC) < due - timedelta(seconds=1):
            time.sleep(0.05)  # real time: the posts fall due on the clock
        ticks = []
        while len(posts := upnext_calls(standin)) < ROOMS and datetime.now(UTC) < due + timedelta(seconds=30):
            started = time.perf_counter()
            bot.dispatcher.tick()
            ticks.append(time.perf_counter() - started)
            time.sleep(0.2)
        late = sorted(call.at - due.timestamp() for call in posts)
        assert len(posts) == ROOMS, f"{len(posts)} of {ROOMS} posts"
        assert all(len(c.params["metadata"]["event_payload"]["session_ids"]) == 1 for c in posts)
        print(f"{len(posts)} posts due in the same second (a talk in every room):")
        print(f"  lateness p50 {statistics.median(late):.3f} s  max {late[-1]:.3f} s  (earliest {late[0]:+.3f} s)")
        print(f"  slowest tick {max(ticks) * 1000:.0f} ms over {len(ticks)} ticks")
        bot.close()


def upnext_calls(standin: SlackStandIn) -> list:
    return [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.delivered and (c.params.get("metadata") or {}).get("event_type") == "session_upnext"
    ]


if __name__ == "__main__":
    main()
