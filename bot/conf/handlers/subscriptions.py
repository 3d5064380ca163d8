"""My subscriptions: subscribe, unsubscribe, my agenda, my reminder lead time, my calendar feed."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from bot.conf.parsing import Command
from bot.conf.registry import subcommand
from bot.reminders.planning import reminder_outlook
from bot.schedule.model import Session
from bot.views.blocks import Reply, escape, notice, sessions_count, starts_in
from bot.words import plural

if TYPE_CHECKING:
    from bot.conf.service import ConfService


def _ids(argument: str) -> list[str]:
    """`1auyq 1aoie` or `1auyq, 1aoie`: each id once, in the order typed."""
    first_spelling: dict[str, str] = {}
    for word in re.split(r"[\s,;]+", argument):
        if word:
            first_spelling.setdefault(word.casefold(), word)
    return list(first_spelling.values())


def _at(moment: datetime, conf: ConfService) -> str:
    """`08:00` today (venue time), `Tue 25 Oct 08:00` another day."""
    zone = conf.schedule.zone
    local = moment.astimezone(zone)
    same_day = local.date() == conf.clock.now().astimezone(zone).date()
    return f"{local:%H:%M}" if same_day else f"{local:%a} {local.day} {local:%b %H:%M}"


def _reminder_note(conf: ConfService, session: Session, lead: int | None) -> str:
    """What the subscriber will (not) get, truthfully."""
    now = conf.clock.now()
    outlook = reminder_outlook(session, lead, now)
    if outlook == "over":
        return f"It is over (it ended {_at(session.end, conf)}) — no reminder."
    if outlook == "started":
        return f"It already started at {_at(session.start, conf)} — no reminder."
    if outlook == "off":
        return "Your reminders are off, so no DM (`/conf remind 10` turns them on)."
    if outlook == "now":
        return f"It starts {starts_in(session.start, now)}: I'll DM you a reminder right away."
    return f"I'll DM you {plural(lead, 'minute')} before it starts."


def _named(session: Session) -> str:
    return f"*{escape(session.title)}* (`{escape(session.id)}`)"


def _unknown_line(unknown: list[str]) -> str:
    listed = ", ".join(f"`{escape(i)}`" for i in unknown)
    return f"No session has the id {listed}." if len(unknown) == 1 else f"No session has these ids: {listed}."


@subcommand("sub", "subscribe")
def sub(conf: ConfService, user_id: str, command: Command) -> Reply:
    wanted = _ids(command.argument)
    if not wanted:
        return conf.needs(command, "a session id (or several)", "/conf sub 1Auye 1AOie")
    found = {i: conf.schedule.get(i) for i in wanted}
    unknown = [i for i, s in found.items() if s is None]
    sessions = list({s.id: s for s in found.values() if s is not None}.values())
    if not sessions:
        return (
            conf.unknown_id(unknown[0], command)
            if len(unknown) == 1
            else notice(_unknown_line(unknown), command_text=command.text, detail=conf.id_hint)
        )
    added = [s for s in sessions if conf.store.subscribe(user_id, s.id)]
    conf.ledger.plan(user_id, added)
    lead = conf.ledger.lead_minutes(user_id)
    mine = [s for i in conf.store.subscriptions(user_id) if (s := conf.schedule.get(i)) is not None]
    if len(sessions) == 1 and not unknown:
        return _subscribed_one(conf, sessions[0], bool(added), lead, mine, command)
    lines = [f"*Subscribed to {plural(len(added), 'session')}:*" if added else "*Nothing new to subscribe to.*"]
    for session in sessions:
        said = _reminder_note(conf, session, lead) if session in added else "You were already subscribed."
        lines.append(f"• {_named(session)}: {said}")
    if unknown:
        lines.append(_unknown_line(unknown))
    clashes = [
        f":warning: {_named(new)} overlaps " + ", ".join(_named(o) for o in others)
        for new, others in _clashes(conf, added, mine)
    ]
    detail = "\n".join(clashes) or "See your agenda with `/conf mine`."
    return notice("\n".join(lines), command_text=command.text, detail=detail)


def _clashes(conf: ConfService, added: list[Session], mine: list[Session]) -> list[tuple[Session, list[Session]]]:
    """Each newly subscribed session with the ones of `mine` it overlaps: a pair of two
    new ones said once (under the first), and none with a session already over, which
    can no longer be in the way."""
    now = conf.clock.now()
    live = [s for s in mine if s.end > now]
    said: set[frozenset[str]] = set()
    found = []
    for new in added:
        if new.end <= now:
            continue
        others = [o for o in conf.schedule.overlapping(new, live) if frozenset((new.id, o.id)) not in said]
        said.update(frozenset((new.id, o.id)) for o in others)
        if others:
            found.append((new, others))
    return found


def _subscribed_one(
    conf: ConfService, session: Session, added: bool, lead: int | None, mine: list[Session], command: Command
) -> Reply:
    if added:
        text = f"Subscribed to {_named(session)}. {_reminder_note(conf, session, lead)}"
    else:
        text = f"You were already subscribed to {_named(session)}."
    clashes = [others for _, others in _clashes(conf, [session], mine)]
    detail = "See your agenda with `/conf mine`."
    if clashes:
        detail = f":warning: It overlaps {', '.join(_named(s) for s in clashes[0])}, which you also subscribed to."
    return notice(text, command_text=command.text, detail=detail)


@subcommand("unsub", "unsubscribe")
def unsub(conf: ConfService, user_id: str, command: Command) -> Reply:
    wanted = _ids(command.argument)
    if not wanted:
        return conf.needs(command, "a session id (or several)", "/conf unsub 1Auye 1AOie")
    removed, not_subscribed, unknown = [], [], []
    for given in wanted:
        session = conf.schedule.get(given)
        session_id = session.id if session else given  # a session gone from the schedule can still be left
        was_subscribed = conf.store.unsubscribe(user_id, session_id)
        conf.ledger.cancel_planned(user_id=user_id, session_id=session_id)
        name = escape(session.title) if session else escape(given)
        if was_subscribed:
            removed.append(name)
        elif session is None:
            unknown.append(given)
        else:
            not_subscribed.append(name)
    if len(wanted) == 1:
        if unknown:
            return conf.unknown_id(unknown[0], command)
        text = f"Unsubscribed from *{removed[0]}*." if removed else f"You were not subscribed to *{not_subscribed[0]}*."
        return notice(text, command_text=command.text)
    lines = []
    if removed:
        lines.append(f"Unsubscribed from {plural(len(removed), 'session')}: " + ", ".join(f"*{n}*" for n in removed))
    if not_subscribed:
        lines.append("You were not subscribed to " + ", ".join(f"*{n}*" for n in not_subscribed) + ".")
    if unknown:
        lines.append(_unknown_line(unknown))
    return notice("\n".join(lines), command_text=command.text)


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


MAX_LEAD = 24 * 60  # a day ahead is the most a reminder is useful


@subcommand("remind")
def remind(conf: ConfService, user_id: str, command: Command) -> Reply:
    value = command.argument.strip().casefold()
    usage = f"Give minutes from 1 to {MAX_LEAD}, or `off`."
    if not value:
        minutes = conf.ledger.lead_minutes(user_id)
        now = "off" if minutes is None else f"{plural(minutes, 'minute')} before each session"
        return notice(
            f"Your reminders: *{now}*.",
            command_text=command.text,
            detail="Change it with `/conf remind 15`, or `/conf remind off`.",
        )
    if value in ("off", "none", "0ff", "stop", "no"):
        minutes = None
    elif re.fullmatch(r"[0-9]{1,4}", value) and 1 <= int(value) <= MAX_LEAD:
        minutes = int(value)
    else:
        return notice(
            f"`{escape(command.argument)}` is not a lead time. {usage}",
            command_text=command.text,
            detail="For example: `/conf remind 15`.",
        )
    conf.ledger.set_lead_minutes(user_id, minutes)
    conf.ledger.replan_user(user_id, conf.schedule)
    if minutes is None:
        return notice("Reminders *off*. Turn them back on with `/conf remind 10`.", command_text=command.text)
    return notice(
        f"I'll DM you *{plural(minutes, 'minute')}* before each session you subscribed to.", command_text=command.text
    )


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
