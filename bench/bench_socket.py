"""Socket Mode adapters for a sync Bolt `App`, measured against the local stand-in.

For each adapter and setting, a child process runs a minimal App (a `/conf` listener that
acks at once) connected through bot/console/socket_standin.py; this process plays Slack and
measures: ack latency in steady state, reconnect time after a close frame, after a
`disconnect` refresh (and the ack of an envelope sent right after it), after an abrupt drop
(RST, a bare FIN, and a silent half-open link), and the child's CPU time idle and after
the drops (busy looping?).

Run: python -m bench.bench_socket [--only NAME ...] [--idle SECONDS] [--envelopes N]
Needs websocket-client (and aiohttp, websockets for the async adapters) only to measure them.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.console.socket_standin import SocketModeStandIn
from bot.console.standin import SlackStandIn

# name -> (adapter module under slack_bolt.adapter.socket_mode, SocketModeHandler keyword arguments)
CONFIGS: dict[str, tuple[str, dict]] = {
    "builtin (defaults)": ("builtin", {}),
    "builtin ping_interval=2": ("builtin", {"ping_interval": 2}),
    "builtin ping_interval=1": ("builtin", {"ping_interval": 1}),
    "builtin ping=2 buf=64k conc=4": ("builtin", {"ping_interval": 2, "receive_buffer_size": 65536, "concurrency": 4}),
    "builtin ping=2 + App(process_before_response=True)": ("builtin", {"ping_interval": 2}),
    "builtin ping=2 trace+all_msg": (
        "builtin",
        {"ping_interval": 2, "trace_enabled": True, "all_message_trace_enabled": True},
    ),
    "confbot's handler (builtin, ping 1 s, watchdog, quick hand-over)": ("confbot", {}),
    "websocket_client (defaults)": ("websocket_client", {}),
    "websocket_client ping_interval=2": ("websocket_client", {"ping_interval": 2}),
    "aiohttp (sync App, defaults)": ("aiohttp", {}),
    "websockets (sync App, defaults)": ("websockets", {}),
}
RECONNECT_TIMEOUT = 60.0
SCENARIOS = {"close": "close frame", "refresh": "refresh", "rst": "drop RST", "fin": "drop FIN", "mute": "silent"}
LATE_ACK = 3.0
REFRESHES = 5  # Slack retries an envelope not acked within 3 s


# -- the child: a minimal Bolt App behind one adapter ------------------------------------


def child(name: str, api_url: str) -> None:
    from slack_bolt import App
    from slack_sdk import WebClient

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    kind, kwargs = CONFIGS[name]
    app = App(
        client=WebClient(token="xoxb-bench", base_url=api_url),
        token_verification_enabled=False,
        # Bolt's default runs the listener in a thread and polls for ack() every 10 ms
        process_before_response="process_before_response" in name,
    )

    @app.command("/conf")
    def conf(ack) -> None:
        ack()

    if kind == "confbot":
        from bot.slack.socket_mode import socket_mode_handler

        handler = socket_mode_handler(app, "xapp-bench", app.client)
        handler.connect()
        print("ready", flush=True)
        sys.stdin.read()
        handler.close()
        return

    if kind in ("builtin", "websocket_client"):
        module = __import__(f"slack_bolt.adapter.socket_mode.{kind}", fromlist=["SocketModeHandler"])
        handler = module.SocketModeHandler(app, app_token="xapp-bench", **kwargs)
        handler.connect()
        print("ready", flush=True)
        sys.stdin.read()  # the parent closes stdin when done
        handler.close()
        return

    # The asyncio adapters take a sync App too, but run its listeners on the event loop
    # thread and need an AsyncWebClient for apps.connections.open.
    from slack_sdk.web.async_client import AsyncWebClient

    module = __import__(f"slack_bolt.adapter.socket_mode.{kind}", fromlist=["SocketModeHandler"])

    async def main() -> None:
        web = AsyncWebClient(token="xoxb-bench", base_url=api_url)
        handler = module.SocketModeHandler(app, app_token="xapp-bench", web_client=web, **kwargs)
        await handler.connect_async()
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await handler.close_async()

    asyncio.run(main())


# -- the parent: Slack's side --------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of a running process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def acked(sm: SocketModeStandIn, timeout: float = 5.0) -> float | None:
    """Seconds to ack one /conf envelope on the current connection, None if not acked."""
    try:
        eid = sm.send_envelope("slash_commands", {"command": "/conf", "text": "today", "user_id": "U1"})
        return sm.wait_for_ack(eid, timeout)[1]
    except (TimeoutError, RuntimeError, OSError):
        return None


def reconnect_after(sm: SocketModeStandIn, action, pid: int, window: float) -> dict:
    """Do `action`, time the next connection, and the child's CPU from then over `window` s."""
    before, cpu0, t0 = len(sm.links), cpu_seconds(pid), time.monotonic()
    extra = action()
    extra = extra if isinstance(extra, dict) else {}
    try:
        new = sm.wait_for_connections(before + 1, RECONNECT_TIMEOUT)[before]
        seconds: float | None = new.opened_at - t0
    except TimeoutError:
        seconds = None
    time.sleep(max(0.0, t0 + window - time.monotonic()))
    cpu = cpu_seconds(pid) - cpu0
    elapsed = time.monotonic() - t0
    time.sleep(0.3)
    return {
        "reconnect": seconds,
        "cpu": cpu,
        "cpu_window": elapsed,
        "links_opened": len(sm.links) - before,  # > 1: the client churned
        "ack_after": acked(sm),
        **extra,
    }


