"""Publishing people's Home tabs (views.publish), kept fresh at a bounded rate.

A tab is published at once when its person opens it or acts in it (they are looking);
if the budget is spent just then, it goes first in line. After a change made elsewhere (a
command, a schedule reload) the tab is marked stale, and when what it says stops being
true (a session it shows starts or ends, its countdown ages) it has expired: the
`home-tabs` job publishes those, in that order, within the views.publish budget. Only
people who opened the tab are ever published to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.store.home_tabs import HomeTabsTable
from bot.webapi.budget import Budgets

log = logging.getLogger(__name__)
METHOD = "views.publish"
LOCK_STRIPES = 64  # one person's builds and sends never interleave; memory stays bounded


class HomeTabs:
    def __init__(
        self,
        client: WebClient,
        render: Callable[[str], tuple[dict, datetime]],
        table: HomeTabsTable,
        budgets: Budgets,
        now: Callable[[], datetime],
    ):
        self.client, self.render, self.table, self.budgets, self.now = client, render, table, budgets, now
        # Ordered sets (dicts): first marked, first published.
        self._waiting: dict[str, None] = {}  # opened or clicked while the budget was spent
        self._stale: dict[str, None] = {}
        self._expires: dict[str, datetime] = {}  # published tabs: when each stops being true
        self._lock = threading.Lock()
        self._people = [threading.Lock() for _ in range(LOCK_STRIPES)]

    def __deepcopy__(self, memo: dict) -> HomeTabs:
        return self  # one for the process: Bolt copies a request's context for its lazy listeners

    def opened(self, user_id: str) -> None:
        """`app_home_opened`: remember the person, show them their tab now."""
        self.table.opened(user_id, self.now())
        self.publish(user_id)

    def changed(self, user_id: str) -> None:
        """Their subscriptions, follows or lead time changed: refresh the tab soon."""
        if self.table.has_opened(user_id):
            with self._lock:
                self._stale[user_id] = None

    def changed_everyone(self) -> None:
        """The schedule changed: every opened tab is stale."""
        users = self.table.users()
        with self._lock:
            self._stale.update(dict.fromkeys(users))

    def stale(self) -> list[str]:
        with self._lock:
            return list(self._waiting) + [u for u in self._stale if u not in self._waiting]

    def fresh_until(self, user_id: str) -> datetime | None:
        """When the tab last published to `user_id` stops being true (None: not published)."""
        with self._lock:
            return self._expires.get(user_id)

    def publish(self, user_id: str) -> bool:
        """Publish now (the person is looking) if the budget allows, else first in line."""
        if not self.budgets.try_take(METHOD):
            with self._lock:
                self._waiting[user_id] = None
            return False
        return self._send(user_id)

    def publish_stale(self) -> int:
        """The `home-tabs` job: those waiting, then stale, then expired tabs, while the
        budget allows; the rest wait for the next run. Returns how many were published."""
        published = 0
        while (user_id := self._first_in_line()) is not None and self.budgets.try_take(METHOD):
            published += self._send(user_id)  # which takes it out of line
        return published

    def _first_in_line(self) -> str | None:
        """Who is next, left in line (a token is taken only for work there is)."""
        now = self.now()
        with self._lock:
            for queue in (self._waiting, self._stale):
                if queue:
                    return next(iter(queue))
            expired = min(self._expires.items(), key=lambda item: item[1], default=None)
            return expired[0] if expired is not None and expired[1] <= now else None

    def _send(self, user_id: str) -> bool:
        with self._people[hash(user_id) % LOCK_STRIPES]:  # built and sent in order: the last sent is the newest
            with self._lock:  # out of line: published now (or marked stale again below)
                self._waiting.pop(user_id, None)
                self._stale.pop(user_id, None)
                self._expires.pop(user_id, None)
            try:
                view, fresh_until = self.render(user_id)
                self.client.views_publish(user_id=user_id, view=view)
            except SlackApiError as refused:  # Slack's answer will not change on a retry
                error = refused.response.get("error") if refused.response is not None else "?"
                log.warning("views.publish for %s refused: %s", user_id, error)
                return False
            except (SlackClientError, OSError) as problem:  # Slack unreachable: try again at the next run
                log.warning("views.publish for %s failed (%s); trying again", user_id, problem)
                with self._lock:
                    self._stale[user_id] = None
                return False
            with self._lock:
                self._expires[user_id] = fresh_until
            return True
