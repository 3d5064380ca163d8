"""Direct messages: the DM channel of a user (opened once, cached) and posting to it."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.slack.blocks import Reply


class DirectMessages:
    def __init__(self, client: WebClient):
        self.client = client
        self._channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def channel(self, user_id: str) -> str:
        with self._lock:
            known = self._channels.get(user_id)
        if known:
            return known
        channel = self.client.conversations_open(users=user_id)["channel"]["id"]
        with self._lock:
            self._channels[user_id] = channel
        return channel

    def post(self, user_id: str, reply: Reply, metadata: dict | None = None) -> tuple[str, SlackResponse]:
        channel = self.channel(user_id)
        response = self.client.chat_postMessage(
            channel=channel, text=reply.text, blocks=reply.blocks, metadata=metadata
        )
        return channel, response

    def history(self, user_id: str, limit: int = 100) -> list[dict]:
        response = self.client.conversations_history(
            channel=self.channel(user_id), limit=limit, include_all_metadata=True
        )
        return list(response.get("messages") or [])