def measure(name: str, web: SlackStandIn, idle: float, envelopes: int, scenarios: list[str]) -> dict:
    result: dict = {"name": name}
    with SocketModeStandIn(refresh_grace=5.0) as sm, tempfile.TemporaryFile("w+") as log:
        web.socket_url = sm.url
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_socket", "--child", name, "--api-url", web.api_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("the child did not start")
            sm.wait_for_connections(1, 10)
            result["connect"] = sm.links[0].opened_at - started
            time.sleep(0.5)
            latencies = [acked(sm) for _ in range(envelopes)]
            result["lost"] = sum(x is None for x in latencies)
            got = [x for x in latencies if x is not None]
            result["p50"] = statistics.median(got) if got else None
            result["max"] = max(got) if got else None

            cpu0, pings0 = cpu_seconds(proc.pid), sm.current.pings
            time.sleep(idle)
            result["idle_cpu"], result["idle_pings"] = cpu_seconds(proc.pid) - cpu0, sm.current.pings - pings0

            if "close" in scenarios:
                result["close"] = reconnect_after(sm, sm.close_current, proc.pid, 3.0)

            def refresh() -> dict:
                old = sm.request_refresh()
                eid = sm.send_envelope("slash_commands", {"command": "/conf", "text": "now"})  # right after
                try:
                    late = sm.wait_for_ack(eid, 2 * LATE_ACK)[1]
                except TimeoutError:
                    late = None
                return {"ack_after_refresh": late, "old": old}

            if "refresh" in scenarios:  # repeated: whether the envelope is late depends on timing
                rounds = [reconnect_after(sm, refresh, proc.pid, 1.0) for _ in range(REFRESHES)]
                result["refresh"] = rounds[0]
                result["refresh"]["late_acks"] = [x["ack_after_refresh"] for x in rounds]
                old = result["refresh"].pop("old")
                deadline = time.monotonic() + sm.refresh_grace + 3
                while old.open and time.monotonic() < deadline:  # the client's close, or ours after the grace
                    time.sleep(0.05)
                result["refresh"]["old_ended_by"] = old.ended_by or "still open"
            if "rst" in scenarios:
                result["rst"] = reconnect_after(sm, lambda: sm.drop_current(reset=True), proc.pid, 10.0)
            if "fin" in scenarios:
                result["fin"] = reconnect_after(sm, lambda: sm.drop_current(reset=False), proc.pid, 10.0)
            if "mute" in scenarios:
                result["mute"] = reconnect_after(sm, sm.mute_current, proc.pid, 10.0)
        except Exception as error:  # an adapter that cannot run is a result too
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            proc.stdin.close()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.seek(0)
            lines = log.read().splitlines()
            result["log_lines"] = len(lines)
            result["log_tail"] = lines[-3:]
    return result


# -- printing and plausibility ----------------------------------------------------------------


def ms(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds * 1000:.1f}ms" if seconds < 1 else f"{seconds:.2f}s"


def report(results: list[dict], idle: float) -> list[str]:
    problems = []
    for r in results:
        print(f"\n== {r['name']}")
        if "error" in r and "idle_cpu" not in r:
            print(f"   FAILED: {r['error']}; log: {r['log_tail']}")
            continue
        print(f"   connect {ms(r['connect'])}; acks p50 {ms(r['p50'])} max {ms(r['max'])} (lost {r['lost']})")
        print(f"   idle {idle:.0f}s: cpu {r['idle_cpu']:.2f}s, {r['idle_pings']} pings from client")
        for key, label in SCENARIOS.items():
            x = r.get(key)
            if x is None:
                continue
            line = (
                f"   {label:11s}: reconnect {ms(x['reconnect'])}, links opened {x['links_opened']}, "
                f"cpu {x['cpu']:.2f}s over {x['cpu_window']:.1f}s, ack after {ms(x['ack_after'])}"
            )
            if key == "refresh":
                acks = x["late_acks"]
                late = sum(a is None or a > LATE_ACK for a in acks)
                line += (
                    f";\n                envelope sent right after: {late}/{len(acks)} late or lost"
                    f" ({', '.join(ms(a) for a in acks)}); first old link ended by {x['old_ended_by']}"
                )
            print(line)
            if x["cpu"] > x["cpu_window"] * (os.cpu_count() or 1) + 0.05:
                problems.append(f"{r['name']} {key}: cpu {x['cpu']:.2f}s > wall time")
            if x["reconnect"] is not None and x["reconnect"] <= 0:
                problems.append(f"{r['name']} {key}: non-positive reconnect time")
        if r.get("error"):
            print(f"   error mid-run: {r['error']}")
        print(f"   child log lines: {r['log_lines']}")
        if r["p50"] is not None and not (0 < r["p50"] < 1.0 and r["p50"] <= r["max"]):
            problems.append(f"{r['name']}: implausible ack latency p50 {r['p50']} max {r['max']}")
        if not 0 <= r["idle_cpu"] <= idle * (os.cpu_count() or 1):
            problems.append(f"{r['name']}: implausible idle cpu {r['idle_cpu']}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", help="config names (substring match)")
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--envelopes", type=int, default=50)
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS), choices=list(SCENARIOS))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.api_url)
        return 0
    names = [n for n in CONFIGS if not args.only or any(o in n for o in args.only)]
    results = []
    with SlackStandIn() as web:
        for name in names:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            results.append(measure(name, web, args.idle, args.envelopes, args.scenarios))
    problems = report(results, args.idle)
    for problem in problems:
        print(f"IMPLAUSIBLE: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
