"""Each user's own time zone, from `users.info`: kept in the database with when it was
learned, so no reminder ever waits on a look-up.

- `known(user)`: memory, then the database; never calls Slack (for sending).
- `warm(users)`: learns the zones of people with reminders coming up, hours ahead, within
  the users.info budget (a background job).
- `zones(user)` (a ZoneLookup, for answers to commands): known, else one users.info call
  if the budget allows (on a client that neither retries nor waits long: an answer must
  not wait on it), else venue time only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.store.database import Store
from bot.webapi.budget import Budgets
from bot.webapi.errors import PERMANENT_ERRORS, error_code

log = logging.getLogger(__name__)
TTL = timedelta(hours=24)  # people rarely move zones during a conference; refreshed after this
RETRY_AFTER = timedelta(minutes=10)


def _zone(name: str | None) -> tzinfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


class UserZones:
    def __init__(self, client: WebClient, now: Callable[[], datetime], store: Store, budgets: Budgets):
        self._client = client
        self._now = now
        self._store = store
        self._budgets = budgets
        self._memory: dict[str, tuple[tzinfo | None, datetime]] = {}
        self._retry_after: dict[str, datetime] = {}  # a failed look-up waits, so it cannot starve the rest
        self._lock = threading.Lock()

    def __call__(self, user_id: str) -> tzinfo | None:
        zone, fresh = self._remembered(user_id)
        if fresh or not self._budgets.try_take("users.info"):
            return zone
        return self._learn(user_id, zone)

    def known(self, user_id: str) -> tzinfo | None:
        return self._remembered(user_id)[0]

    def warm(self, user_ids: Iterable[str]) -> int:
        """Learn the zones of `user_ids` not known or stale, soonest first, until the
        budget for now is spent. Returns how many were asked."""
        asked = 0
        for user_id in user_ids:
            zone, fresh = self._remembered(user_id)
            if fresh:
                continue
            if not self._budgets.try_take("users.info"):
                break
            self._learn(user_id, zone)
            asked += 1
        return asked

    def _remembered(self, user_id: str) -> tuple[tzinfo | None, bool]:
        with self._lock:
            remembered = self._memory.get(user_id)
        if remembered is None:
            stored = self._store.user_zone(user_id)
            if stored is None:
                return None, False
            remembered = (_zone(stored[0]), stored[1])
            with self._lock:
                self._memory[user_id] = remembered
        zone, learned = remembered
        return zone, self._now() - learned < TTL

    def _learn(self, user_id: str, fallback: tzinfo | None) -> tzinfo | None:
        with self._lock:
            if self._now() < self._retry_after.get(user_id, datetime.min.replace(tzinfo=UTC)):
                return fallback  # it failed a moment ago: others first
        try:
            response = self._client.users_info(user=user_id)
        except (SlackApiError, SlackClientError, OSError) as problem:
            code = error_code(problem)
            log.warning("users.info for %s failed (%s); venue time only for now", user_id, code)
            if code not in PERMANENT_ERRORS:
                with self._lock:
                    self._retry_after[user_id] = self._now() + RETRY_AFTER
                return fallback
            response = {"user": {}}  # gone for good: remembered as zoneless, not asked again today
        name = (response.get("user") or {}).get("tz") or ""
        now = self._now()
        self._store.remember_user_zone(user_id, name, now)
        with self._lock:
            self._memory[user_id] = (_zone(name), now)
        return _zone(name)
