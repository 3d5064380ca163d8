"""For organisers: reload the schedule, the daily digest, statistics, "up next" posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conf.parsing import Command, parse_channel, parse_channel_name
from bot.conf.registry import subcommand
from bot.config import parse_clock
from bot.reminders.planning import ANNOUNCE_KINDS, Announcement
from bot.views.blocks import Reply, escape, notice, sessions_count
from bot.words import plural

if TYPE_CHECKING:
    from bot.conf.service import ConfService


@subcommand("reload", admin_only=True, answers_later=True)
def reload(conf: ConfService, user_id: str, command: Command) -> Reply:
    return notice(conf.reload(f"/conf reload by {user_id}", user_id), command_text=command.text)


DIGEST_USAGE = "Use `/conf digest #channel 08:00`, `/conf digest off` or `/conf digest now`."
PICK_A_CHANNEL = (
    "Type `#` and choose the channel from Slack's list, so it becomes a link, "
    "or give the channel's ID (at the bottom of its details, e.g. `C0123ABCD`)."
)


def _digest_channel(conf: ConfService, word: str, command: Command) -> str | Reply:
    """The channel ID from a mention, an ID or a typed `#name` (looked up); else the
    answer saying how to pick one."""
    channel = parse_channel(word)
    if channel:
        return channel
    name = parse_channel_name(word)
    if name is None:
        return notice(f"`{escape(word)}` is not a channel.", command_text=command.text, detail=PICK_A_CHANNEL)
    found, problem = conf.digests.find_channel(name)
    if found:
        return found
    why = "I found no channel of that name (a private one only once I am in it: `/invite @confbot` there)."
    if problem:
        why = f"Slack would not list the channels (`{escape(problem)}`)."
    return notice(f"Which channel is `#{escape(name)}`? {why}", command_text=command.text, detail=PICK_A_CHANNEL)


@subcommand("digest", admin_only=True, answers_later=True)
def digest(conf: ConfService, user_id: str, command: Command) -> Reply:
    words = command.argument.split()
    if not words:
        channel = conf.digests.channel()
        state = f"<#{escape(channel)}> at {conf.digests.at():%H:%M}" if channel else "off"
        return notice(f"The daily digest: *{state}* (venue time).", command_text=command.text, detail=DIGEST_USAGE)
    if words[0].casefold() == "off":
        conf.digests.configure(None)
        conf.digest_changed()
        return notice("The daily digest is *off*.", command_text=command.text, detail=DIGEST_USAGE)
    if words[0].casefold() == "now":
        return notice(conf.digests.post_now(), command_text=command.text)  # its text links the channel
    if len(words) > 2:
        return notice(
            f"I did not understand `{escape(command.argument)}`.", command_text=command.text, detail=DIGEST_USAGE
        )
    at = parse_clock(words[1]) if len(words) == 2 else conf.digests.at()
    if at is None:
        return notice(
            f"`{escape(words[1])}` is not a time: use HH:MM, 00:00–23:59 (venue time).",
            command_text=command.text,
            detail=DIGEST_USAGE,
        )
    channel = _digest_channel(conf, words[0], command)
    if isinstance(channel, Reply):
        return channel
    conf.digests.configure(channel, at)
    conf.digest_changed()
    return notice(
        f"The daily digest goes to <#{channel}> at *{at:%H:%M}* (venue time) on each conference day.",
        command_text=command.text,
        detail="Invite me to that channel if it is private: `/invite @confbot`.",
    )


MAIN_STATUSES = ("sent", "planned", "claimed", "failed", "missed")


@subcommand("stats", admin_only=True)
def stats(conf: ConfService, user_id: str, command: Command) -> Reply:
    counts = conf.ledger.counts()
    per_session = conf.store.subscription_counts()
    top = sorted(per_session.items(), key=lambda item: (-item[1], item[0]))[:10]
    lines = [
        f"*Subscriptions:* {sum(per_session.values())} by "
        f"{plural(conf.store.subscriber_count(), 'person', 'people')} to {sessions_count(len(per_session))}",
        "*Reminders:* "
        + ", ".join(f"{counts.get(k, 0)} {k}" for k in MAIN_STATUSES)
        + "".join(f", {n} {k}" for k, n in sorted(counts.items()) if k not in MAIN_STATUSES),  # in doubt, say so
    ]
    limited = conf.rate_limited()
    if limited:
        lines.append("*Slack said slow down (429):* " + ", ".join(f"{n} × `{m}`" for m, n in sorted(limited.items())))
    for session_id, count in top:
        session = conf.schedule.get(session_id)
        title = escape(session.title) if session else "(no longer in the schedule)"
        lines.append(f"• {count} — {title} (`{escape(session_id)}`)")
    return notice("\n".join(lines), command_text=command.text)


ANNOUNCE_USAGE = (
    "Use `/conf announce #channel track NAME [MINUTES]`, `… room NAME [MINUTES]`, `… all [MINUTES]` "
    "(default 5 minutes ahead), `/conf announce #channel off`, or `/conf announce` for the list."
)


def _announcements_listing(conf: ConfService, command: Command) -> Reply:
    mappings = conf.upnext.mappings()
    if not mappings:
        return notice("No channel announces “up next” yet.", command_text=command.text, detail=ANNOUNCE_USAGE)
    lines = [
        f"• <#{escape(m.channel)}>: {'every session' if m.kind == 'all' else f'{m.kind} *{escape(m.value)}*'}, "
        f"{m.minutes} min ahead"
        for m in mappings
    ]
    return notice("*Up next is announced in:*\n" + "\n".join(lines), command_text=command.text, detail=ANNOUNCE_USAGE)


def _known_names(conf: ConfService, kind: str) -> list[str]:
    sessions = conf.schedule.sessions
    named = {s.track if kind == "track" else s.location for s in sessions}
    return sorted((n for n in named if n), key=str.casefold)


def _unescaped(word: str) -> str:
    """Slack escapes `&`, `<` and `>` in a command's text: `Data &amp; AI` is `Data & AI`."""
    return word.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _name_and_minutes(known: list[str], words: list[str]) -> tuple[str, int | None]:
    """`Hall 2` is a room when the schedule has one; else a trailing number is MINUTES."""
    whole = " ".join(words)
    last = words[-1] if words else ""
    if not (last.isascii() and last.isdigit()) or whole.casefold() in {n.casefold() for n in known}:
        return whole, 5
    minutes = int(last)
    return " ".join(words[:-1]), minutes if 1 <= minutes <= 120 else None


