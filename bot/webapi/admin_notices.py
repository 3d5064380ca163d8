"""Telling the organisers (ADMIN_USER_IDS) something by DM: each time, or once per
distinct problem."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.store.notices import Notices
from bot.views.blocks import Reply, notice
from bot.webapi.direct import DirectMessages
from bot.webapi.errors import error_code

log = logging.getLogger(__name__)


class AdminNotices:
    def __init__(self, notices: Notices, direct: DirectMessages, admins: frozenset[str], now: Callable[[], datetime]):
        self.notices, self.direct, self.admins, self.now = notices, direct, admins, now

    def tell_once(self, kind: str, detail: str, text: str) -> bool:
        """DM `text` (mrkdwn, already escaped) to every admin, unless this (kind, detail)
        was told before. Returns whether it was told now."""
        if not self.notices.first("admins", "", kind, detail, self.now()):
            return False
        log.warning("told the admins: %s", text)
        self.tell(notice(text), kind)
        return True

    def tell(self, reply: Reply, about: str) -> None:
        """DM `reply` to every admin; one that cannot be reached is a log line."""
        for admin in sorted(self.admins):
            try:
                self.direct.post(admin, reply)
            except (SlackApiError, SlackClientError, OSError) as problem:
                log.warning("could not tell admin %s about %s: %s", admin, about, error_code(problem))

    def channel_refused_upnext(self, channel: str, code: str) -> None:
        self.tell_once(
            "upnext_error",
            f"{channel}:{code}",
            f"I could not post “up next” to <#{channel}>: `{code}`. Invite me there with "
            f"`/invite @confbot`, or stop it with `/conf announce <#{channel}> off`.",
        )
