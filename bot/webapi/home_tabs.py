"""Publishing people's Home tabs (views.publish), kept fresh at a bounded rate.

A tab is published at once when its person opens it or acts in it (they are looking);
after a change made elsewhere (a command, a schedule reload) it is marked stale and the
`home-tabs` job publishes stale tabs within the views.publish budget. Only people who
opened the tab are ever published to.
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


class HomeTabs:
    def __init__(
        self,
        client: WebClient,
        view: Callable[[str], dict],
        table: HomeTabsTable,
        budgets: Budgets,
        now: Callable[[], datetime],
    ):
        self.client, self.view, self.table, self.budgets, self.now = client, view, table, budgets, now
        self._stale: dict[str, None] = {}  # an ordered set: first marked, first published
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict) -> HomeTabs:
        return self  # one for the process: Bolt copies a request's context for its lazy listeners

    def opened(self, user_id: str) -> None:
        """`app_home_opened`: remember the person, show them their tab now."""
        self.table.opened(user_id, self.now())
        self.publish(user_id)

    def changed(self, user_id: str) -> None:
        """Their subscriptions, follows or lead time changed: refresh the tab soon."""
        if self.table.has_opened(user_id):
            self._mark([user_id])

    def changed_everyone(self) -> None:
        """The schedule changed: every opened tab is stale."""
        self._mark(self.table.users())

    def stale(self) -> list[str]:
        with self._lock:
            return list(self._stale)

    def publish_stale(self) -> int:
        """The `home-tabs` job: publish stale tabs while the budget allows; the rest wait
        for the next run. Returns how many were published."""
        published = 0
        while self.budgets.try_take(METHOD):
            with self._lock:
                if not self._stale:
                    break
                user_id = next(iter(self._stale))
                del self._stale[user_id]
            published += self._send(user_id)
        return published

    def publish(self, user_id: str) -> bool:
        """Publish now if the budget allows, else as soon as it does."""
        if not self.budgets.try_take(METHOD):
            self._mark([user_id])
            return False
        with self._lock:
            self._stale.pop(user_id, None)
        return self._send(user_id)

    def _mark(self, user_ids: list[str]) -> None:
        with self._lock:
            self._stale.update(dict.fromkeys(user_ids))

    def _send(self, user_id: str) -> bool:
        try:
            self.client.views_publish(user_id=user_id, view=self.view(user_id))
            return True
        except SlackApiError as refused:  # Slack's answer will not change on a retry
            error = refused.response.get("error") if refused.response is not None else "?"
            log.warning("views.publish for %s refused: %s", user_id, error)
        except (SlackClientError, OSError) as problem:  # Slack unreachable: try again at the next run
            log.warning("views.publish for %s failed (%s); trying again", user_id, problem)
            self._mark([user_id])
        return False
