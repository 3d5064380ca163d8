"""Browsing the schedule: help, search, now and next, a day, a track, a speaker, one talk, free time, status."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from bot.conf import agenda
from bot.conf.parsing import Command
from bot.conf.registry import subcommand
from bot.reload.reloader import last_reload
from bot.reminders.planning import Due
from bot.views.blocks import Reply, escape, minutes_until, notice, session_detail, sessions_count
from bot.words import plural

if TYPE_CHECKING:
    from bot.conf.service import ConfService


HELP = "\n".join(
    [
        "*What's on, from Slack.* Try:",
        "• `/conf now` · `/conf next` — what runs now, what starts next",
        "• `/conf today` · `/conf tomorrow` · `/conf day tuesday` · `/conf day 25` · `/conf day Oct 25`",
        "• `/conf cilium` or `/conf search hubble grafana` — search titles, speakers, tracks, abstracts",
        "• `/conf speaker liz rice` · `/conf track security` · `/conf track` (lists tracks)",
        "• `/conf show 1Auye` — one talk in full",
        "• `/conf sub 1Auye 1AOie` · `/conf unsub 1Auye` — a DM before each starts · `/conf mine` — your agenda",
        "• `/conf remind 15` — your reminder lead time in minutes (`/conf remind off` stops them)",
        "• `/conf follow track security` · `/conf follow speaker liz rice` — every matching talk, now and later",
        "• `/conf free` — today's gaps in your agenda and what runs then · `/conf ics` — your calendar feed",
        "• `/conf status` — which schedule is loaded",
    ]
)


def day_label(conf: ConfService, day: date) -> str:
    """`Tuesday 25 October`; with the year when it is not the conference's."""
    label = f"{day:%A} {day.day} {day:%B}"
    return label if day.year in {d.year for d in conf.schedule.days} else f"{label} {day.year}"


def day_list(conf: ConfService, user_id: str, day: date, command: Command) -> Reply:
    sessions = conf.schedule.on_day(day)
    label = day_label(conf, day)
    if not sessions:
        return notice(
            f"No sessions on {label}. Conference days: {conf.days_text()}.",
            command_text=command.text,
            detail=f"Try `/conf day {conf.schedule.days[0]:%a}`.".lower().replace("try", "Try", 1)
            if conf.schedule.days
            else "",
        )
    return conf.answer_list(
        user_id,
        f"*{label}* — {sessions_count(len(sessions))}",
        sessions,
        command,
        narrow_hint="Narrow it with `/conf track NAME` or a search.",
        with_day=False,
    )


@subcommand("help", "?")
def help(conf: ConfService, user_id: str, command: Command) -> Reply:
    loaded = conf.catalog.current
    days = plural(len(loaded.schedule.days), "day")
    detail = f"{sessions_count(len(loaded.schedule))} on {days}: {conf.days_text()}."
    text = HELP
    if user_id in conf.admins:
        text += (
            "\n*For organisers:* `/conf reload` · `/conf digest #channel 08:00` · `/conf digest now` "
            "· `/conf digest off` · `/conf stats` · `/conf announce #channel track NAME [MINUTES]`"
        )
    return notice(text, command_text=command.text, detail=detail)


@subcommand("search", "find")
def search(conf: ConfService, user_id: str, command: Command) -> Reply:
    query = command.argument
    if not query:
        return conf.needs(command, "something to look for", "/conf search hubble")
    hits, total = conf.catalog.current.index.top(query, limit=10)
    if not hits:
        return notice(
            f"Nothing matches “{escape(query)}”.",
            command_text=command.text,
            detail="Try a speaker's name, a project (`cilium`, `tetragon`) or `/conf track` for the tracks.",
        )
    return conf.answer_list(
        user_id,
        f"*{sessions_count(total)} for “{escape(query)}”*",
        [hit.session for hit in hits],
        command,
        narrow_hint="Add a word to narrow it, e.g. a speaker or `day tue`.",
        limit=10,
        total=total,
    )


@subcommand("now")
def now(conf: ConfService, user_id: str, command: Command) -> Reply:
    outside = conf.outside_notice(command, "is running now")
    if outside:
        return outside
    now = conf.clock.now()
    running = conf.schedule.running_at(now)
    if running:
        return conf.answer_list(user_id, f"*Running now* ({len(running)})", running, command, with_day=False)
    upcoming = agenda.next_sessions(conf.schedule, now)
    if not upcoming:
        return notice("Nothing is running now, and nothing more today.", command_text=command.text)
    return conf.answer_list(user_id, "*Nothing is running right now.* Next up:", upcoming, command)


