"""A stand-in for the Slack Web API: a real HTTP server on 127.0.0.1.

It answers the methods the bot calls the way Slack does, records every call, and can
be told to fail (429 with Retry-After, 500, an error code). Console mode runs it so the
bot needs no Slack account; the tests run it so nothing reaches the internet.
Also receives `response_url` posts at /response/<id>.

`tiers=True` makes it Slack-faithful: each method's published rate tier is enforced with
a token bucket (429 + Retry-After past it), `latency` adds a network round trip to every
Web API call, and `speed` runs Slack's clock faster so tests fit a minute into seconds.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class Call:
    method: str  # Web API method, or "response_url"
    params: dict
    path: str
    at: float = field(default_factory=time.time)
    authorization: str = ""
    delivered: bool = False  # a post Slack accepted (and so shows in history), a view it published
    ts: str = ""


@dataclass
class Failure:
    status: int
    body: dict
    headers: dict


@dataclass
class Bucket:
    """A token bucket: `burst` calls at once, refilled at `per_second`."""

    per_second: float
    burst: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def wait(self) -> float:
        """Seconds until a call would be allowed (0: now); call refill first."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second


# Slack's published tiers, as (calls per minute, burst): api.slack.com/apis/rate-limits.
TIER_2 = (20, 5)  # auth.test and apps.connections.open are Tier 1 (1/min): too tight to restart a bot
TIER_3 = (50, 10)
TIER_4 = (100, 20)
METHOD_TIERS = {
    "users.info": TIER_4,
    "views.publish": TIER_4,
    "conversations.history": TIER_3,
    "conversations.open": TIER_3,
    "conversations.list": TIER_3,
    "auth.test": TIER_2,
    "apps.connections.open": TIER_2,
}
POST_PER_CHANNEL = (60, 3)  # chat.postMessage: 1 per second per channel
POST_WORKSPACE = (1200, 400)  # and a workspace-wide cap


