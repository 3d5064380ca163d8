"""The DM that tells a person what their follows added after a schedule change. Pure.

One message per person and reload, listing every session their follows subscribed them
to, each with its Unsubscribe button. The buttons carry no command in their block ids,
so a click confirms to the clicker and leaves the message as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.schedule.model import Session
from bot.views.blocks import Reply, context, escape, section, session_section
from bot.words import plural

FOLLOW_EVENT = "follow_subscribed"
SHOWN = 20  # sessions listed; the rest are counted and left to `/conf mine`


def follow_news_reply(sessions: Sequence[Session], *, venue: tzinfo, viewer: tzinfo | None = None) -> Reply:
    count = plural(len(sessions), "session")
    heading = f":sparkles: *The schedule changed: your follows subscribed you to {count}*"
    blocks: list[dict] = [section(heading)]
    shown = list(sessions[:SHOWN])
    for session in shown:
        blocks.append(session_section(session, True, venue, viewer))
    left_out = len(sessions) - len(shown)
    more = f"…and {left_out} more: `/conf mine` lists them all. " if left_out else ""
    footer = f"{more}`/conf follows` lists what you follow; `/conf unfollow …` stops one."
    blocks.append(context(footer))
    titles = "; ".join(escape(f"{s.title} [{s.id}]") for s in shown)
    plain = f"Your follows subscribed you to {count}: {titles}" + (f"; …and {left_out} more" if left_out else "")
    return Reply(text=plain, blocks=blocks)


def follow_news_metadata(user_id: str, sessions: Sequence[Session]) -> dict:
    return {"event_type": FOLLOW_EVENT, "event_payload": {"user_id": user_id, "session_ids": [s.id for s in sessions]}}