@subcommand("next")
def next(conf: ConfService, user_id: str, command: Command) -> Reply:
    now = conf.clock.now()
    upcoming = agenda.next_sessions(conf.schedule, now)
    if not upcoming:
        return conf.outside_notice(command, "is coming up") or notice(
            f"Nothing more is coming up: the conference is over (it ran {conf.days_text()}).",
            command_text=command.text,
        )
    start = upcoming[0].start
    minutes = minutes_until(start, now)
    if minutes == 0:
        soon = "starting now"
    elif minutes < 120:
        soon = f"in {minutes} min"
    else:
        soon = f"at {start.astimezone(conf.schedule.zone):%a %H:%M}"
    return conf.answer_list(user_id, f"*Next up* ({soon})", upcoming, command)


@subcommand("today")
def today(conf: ConfService, user_id: str, command: Command) -> Reply:
    return day_list(conf, user_id, conf.venue_today(), command)


@subcommand("tomorrow")
def tomorrow(conf: ConfService, user_id: str, command: Command) -> Reply:
    return day_list(conf, user_id, conf.venue_today() + timedelta(days=1), command)


@subcommand("day")
def day(conf: ConfService, user_id: str, command: Command) -> Reply:
    readings = agenda.day_readings(conf.schedule, command.argument, conf.venue_today())
    if len(readings) == 2:  # `10/11`: 11 October or 10 November, and the conference does not settle it
        one, other = (day_label(conf, d) for d in readings)
        years = {d.year for d in conf.schedule.days}
        picks = [f"`/conf day {d:%b} {d.day}" + ("" if d.year in years else f" {d.year}") + "`" for d in readings]
        return notice(
            f"Which day? `{escape(command.argument)}` could be *{one}* or *{other}*.",
            command_text=command.text,
            detail=f"Say which with the month: {picks[0]} or {picks[1]}.",
        )
    day = readings[0] if readings else None
    if day is None:
        first = conf.schedule.days[0] if conf.schedule.days else conf.venue_today()
        examples = f"`/conf day {first:%A}`".lower() + f", `/conf day {first.day}`, `/conf day {first:%b} {first.day}`"
        return notice(
            f"Which day? Give a weekday, a day of the month or a date. For example: {examples} "
            f"or `/conf day {first.isoformat()}`.",
            command_text=command.text,
            detail=f"Conference days: {conf.days_text()}.",
        )
    return day_list(conf, user_id, day, command)


@subcommand("track", "tracks")
def track(conf: ConfService, user_id: str, command: Command) -> Reply:
    tracks = conf.schedule.tracks
    if not command.argument:
        listing = "\n".join(f"• {escape(t)}" for t in tracks) or "This schedule has no tracks."
        return notice(f"*Tracks*\n{listing}", command_text=command.text, detail="Then: `/conf track NAME`.")
    sessions = conf.schedule.in_track(command.argument)
    if not sessions:
        return notice(
            f"No track matches “{escape(command.argument)}”.",
            command_text=command.text,
            detail="Tracks: " + (", ".join(escape(t) for t in tracks) or "none"),
        )
    names = sorted({s.track for s in sessions if s.track})
    return conf.answer_list(
        user_id, f"*{escape(', '.join(names))}* — {sessions_count(len(sessions))}", sessions, command
    )


@subcommand("speaker")
def speaker(conf: ConfService, user_id: str, command: Command) -> Reply:
    if not command.argument:
        return conf.needs(command, "a name", "/conf speaker liz rice")
    sessions = conf.schedule.by_speaker(command.argument)
    if not sessions:
        people = sorted({p.name for s in conf.schedule for p in s.speakers})
        close = [
            name
            for name, score, _ in process.extract(command.argument, people, scorer=fuzz.WRatio, limit=3)
            if score >= 70
        ]
        detail = ("Did you mean " + ", ".join(escape(n) for n in close) + "?") if close else ""
        return notice(f"No speaker matches “{escape(command.argument)}”.", command_text=command.text, detail=detail)
    names = sorted({p.name for s in sessions for p in s.speakers if command.argument.casefold() in p.name.casefold()})
    heading = escape(", ".join(names) or command.argument)
    return conf.answer_list(user_id, f"*{heading}* — {sessions_count(len(sessions))}", sessions, command)


