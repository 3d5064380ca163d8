"""Console mode: the whole bot with no Slack account.

Reads lines such as `/conf now` from standard input, sends each through the real Bolt
app as a signed slash command, and prints the reply as text; `/home` opens the Home tab
(a signed `app_home_opened` event) and prints the view the bot publishes. The Web API is the local
stand-in; anything the bot posts there (response_url replies, DMs) is printed too.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from slack_bolt.request import BoltRequest

from bot.bootstrap import Bot, build_bot
from bot.clock import ScaledClock
from bot.config import Config
from bot.console.options import at_note, at_venue
from bot.console.signing import event_callback_body, json_headers, signature_headers, slash_command_body
from bot.console.standin import Call, SlackStandIn
from bot.schedule import load_schedule
from bot.views.plaintext import blocks_to_text
from bot.words import plural

CONSOLE_USER = "UCONSOLE"
CONSOLE_SECRET = "console-signing-secret"
CONSOLE_CHANNELS = {"general": "C0GENERAL", "conference": "C0CONF"}  # what `#name` finds here
# How long a command answered through response_url (reload, digest) may take before the
# console reads on; its answer still prints when it comes, labelled.
LATE_ANSWER_SECONDS = 5.0


class Console:
    """Prints each command, then its answer, then reads the next: the answers of
    commands that answer later (through response_url) are waited for, for a while."""

    def __init__(self, bot: Bot, standin: SlackStandIn, out: TextIO):
        self.bot, self.standin, self.out = bot, standin, out
        self._count = 0
        self._printing = threading.Lock()  # the reader, the stand-in's threads and the jobs all print
        self._asked: dict[str, str] = {}  # response_url name -> the command it answers
        self._answered: dict[str, threading.Event] = {}
        self._awaited: str | None = None  # the name whose answer goes right under its command
        self._home_asked, self._home_shown = threading.Event(), threading.Event()
        standin.listeners.append(self._posted)

    def _posted(self, call: Call) -> None:
        if call.method == "response_url":
            name = call.path.rsplit("/", 1)[-1]
            with self._printing:
                label = None if name == self._awaited else f"(answer to /conf {self._asked.get(name, '…')})"
                self._print(label, call.params.get("blocks") or [], call.params.get("text", ""))
            if name in self._answered:
                self._answered[name].set()
        elif call.method == "views.publish":
            self._home_published(call)
        elif call.method == "chat.postMessage":
            channel = call.params.get("channel", "")
            with self._printing:
                self._print(f"(message to {channel})", call.params.get("blocks") or [], call.params.get("text", ""))

    def _home_published(self, call: Call) -> None:
        """The Home tab in full when `/home` asked for it; else one line saying it changed."""
        view = call.params.get("view") or {}
        view = json.loads(view) if isinstance(view, str) else view
        with self._printing:
            if self._home_asked.is_set():
                print(f"(your Home tab: {call.method})\n{blocks_to_text(view.get('blocks') or [])}\n", file=self.out)
            else:
                print("(your Home tab was updated: /home shows it)\n", file=self.out, flush=True)
        self._home_shown.set()

    def home(self) -> None:
        """`/home`: open the Home tab, as Slack's `app_home_opened` event does, and print it."""
        now = self.bot.clock.now().astimezone(self.bot.catalog.current.schedule.zone)
        with self._printing:
            print(f"[{now:%a %Y-%m-%d %H:%M}] /home", file=self.out, flush=True)
        self._home_shown.clear()
        self._home_asked.set()
        body = event_callback_body({"type": "app_home_opened", "user": CONSOLE_USER, "tab": "home"})
        self.bot.app.dispatch(BoltRequest(body=body, headers=json_headers(CONSOLE_SECRET, body)))
        if not self._home_shown.wait(LATE_ANSWER_SECONDS):
            with self._printing:
                print("(the Home tab did not come: see the log)\n", file=self.out, flush=True)
        self._home_asked.clear()

    def _print(self, label: str | None, blocks, text: str) -> None:
        """One message; the caller holds the printing lock."""
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        heading = f"{label}\n" if label else ""
        print(f"{heading}{blocks_to_text(blocks, text)}\n", file=self.out, flush=True)

    def command(self, line: str) -> int:
        text = line.strip()
        if text in ("/home", "home"):
            self.home()
            return 200
        if text.startswith("/conf"):
            text = text[len("/conf") :].strip()
        self._count += 1
        name = f"command-{self._count}"
        later = self.bot.service.answers_later(text)
        if later:
            self._asked[name], self._answered[name] = text, threading.Event()
            self._awaited = name
        now = self.bot.clock.now().astimezone(self.bot.catalog.current.schedule.zone)
        with self._printing:
            print(f"[{now:%a %Y-%m-%d %H:%M}] /conf {text}", file=self.out, flush=True)
        body = slash_command_body(text, CONSOLE_USER, self.standin.response_url(name))
        response = self.bot.app.dispatch(BoltRequest(body=body, headers=signature_headers(CONSOLE_SECRET, body)))
        if response.status != 200:
            self._awaited = None
            with self._printing:
                print(f"(the bot answered HTTP {response.status})\n", file=self.out, flush=True)
            return response.status
        payload = json.loads(response.body) if response.body else {}
        answered = later and self._answered[name].wait(LATE_ANSWER_SECONDS)
        with self._printing:
            if answered:  # it replaced "Working on it…" and is printed already
                self._awaited = None
                return 200
            self._awaited = None
            note = " (its answer prints when it comes)" if later else ""
            self._print(None, payload.get("blocks") or [], payload.get("text", "") + note)
        return 200

    def finish(self) -> None:
        """At the end of input: a little longer for answers still on their way."""
        deadline = time.monotonic() + LATE_ANSWER_SECONDS
        for answered in self._answered.values():
            answered.wait(max(0.0, deadline - time.monotonic()))


