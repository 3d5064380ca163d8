"""Search quality on the bundled schedule: the query set's hit rate, ranked search vs
plain substring matching. Run: python -m bench.search_quality"""

from __future__ import annotations

import time

from bench.search_queries import QUERIES
from bot.config import BUNDLED_SCHEDULE
from bot.schedule import load_schedule
from bot.schedule.search import SearchIndex, substring_search


def main() -> None:
    schedule, _ = load_schedule(BUNDLED_SCHEDULE)
    index = SearchIndex(schedule)
    rows = []
    started = time.perf_counter()
    for query, wanted in QUERIES:
        ranked = [h.session.id for h in index.search(query, 3)]
        plain = [s.id for s in substring_search(schedule, query)[:3]]
        rows.append((query, wanted, ranked[:1] == [wanted], wanted in ranked, plain[:1] == [wanted], wanted in plain))
    elapsed = (time.perf_counter() - started) / len(QUERIES)
    total = len(rows)
    for name, column in (("top-1", 2), ("top-3", 3)):
        print(f"ranked {name}: {sum(r[column] for r in rows)}/{total} = {sum(r[column] for r in rows) / total:.0%}")
    for name, column in (("top-1", 4), ("top-3", 5)):
        print(f"substring {name}: {sum(r[column] for r in rows)}/{total} = {sum(r[column] for r in rows) / total:.0%}")
    print(f"mean time per query (both engines): {elapsed * 1000:.2f} ms")
    misses = [r[0] for r in rows if not r[2]]
    print("ranked top-1 misses:", ", ".join(misses) or "none")


if __name__ == "__main__":
    main()
