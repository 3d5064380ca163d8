"""The daily digest: a day's programme as Block Kit messages. Pure.

Grouping: by track when the day has few tracks (at most MAX_TRACK_GROUPS), because then
a track is a whole co-located event ("Cloud Native eBPF Day") and people follow one;
by hour when tracks are many, because a dozen headings of one or two talks each
scatter the day, and "what's on at 10?" is then the question people ask. Within a
group, time order.

A day too long for one message (50 blocks) continues in thread replies, each complete
in itself; nothing is cut off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.schedule.model import Session
from bot.views.blocks import Reply, context, escape, link, section, speakers_line, subscribe_button
from bot.views.limits import MAX_BLOCKS
from bot.words import plural

DIGEST_EVENT = "daily_digest"
MAX_TRACK_GROUPS = 5
BLOCKS_PER_MESSAGE = MAX_BLOCKS - 2  # room for a closing context line


@dataclass(frozen=True)
class Digest:
    day: date
    messages: list[Reply]  # the first goes to the channel, the rest into its thread

    @property
    def metadata(self) -> dict:
        return {"event_type": DIGEST_EVENT, "event_payload": {"date": self.day.isoformat()}}


def _groups(sessions: Sequence[Session], venue: tzinfo) -> list[tuple[str, list[Session]]]:
    tracks = {s.track for s in sessions}
    if len(tracks) <= MAX_TRACK_GROUPS:
        order: list[str] = []
        grouped: dict[str, list[Session]] = {}
        for session in sessions:  # tracks in the order their first talk starts
            name = session.track or "Other sessions"
            if name not in grouped:
                order.append(name)
                grouped[name] = []
            grouped[name].append(session)
        return [(name, grouped[name]) for name in order]
    by_hour: dict[str, list[Session]] = {}
    for session in sessions:
        by_hour.setdefault(f"{session.start.astimezone(venue):%H}:00", []).append(session)
    return list(by_hour.items())


def _session_block(session: Session, venue: tzinfo, block_id: str, show_track: bool) -> dict:
    start, end = session.start.astimezone(venue), session.end.astimezone(venue)
    lines = [f"*{start:%H:%M}–{end:%H:%M}*  {link(session.url, session.title)}"]
    details = []
    if session.speakers:
        details.append(speakers_line(session))
    if show_track and session.track:
        details.append(escape(session.track))
    if session.location and session.location != session.track:  # where to go: the room
        details.append(escape(session.location))
    details.append(f"`{escape(session.id)}`")
    lines.append(" · ".join(details))
    return {
        "type": "section",
        "block_id": block_id,
        "text": {"type": "mrkdwn", "text": "\n".join(lines)},
        "accessory": subscribe_button(session, subscribed=False),
    }


def build_digest(
    day: date,
    sessions: Sequence[Session],
    venue: tzinfo,
    subscription_counts: Mapping[str, int] | None = None,
    title: str = "",
) -> Digest:
    """The digest of `day` (sessions already that day's, in time order)."""
    counts = subscription_counts or {}
    groups = _groups(sessions, venue)
    by_track = len({s.track for s in sessions}) <= MAX_TRACK_GROUPS
    header_text = f":calendar: *{day:%A} {day.day} {day:%B}* — {plural(len(sessions), 'session')}"
    if title:
        header_text += f" at {escape(title)}"
    blocks: list[dict] = [section(header_text)]
    popular = sorted((s for s in sessions if counts.get(s.id)), key=lambda s: (-counts[s.id], s.start))[:3]
    if popular:
        names = ", ".join(f"{escape(s.title)} ({counts[s.id]})" for s in popular)
        blocks.append(context(f":fire: Most subscribed today: {names}"))
    how = "Press *Subscribe* for a DM before a talk starts. `/conf help` for more."
    blocks.append(context(how))
    number = 0
    for name, members in groups:
        blocks.append(section(f"*{escape(name)}*"))
        for session in members:
            blocks.append(_session_block(session, venue, f"digest-{day.isoformat()}-{number}", show_track=not by_track))
            number += 1
    return Digest(day, _split(blocks, day, len(sessions)))


def _split(blocks: list[dict], day: date, count: int) -> list[Reply]:
    """Cut into messages of at most BLOCKS_PER_MESSAGE blocks, never inside a session."""
    chunks: list[list[dict]] = []
    current: list[dict] = []
    for block in blocks:
        if len(current) >= BLOCKS_PER_MESSAGE:
            chunks.append(current)
            current = []
        current.append(block)
    if current:
        chunks.append(current)
    messages = []
    for index, chunk in enumerate(chunks):
        if len(chunks) > 1:
            note = "continued in the thread :thread:" if index == 0 else f"part {index + 1} of {len(chunks)}"
            chunk = [*chunk, context(note)]
        part = f" (part {index + 1})" if index else ""
        fallback = f"{day:%A} {day.day} {day:%B}: {plural(count, 'session')}{part}"
        messages.append(Reply(text=fallback, blocks=chunk))
    return messages


def first_session_start(sessions: Sequence[Session]) -> datetime | None:
    return min((s.start for s in sessions), default=None)
