"""What `/conf` answers: decides from the schedule, the user's subscriptions and the
clock, and returns a Block Kit reply. Knows nothing of Slack's transport."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.clock import Clock
from bot.conf import agenda
from bot.conf.parsing import Command, parse_channel, parse_command
from bot.config import parse_clock
from bot.reminders.ledger import Ledger
from bot.schedule.current import CurrentSchedule
from bot.schedule.model import Schedule, Session
from bot.store.database import Store
from bot.views.blocks import Reply, ZoneLookup, escape, notice, session_detail, session_list

if TYPE_CHECKING:
    from bot.digest.posting import DigestPoster


def sessions_count(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


HELP = "\n".join(
    [
        "*What's on, from Slack.* Try:",
        "• `/conf now` · `/conf next` — what runs now, what starts next",
        "• `/conf today` · `/conf tomorrow` · `/conf day tuesday` · `/conf day 2022-10-25`",
        "• `/conf cilium` or `/conf search hubble grafana` — search titles, speakers, tracks, abstracts",
        "• `/conf speaker liz rice` · `/conf track security` · `/conf track` (lists tracks)",
        "• `/conf show 1Auye` — one talk in full",
        "• `/conf sub 1Auye` · `/conf unsub 1Auye` — a DM before it starts · `/conf mine` — your agenda",
        "• `/conf remind 15` — your reminder lead time in minutes (`/conf remind off` stops them)",
        "• `/conf follow track security` · `/conf follow speaker liz rice` — every matching talk, now and later",
        "• `/conf free` — today's gaps in your agenda and what runs then · `/conf ics` — your calendar feed",
        "• `/conf status` — which schedule is loaded",
    ]
)


@dataclass
class ConfService:
    catalog: CurrentSchedule
    store: Store
    clock: Clock
    ledger: Ledger
    reload: Callable[[str], str]  # reloads the schedule, returns what happened
    digests: DigestPoster
    viewer_zone: ZoneLookup = lambda user_id: None
    admins: frozenset[str] = frozenset()
    public_url: str | None = None  # where /calendar/TOKEN.ics is served
    digest_changed: Callable[[], None] = lambda: None

    # -- entry points -------------------------------------------------------------

    def handle(self, user_id: str, text: str) -> Reply:
        command = parse_command(text)
        handler = getattr(self, f"_{command.name}")
        return handler(user_id, command)

    def toggle(self, user_id: str, session_id: str, subscribe: bool) -> Reply:
        """A button click: subscribe or unsubscribe, and the confirmation."""
        name = "sub" if subscribe else "unsub"
        command = Command(name, session_id, f"{name} {session_id}")
        return self._sub(user_id, command) if subscribe else self._unsub(user_id, command)

    # -- helpers ------------------------------------------------------------------

    @property
    def schedule(self) -> Schedule:
        return self.catalog.current.schedule

    def _list(self, user_id: str, heading: str, sessions: list[Session], command: Command, **options) -> Reply:
        return session_list(
            heading,
            sessions,
            subscribed=self.store.subscriptions(user_id),
            venue=self.schedule.zone,
            viewer=self.viewer_zone(user_id),
            command_text=command.text,
            **options,
        )

    def _venue_today(self) -> date:
        return agenda.local_now(self.schedule, self.clock.now()).date()

    def _days_text(self) -> str:
        return ", ".join(f"{d:%a} {d.day} {d:%b}" for d in self.schedule.days)

    def _outside_notice(self, command: Command, asked: str) -> Reply | None:
        where = agenda.outside(self.schedule, self.clock.now())
        if where is None:
            return None
        first = f"{where.first_day:%A} {where.first_day.day} {where.first_day:%B}"
        if where.kind == "before":
            days = (where.first_day - self._venue_today()).days
            text = f"Nothing {asked}: the conference starts *{first}* (in {days} day{'s' if days != 1 else ''})."
            hint = f"See the first day with `/conf day {where.first_day:%a}`.".lower().replace("see", "See", 1)
        elif where.kind == "after":
            text = f"Nothing {asked}: the conference is over (it ran {self._days_text()})."
            hint = f"Look back with `/conf day {where.first_day:%Y-%m-%d}` or `/conf mine`."
        else:
            text = f"Nothing {asked}: no sessions today. Conference days: {self._days_text()}."
            hint = "Try `/conf tomorrow` or `/conf next`."
        return notice(text, command_text=command.text, detail=hint)

    def _unknown_id(self, session_id: str, command: Command) -> Reply:
        ids = self.schedule.ids
        guesses = [
            match for match, score, _ in process.extract(session_id, ids, scorer=fuzz.ratio, limit=3) if score >= 60
        ]
        by_title = [hit.session.id for hit in self.catalog.current.index.search(session_id, 3)]
        suggestions = list(dict.fromkeys(guesses + by_title))[:3]
        text = f"There is no session with id `{escape(session_id)}`."
        if suggestions:
            described = ", ".join(f"`{escape(i)}` ({escape(self.schedule.get(i).title)})" for i in suggestions)
            text += f" Did you mean {described}?"
        return notice(
            text, command_text=command.text, detail="Ids are shown beside every session, e.g. `/conf sub 1Auye`."
        )

    def _needs(self, command: Command, what: str, example: str) -> Reply:
        return notice(f"`/conf {command.name}` needs {what}. For example: `{example}`", command_text=command.text)

    # -- subcommands --------------------------------------------------------------

    def _help(self, user_id: str, command: Command) -> Reply:
        loaded = self.catalog.current
        detail = f"{sessions_count(len(loaded.schedule))} on {len(loaded.schedule.days)} days: {self._days_text()}."
        text = HELP
        if user_id in self.admins:
            text += (
                "\n*For organisers:* `/conf reload` · `/conf digest #channel 08:00` · `/conf digest now` "
                "· `/conf digest off` · `/conf stats`"
            )
        return notice(text, command_text=command.text, detail=detail)

    def _search(self, user_id: str, command: Command) -> Reply:
        query = command.argument
        if not query:
            return self._needs(command, "something to look for", "/conf search hubble")
        hits = self.catalog.current.index.search(query)
        if not hits:
            return notice(
                f"Nothing matches “{escape(query)}”.",
                command_text=command.text,
                detail="Try a speaker's name, a project (`cilium`, `tetragon`) or `/conf track` for the tracks.",
            )
        sessions = [hit.session for hit in hits]
        return self._list(
            user_id,
            f"*{sessions_count(len(sessions))} for “{escape(query)}”*",
            sessions,
            command,
            narrow_hint="Add a word to narrow it, e.g. a speaker or `day tue`.",
            limit=10,
        )

    def _now(self, user_id: str, command: Command) -> Reply:
        outside = self._outside_notice(command, "is running now")
        if outside:
            return outside
        now = self.clock.now()
        running = self.schedule.running_at(now)
        if running:
            return self._list(user_id, f"*Running now* ({len(running)})", running, command, with_day=False)
        upcoming = agenda.next_sessions(self.schedule, now)
        if not upcoming:
            return notice("Nothing is running now, and nothing more today.", command_text=command.text)
        return self._list(user_id, "*Nothing is running right now.* Next up:", upcoming, command)

    def _next(self, user_id: str, command: Command) -> Reply:
        now = self.clock.now()
        upcoming = agenda.next_sessions(self.schedule, now)
        if not upcoming:
            return self._outside_notice(command, "is coming up") or notice(
                f"Nothing more is coming up: the conference is over (it ran {self._days_text()}).",
                command_text=command.text,
            )
        start = upcoming[0].start
        minutes = max(0, int((start - now).total_seconds() // 60))
        soon = f"in {minutes} min" if minutes < 120 else f"at {start.astimezone(self.schedule.zone):%a %H:%M}"
        return self._list(user_id, f"*Next up* ({soon})", upcoming, command)

    def _day_list(self, user_id: str, day: date, command: Command) -> Reply:
        sessions = self.schedule.on_day(day)
        label = f"{day:%A} {day.day} {day:%B}"
        if not sessions:
            return notice(
                f"No sessions on {label}. Conference days: {self._days_text()}.",
                command_text=command.text,
                detail=f"Try `/conf day {self.schedule.days[0]:%a}`.".lower().replace("try", "Try", 1)
                if self.schedule.days
                else "",
            )
        return self._list(
            user_id,
            f"*{label}* — {sessions_count(len(sessions))}",
            sessions,
            command,
            narrow_hint="Narrow it with `/conf track NAME` or a search.",
            with_day=False,
        )

    def _today(self, user_id: str, command: Command) -> Reply:
        return self._day_list(user_id, self._venue_today(), command)

    def _tomorrow(self, user_id: str, command: Command) -> Reply:
        return self._day_list(user_id, self._venue_today() + timedelta(days=1), command)

    def _day(self, user_id: str, command: Command) -> Reply:
        day = agenda.resolve_day(self.schedule, command.argument, self._venue_today())
        if day is None:
            example = f"/conf day {self.schedule.days[0]:%A}".lower() if self.schedule.days else "/conf day tuesday"
            return notice(
                f"Which day? Give a weekday or a date. For example: `{example}` or `/conf day 2022-10-25`.",
                command_text=command.text,
                detail=f"Conference days: {self._days_text()}.",
            )
        return self._day_list(user_id, day, command)

    def _track(self, user_id: str, command: Command) -> Reply:
        tracks = self.schedule.tracks
        if not command.argument:
            listing = "\n".join(f"• {escape(t)}" for t in tracks) or "This schedule has no tracks."
            return notice(f"*Tracks*\n{listing}", command_text=command.text, detail="Then: `/conf track NAME`.")
        sessions = self.schedule.in_track(command.argument)
        if not sessions:
            return notice(
                f"No track matches “{escape(command.argument)}”.",
                command_text=command.text,
                detail="Tracks: " + (", ".join(escape(t) for t in tracks) or "none"),
            )
        names = sorted({s.track for s in sessions if s.track})
        return self._list(user_id, f"*{escape(', '.join(names))}* — {sessions_count(len(sessions))}", sessions, command)

    def _speaker(self, user_id: str, command: Command) -> Reply:
        if not command.argument:
            return self._needs(command, "a name", "/conf speaker liz rice")
        sessions = self.schedule.by_speaker(command.argument)
        if not sessions:
            people = sorted({p.name for s in self.schedule for p in s.speakers})
            close = [
                name
                for name, score, _ in process.extract(command.argument, people, scorer=fuzz.WRatio, limit=3)
                if score >= 70
            ]
            detail = ("Did you mean " + ", ".join(escape(n) for n in close) + "?") if close else ""
            return notice(f"No speaker matches “{escape(command.argument)}”.", command_text=command.text, detail=detail)
        names = sorted(
            {p.name for s in sessions for p in s.speakers if command.argument.casefold() in p.name.casefold()}
        )
        heading = escape(", ".join(names) or command.argument)
        return self._list(user_id, f"*{heading}* — {sessions_count(len(sessions))}", sessions, command)

    def _show(self, user_id: str, command: Command) -> Reply:
        if not command.argument:
            return self._needs(command, "a session id", "/conf show 1Auye")
        session = self.schedule.get(command.argument)
        if session is None:
            return self._unknown_id(command.argument, command)
        return session_detail(
            session,
            subscribed=self.store.subscriptions(user_id),
            venue=self.schedule.zone,
            viewer=self.viewer_zone(user_id),
            overlaps=self.schedule.overlapping(session),
            command_text=command.text,
        )

    def _sub(self, user_id: str, command: Command) -> Reply:
        if not command.argument:
            return self._needs(command, "a session id", "/conf sub 1Auye")
        session = self.schedule.get(command.argument.split()[0])
        if session is None:
            return self._unknown_id(command.argument.split()[0], command)
        added = self.store.subscribe(user_id, session.id)
        self.ledger.plan(user_id, [session])
        mine = [self.schedule.get(i) for i in self.store.subscriptions(user_id)]
        clashes = self.schedule.overlapping(session, [s for s in mine if s is not None])
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

    def _unsub(self, user_id: str, command: Command) -> Reply:
        if not command.argument:
            return self._needs(command, "a session id", "/conf unsub 1Auye")
        session_id = command.argument.split()[0]
        session = self.schedule.get(session_id)
        removed = self.store.unsubscribe(user_id, session.id if session else session_id)
        self.ledger.cancel_planned(user_id=user_id, session_id=session.id if session else session_id)
        if session is None and not removed:
            return self._unknown_id(session_id, command)
        title = escape(session.title) if session else escape(session_id)
        text = f"Unsubscribed from *{title}*." if removed else f"You were not subscribed to *{title}*."
        return notice(text, command_text=command.text)

    def _mine(self, user_id: str, command: Command) -> Reply:
        subscribed = [self.schedule.get(i) for i in self.store.subscriptions(user_id)]
        sessions = sorted((s for s in subscribed if s is not None), key=lambda s: (s.start, s.title))
        if not sessions:
            return notice(
                "You have no subscriptions yet.",
                command_text=command.text,
                detail="Find a talk with `/conf search …` or `/conf today` and press *Subscribe*.",
            )
        upcoming = [s for s in sessions if s.end > self.clock.now()]
        note = "" if len(upcoming) == len(sessions) else f"{len(sessions) - len(upcoming)} already over."
        return self._list(user_id, f"*Your agenda* — {sessions_count(len(sessions))}", sessions, command, note=note)

    def _status(self, user_id: str, command: Command) -> Reply:
        loaded = self.catalog.current
        days = loaded.schedule.days
        span = f"{days[0]:%a %d %b} – {days[-1]:%a %d %b %Y}" if days else "no days"
        zone = getattr(loaded.schedule.zone, "key", str(loaded.schedule.zone))
        next_due = self.ledger.next_due()
        next_text = f"{next_due.astimezone(loaded.schedule.zone):%a %d %b %H:%M %Z}" if next_due else "none planned"
        text = (
            f"*Schedule:* {escape(loaded.schedule.title or loaded.source)}\n"
            f"*From:* `{escape(loaded.source)}`, loaded {loaded.loaded_at:%Y-%m-%d %H:%M} UTC\n"
            f"*Sessions:* {sessions_count(len(loaded.schedule))} on {len(days)} days ({span}, {escape(zone)})\n"
            f"*Next reminder:* {next_text}"
        )
        return notice(text, command_text=command.text)

    def _admin_only(self, user_id: str, command: Command) -> Reply | None:
        if user_id in self.admins:
            return None
        return notice(
            f"`/conf {command.name}` is for the organisers (admins) only.",
            command_text=command.text,
            detail="Ask an organiser, or see `/conf status`.",
        )

    def _remind(self, user_id: str, command: Command) -> Reply:
        value = command.argument.strip().casefold()
        if not value:
            minutes = self.ledger.lead_minutes(user_id)
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
        self.ledger.set_lead_minutes(user_id, minutes)
        self.ledger.replan_user(user_id, self.schedule)
        if minutes is None:
            return notice("Reminders *off*. Turn them back on with `/conf remind 10`.", command_text=command.text)
        return notice(
            f"I'll DM you *{minutes} minutes* before each session you subscribed to.", command_text=command.text
        )

    def _reload(self, user_id: str, command: Command) -> Reply:
        refused = self._admin_only(user_id, command)
        if refused:
            return refused
        return notice(self.reload(f"/conf reload by {user_id}"), command_text=command.text)

    def _free(self, user_id: str, command: Command) -> Reply:
        outside = self._outside_notice(command, "to plan around today")
        if outside:
            return outside
        now, today = self.clock.now(), self._venue_today()
        day = self.schedule.on_day(today)
        mine = [s for i in self.store.subscriptions(user_id) if (s := self.schedule.get(i)) and s.day == today]
        slots = agenda.free_slots(day, mine, now)
        if not slots:
            return notice(
                "Nothing left to fit in today: your subscriptions cover what remains.", command_text=command.text
            )
        zone = self.schedule.zone
        spans = ", ".join(f"{s.start.astimezone(zone):%H:%M}–{s.end.astimezone(zone):%H:%M}" for s in slots)
        sessions = [session for slot in slots for session in slot.sessions]
        note = "You have nothing subscribed today yet." if not mine else f"Around your {len(mine)} subscribed today."
        return self._list(
            user_id,
            f"*Free today:* {spans} — {sessions_count(len(sessions))} you could join",
            sessions,
            command,
            note=note,
            with_day=False,
        )

    def apply_follows(self, user_id: str | None = None, among: list[Session] | None = None) -> int:
        """Subscribe followers to the sessions their follows cover (among `among`, default
        all), each session once per user: an unsubscribe lasts. Returns how many
        subscriptions were added."""
        pool = Schedule(tuple(among), self.schedule.zone) if among is not None else self.schedule
        if not len(pool):
            return 0
        by_follow: dict[tuple[str, str], list[Session]] = {}
        added = 0
        for follower, kind, value in self.store.follows(user_id):
            if (kind, value) not in by_follow:  # many people follow the same track
                by_follow[(kind, value)] = agenda.followed_sessions(pool, kind, value)
            fresh = self.store.subscribe_unoffered(follower, [s.id for s in by_follow[(kind, value)]])
            self.ledger.plan(follower, [s for s in by_follow[(kind, value)] if s.id in fresh])
            added += len(fresh)
        return added

    def _follow(self, user_id: str, command: Command) -> Reply:
        parsed = agenda.parse_follow(command.argument)
        if parsed is None:
            return self._needs(command, "a track, a speaker or words", "/conf follow track security")
        kind, value = parsed
        if kind == "text" and len(value) < 3:
            return self._needs(command, "a word of three letters or more", "/conf follow tetragon")
        if len(value) > 100 or len(self.store.follows(user_id)) >= 50:
            return notice("That is more than I can follow for you. See `/conf follows`.", command_text=command.text)
        self.store.follow(user_id, kind, value)
        added = self.apply_follows(user_id)
        covered = agenda.followed_sessions(self.schedule, kind, value)
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
        return self._list(
            user_id,
            f"*Following {label}*: {sessions_count(len(covered))}, {added} newly subscribed",
            covered,
            Command(look_up, value, f"{look_up} {value}"),
            note="Sessions that match later, after a schedule change, are added too.",
        )

    def _unfollow(self, user_id: str, command: Command) -> Reply:
        parsed = agenda.parse_follow(command.argument)
        if parsed is None:
            return self._needs(command, "what you follow", "/conf unfollow track security")
        kind, value = parsed
        if not self.store.unfollow(user_id, kind, value):
            return notice(
                f"You do not follow “{escape(value)}”.", command_text=command.text, detail="See `/conf follows`."
            )
        return notice(
            f"Stopped following “{escape(value)}”. Your subscriptions stay; `/conf mine` to review them.",
            command_text=command.text,
        )

    def _follows(self, user_id: str, command: Command) -> Reply:
        rows = self.store.follows(user_id)
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

    def _ics(self, user_id: str, command: Command) -> Reply:
        renew = command.argument.strip().casefold() == "reset"
        if command.argument and not renew:
            return self._needs(command, "nothing, or `reset`", "/conf ics")
        path = f"/calendar/{self.store.feed_token(user_id, renew=renew)}.ics"
        link = f"{self.public_url}{path}" if self.public_url else None
        where = f"<{link}>" if link else f"`{path}` on this bot's web address (the organisers can set PUBLIC_URL)"
        first = "Your new private calendar feed" if renew else "Your agenda as a private calendar feed"
        return notice(
            f"{first}: {where}\nAdd it to your calendar app by URL; it follows your subscriptions.",
            command_text=command.text,
            detail="Anyone with the link sees your agenda: `/conf ics reset` makes a new one and ends the old.",
        )

    def _digest(self, user_id: str, command: Command) -> Reply:
        refused = self._admin_only(user_id, command)
        if refused:
            return refused
        words = command.argument.split()
        usage = "Use `/conf digest #channel 08:00`, `/conf digest off` or `/conf digest now`."
        if not words:
            channel = self.digests.channel()
            state = f"<#{escape(channel)}> at {self.digests.at():%H:%M}" if channel else "off"
            return notice(f"The daily digest: *{state}* (venue time).", command_text=command.text, detail=usage)
        if words[0].casefold() == "off":
            self.digests.configure(None)
            self.digest_changed()
            return notice("The daily digest is *off*.", command_text=command.text, detail=usage)
        if words[0].casefold() == "now":
            return notice(self.digests.post_now(), command_text=command.text)  # its text links the channel
        channel = parse_channel(words[0])
        at = parse_clock(words[1]) if len(words) == 2 else None
        if channel is None or at is None:
            return notice(
                f"I did not understand `{escape(command.argument)}`.", command_text=command.text, detail=usage
            )
        self.digests.configure(channel, at)
        self.digest_changed()
        return notice(
            f"The daily digest goes to <#{channel}> at *{at:%H:%M}* (venue time) on each conference day.",
            command_text=command.text,
            detail="Invite me to that channel if it is private: `/invite @confbot`.",
        )

    def _stats(self, user_id: str, command: Command) -> Reply:
        refused = self._admin_only(user_id, command)
        if refused:
            return refused
        counts = self.ledger.counts()
        per_session = self.store.subscription_counts()
        top = sorted(per_session.items(), key=lambda item: (-item[1], item[0]))[:10]
        lines = [
            f"*Subscriptions:* {sum(per_session.values())} by {self.store.subscriber_count()} people "
            f"to {len(per_session)} sessions",
            "*Reminders:* "
            + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("sent", "planned", "claimed", "failed", "missed")),
        ]
        for session_id, count in top:
            session = self.schedule.get(session_id)
            title = escape(session.title) if session else "(no longer in the schedule)"
            lines.append(f"• {count} — {title} (`{escape(session_id)}`)")
        return notice("\n".join(lines), command_text=command.text)
