"""Socket Mode: Slack's requests over a WebSocket the bot opens (no public URL needed)."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient


def socket_mode_handler(app: App, app_token: str, client: WebClient) -> SocketModeHandler:
    return SocketModeHandler(app, app_token, web_client=client)
