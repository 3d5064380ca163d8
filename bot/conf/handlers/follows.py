"""Standing subscriptions: follow a track, a speaker or a search, and the sessions they bring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conf.follows import NAMED_KINDS, Follow, closest_first, covered, known_names, parse_follow
from bot.conf.parsing import Command
from bot.conf.registry import subcommand
from bot.schedule.current import Loaded
from bot.views.blocks import Reply, escape, notice, sessions_count
from bot.words import plural

if TYPE_CHECKING:
    from bot.conf.service import ConfService

NAMES_SHOWN = 30  # known tracks or speakers listed in one answer
_LOOK_UP = {"track": "track", "speaker": "speaker", "text": "search"}
_PLURAL = {"track": "tracks", "speaker": "speakers"}


def _what_to_follow(conf: ConfService, command: Command, what: str) -> Follow | Reply:
    """The follow from `track NAME`, `speaker NAME` or words; else the reply asking for it."""
    parsed = parse_follow(command.argument)
    if parsed is None:
        return conf.needs(command, what, f"/conf {command.name} track security")
    return parsed


def _name_list(names: list[str]) -> str:
    """A capped, escaped bullet list, saying how many more there are."""
    lines = [f"• {escape(name)}" for name in names[:NAMES_SHOWN]]
    if len(names) > NAMES_SHOWN:
        lines.append(f"…and {len(names) - NAMES_SHOWN} more")
    return "\n".join(lines)


def _unknown_name(loaded: Loaded, wanted: Follow, command: Command) -> Reply | None:
    """A track or speaker follow without a name, or with one the schedule does not know:
    the known names instead (closest first), and nothing followed."""
    kind = wanted.kind
    if wanted.value and covered(loaded, kind, wanted.value):
        return None
    names = known_names(loaded, kind)
    if not names:
        return notice(
            f"This schedule has no {_PLURAL[kind]} to follow.",
            command_text=command.text,
            detail="Follow words instead, e.g. `/conf follow cilium`.",
        )
    if wanted.value:
        names = closest_first(wanted.value, names)
        text = (
            f"No {kind} matches “{escape(wanted.value)}”, so I did not follow it. The {_PLURAL[kind]}, closest first:"
        )
    else:
        text = f"Which {kind}? The {plural(len(names), kind)}:"
    example = f"/conf follow {kind} {names[0]}"
    detail = f"Then, for example: `{escape(example)}`"
    if kind == "speaker":
        detail += " (a part of the name will do)"
    return notice(f"{text}\n{_name_list(names)}", command_text=command.text, detail=detail + ".")


@subcommand("follow")
def follow(conf: ConfService, user_id: str, command: Command) -> Reply:
    wanted = _what_to_follow(conf, command, "a track, a speaker or words")
    if isinstance(wanted, Reply):
        return wanted
    loaded = conf.catalog.current
    if wanted.kind in NAMED_KINDS:
        refusal = _unknown_name(loaded, wanted, command)
        if refusal is not None:
            return refusal
    kind, value = wanted.kind, wanted.value
    if kind == "text" and len(value) < 3:
        return conf.needs(command, "a word of three letters or more", "/conf follow tetragon")
    if len(value) > 100 or len(conf.store.follows(user_id)) >= 50:
        return notice("That is more than I can follow for you. See `/conf follows`.", command_text=command.text)
    conf.store.follow(user_id, kind, value)
    added = conf.follows.apply(user_id).get(user_id, [])
    sessions = covered(loaded, kind, value)
    if not sessions:  # words only: a track or a speaker nobody knows was refused above
        return notice(
            f"No session matches “{escape(value)}” yet; I'll subscribe you to any that appear.",
            command_text=command.text,
            detail="`/conf follows` lists what you follow; `/conf unfollow …` stops one.",
        )
    # A button in this reply re-runs a look-up, never the follow itself.
    look_up = _LOOK_UP[kind]
    return conf.answer_list(
        user_id,
        f"*Following {_label(kind, value)}*: {sessions_count(len(sessions))}, {len(added)} newly subscribed",
        sessions,
        Command(look_up, value, f"{look_up} {value}"),
        note="Sessions that match later, after a schedule change, are added too.",
    )


def _your_follows(conf: ConfService, user_id: str) -> str:
    rows = conf.store.follows(user_id)
    if not rows:
        return "You follow nothing."
    return "You follow: " + ", ".join(_label(kind, value) for _, kind, value in rows[:NAMES_SHOWN]) + "."


def _label(kind: str, value: str) -> str:
    return f"{kind} “{escape(value)}”" if kind != "text" else f"“{escape(value)}”"


@subcommand("unfollow")
def unfollow(conf: ConfService, user_id: str, command: Command) -> Reply:
    literal = command.argument.strip()
    # Words followed as they were typed (even "track x", followed as words before names
    # were checked) are stopped as typed.
    if literal and conf.store.unfollow(user_id, "text", literal):
        return _stopped("text", literal, command)
    wanted = _what_to_follow(conf, command, "what you follow")
    if isinstance(wanted, Reply):
        return wanted
    kind, value = wanted.kind, wanted.value
    if not value:
        return notice(
            f"Which {kind}? For example: `/conf unfollow {kind} NAME`.",
            command_text=command.text,
            detail=_your_follows(conf, user_id),
        )
    if not conf.store.unfollow(user_id, kind, value):
        return notice(
            f"You do not follow {_label(kind, value)}.",
            command_text=command.text,
            detail=_your_follows(conf, user_id),
        )
    return _stopped(kind, value, command)


def _stopped(kind: str, value: str, command: Command) -> Reply:
    return notice(
        f"Stopped following {_label(kind, value)}. Your subscriptions stay; `/conf mine` to review them.",
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
