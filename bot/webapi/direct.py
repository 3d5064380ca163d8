"""Direct messages: posting to a user, and their DM channel (cached) for its history."""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.views.blocks import Reply
from bot.webapi.budget import Budgets


class DirectMessages:
    def __init__(
        self, client: WebClient, budgets: Budgets | None = None, known: Callable[[str], str | None] = lambda user: None
    ):
        self.client = client
        self.budgets = budgets or Budgets({})
        self.known = known  # the DM channel as recorded before (a restart has no memory of it)
        self._channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def channel(self, user_id: str) -> str:
        """The DM channel of a person; a channel ID (C…, G…) is its own channel."""
        if user_id.startswith(("C", "G")):
            return user_id
        with self._lock:
            known = self._channels.get(user_id)
        known = known or self.known(user_id)
        if known:
            with self._lock:
                self._channels[user_id] = known
            return known
        self.budgets.take("conversations.open")  # OverBudget: ask again later
        channel = self.client.conversations_open(users=user_id)["channel"]["id"]
        with self._lock:
            self._channels[user_id] = channel
        return channel

    def post(self, user_id: str, reply: Reply, metadata: dict | None = None) -> tuple[str, SlackResponse]:
        """Post to the user's DM, addressed by user ID (no conversations.open needed);
        Slack answers with the DM channel, remembered for history checks."""
        response = self.client.chat_postMessage(
            channel=user_id, text=reply.text, blocks=reply.blocks, metadata=metadata
        )
        channel = str(response.get("channel") or user_id)
        if channel.startswith("D"):
            with self._lock:
                self._channels[user_id] = channel
        return channel, response

    def history(self, user_id: str, limit: int = 100) -> list[dict]:
        channel = self.channel(user_id)
        self.budgets.take("conversations.history")  # OverBudget: check again later
        response = self.client.conversations_history(channel=channel, limit=limit, include_all_metadata=True)
        return list(response.get("messages") or [])
