"""Reminder planning and schedule-change detection. Pure: data in, decisions out.

A reminder is due `lead` minutes before its session starts. When it is claimed, it is
sent if the session has not started yet (even late, after downtime), recorded as missed
if it has, and cancelled if the session is gone. A user's reminders due in the same
minute go out as one message.

"Up next" posts are planned and sent the same way, to a channel instead of a person:
a channel announces the sessions of a track, a room, or all, some minutes before each
starts; sessions of one channel starting in the same minute share one post.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.schedule.model import Schedule, Session
from bot.schedule.text import fold

REMINDER_EVENT = "session_reminder"
CHANGE_EVENT = "session_changed"
UPNEXT_EVENT = "session_upnext"
REMINDER, UPNEXT = "reminder", "upnext"  # a ledger row's purpose
ANNOUNCE_KINDS = ("track", "room", "all")


@dataclass(frozen=True)
class Due:
    """One ledger row: remind `user_id` of `session_id` at `due_at` (UTC)."""

    id: int
    user_id: str  # for an up-next post: the channel
    session_id: str
    due_at: datetime
    purpose: str = REMINDER
    session_start: datetime | None = None  # when the session started as planned; None in old rows

    def outdated(self, session: Session | None) -> bool:
        """The session is gone, or moved since this row was planned (a new row has its time)."""
        return session is None or (self.session_start is not None and session.start != self.session_start)


@dataclass(frozen=True)
class Announcement:
    """A channel's "up next" posts: `kind` track, room or all; `value` the name."""

    channel: str
    kind: str
    value: str
    minutes: int

    def covers(self, session: Session) -> bool:
        if self.kind == "all":
            return True
        named = session.track if self.kind == "track" else session.location
        return bool(named) and fold(named) == fold(self.value)


def announced(announcements: list[Announcement], sessions: list[Session]) -> dict[tuple[str, int], list[Session]]:
    """(channel, minutes) -> the sessions it announces; a session once per channel even
    when two of its mappings cover it (the earliest lead wins)."""
    planned: dict[str, dict[str, tuple[int, Session]]] = defaultdict(dict)
    for announcement in announcements:
        for session in sessions:
            if announcement.covers(session):
                known = planned[announcement.channel].get(session.id)
                if known is None or announcement.minutes > known[0]:
                    planned[announcement.channel][session.id] = (announcement.minutes, session)
    result: dict[tuple[str, int], list[Session]] = defaultdict(list)
    for channel, by_session in planned.items():
        for minutes, session in by_session.values():
            result[(channel, minutes)].append(session)
    return dict(result)


def due_time(session: Session, lead_minutes: int) -> datetime:
    """In UTC: subtracting in the venue's zone would count wall-clock minutes, wrong
    across a DST change."""
    return session.start.astimezone(UTC) - timedelta(minutes=lead_minutes)


def reminder_outlook(session: Session, lead_minutes: int | None, now: datetime) -> str:
    """What subscribing now brings: `over`, `started` (no reminder: it would only be
    missed), `off` (the person's reminders are off), `now` (due already: sent at once)
    or `planned`."""
    if session.end <= now:
        return "over"
    if session.start <= now:
        return "started"
    if lead_minutes is None:
        return "off"
    return "now" if due_time(session, lead_minutes) <= now else "planned"


@dataclass(frozen=True)
class Triage:
    send: list[Due]
    missed: list[Due]
    cancelled: list[Due]


def triage(rows: list[Due], schedule: Schedule, now: datetime) -> Triage:
    send, missed, cancelled = [], [], []
    for row in rows:
        session = schedule.get(row.session_id)
        if row.outdated(session):
            cancelled.append(row)
        elif session.start <= now:
            missed.append(row)
        else:
            send.append(row)
    return Triage(send, missed, cancelled)


def batches(rows: list[Due]) -> list[list[Due]]:
    """One message per user per due minute, in due order."""
    groups: dict[tuple[str, str, datetime], list[Due]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.due_at, r.user_id, r.session_id)):
        groups[(row.purpose, row.user_id, row.due_at.replace(second=0, microsecond=0))].append(row)
    return list(groups.values())


def by_user(rows: list[Due]) -> list[list[Due]]:
    """Rows grouped by person, in due order: one DM history answers for all of them."""
    groups: dict[str, list[Due]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.due_at, r.id)):
        groups[row.user_id].append(row)
    return list(groups.values())


def reminder_metadata(batch: list[Due]) -> dict:
    """Exactly the contract's shapes: a reminder to a person, or an up-next post."""
    ids = [row.session_id for row in batch]
    if batch[0].purpose == UPNEXT:
        return {"event_type": UPNEXT_EVENT, "event_payload": {"session_ids": ids, "channel": batch[0].user_id}}
    return {"event_type": REMINDER_EVENT, "event_payload": {"session_ids": ids, "user_id": batch[0].user_id}}


# Slack stamps a message with its own clock; ours may differ by this much.
CLOCK_SKEW = timedelta(minutes=2)


def delivered_rows(rows: list[Due], messages: list[dict]) -> set[int]:
    """The rows a DM's history shows were delivered: a reminder message for the same
    user and session, posted no earlier than the row fell due. (A reminder for the same
    session at an earlier time — before it moved — is older, so it does not count.)"""
    reminders = []
    for message in messages:
        metadata = message.get("metadata") or {}
        event = metadata.get("event_type")
        if event not in (REMINDER_EVENT, UPNEXT_EVENT):
            continue
        payload = metadata.get("event_payload") or {}
        try:
            posted = float(message.get("ts") or 0)
        except ValueError:
            continue
        target = payload.get("user_id") if event == REMINDER_EVENT else payload.get("channel")
        reminders.append((target, set(payload.get("session_ids") or []), posted))
    found = set()
    for row in rows:
        earliest = (row.due_at - CLOCK_SKEW).timestamp()
        if any(user == row.user_id and row.session_id in ids and posted >= earliest for user, ids, posted in reminders):
            found.add(row.id)
    return found
