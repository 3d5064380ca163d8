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


def acknowledge_conf(ack: Ack, command: dict, context: BoltContext) -> None:
    service: ConfService = context["conf"]
    user_id, text = command.get("user_id", ""), command.get("text", "")
    if service.answers_later(text):
        ack(response_type="ephemeral", text="Working on it…")
        return
    ack(**service.handle(user_id, text).as_ephemeral())


def answer_conf_later(command: dict, context: BoltContext, respond: Respond) -> None:
    service: ConfService = context["conf"]
    user_id, text = command.get("user_id", ""), command.get("text", "")
    if service.answers_later(text):
        reply = service.handle(user_id, text)
        respond_or_log(respond, response_type="ephemeral", replace_original=True, text=reply.text, blocks=reply.blocks)


def register(app: App) -> None:
    app.command("/conf")(ack=acknowledge_conf, lazy=[answer_conf_later])
