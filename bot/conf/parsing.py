"""Reading `/conf` text into a command. Pure.

The first word picks the subcommand; text that is not a subcommand is a search.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""
    text: str = ""  # the whole text as typed, for re-running after a button click


def parse_command(text: str, names: Mapping[str, str]) -> Command:
    """`names`: every word that names a subcommand, to its name (the registry's aliases)."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return Command("help", "", cleaned)
    first, _, rest = cleaned.partition(" ")
    key = first.casefold()
    if key in names:
        return Command(names[key], rest.strip(), cleaned)
    return Command("search", cleaned, cleaned)


_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$|^([CGD][A-Z0-9]{6,})$")


def parse_channel(text: str) -> str | None:
    """`<#C123|general>` (as Slack sends a channel mention) or a bare channel ID."""
    found = _CHANNEL.match(text.strip())
    return (found.group(1) or found.group(2)) if found else None


_CHANNEL_NAME = re.compile(r"^#([a-z0-9][a-z0-9_\-]{0,79})$")


def parse_channel_name(text: str) -> str | None:
    """`#general` as typed, when Slack did not turn it into a mention: the name, for a
    look-up (Slack's channel names are lower case)."""
    found = _CHANNEL_NAME.match(text.strip().casefold())
    return found.group(1) if found else None
