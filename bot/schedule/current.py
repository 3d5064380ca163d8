"""The schedule in use, with its search index, swapped whole on reload."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from bot.schedule.model import Schedule
from bot.schedule.search import SearchIndex


@dataclass(frozen=True)
class Loaded:
    schedule: Schedule
    index: SearchIndex
    source: str
    loaded_at: datetime


class CurrentSchedule:
    def __init__(self, schedule: Schedule, source: str, loaded_at: datetime):
        self._lock = threading.Lock()
        self._loaded = Loaded(schedule, SearchIndex(schedule), source, loaded_at)

    @property
    def current(self) -> Loaded:
        return self._loaded

    def replace(self, schedule: Schedule, source: str, loaded_at: datetime) -> Loaded:
        """Install a new schedule; readers see the old one or the new one, never a mix."""
        loaded = Loaded(schedule, SearchIndex(schedule), source, loaded_at)
        with self._lock:
            previous, self._loaded = self._loaded, loaded
        return previous
