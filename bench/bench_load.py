"""Time `load_schedule` on a generated 5,000-session schedule in the seed's format.

Run: python -m bench.bench_load [--sessions N] [--runs N]
Targets (issue "The schedule core"): < 0.5 s and < 150 MB RSS on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import seed_format_schedule


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from bot.schedule import load_schedule  # imported here so RSS below includes it

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.md"
        path.write_text(seed_format_schedule(args.sessions), encoding="utf-8")
        size = path.stat().st_size
        timings, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            schedule, warnings = load_schedule(path)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    if len(schedule) != args.sessions or warnings:
        print(f"unexpected: {len(schedule)} sessions, {len(warnings)} warnings", file=sys.stderr)
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load_schedule: {args.sessions} sessions, {size / 1e6:.1f} MB of Markdown, {args.runs} runs")
    print(f"  median {statistics.median(timings):.3f} s  min {min(timings):.3f} s  max {max(timings):.3f} s")
    print(f"  CPU time median {statistics.median(cpu):.3f} s (wall time above also counts a busy machine's waits)")
    print(f"  peak RSS {peak_mb:.0f} MB (whole process)")
    met = statistics.median(timings) < 0.5 and peak_mb < 150
    print(f"  targets: < 0.5 s, < 150 MB -> {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