@subcommand("show", "info")
def show(conf: ConfService, user_id: str, command: Command) -> Reply:
    if not command.argument:
        return conf.needs(command, "a session id", "/conf show 1Auye")
    session = conf.schedule.get(command.argument)
    if session is None:
        return conf.unknown_id(command.argument, command)
    return session_detail(
        session,
        subscribed=conf.store.subscriptions(user_id),
        venue=conf.schedule.zone,
        viewer=conf.viewer_zone(user_id),
        overlaps=conf.schedule.overlapping(session),
        command_text=command.text,
    )


@subcommand("free")
def free(conf: ConfService, user_id: str, command: Command) -> Reply:
    outside = conf.outside_notice(command, "to plan around today")
    if outside:
        return outside
    now, today = conf.clock.now(), conf.venue_today()
    day = conf.schedule.on_day(today)
    mine = [s for i in conf.store.subscriptions(user_id) if (s := conf.schedule.get(i)) and s.day == today]
    slots = agenda.free_slots(day, mine, now)
    if not slots:
        return notice("Nothing left to fit in today: your subscriptions cover what remains.", command_text=command.text)
    zone = conf.schedule.zone
    spans = ", ".join(f"{s.start.astimezone(zone):%H:%M}–{s.end.astimezone(zone):%H:%M}" for s in slots)
    sessions = [session for slot in slots for session in slot.sessions]
    note = "You have nothing subscribed today yet." if not mine else f"Around your {len(mine)} subscribed today."
    return conf.answer_list(
        user_id,
        f"*Free today:* {spans} — {sessions_count(len(sessions))} you could join",
        sessions,
        command,
        note=note,
        with_day=False,
    )


def source_name(source: str) -> str:
    """Where the schedule came from, as people may see it: a URL's host and path (no
    query, no user:password: they may hold a secret), or a file's name (never the
    server's folders)."""
    parts = urlsplit(source)
    if parts.scheme in ("http", "https") and parts.hostname:
        host = parts.netloc.rpartition("@")[2]  # never a user:password
        return f"{host}{parts.path}"
    return PurePath(source).name or source


def _venue_time(conf: ConfService, moment: datetime) -> str:
    local = moment.astimezone(conf.schedule.zone)
    return f"{local:%a} {local.day} {local:%b %H:%M %Z}"


def _reminder_line(conf: ConfService, label: str, due: Due | None) -> str:
    if due is None:
        return f"*{label}:* none planned"
    session = conf.schedule.get(due.session_id)
    when = "now" if due.due_at <= conf.clock.now() else _venue_time(conf, due.due_at)
    about = f" — {escape(session.title)} (`{escape(session.id)}`)" if session else ""
    return f"*{label}:* {when}{about}"


def _last_reload_line(conf: ConfService) -> str:
    outcome = last_reload(conf.store)
    if outcome is None:
        return "*Last reload:* none yet (the schedule is as loaded at start)"
    when = _venue_time(conf, outcome.at)
    if outcome.ok:
        return f"*Last reload:* {when}, ok — {escape(outcome.summary)}"
    problems = "\n".join(outcome.problems[:3])
    more = len(outcome.problems) - 3
    listing = problems + (f"\n…and {more} more" if more > 0 else "")
    return (
        f"*Last reload:* {when}, *rejected* ({escape(outcome.reason)}): the last good schedule is in use. "
        f"First errors:\n```{escape(listing)}```"
    )


@subcommand("status")
def status(conf: ConfService, user_id: str, command: Command) -> Reply:
    loaded = conf.catalog.current
    days = loaded.schedule.days
    span = f"{days[0]:%a %d %b} – {days[-1]:%a %d %b %Y}" if days else "no days"
    zone = getattr(loaded.schedule.zone, "key", str(loaded.schedule.zone))
    lines = [
        f"*Schedule:* {escape(loaded.schedule.title or source_name(loaded.source))}",
        f"*From:* `{escape(source_name(loaded.source))}`, loaded {_venue_time(conf, loaded.loaded_at)}",
        f"*Sessions:* {sessions_count(len(loaded.schedule))} on {plural(len(days), 'day')} ({span}, {escape(zone)})",
    ]
    if conf.ledger.lead_minutes(user_id) is None:
        lines.append("*Your reminders:* off (`/conf remind 10` turns them on)")
    else:
        lines.append(_reminder_line(conf, "Your next reminder", conf.ledger.next_reminder(user_id)))
    if user_id in conf.admins:
        lines.append(_reminder_line(conf, "Next reminder (anyone)", conf.ledger.next_reminder()))
        lines.append(_last_reload_line(conf))
    return notice("\n".join(lines), command_text=command.text)