class SlackStandIn:
    def __init__(
        self,
        user_zones: dict[str, str] | None = None,
        default_zone: str | None = None,
        tiers: bool = False,
        latency: float = 0.0,
        speed: float = 1.0,
        channels: dict[str, str] | None = None,
    ):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.calls: list[Call] = []
        self.tiers = tiers  # enforce Slack's rate tiers per method
        self.latency = latency  # seconds of round trip added to every Web API call
        self.speed = speed  # every rate is multiplied by this
        self.rate_limited: Counter[str] = Counter()  # 429s answered, per method
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self.user_zones = dict(user_zones or {})
        self.default_zone = default_zone
        self.channels = dict(channels or {})  # conversations.list: public channel name -> ID
        # Private channels the bot is a member of (name -> ID): as in Slack, listed only
        # when conversations.list asks for `types=…private_channel`.
        self.private_channels: dict[str, str] = {}
        self.listeners: list[Callable[[Call], None]] = []
        self.delays: dict[str, float] = {}  # seconds to wait before answering, per method
        self.per_channel_interval: float = 0.0  # > 0: a second post to a channel within it gets 429
        self.socket_url = ""  # what apps.connections.open hands out: a Socket Mode stand-in's URL
        self._last_post: dict[str, float] = {}
        self._failures: dict[str, list[Failure]] = {}
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def start(self) -> SlackStandIn:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="slack-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- scripting and inspection -------------------------------------------------

    def fail_next(self, method: str, status: int = 200, body: dict | None = None, headers: dict | None = None) -> None:
        """The next call of `method` gets this answer instead of success."""
        with self._lock:
            self._failures.setdefault(method, []).append(Failure(status, body or {"ok": False}, headers or {}))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    # -- answering ----------------------------------------------------------------

    def _bucket(self, key: tuple[str, str], rate: tuple[int, int], now: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            per_minute, burst = rate
            bucket = self._buckets[key] = Bucket(per_minute * self.speed / 60.0, burst, burst, now)
        bucket.refill(now)
        return bucket

    def _over_tier(self, method: str, params: dict) -> float:
        """Seconds to wait when `method` is past its tier (0: allowed, and counted)."""
        now = time.monotonic()
        with self._lock:
            if method == "chat.postMessage":
                channel = str(params.get("channel", ""))
                if channel.startswith(("U", "W")):  # a post to a user lands in their DM
                    channel = "D" + channel
                buckets = [
                    self._bucket(("chat.postMessage", channel), POST_PER_CHANNEL, now),
                    self._bucket(("chat.postMessage", ""), POST_WORKSPACE, now),
                ]
            else:
                buckets = [self._bucket((method, ""), METHOD_TIERS.get(method, TIER_3), now)]
            wait = max(b.wait() for b in buckets)
            if wait == 0:  # take from every bucket only when all allow it
                for bucket in buckets:
                    bucket.tokens -= 1
            return wait

    def _answer(self, method: str, params: dict, call: Call | None = None) -> tuple[int, dict, dict]:
        with self._lock:
            queued = self._failures.get(method)
            if queued:
                failure = queued.pop(0)
                return failure.status, failure.body, failure.headers
        if self.tiers:
            wait = self._over_tier(method, params)
            if wait:  # Retry-After is whole seconds; rounding down would invite a second 429
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(max(1, math.ceil(wait)))}
        if method == "auth.test":
            return (
                200,
                {"ok": True, "user_id": "UCONFBOT", "bot_id": "BCONFBOT", "team_id": "T0CONF", "user": "confbot"},
                {},
            )
        if method == "apps.connections.open" and self.socket_url:
            return 200, {"ok": True, "url": self.socket_url}, {}
        if method == "users.info":
            user = params.get("user", "")
            zone = self.user_zones.get(user, self.default_zone)
            return 200, {"ok": True, "user": {"id": user, "tz": zone} if zone else {"id": user}}, {}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            return 200, {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}, {}
        if method == "views.publish":
            return self._publish(params, call)
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            problems = block_kit_problems(params.get("blocks") or [], params.get("text"))
            if problems:  # Slack refuses the whole message
                return 200, {"ok": False, "error": "invalid_blocks", "errors": problems}, {}
        if method == "chat.postMessage" and self.per_channel_interval:
            channel = str(params.get("channel"))
            with self._lock:
                last = self._last_post.get(channel, 0.0)
                now = time.monotonic()
                if now - last < self.per_channel_interval:
                    wait = max(1, round(self.per_channel_interval - (now - last)))
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
                self._last_post[channel] = now
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            ts = f"{time.time():.6f}"
            channel = str(params.get("channel", ""))
            if channel.startswith(("U", "W")):  # posting to a user ID lands in their DM with the bot
                channel = "D" + channel
            if call is not None:
                call.delivered, call.ts = True, ts
            return 200, {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, **params}}, {}
        if method == "conversations.history":
            channel = params.get("channel")
            messages = [
                {**c.params, "ts": c.ts}
                for c in self.calls_to("chat.postMessage")
                if c.delivered
                and c.params.get("channel") in (channel, channel[1:] if channel.startswith("D") else None)
            ]
            return 200, {"ok": True, "messages": list(reversed(messages)), "has_more": False}, {}
        if method == "conversations.list":
            types = {t.strip() for t in str(params.get("types") or "public_channel").split(",")}  # Slack's default
            listed = []
            for kind, private, named in (
                ("public_channel", False, self.channels),
                ("private_channel", True, self.private_channels),
            ):
                if kind in types:
                    listed += [
                        {"id": cid, "name": name, "is_channel": True, "is_private": private}
                        for name, cid in named.items()
                    ]
            return 200, {"ok": True, "channels": listed, "response_metadata": {"next_cursor": ""}}, {}
        return 200, {"ok": True}, {}

    def _publish(self, params: dict, call: Call | None) -> tuple[int, dict, dict]:
        """views.publish: a `home` view for a user, at most 100 blocks (Slack's Home tab limit)."""
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not params.get("user_id") or not isinstance(view, dict) or view.get("type") != "home":
            return 200, {"ok": False, "error": "invalid_arguments"}, {}
        problems = block_kit_problems(view.get("blocks") or [], max_blocks=100)
        if problems:
            return 200, {"ok": False, "error": "invalid_blocks", "errors": problems}, {}
        if call is not None:
            call.delivered = True  # published: what the person now sees
        return 200, {"ok": True, "view": {"id": "V" + str(params["user_id"]), **view}}, {}

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls of `method` have arrived (work done after ack())."""
        with self._arrived:
            self._arrived.wait_for(lambda: len([c for c in self.calls if c.method == method]) >= count, timeout)
            return [c for c in self.calls if c.method == method]

    def _record(self, call: Call) -> None:
        with self._arrived:
            self.calls.append(call)
            self._arrived.notify_all()
        for listener in list(self.listeners):
            listener(call)

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                if path == "/_calls":  # for a benchmark running the stand-in as its own process
                    with standin._lock:
                        calls = [
                            {"method": c.method, "at": c.at, "params": c.params, "delivered": c.delivered}
                            for c in standin.calls
                        ]
                        limited = dict(standin.rate_limited)
                    self._send(200, {"ok": True, "calls": calls, "rate_limited": limited}, {})
                    return
                self._handle(path, _decode(query, "application/x-www-form-urlencoded"))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                self._handle(self.path.split("?")[0], _decode(raw, self.headers.get("Content-Type", "")))

            def _handle(self, path: str, params: dict) -> None:
                self.path = path
                if self.path.startswith("/response/"):
                    problems = block_kit_problems(params.get("blocks") or [], params.get("text"))
                    standin._record(Call("response_url", params, self.path, delivered=not problems))
                    self._send(200, {"ok": not problems, **({"error": "invalid_blocks"} if problems else {})}, {})
                    return
                if not self.path.startswith("/api/"):
                    self._send(404, {"ok": False, "error": "unknown_method"}, {})
                    return
                method = self.path[len("/api/") :]
                if standin.latency:  # half the round trip on the way in: Slack sees the call late too
                    time.sleep(standin.latency / 2)
                call = Call(method, params, self.path, authorization=self.headers.get("Authorization", ""))
                standin._record(call)
                status, body, headers = standin._answer(method, params, call)
                if status == 429:
                    with standin._lock:
                        standin.rate_limited[method] += 1
                if standin.delays.get(method):  # accepted, but the answer is slow: like Slack under load
                    time.sleep(standin.delays[method])
                if standin.latency:  # and half on the way back
                    time.sleep(standin.latency / 2)
                self._send(status, body, headers)

            def _send(self, status: int, body: dict, headers: dict) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, str(value))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller went away (a test killed it): Slack would not mind either

        return Handler


def block_kit_problems(blocks: list, text: object = None, max_blocks: int = 50) -> list[str]:
    """What Slack would refuse in a message (`invalid_blocks`), from its Block Kit
    reference; written apart from the bot's own clipping so each checks the other."""
    problems: list[str] = []

    def over(where: str, value: object, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            problems.append(f"{where}: {len(value)} characters, more than {limit}")

    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    if len(blocks) > max_blocks:
        problems.append(f"blocks: {len(blocks)}, more than {max_blocks}")
    over("text", text, 40000)
    ids = [b.get("block_id") for b in blocks if isinstance(b, dict) and b.get("block_id") is not None]
    if len(ids) != len(set(ids)):
        problems.append("block_id: not unique")
    for n, block in enumerate(blocks):
        where = f"blocks[{n}]"
        over(f"{where}.block_id", block.get("block_id"), 255)
        text_obj = block.get("text") or {}
        over(f"{where}.text", text_obj.get("text"), 150 if block.get("type") == "header" else 3000)
        for m, item in enumerate(block.get("fields") or []):
            over(f"{where}.fields[{m}]", item.get("text"), 2000)
        elements = list(block.get("elements") or []) + ([block["accessory"]] if block.get("accessory") else [])
        for m, element in enumerate(elements):
            over(f"{where}.element[{m}].text", element.get("text"), 3000)
            if element.get("type") == "button":
                over(f"{where}.button[{m}].text", (element.get("text") or {}).get("text"), 75)
                over(f"{where}.button[{m}].value", element.get("value"), 2000)
                over(f"{where}.button[{m}].url", element.get("url"), 3000)
            over(f"{where}.element[{m}].action_id", element.get("action_id"), 255)
            if element.get("type") == "static_select":
                problems.extend(_select_problems(f"{where}.select[{m}]", element))
    return problems


def _select_problems(where: str, select: dict) -> list[str]:
    """A static select: 1 to 100 options, texts of 75 and values of 150 at most, and an
    initial option that is one of them."""
    options = select.get("options") or []
    problems = [] if 0 < len(options) <= 100 else [f"{where}.options: {len(options)}, not 1 to 100"]
    for n, option in enumerate(options):
        if len((option.get("text") or {}).get("text", "")) > 75 or len(str(option.get("value", ""))) > 150:
            problems.append(f"{where}.options[{n}]: text over 75 or value over 150 characters")
    initial = select.get("initial_option")
    if initial is not None and initial not in options:
        problems.append(f"{where}.initial_option: not one of the options")
    return problems


def _decode(raw: str, content_type: str) -> dict:
    if not raw:
        return {}
    if "json" in content_type:
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return {"_raw": raw}
    params: dict = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "metadata", "attachments"):
        if isinstance(params.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(params[key])
    return params


def main() -> None:
    """`python -m bot.console.standin [--per-channel-interval S] [--tiers] [--latency-ms N]
    [--speed X]`: serve until killed, printing the port on the first line."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--per-channel-interval", type=float, default=0.0)
    parser.add_argument("--tiers", action="store_true", help="enforce Slack's rate tiers (429 + Retry-After)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="round trip added to every Web API call")
    parser.add_argument("--speed", type=float, default=1.0, help="multiply every rate by this")
    args = parser.parse_args()
    standin = SlackStandIn(tiers=args.tiers, latency=args.latency_ms / 1000, speed=args.speed)
    standin.per_channel_interval = args.per_channel_interval
    print(standin.port, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        standin._server.serve_forever(0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