def run_console(
    config: Config,
    at: datetime | None,
    speed: float,
    user_tz: str | None,
    lines: Iterable[str],
    out: TextIO,
    temporary_database: bool = True,
) -> int:
    """The console on `lines` (a naive `at` is venue time); with `temporary_database`
    its state goes in a throwaway file, else in the configured one."""
    loaded = load_schedule(config.schedule_path, config.conference_tz)
    schedule = loaded[0]
    start = at_venue(at, schedule.zone) or datetime.now(schedule.zone)
    clock = ScaledClock(start, speed)
    zones = {CONSOLE_USER: user_tz} if user_tz else None
    with SlackStandIn(user_zones=zones, channels=CONSOLE_CHANNELS) as standin:
        database = config.database_path
        temporary = None
        if temporary_database:
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
                "database_url": "",  # the console keeps its own SQLite file, whatever DATABASE_URL says
                "admin_user_ids": config.admin_user_ids | {CONSOLE_USER},  # you are the organiser here
            }
        )
        bot = build_bot(console_config, clock=clock, loaded=loaded)
        console = Console(bot, standin, out)
        bot.start_jobs()  # reminders and digests print as they fall due on the console's clock
        zone = getattr(schedule.zone, "key", schedule.zone)
        print(
            f"confbot console: {schedule.title or config.schedule_path} ({plural(len(schedule), 'session')}, {zone})",
            file=out,
        )
        print(f"clock starts {start:%a %Y-%m-%d %H:%M} venue time, speed x{speed:g}. Type /conf help.", file=out)
        note = at_note(at, schedule.zone)  # a time the venue's clocks skip or show twice
        print(f"Note: {note}\n" if note else "", file=out)
        out.flush()
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                console.command(line)
        console.finish()
        bot.close()
        if temporary:
            temporary.cleanup()
    return 0


def main_console(args, env) -> int:
    config = Config.from_env(env, for_serve=False)
    if args.schedule:
        config = Config(**{**config.__dict__, "schedule_path": Path(args.schedule)})
    try:
        return run_console(config, args.at, args.speed, args.user_tz, sys.stdin, sys.stdout, "DATABASE_PATH" not in env)
    except BrokenPipeError:  # `… | head`: the reader left; so do we, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
