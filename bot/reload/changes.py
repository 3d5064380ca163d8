"""What a reload changed: sessions moved, removed or added, by id. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.schedule.model import Schedule, Session


@dataclass(frozen=True)
class Changes:
    moved: list[tuple[Session, Session]]  # (before, after): start or end changed
    removed: list[Session]
    added: list[Session]
    remapped: list[Session] = field(default_factory=list)  # same time, another track or room

    def __bool__(self) -> bool:
        return bool(self.moved or self.removed or self.added)

    def summary(self) -> str:
        return f"{len(self.moved)} moved, {len(self.removed)} removed, {len(self.added)} added"

    def details(self, limit: int = 20) -> str:
        """The ids of what changed, at most `limit` of each kind: a log line stays a line."""

        def ids(sessions: list[Session]) -> str:
            shown = ", ".join(s.id for s in sessions[:limit])
            return shown + (f" …and {len(sessions) - limit} more" if len(sessions) > limit else "")

        return (
            f"moved: {ids([after for _, after in self.moved]) or '-'}; "
            f"removed: {ids(self.removed) or '-'}; added: {ids(self.added) or '-'}"
        )


def schedule_changes(old: Schedule, new: Schedule) -> Changes:
    """Compare two schedules by session id."""
    moved, removed, remapped = [], [], []
    for before in old:
        after = new.get(before.id)
        if after is None:
            removed.append(before)
        elif (after.start, after.end) != (before.start, before.end):
            moved.append((before, after))
        elif (after.track, after.location) != (before.track, before.location):
            remapped.append(after)
    added = [s for s in new if old.get(s.id) is None]
    return Changes(moved, removed, added, remapped)
