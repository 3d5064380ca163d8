"""Reminder planning and schedule-change detection. Pure: data in, decisions out.

A reminder is due `lead` minutes before its session starts. When it is claimed, it is
sent if the session has not started yet (even late, after downtime), recorded as missed
if it has, and cancelled if the session is gone. A user's reminders due in the same
minute go out as one message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.schedule.model import Schedule, Session

REMINDER_EVENT = "session_reminder"
CHANGE_EVENT = "session_changed"


@dataclass(frozen=True)
class Due:
    """One ledger row: remind `user_id` of `session_id` at `due_at` (UTC)."""

    id: int
    user_id: str
    session_id: str
    due_at: datetime


def due_time(session: Session, lead_minutes: int) -> datetime:
    """In UTC: subtracting in the venue's zone would count wall-clock minutes, wrong
    across a DST change."""
    return session.start.astimezone(UTC) - timedelta(minutes=lead_minutes)


@dataclass(frozen=True)
class Triage:
    send: list[Due]
    missed: list[Due]
    cancelled: list[Due]


def triage(rows: list[Due], schedule: Schedule, now: datetime) -> Triage:
    send, missed, cancelled = [], [], []
    for row in rows:
        session = schedule.get(row.session_id)
        if session is None:
            cancelled.append(row)
        elif session.start <= now:
            missed.append(row)
        else:
            send.append(row)
    return Triage(send, missed, cancelled)


def batches(rows: list[Due]) -> list[list[Due]]:
    """One message per user per due minute, in due order."""
    groups: dict[tuple[str, datetime], list[Due]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.due_at, r.user_id, r.session_id)):
        groups[(row.user_id, row.due_at.replace(second=0, microsecond=0))].append(row)
    return list(groups.values())


def by_user(rows: list[Due]) -> list[list[Due]]:
    """Rows grouped by person, in due order: one DM history answers for all of them."""
    groups: dict[str, list[Due]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.due_at, r.id)):
        groups[row.user_id].append(row)
    return list(groups.values())


def reminder_metadata(batch: list[Due]) -> dict:
    """Exactly the contract's shape."""
    return {
        "event_type": REMINDER_EVENT,
        "event_payload": {"session_ids": [row.session_id for row in batch], "user_id": batch[0].user_id},
    }


# Slack stamps a message with its own clock; ours may differ by this much.
CLOCK_SKEW = timedelta(minutes=2)


def delivered_rows(rows: list[Due], messages: list[dict]) -> set[int]:
    """The rows a DM's history shows were delivered: a reminder message for the same
    user and session, posted no earlier than the row fell due. (A reminder for the same
    session at an earlier time — before it moved — is older, so it does not count.)"""
    reminders = []
    for message in messages:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") != REMINDER_EVENT:
            continue
        payload = metadata.get("event_payload") or {}
        try:
            posted = float(message.get("ts") or 0)
        except ValueError:
            continue
        reminders.append((payload.get("user_id"), set(payload.get("session_ids") or []), posted))
    found = set()
    for row in rows:
        earliest = (row.due_at - CLOCK_SKEW).timestamp()
        if any(user == row.user_id and row.session_id in ids and posted >= earliest for user, ids, posted in reminders):
            found.add(row.id)
    return found