@subcommand("announce", admin_only=True)
def announce(conf: ConfService, user_id: str, command: Command) -> Reply:
    words = command.argument.split()
    if not words:
        return _announcements_listing(conf, command)
    channel = parse_channel(words[0])
    if channel is None:
        return notice(f"`{escape(words[0])}` is not a channel.", command_text=command.text, detail=ANNOUNCE_USAGE)
    rest = words[1:]
    if [w.casefold() for w in rest] == ["off"]:
        removed = conf.upnext.off(channel)
        said = "no longer announces" if removed else "was not announcing"
        return notice(f"<#{channel}> {said} “up next”.", command_text=command.text)
    if not channel.startswith(("C", "G")):
        return notice("Up next goes to a channel (not a DM).", command_text=command.text, detail=ANNOUNCE_USAGE)
    kind = rest[0].casefold() if rest else ""
    known = _known_names(conf, kind) if kind in ("track", "room") else []
    value, minutes = _name_and_minutes(known, [_unescaped(w) for w in rest[1:]])
    if minutes is None:
        return notice("MINUTES must be from 1 to 120.", command_text=command.text, detail=ANNOUNCE_USAGE)
    if kind not in ANNOUNCE_KINDS or (kind == "all") != (not value):
        return notice(
            f"I did not understand `{escape(command.argument)}`.", command_text=command.text, detail=ANNOUNCE_USAGE
        )
    if kind != "all":
        match = next((n for n in known if n.casefold() == value.casefold()), None)
        if match is None:
            listing = ", ".join(f"`{escape(n)}`" for n in known[:40]) or "none in this schedule"
            return notice(f"There is no {kind} called “{escape(value)}”.", command_text=command.text,
                          detail=f"The {kind}s: {listing}.")  # fmt: skip
        value = match
    count = conf.upnext.set(Announcement(channel, kind, value, minutes))
    what = "every session" if kind == "all" else f"the {kind} *{escape(value)}*"
    return notice(
        f"<#{channel}> will hear “up next” for {what}, {minutes} min before each starts "
        f"({sessions_count(count)} to come).",
        command_text=command.text,
        detail="Invite me to that channel if I am not in it: `/invite @confbot`.",
    )
