"""Telling the organisers (ADMIN_USER_IDS) something by DM: each time, once per
distinct problem, or once per change of a standing problem."""

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

    def tell_on_change(self, kind: str, state: str, reply: Reply, already_know: frozenset[str] = frozenset()) -> bool:
        """DM `reply` to every admin but those who `already_know` (they asked and got the
        answer), unless the last `kind` told was this same `state`: a broken file is told
        once per distinct set of errors, however often it is read. Atomic, so processes
        reading the same file tell it once. Returns whether it was told now."""
        changed = self.notices.store.change_setting(f"told_admins:{kind}", state)
        if changed:
            self.tell(reply, kind, skip=already_know)
        return bool(changed)

    def settled(self, kind: str) -> None:
        """The problem is gone: the same one coming back is told again."""
        self.notices.store.set_setting(f"told_admins:{kind}", None)

    def tell(self, reply: Reply, about: str, skip: frozenset[str] = frozenset()) -> None:
        """DM `reply` to every admin (but `skip`); one that cannot be reached is a log line."""
        for admin in sorted(self.admins - skip):
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
