"""Time, injected. Code that needs "now" takes a Clock; tests and the console set it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, zone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to: for tests."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a zone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


class ScaledClock:
    """Starts at `start` and runs `speed` times faster than real time: for the console."""

    def __init__(self, start: datetime, speed: float = 1.0, monotonic=time.monotonic):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._start = start.astimezone(UTC)
        self._speed = speed
        self._monotonic = monotonic
        self._origin = monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(self._monotonic() - self._origin) * self._speed)


class OffsetClock:
    """Another clock, off by a fixed amount: a host whose clock is wrong (CLOCK_OFFSET_SECONDS, for tests)."""

    def __init__(self, base: Clock, offset: timedelta):
        self.base, self.offset = base, offset

    def now(self) -> datetime:
        return self.base.now() + self.offset


class CorrectedClock:
    """A host's clock corrected to a reference (the shared database's clock), so hosts
    whose clocks disagree agree on when a reminder is due. `measure()` (at start, then a
    job every minute) reads the reference; `now()` never waits on it. A reading whose
    round trip took longer than `MAX_ROUND_TRIP` is thrown away (its midpoint could be
    off by half of it, and a reminder must never go early); so is a failed one (`reference`
    answers None): the last offset stays."""

    MAX_ROUND_TRIP = 0.2  # seconds

    def __init__(self, base: Clock, reference: Callable[[], datetime | None], monotonic=time.monotonic):
        self.base, self.reference, self._monotonic = base, reference, monotonic
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        return self.base.now() + self.offset

    def measure(self) -> bool:
        """Read the reference once; True when the reading was used."""
        started, before = self._monotonic(), self.base.now()
        reference = self.reference()
        took = self._monotonic() - started
        if reference is None or took > self.MAX_ROUND_TRIP:
            return False
        with self._lock:
            self._offset = reference - (before + timedelta(seconds=took / 2))
        return True
