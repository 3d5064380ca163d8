"""For organisers: reload the schedule, the daily digest, statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conf.parsing import Command, parse_channel
from bot.conf.registry import subcommand
from bot.config import parse_clock
from bot.views.blocks import Reply, escape, notice

if TYPE_CHECKING:
    from bot.conf.service import ConfService


@subcommand("reload", admin_only=True, answers_later=True)
def reload(conf: ConfService, user_id: str, command: Command) -> Reply:
    return notice(conf.reload(f"/conf reload by {user_id}"), command_text=command.text)


@subcommand("digest", admin_only=True, answers_later=True)
def digest(conf: ConfService, user_id: str, command: Command) -> Reply:
    words = command.argument.split()
    usage = "Use `/conf digest #channel 08:00`, `/conf digest off` or `/conf digest now`."
    if not words:
        channel = conf.digests.channel()
        state = f"<#{escape(channel)}> at {conf.digests.at():%H:%M}" if channel else "off"
        return notice(f"The daily digest: *{state}* (venue time).", command_text=command.text, detail=usage)
    if words[0].casefold() == "off":
        conf.digests.configure(None)
        conf.digest_changed()
        return notice("The daily digest is *off*.", command_text=command.text, detail=usage)
    if words[0].casefold() == "now":
        return notice(conf.digests.post_now(), command_text=command.text)  # its text links the channel
    channel = parse_channel(words[0])
    at = parse_clock(words[1]) if len(words) == 2 else None
    if channel is None or at is None:
        return notice(f"I did not understand `{escape(command.argument)}`.", command_text=command.text, detail=usage)
    conf.digests.configure(channel, at)
    conf.digest_changed()
    return notice(
        f"The daily digest goes to <#{channel}> at *{at:%H:%M}* (venue time) on each conference day.",
        command_text=command.text,
        detail="Invite me to that channel if it is private: `/invite @confbot`.",
    )


@subcommand("stats", admin_only=True)
def stats(conf: ConfService, user_id: str, command: Command) -> Reply:
    counts = conf.ledger.counts()
    per_session = conf.store.subscription_counts()
    top = sorted(per_session.items(), key=lambda item: (-item[1], item[0]))[:10]
    lines = [
        f"*Subscriptions:* {sum(per_session.values())} by {conf.store.subscriber_count()} people "
        f"to {len(per_session)} sessions",
        "*Reminders:* "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("sent", "planned", "claimed", "failed", "missed")),
    ]
    limited = conf.rate_limited()
    if limited:
        lines.append("*Slack said slow down (429):* " + ", ".join(f"{n} × `{m}`" for m, n in sorted(limited.items())))
    for session_id, count in top:
        session = conf.schedule.get(session_id)
        title = escape(session.title) if session else "(no longer in the schedule)"
        lines.append(f"• {count} — {title} (`{escape(session_id)}`)")
    return notice("\n".join(lines), command_text=command.text)
