"""The Home tab at conference scale: building one person's view, and refreshing every
opened tab after a reload within the views.publish budget.

Measures (1) the time to build a view for a person with 0, 3 and 200 subscriptions in a
2,000-session schedule, and its block count; (2) how long 1,000 opened tabs take to be
published after a reload against the stand-in's Tier 4 (100/min) with the bot's budget
(80/min), computed from the budget and checked over the first minute's worth of runs.

Run: python -m bench.bench_home
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from pathlib import Path

from bench.generate import seed_format_schedule
from bot.bootstrap import build_bot
from bot.clock import ManualClock
from bot.config import Config
from bot.console.standin import SlackStandIn
from bot.schedule import load_schedule
from bot.webapi.budget import PER_MINUTE

SESSIONS, TABS = 2000, 1000


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder, SlackStandIn(tiers=True) as standin:
        path = Path(folder) / "big.md"
        path.write_text(seed_format_schedule(SESSIONS), encoding="utf-8")
        loaded = load_schedule(path, None)
        schedule = loaded[0]
        clock = ManualClock(schedule.sessions[0].start)
        config = Config(
            bot_token="xoxb-bench", signing_secret="s", api_url=standin.api_url,
            database_path=Path(folder) / "b.db", schedule_path=path,
        )  # fmt: skip
        bot = build_bot(config, clock=clock, loaded=loaded)
        for count, user in ((0, "U0"), (3, "U3"), (200, "U200")):
            for session in schedule.sessions[:count]:
                bot.store.subscribe(user, session.id)
            times = []
            for _ in range(50):
                started = time.perf_counter()
                view, _ = bot.home.render(user)
                times.append(time.perf_counter() - started)
            print(
                f"view for {count:>3} subscriptions: median {statistics.median(times) * 1000:.2f} ms, "
                f"max {max(times) * 1000:.2f} ms, {len(view['blocks'])} blocks"
            )
        for n in range(TABS):
            bot.home.table.opened(f"U{n:05d}", clock.now())
        bot.home.changed_everyone()
        started = time.perf_counter()
        published = bot.home.publish_stale()  # the first run: the burst
        first_run = time.perf_counter() - started
        per_minute = PER_MINUTE["views.publish"]
        print(
            f"{TABS} opened tabs stale after a reload: {published} published in the first run "
            f"({first_run * 1000:.0f} ms); at {per_minute}/min all are fresh in about {TABS / per_minute:.1f} min; "
            f"429s from the stand-in's Tier 4: {sum(1 for c in standin.calls_to('views.publish') if not c.delivered)}"
        )
        bot.close()


if __name__ == "__main__":
    main()
