"""Standing subscriptions: follow a track, a speaker or a search, and the sessions they bring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conf import agenda
from bot.conf.parsing import Command
from bot.conf.registry import subcommand
from bot.views.blocks import Reply, escape, notice, sessions_count

if TYPE_CHECKING:
    from bot.conf.service import ConfService


def _what_to_follow(conf: ConfService, command: Command, what: str) -> tuple[str, str] | Reply:
    """(kind, value) from `track NAME`, `speaker NAME` or words; else the reply asking for it."""
    parsed = agenda.parse_follow(command.argument)
    if parsed is None:
        return conf.needs(command, what, f"/conf {command.name} track security")
    return parsed


@subcommand("follow")
def follow(conf: ConfService, user_id: str, command: Command) -> Reply:
    parsed = _what_to_follow(conf, command, "a track, a speaker or words")
    if isinstance(parsed, Reply):
        return parsed
    kind, value = parsed
    if kind == "text" and len(value) < 3:
        return conf.needs(command, "a word of three letters or more", "/conf follow tetragon")
    if len(value) > 100 or len(conf.store.follows(user_id)) >= 50:
        return notice("That is more than I can follow for you. See `/conf follows`.", command_text=command.text)
    conf.store.follow(user_id, kind, value)
    added = conf.follows.apply(user_id)
    covered = agenda.followed_sessions(conf.schedule, kind, value)
    if not covered:
        what = {"track": "track", "speaker": "speaker", "text": "session"}[kind]
        return notice(
            f"No {what} matches “{escape(value)}” yet; I'll subscribe you to any that appear.",
            command_text=command.text,
            detail="`/conf follows` lists what you follow; `/conf unfollow …` stops one.",
        )
    label = f"{kind} “{escape(value)}”" if kind != "text" else f"“{escape(value)}”"
    # A button in this reply re-runs a look-up, never the follow itself.
    look_up = {"track": "track", "speaker": "speaker", "text": "search"}[kind]
    return conf.answer_list(
        user_id,
        f"*Following {label}*: {sessions_count(len(covered))}, {added} newly subscribed",
        covered,
        Command(look_up, value, f"{look_up} {value}"),
        note="Sessions that match later, after a schedule change, are added too.",
    )


@subcommand("unfollow")
def unfollow(conf: ConfService, user_id: str, command: Command) -> Reply:
    parsed = _what_to_follow(conf, command, "what you follow")
    if isinstance(parsed, Reply):
        return parsed
    kind, value = parsed
    if not conf.store.unfollow(user_id, kind, value):
        return notice(f"You do not follow “{escape(value)}”.", command_text=command.text, detail="See `/conf follows`.")
    return notice(
        f"Stopped following “{escape(value)}”. Your subscriptions stay; `/conf mine` to review them.",
        command_text=command.text,
    )


@subcommand("follows")
def follows(conf: ConfService, user_id: str, command: Command) -> Reply:
    rows = conf.store.follows(user_id)
    if not rows:
        return notice(
            "You follow nothing yet.",
            command_text=command.text,
            detail="Try `/conf follow track security`, `/conf follow speaker liz rice` or `/conf follow tetragon`.",
        )
    lines = [f"• {kind if kind != 'text' else 'words'}: {escape(value)}" for _, kind, value in rows]
    return notice(
        "*You follow*\n" + "\n".join(lines), command_text=command.text, detail="`/conf unfollow …` stops one."
    )
