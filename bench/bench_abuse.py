"""The HTTP door under abuse, each figure beside the same one with no abuse:
- memory growth while N unsigned large bodies are thrown at /slack/events (declared
  with a length, and chunked with none);
- `/conf now` p50/p99 while 200 slow connections hold half-sent requests open;
- `/conf now` p50/p99 with 200 signed requests in flight at once.

Run: python -m bench.bench_abuse [--bodies 4] [--body-mb 250] [--slow 200] [--requests 200]
Checks what it prints: every signed request answered 200, growth under 20 MB.
"""

from __future__ import annotations

import argparse
import logging
import socket
import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.bootstrap import build_bot
from bot.config import Config
from bot.console.signing import signature_headers, slash_command_body
from bot.console.standin import SlackStandIn
from bot.server import HttpServing, create_http_server

SECRET = "bench-secret"
CHUNK = b"x" * 65536


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def throw_body(port: int, megabytes: int, chunked: bool) -> str:
    """An unsigned body of `megabytes`, sent until the server hangs up; its status line."""
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {megabytes * 1024 * 1024}"
    head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{length}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        piece = (b"10000\r\n" + CHUNK + b"\r\n") if chunked else CHUNK
        try:
            for _ in range(megabytes * 16):
                conn.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            return conn.recv(200).split(b"\r\n")[0].decode()
        except (ConnectionResetError, TimeoutError):
            return "(reset)"


def signed_request(port: int, standin: SlackStandIn, user: str) -> float:
    body = slash_command_body("now", user, standin.response_url(user))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), headers=signature_headers(SECRET, body)
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - started


def percentiles(timings: list[float]) -> str:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms"


def sequential(port: int, standin: SlackStandIn, count: int) -> list[float]:
    return [signed_request(port, standin, f"U{n % 50}") for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=4)
    parser.add_argument("--body-mb", type=int, default=250)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    with tempfile.TemporaryDirectory() as folder, SlackStandIn() as standin:
        config = Config(
            bot_token="xoxb-bench", signing_secret=SECRET, api_url=standin.api_url, database_path=Path(folder) / "b.db"
        )
        bot = build_bot(config)
        serving = HttpServing(create_http_server(bot, "127.0.0.1", 0)).start()
        port = serving.server.effective_port
        try:
            sequential(port, standin, 20)  # warm up
            base = rss_mib()
            sequential(port, standin, args.requests)
            print(f"memory, {args.requests} signed requests:         +{rss_mib() - base:6.1f} MiB (no abuse)")
            base = rss_mib()
            statuses = [throw_body(port, args.body_mb, chunked=n % 2 == 1) for n in range(args.bodies)]
            growth = rss_mib() - base
            print(
                f"memory, {args.bodies} unsigned {args.body_mb} MB bodies:      +{growth:6.1f} MiB  ({set(statuses)})"
            )
            assert growth < 20, "the door read a body it should have refused"

            quiet = sequential(port, standin, args.requests)
            print(f"/conf now, nothing else open:             {percentiles(quiet)}")
            slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(args.slow)]
            for conn in slow:
                conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # and never a blank line
            loaded = sequential(port, standin, args.requests)
            print(f"/conf now, {args.slow} slow connections open:     {percentiles(loaded)}")
            for conn in slow:
                conn.close()

            with ThreadPoolExecutor(max_workers=200) as pool:
                burst = list(pool.map(lambda n: signed_request(port, standin, f"U{n % 50}"), range(args.requests)))
            print(f"/conf now, {args.requests} requests at once:      {percentiles(burst)}")
        finally:
            serving.stop(drain_seconds=5)
            bot.close()


if __name__ == "__main__":
    main()
