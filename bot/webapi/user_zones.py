"""Each user's own time zone, from `users.info`, cached so a reply costs no API call."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)
TTL = timedelta(hours=12)


class UserZones:
    def __init__(self, client: WebClient, now: Callable[[], datetime]):
        self._client = client
        self._now = now
        self._cache: dict[str, tuple[tzinfo | None, datetime]] = {}
        self._lock = threading.Lock()

    def __call__(self, user_id: str) -> tzinfo | None:
        with self._lock:
            cached = self._cache.get(user_id)
        if cached and self._now() - cached[1] < TTL:
            return cached[0]
        zone = self._fetch(user_id)
        with self._lock:
            self._cache[user_id] = (zone, self._now())
        return zone

    def is_cached(self, user_id: str) -> bool:
        with self._lock:
            cached = self._cache.get(user_id)
        return cached is not None and self._now() - cached[1] < TTL

    def _fetch(self, user_id: str) -> tzinfo | None:
        try:
            response = self._client.users_info(user=user_id)
            name = (response.get("user") or {}).get("tz")
            return ZoneInfo(name) if name else None
        except (SlackApiError, SlackClientError, OSError) as problem:
            log.warning("users.info for %s failed (%s); showing venue time only", user_id, problem)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("users.info for %s gave an unknown zone", user_id)
        return None
