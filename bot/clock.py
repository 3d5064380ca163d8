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
    whose clocks disagree agree on when a reminder is due. The offset is measured at the
    first reading and again every `every` seconds; if the reference cannot be read, the
    last offset stays (`reference` then answers None)."""

    def __init__(
        self, base: Clock, reference: Callable[[], datetime | None], every: float = 60.0, monotonic=time.monotonic
    ):
        self.base, self.reference, self.every, self._monotonic = base, reference, every, monotonic
        self._offset = timedelta(0)
        self._measured_at: float | None = None
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        return self._offset

    def now(self) -> datetime:
        with self._lock:
            if self._measured_at is None or self._monotonic() - self._measured_at >= self.every:
                self._measure()
            return self.base.now() + self._offset

    def _measure(self) -> None:
        self._measured_at = self._monotonic()
        before = self.base.now()
        reference = self.reference()
        after = self.base.now()
        if reference is not None:  # else the reference is away: keep the last offset, measure again later
            self._offset = reference - (before + (after - before) / 2)
