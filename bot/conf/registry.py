"""The `/conf` subcommands: each handler registers itself here with its flags.

A handler is a function `(conf, user_id, command) -> Reply` in one of the modules of
`bot/conf/handlers/`, decorated with `@subcommand("name", "alias", …)`. `admin_only`
handlers answer organisers only; `answers_later` ones talk to Slack before they can
answer, so the listener acknowledges first and answers via `response_url`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.conf.parsing import Command
    from bot.conf.service import ConfService
    from bot.views.blocks import Reply

Handler = Callable[["ConfService", str, "Command"], "Reply"]


@dataclass(frozen=True)
class Subcommand:
    name: str
    run: Handler
    aliases: tuple[str, ...] = ()
    admin_only: bool = False
    answers_later: bool = False


REGISTRY: dict[str, Subcommand] = {}


def subcommand(name: str, *aliases: str, admin_only: bool = False, answers_later: bool = False):
    """Register the decorated function as `/conf NAME` (and its aliases)."""

    def register(function: Handler) -> Handler:
        REGISTRY[name] = Subcommand(name, function, aliases, admin_only, answers_later)
        return function

    return register


def aliases() -> dict[str, str]:
    """Every word that names a subcommand, to the subcommand's name."""
    table = {}
    for entry in REGISTRY.values():
        table[entry.name] = entry.name
        table.update({alias: entry.name for alias in entry.aliases})
    return table
