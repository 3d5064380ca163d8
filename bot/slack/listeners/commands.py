"""The `/conf` slash command: answered in the HTTP response, ephemeral."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.service import ConfService


def conf_command(ack: Ack, command: dict, context: BoltContext) -> None:
    service: ConfService = context["conf"]
    reply = service.handle(command.get("user_id", ""), command.get("text", ""))
    ack(**reply.as_ephemeral())


def register(app: App) -> None:
    app.command("/conf")(conf_command)
