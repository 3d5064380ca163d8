"""What a reload changed: sessions moved, removed or added, by id. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from bot.schedule.model import Schedule, Session


@dataclass(frozen=True)
class Changes:
    moved: list[tuple[Session, Session]]  # (before, after): start or end changed
    removed: list[Session]
    added: list[Session]

    def __bool__(self) -> bool:
        return bool(self.moved or self.removed or self.added)


def schedule_changes(old: Schedule, new: Schedule) -> Changes:
    """Compare two schedules by session id."""
    moved, removed = [], []
    for before in old:
        after = new.get(before.id)
        if after is None:
            removed.append(before)
        elif (after.start, after.end) != (before.start, before.end):
            moved.append((before, after))
    added = [s for s in new if old.get(s.id) is None]
    return Changes(moved, removed, added)
