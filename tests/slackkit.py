"""Test helpers: a running bot behind its real HTTP endpoint, and Slack-signed requests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.bootstrap import Bot, build_bot
from bot.clock import ManualClock
from bot.config import Config
from bot.console.signing import event_callback_body, json_headers, signature_headers, slash_command_body
from bot.console.standin import SlackStandIn
from bot.server import HttpServing, create_http_server
from tests.conftest import SEED

SECRET = "test-signing-secret"
DETROIT = ZoneInfo("America/Detroit")


@dataclass
class Reply:
    status: int
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class RunningBot:
    """build_bot + waitress on 127.0.0.1 (a free port) + the stand-in Web API."""

    def __init__(self, tmp_path: Path, schedule_path: Path, at: str, standin: SlackStandIn, **overrides):
        self.standin = standin
        self.clock = ManualClock(datetime.fromisoformat(at).replace(tzinfo=DETROIT))
        config = Config(
            bot_token="xoxb-test",
            signing_secret=SECRET,
            api_url=standin.api_url,
            schedule_path=schedule_path,
            database_path=tmp_path / "confbot.db",
            **overrides,
        )
        self.bot: Bot = build_bot(config, clock=self.clock)
        self.serving = HttpServing(create_http_server(self.bot, "127.0.0.1", 0, threads=4)).start()
        self.port = self.serving.server.effective_port

    def close(self) -> None:
        self.serving.stop(drain_seconds=5)
        self.bot.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, body: str, headers: dict) -> Reply:
        request = urllib.request.Request(f"{self.url}/slack/events", data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())

    def get(self, path: str) -> Reply:
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())

    def conf(self, text: str, user: str = "U1", timestamp: int | None = None, secret: str = SECRET) -> Reply:
        body = slash_command_body(text, user, self.standin.response_url(f"cmd-{user}"))
        return self.post(body, signature_headers(secret, body, timestamp))

    def click(self, action_id: str, session_id: str, block_id: str, user: str = "U1", ephemeral: bool = True) -> Reply:
        action = {"type": "button", "action_id": action_id, "block_id": block_id, "value": session_id}
        return self.act(
            action,
            user,
            container={"type": "message", "is_ephemeral": ephemeral, "channel_id": "C1"},
            channel={"id": "C1", "name": "general"},
            response_url=self.standin.response_url(f"click-{user}"),
        )

    def act(self, action: dict, user: str, **where) -> Reply:
        """A block action (a button, a select), signed as Slack signs it; `where` says
        where it happened (container, channel or view, response_url)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": "T0CONF"},
            "api_app_id": "A0CONFBOT",
            "token": "unused",
            "team": {"id": "T0CONF", "domain": "conf"},
            "trigger_id": "1.2.3",
            "actions": [{"action_ts": "1666620000.000100", **action}],
            **where,
        }
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, signature_headers(SECRET, body))


def all_text(payload: dict) -> str:
    """Every piece of text a reply would show, joined: for escaping checks."""
    parts = [payload.get("text", "")]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(payload.get("blocks", []))
    return "\n".join(parts)


def buttons(payload: dict) -> list[tuple[str, str]]:
    found = []
    for block in payload.get("blocks", []):
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append((accessory["action_id"], accessory["value"]))
    return found


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=DETROIT)


def bot_config(tmp_path, standin, **overrides) -> Config:
    """A bot's settings against the stand-in, in tmp_path; any setting can be overridden."""
    settings = {
        "bot_token": "xoxb-test",
        "signing_secret": "s",
        "api_url": standin.api_url,
        "schedule_path": SEED,
        "database_path": tmp_path / "confbot.db",
        "admin_user_ids": frozenset({"UADMIN"}),
        "reminder_lookahead_seconds": 0.0,  # the ManualClock decides when rows are due
    }
    return Config(**{**settings, **overrides})


def make_bot(tmp_path, standin, schedule=SEED, now="2022-10-24T10:00", **overrides):
    clock = ManualClock(at(now))
    config = bot_config(tmp_path, standin, schedule_path=schedule, **overrides)
    return build_bot(config, clock=clock), clock


def claim_as_a_dying_process(bot, clock, posted_to: str) -> list:
    """Another process claims what is due, posts the rows of `posted_to` (marked
    attempting first, as a real sender does) and dies before recording anything.
    Returns the rows it claimed."""
    from bot.reminders.dispatch import ReminderDispatcher
    from bot.reminders.planning import reminder_metadata

    dead = ReminderDispatcher(bot.ledger, bot.catalog, bot.dispatcher.direct, clock, lambda u: None, worker="dead")
    dead.beat()
    claimed = bot.ledger.claim_due("dead", clock.now())
    posted = [row for row in claimed if row.user_id == posted_to]
    bot.ledger.mark_attempting("dead", [row.id for row in posted])
    bot.client.chat_postMessage(channel=posted_to, text="posted", metadata=reminder_metadata(posted))
    return claimed


def signed_event(bot: RunningBot, event: dict) -> Reply:
    """An Events API callback, signed as Slack signs it."""
    body = event_callback_body(event)
    return bot.post(body, json_headers(SECRET, body))


def home_opened(bot: RunningBot, user: str = "U1") -> Reply:
    return signed_event(bot, {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})


def act_in_home(bot: RunningBot, action: dict, user: str = "U1") -> Reply:
    """A block action from the user's Home tab: no response_url, the view as container."""
    home = {"container": {"type": "view", "view_id": "V" + user}, "view": {"id": "V" + user, "type": "home"}}
    return bot.act({"block_id": "home", **action}, user, **home)
