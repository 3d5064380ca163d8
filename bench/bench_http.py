"""`/conf` commands through the real HTTP endpoint on a 5,000-session schedule, against
a Bolt no-op slash command and a bare signature-checking WSGI app (the floor), all served
the same way (waitress with the bot's settings, signed requests) in the same run.

Run: python -m bench.bench_http [--requests N]
Targets (printed, not asserted): p50 of help, now, search and sub <= 2x the floor's; stats <= 3x.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import logging
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable
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
from bot.server import WAITRESS_SETTINGS, HttpServing, create_http_server

SECRET = "bench-secret"
USER = "UBENCH"  # an admin, so `stats` answers with the statistics
FLOOR_BODY = b'{"response_type": "ephemeral", "text": "ok"}'


def floor_app(secret: str) -> Callable:
    """The least any Slack endpoint must do: check the v0 signature, answer a fixed JSON."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        expected = "v0=" + hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300  # Slack's replay window
        if not (fresh and hmac.compare_digest(expected, environ.get("HTTP_X_SLACK_SIGNATURE", ""))):
            start_response("401 Unauthorized", [("Content-Length", "0")])
            return [b""]
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(FLOOR_BODY)))]
        start_response("200 OK", headers)
        return [FLOOR_BODY]

    return application


def serve(server) -> tuple[int, HttpServing]:
    return server.effective_port, HttpServing(server).start()


def timed_requests(port: int, texts: list[str], response_url: str) -> list[float]:
    timings = []
    for text in texts:
        body = slash_command_body(text, USER, response_url)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=body.encode(),
            headers=signature_headers(SECRET, body),
            method="POST",
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:  # raises on anything but 2xx/3xx
            response.read()
            status = response.status
        timings.append(time.perf_counter() - started)
        assert status == 200, f"{text!r} answered HTTP {status}"
    return timings


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="per command (rounded down to 50s)")
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
            admin_user_ids=frozenset({USER}),
        )
        bot = build_bot(config)
        ids = [s.id for s in bot.catalog.current.schedule.sessions]
        noop = App(client=bot.client, signing_secret=SECRET, token_verification_enabled=False,
                   listener_executor=ThreadPoolExecutor(4))  # fmt: skip
        noop.command("/conf")(lambda ack: ack())

        bot_port, bot_serving = serve(create_http_server(bot, "127.0.0.1", 0, threads=8))
        noop_port, noop_serving = serve(
            waitress.create_server(SlackRequestHandler(noop), host="127.0.0.1", port=0, threads=8, **WAITRESS_SETTINGS)
        )
        floor_port, floor_serving = serve(
            waitress.create_server(floor_app(SECRET), host="127.0.0.1", port=0, threads=8, **WAITRESS_SETTINGS)
        )
        # name: (port, the n-th request's text); each sub is a new subscription
        targets: dict[str, tuple[int, Callable[[int], str]]] = {
            "help": (bot_port, lambda n: "help"),
            "now": (bot_port, lambda n: "now"),
            "search cilium": (bot_port, lambda n: "search cilium"),
            "sub <id>": (bot_port, lambda n: f"sub {ids[n % len(ids)]}"),
            "stats": (bot_port, lambda n: "stats"),
            "Bolt no-op": (noop_port, lambda n: "help"),
            "floor": (floor_port, lambda n: "help"),
        }
        response_url = standin.response_url("bench")
        for port, text in targets.values():  # warm up: auth.test, users.info, imports, caches
            timed_requests(port, [text(-1 - n) for n in range(10)], response_url)
        times: dict[str, list[float]] = {name: [] for name in targets}
        for start in range(0, args.requests - args.requests % 50, 50):  # interleave so drift hits all alike
            for name, (port, text) in targets.items():
                times[name] += timed_requests(port, [text(start + n) for n in range(50)], response_url)
        unfinished = sum(s.stop(drain_seconds=2) for s in (bot_serving, noop_serving, floor_serving))
        bot.close()

    floor = statistics.median(times["floor"])
    goals = {"help": 2, "now": 2, "search cilium": 2, "sub <id>": 2, "stats": 3}
    print(f"{args.sessions} sessions, {len(times['floor'])} requests each, signed, over HTTP on 127.0.0.1")
    print(f"{'':15} {'p50 ms':>8} {'p99 ms':>8} {'p50/floor':>10}  target")
    for name, values in times.items():
        ratio = statistics.median(values) / floor
        goal = goals.get(name)
        verdict = f"<= {goal}x: {'met' if ratio <= goal else 'MISSED'}" if goal else ""
        print(f"{name:15} {statistics.median(values) * 1000:8.2f} {p99(values) * 1000:8.2f} {ratio:9.2f}x  {verdict}")
    if unfinished:
        print(f"({unfinished} requests were unfinished at the stop)")


if __name__ == "__main__":
    main()
