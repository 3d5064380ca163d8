"""`/conf search …` through the real HTTP endpoint on a 5,000-session schedule, against
a Bolt no-op slash command served the same way (waitress, signed requests) in the same run.

Run: python -m bench.bench_http [--requests N]
Target (issue "The Slack surface"): median ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bench.generate import seed_format_schedule
from bot.bootstrap import build_bot
from bot.config import Config
from bot.console.signing import signature_headers, slash_command_body
from bot.console.standin import SlackStandIn
from bot.server import make_wsgi_app

SECRET = "bench-secret"
QUERIES = ["cilium", "hubbel", "tetragn security", "liz rice", "observability", "ipv6 scaling", "graf", "lessons part"]


def serve(wsgi) -> tuple[int, object]:
    server = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=4, asyncore_loop_timeout=0.05)
    threading.Thread(target=server.run, daemon=True).start()
    return server.effective_port, server


def stop(server) -> None:
    server._map.clear()  # ends waitress's loop at its next poll, then the sockets can close
    time.sleep(0.2)
    server.close()


def timed_requests(port: int, count: int, response_url: str) -> list[float]:
    timings = []
    for n in range(count):
        body = slash_command_body(f"search {QUERIES[n % len(QUERIES)]}", "UBENCH", response_url)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=body.encode(),
            headers=signature_headers(SECRET, body),
            method="POST",
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            assert response.status == 200
        timings.append(time.perf_counter() - started)
    return timings


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=5000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        schedule = Path(folder) / "big.md"
        schedule.write_text(seed_format_schedule(args.sessions), encoding="utf-8")
        config = Config(
            bot_token="xoxb-bench",
            signing_secret=SECRET,
            api_url=standin.api_url,
            schedule_path=schedule,
            database_path=Path(folder) / "bench.db",
        )
        bot = build_bot(config)
        bot_port, bot_server = serve(make_wsgi_app(bot))

        noop = App(client=bot.client, signing_secret=SECRET, token_verification_enabled=False,
                   listener_executor=ThreadPoolExecutor(4))  # fmt: skip
        noop.command("/conf")(lambda ack: ack())
        noop_port, noop_server = serve(SlackRequestHandler(noop))

        response_url = standin.response_url("bench")
        for port in (bot_port, noop_port):  # warm up: auth.test, users.info, imports
            timed_requests(port, 10, response_url)
        bot_times, noop_times = [], []
        for _ in range(args.requests // 50):  # interleave so drift hits both alike
            bot_times += timed_requests(bot_port, 50, response_url)
            noop_times += timed_requests(noop_port, 50, response_url)
        stop(bot_server)
        stop(noop_server)
        bot.close()

    bot_median, noop_median = statistics.median(bot_times), statistics.median(noop_times)
    print(f"{args.sessions} sessions, {len(bot_times)} requests each, signed, over HTTP on 127.0.0.1")
    print(f"/conf search : median {bot_median * 1000:.2f} ms  p99 {p99(bot_times) * 1000:.2f} ms")
    print(f"Bolt no-op   : median {noop_median * 1000:.2f} ms  p99 {p99(noop_times) * 1000:.2f} ms")
    ratio = bot_median / noop_median
    print(f"ratio of medians {ratio:.2f} (target <= 1.5: {'met' if ratio <= 1.5 else 'MISSED'}), "
          f"ratio of p99 {p99(bot_times) / p99(noop_times):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
