"""Reading `/conf` text into a command. Pure.

The first word picks the subcommand; text that is not a subcommand is a search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALIASES = {
    "help": "help",
    "?": "help",
    "search": "search",
    "find": "search",
    "now": "now",
    "next": "next",
    "today": "today",
    "tomorrow": "tomorrow",
    "day": "day",
    "track": "track",
    "tracks": "track",
    "speaker": "speaker",
    "show": "show",
    "info": "show",
    "sub": "sub",
    "subscribe": "sub",
    "unsub": "unsub",
    "unsubscribe": "unsub",
    "mine": "mine",
    "agenda": "mine",
    "status": "status",
    "remind": "remind",
    "reload": "reload",
    "stats": "stats",
    "digest": "digest",
    "ics": "ics",
    "calendar": "ics",
    "free": "free",
    "follow": "follow",
    "unfollow": "unfollow",
    "follows": "follows",
}


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""
    text: str = ""  # the whole text as typed, for re-running after a button click


def parse_command(text: str) -> Command:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return Command("help", "", cleaned)
    first, _, rest = cleaned.partition(" ")
    key = first.casefold()
    if key in ALIASES:
        return Command(ALIASES[key], rest.strip(), cleaned)
    return Command("search", cleaned, cleaned)


_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$|^([CGD][A-Z0-9]{6,})$")


def parse_channel(text: str) -> str | None:
    """`<#C123|general>` (as Slack sends a channel mention) or a bare channel ID."""
    found = _CHANNEL.match(text.strip())
    return (found.group(1) or found.group(2)) if found else None
