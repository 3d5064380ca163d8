"""Build the digest of a 500-session day. Run: python -m bench.bench_digest
Target (issue "The daily digest"): < 50 ms."""

from __future__ import annotations

import statistics
import time
from datetime import date

from bench.generate import seed_format_schedule
from bot.digest.building import build_digest
from bot.schedule import parse_schedule


def main() -> None:
    schedule, _ = parse_schedule("day.md", seed_format_schedule(2000))  # 4 days x 500
    day = date(2022, 10, 24)
    sessions = schedule.on_day(day)
    counts = {s.id: n % 7 for n, s in enumerate(sessions)}
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        digest = build_digest(day, sessions, schedule.zone, counts, schedule.title)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(f"digest of {len(sessions)} sessions: {len(digest.messages)} messages (1 + thread replies)")
    verdict = "met" if median < 0.05 else "MISSED"
    print(f"  median {median * 1000:.1f} ms  max {max(timings) * 1000:.1f} ms  (target < 50 ms: {verdict})")


if __name__ == "__main__":
    main()
