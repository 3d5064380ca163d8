"""Console mode: the whole bot with no Slack account.

Reads lines such as `/conf now` from standard input, sends each through the real Bolt
app as a signed slash command, and prints the reply as text. The Web API is the local
stand-in; anything the bot posts there (response_url replies, DMs) is printed too.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TextIO

from slack_bolt.request import BoltRequest

from bot.bootstrap import Bot, build_bot
from bot.clock import ScaledClock
from bot.config import Config
from bot.console.signing import signature_headers, slash_command_body
from bot.console.standin import Call, SlackStandIn
from bot.schedule import load_schedule
from bot.views.plaintext import blocks_to_text

CONSOLE_USER = "UCONSOLE"
CONSOLE_SECRET = "console-signing-secret"


def parse_at(text: str | None, zone) -> datetime | None:
    """`2022-10-24 09:00` (venue-local) to an aware datetime; None for "now"."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.strip().replace("T", " "))
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


class Console:
    def __init__(self, bot: Bot, standin: SlackStandIn, out: TextIO):
        self.bot, self.standin, self.out = bot, standin, out
        self._count = 0
        standin.listeners.append(self._posted)

    def _posted(self, call: Call) -> None:
        if call.method == "response_url":
            self._print("(updated)", call.params.get("blocks") or [], call.params.get("text", ""))
        elif call.method == "chat.postMessage":
            channel = call.params.get("channel", "")
            self._print(f"(message to {channel})", call.params.get("blocks") or [], call.params.get("text", ""))

    def _print(self, label: str, blocks, text: str) -> None:
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        print(f"{label}\n{blocks_to_text(blocks, text)}\n", file=self.out, flush=True)

    def command(self, line: str) -> int:
        text = line.strip()
        if text.startswith("/conf"):
            text = text[len("/conf") :].strip()
        self._count += 1
        body = slash_command_body(text, CONSOLE_USER, self.standin.response_url(f"command-{self._count}"))
        response = self.bot.app.dispatch(BoltRequest(body=body, headers=signature_headers(CONSOLE_SECRET, body)))
        if response.status != 200:
            print(f"(the bot answered HTTP {response.status})", file=self.out, flush=True)
            return response.status
        payload = json.loads(response.body) if response.body else {}
        now = self.bot.clock.now().astimezone(self.bot.catalog.current.schedule.zone)
        self._print(f"[{now:%a %Y-%m-%d %H:%M}] /conf {text}", payload.get("blocks") or [], payload.get("text", ""))
        return 200


def run_console(config: Config, at: str | None, speed: float, user_tz: str | None, lines: TextIO, out: TextIO) -> int:
    loaded = load_schedule(config.schedule_path, config.conference_tz)
    schedule = loaded[0]
    start = parse_at(at, schedule.zone) or datetime.now(schedule.zone)
    clock = ScaledClock(start, speed)
    with SlackStandIn(user_zones={CONSOLE_USER: user_tz} if user_tz else None) as standin:
        database = config.database_path
        temporary = None
        if "DATABASE_PATH" not in os.environ:
            temporary = tempfile.TemporaryDirectory(prefix="confbot-console-")
            database = Path(temporary.name) / "console.db"
        console_config = Config(
            **{
                **config.__dict__,
                "bot_token": "xoxb-console",
                "signing_secret": CONSOLE_SECRET,
                "app_token": "",
                "api_url": standin.api_url,
                "database_path": database,
                "admin_user_ids": config.admin_user_ids | {CONSOLE_USER},  # you are the organiser here
            }
        )
        bot = build_bot(console_config, clock=clock, loaded=loaded)
        console = Console(bot, standin, out)
        bot.start_jobs()  # reminders and digests print as they fall due on the console's clock
        zone = getattr(schedule.zone, "key", schedule.zone)
        print(f"confbot console: {schedule.title or config.schedule_path} ({len(schedule)} sessions, {zone})", file=out)
        print(f"clock starts {start:%a %Y-%m-%d %H:%M} venue time, speed x{speed:g}. Type /conf help.\n", file=out)
        out.flush()
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                console.command(line)
        bot.close()
        if temporary:
            temporary.cleanup()
    return 0


def main_console(args, env) -> int:
    config = Config.from_env(env, for_serve=False)
    if args.schedule:
        config = Config(**{**config.__dict__, "schedule_path": Path(args.schedule)})
    try:
        return run_console(config, args.at, args.speed, args.user_tz, sys.stdin, sys.stdout)
    except BrokenPipeError:  # `… | head`: the reader left; so do we, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
