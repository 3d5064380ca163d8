"""The `/conf` slash command: answered in the HTTP response, ephemeral.

The app processes each request before answering it (`process_before_response`), so a
fast command is acknowledged, with its answer, as soon as the answer is built. Commands
that talk to Slack before they can answer (`reload` notifies subscribers, `digest now`
posts to a channel) acknowledge at once with "Working on it…" and do the work in a lazy
listener, answering via `response_url`, so Slack's three seconds never run out.
"""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond

from bot.conf.service import ConfService
from bot.slack.respond import respond_or_log


def answers_later(command: dict, context: BoltContext) -> bool:
    """A matcher: the commands that talk to Slack before they can answer."""
    service: ConfService = context["conf"]
    return service.answers_later(command.get("text", ""))


def acknowledge_at_once(ack: Ack) -> None:
    ack(response_type="ephemeral", text="Working on it…")


def answer_later(command: dict, context: BoltContext, respond: Respond) -> None:
    service: ConfService = context["conf"]
    reply = service.handle(command.get("user_id", ""), command.get("text", ""))
    respond_or_log(respond, response_type="ephemeral", replace_original=True, text=reply.text, blocks=reply.blocks)


def answer_now(ack: Ack, command: dict, context: BoltContext) -> None:
    service: ConfService = context["conf"]
    ack(**service.handle(command.get("user_id", ""), command.get("text", "")).as_ephemeral())


def register(app: App) -> None:
    # The first listener that matches answers; only slow commands pay for a lazy listener.
    app.command("/conf", matchers=[answers_later])(ack=acknowledge_at_once, lazy=[answer_later])
    app.command("/conf")(answer_now)
