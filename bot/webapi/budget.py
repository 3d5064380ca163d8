"""How often the bot may call each Slack Web API method, so it stays under Slack's rate
tiers in normal operation and a 429 is rare; and a count of the 429s it still gets.

Slack's tiers (per workspace, per method): users.info Tier 4 (100+/min),
conversations.history and conversations.open Tier 3 (50+/min), views.publish Tier 4. The budgets below keep a
margin for the calls people's commands make.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# chat.postMessage is not paced here: its limit is about one a second per channel (each DM
# is a channel of its own) plus an unpublished workspace-wide cap, so a burst of reminders
# goes out as fast as Slack takes it, and its 429s are honoured (Retry-After) and counted.
PER_MINUTE = {"users.info": 80, "conversations.history": 40, "conversations.open": 40, "views.publish": 80}


class OverBudget(Exception):
    """No call of this method may be made now; try again later."""


class Budget:
    """A token bucket: `per_minute` calls a minute, up to `burst` at once."""

    def __init__(self, per_minute: float, burst: int = 10, clock: Callable[[], float] = time.monotonic):
        self.rate = per_minute / 60.0
        self.burst = burst
        self._tokens = float(burst)
        self._clock = clock
        self._at = clock()
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True

    def take(self, method: str) -> None:
        if not self.try_take():
            raise OverBudget(f"{method}: over the bot's own budget of {self.rate * 60:.0f}/min")


class Budgets:
    """One budget per method the bot paces itself on; other methods are not paced."""

    def __init__(self, per_minute: dict[str, int] | None = None, clock: Callable[[], float] = time.monotonic):
        self._budgets = {
            m: Budget(n, clock=clock) for m, n in (PER_MINUTE if per_minute is None else per_minute).items()
        }

    def take(self, method: str) -> None:
        budget = self._budgets.get(method)
        if budget is not None:
            budget.take(method)

    def try_take(self, method: str) -> bool:
        budget = self._budgets.get(method)
        return budget is None or budget.try_take()


class RateLimited:
    """The 429s Slack answered, per method (for `/conf stats`)."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __deepcopy__(self, memo: dict) -> RateLimited:
        return self  # one count for the process: Bolt deep-copies the client for lazy listeners

    def add(self, method: str) -> None:
        with self._lock:
            self.counts[method] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)


class CountingRateLimitHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (waits Retry-After, then retries), counting each 429."""

    def __init__(self, limited: RateLimited, max_retry_count: int = 3):
        super().__init__(max_retry_count=max_retry_count)
        self.limited = limited

    def can_retry(
        self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None, error=None
    ) -> bool:
        if response is not None and response.status_code == 429:  # counted even when no retry is left
            self.limited.add(urlsplit(request.url).path.rsplit("/", 1)[-1])
        return super().can_retry(state=state, request=request, response=response, error=error)
