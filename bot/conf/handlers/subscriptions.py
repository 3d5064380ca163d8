"""My subscriptions: subscribe, unsubscribe, my agenda, my reminder lead time, my calendar feed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.conf.parsing import Command
from bot.conf.registry import subcommand
from bot.views.blocks import Reply, escape, notice, sessions_count

if TYPE_CHECKING:
    from bot.conf.service import ConfService


@subcommand("sub", "subscribe")
def sub(conf: ConfService, user_id: str, command: Command) -> Reply:
    if not command.argument:
        return conf.needs(command, "a session id", "/conf sub 1Auye")
    session = conf.schedule.get(command.argument.split()[0])
    if session is None:
        return conf.unknown_id(command.argument.split()[0], command)
    added = conf.store.subscribe(user_id, session.id)
    conf.ledger.plan(user_id, [session])
    mine = [conf.schedule.get(i) for i in conf.store.subscriptions(user_id)]
    clashes = conf.schedule.overlapping(session, [s for s in mine if s is not None])
    text = (
        f"Subscribed to *{escape(session.title)}* (`{escape(session.id)}`). I'll DM you before it starts."
        if added
        else f"You were already subscribed to *{escape(session.title)}* (`{escape(session.id)}`)."
    )
    detail = ""
    if clashes:
        names = ", ".join(f"*{escape(s.title)}* (`{escape(s.id)}`)" for s in clashes)
        detail = f":warning: It overlaps {names}, which you also subscribed to."
    return notice(text, command_text=command.text, detail=detail or "See your agenda with `/conf mine`.")


@subcommand("unsub", "unsubscribe")
def unsub(conf: ConfService, user_id: str, command: Command) -> Reply:
    if not command.argument:
        return conf.needs(command, "a session id", "/conf unsub 1Auye")
    session_id = command.argument.split()[0]
    session = conf.schedule.get(session_id)
    removed = conf.store.unsubscribe(user_id, session.id if session else session_id)
    conf.ledger.cancel_planned(user_id=user_id, session_id=session.id if session else session_id)
    if session is None and not removed:
        return conf.unknown_id(session_id, command)
    title = escape(session.title) if session else escape(session_id)
    text = f"Unsubscribed from *{title}*." if removed else f"You were not subscribed to *{title}*."
    return notice(text, command_text=command.text)


@subcommand("mine", "agenda")
def mine(conf: ConfService, user_id: str, command: Command) -> Reply:
    subscribed = [conf.schedule.get(i) for i in conf.store.subscriptions(user_id)]
    sessions = sorted((s for s in subscribed if s is not None), key=lambda s: (s.start, s.title))
    if not sessions:
        return notice(
            "You have no subscriptions yet.",
            command_text=command.text,
            detail="Find a talk with `/conf search …` or `/conf today` and press *Subscribe*.",
        )
    upcoming = [s for s in sessions if s.end > conf.clock.now()]
    note = "" if len(upcoming) == len(sessions) else f"{len(sessions) - len(upcoming)} already over."
    return conf.answer_list(user_id, f"*Your agenda* — {sessions_count(len(sessions))}", sessions, command, note=note)


@subcommand("remind")
def remind(conf: ConfService, user_id: str, command: Command) -> Reply:
    value = command.argument.strip().casefold()
    if not value:
        minutes = conf.ledger.lead_minutes(user_id)
        now = "off" if minutes is None else f"{minutes} minutes before each session"
        return notice(
            f"Your reminders: *{now}*.",
            command_text=command.text,
            detail="Change it with `/conf remind 15`, or `/conf remind off`.",
        )
    if value in ("off", "none", "0ff", "stop", "no"):
        minutes = None
    elif re.fullmatch(r"[0-9]{1,4}", value) and int(value) <= 24 * 60:
        minutes = int(value)
    else:
        return notice(
            f"`{escape(command.argument)}` is not a lead time. Give minutes from 0 to 1440, or `off`.",
            command_text=command.text,
            detail="For example: `/conf remind 15`.",
        )
    conf.ledger.set_lead_minutes(user_id, minutes)
    conf.ledger.replan_user(user_id, conf.schedule)
    if minutes is None:
        return notice("Reminders *off*. Turn them back on with `/conf remind 10`.", command_text=command.text)
    return notice(f"I'll DM you *{minutes} minutes* before each session you subscribed to.", command_text=command.text)


@subcommand("ics", "calendar")
def ics(conf: ConfService, user_id: str, command: Command) -> Reply:
    renew = command.argument.strip().casefold() == "reset"
    if command.argument and not renew:
        return conf.needs(command, "nothing, or `reset`", "/conf ics")
    path = f"/calendar/{conf.store.feed_token(user_id, renew=renew)}.ics"
    link = f"{conf.public_url}{path}" if conf.public_url else None
    where = f"<{link}>" if link else f"`{path}` on this bot's web address (the organisers can set PUBLIC_URL)"
    first = "Your new private calendar feed" if renew else "Your agenda as a private calendar feed"
    return notice(
        f"{first}: {where}\nAdd it to your calendar app by URL; it follows your subscriptions.",
        command_text=command.text,
        detail="Anyone with the link sees your agenda: `/conf ics reset` makes a new one and ends the old.",
    )
