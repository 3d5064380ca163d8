"""What `/conf` answers: decides from the schedule, the user's subscriptions and the
clock, and returns a Block Kit reply. Knows nothing of Slack's transport."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.clock import Clock
from bot.conf import agenda
from bot.conf.announcements import UpNext
from bot.conf.follows import Follows
from bot.conf.handlers import REGISTRY
from bot.conf.parsing import Command, parse_command
from bot.conf.registry import aliases
from bot.reminders.ledger import Ledger
from bot.schedule.current import CurrentSchedule
from bot.schedule.model import Schedule, Session
from bot.store.database import Store
from bot.store.errors import StoreUnavailable, storage_errors
from bot.views.blocks import Reply, ZoneLookup, escape, notice, session_list

if TYPE_CHECKING:
    from bot.digest.posting import DigestPoster

log = logging.getLogger(__name__)
# Subcommands that change what a person's Home tab shows (subscriptions, follows, lead time, feed).
CHANGES_HOME = frozenset({"sub", "unsub", "follow", "unfollow", "remind", "ics"})


@dataclass
class ConfService:
    catalog: CurrentSchedule
    store: Store
    clock: Clock
    ledger: Ledger
    reload: Callable[[str, str | None], str]  # (reason, admin who asked) -> what happened
    digests: DigestPoster
    follows: Follows
    upnext: UpNext
    viewer_zone: ZoneLookup = lambda user_id: None
    admins: frozenset[str] = frozenset()
    public_url: str | None = None  # where /calendar/TOKEN.ics is served
    digest_changed: Callable[[], None] = lambda: None
    rate_limited: Callable[[], dict[str, int]] = dict  # Slack's 429s so far, per method
    home_changed: Callable[[str], None] = lambda user_id: None  # their Home tab is out of date

    id_hint = "Ids are shown beside every session, e.g. `/conf sub 1Auye`."  # for answers to a wrong id

    def __deepcopy__(self, memo: dict) -> ConfService:
        return self  # one service for every request: Bolt copies a request's context for its lazy listeners

    # -- entry points and what every handler shares ---------------------------------

    def handle(self, user_id: str, text: str) -> Reply:
        command = parse_command(text, aliases())
        entry = REGISTRY[command.name]
        if entry.admin_only and user_id not in self.admins:
            return self.admin_refusal(command)
        return self._run(entry, user_id, command)

    def _run(self, entry, user_id: str, command: Command) -> Reply:
        """Run a handler; a database that cannot take the work is a clear answer."""
        try:
            with storage_errors():
                reply = entry.run(self, user_id, command)
        except StoreUnavailable as problem:
            log.warning("/conf %s for %s not done: %s", command.name, user_id, problem)
            return notice(problem.advice, command_text=command.text)
        if entry.name in CHANGES_HOME:
            self.home_changed(user_id)
        return reply

    def answers_later(self, text: str) -> bool:
        """Whether `/conf TEXT` talks to Slack before it can answer."""
        return REGISTRY[parse_command(text, aliases()).name].answers_later

    def toggle(self, user_id: str, session_id: str, subscribe: bool) -> Reply:
        """A button click: subscribe or unsubscribe, and the confirmation."""
        name = "sub" if subscribe else "unsub"
        command = Command(name, session_id, f"{name} {session_id}")
        return self._run(REGISTRY[name], user_id, command)

    def stop_following(self, user_id: str, kind: str, value: str) -> bool:
        """The Home tab's "Stop following": the stored follow itself, never re-read from
        words (a follow of the words "track x" is not a track)."""
        with storage_errors():
            stopped = self.store.unfollow(user_id, kind, value)
        self.home_changed(user_id)
        return stopped

    @property
    def schedule(self) -> Schedule:
        return self.catalog.current.schedule

    def answer_list(self, user_id: str, heading: str, sessions: list[Session], command: Command, **options) -> Reply:
        return session_list(
            heading,
            sessions,
            subscribed=self.store.subscriptions(user_id),
            venue=self.schedule.zone,
            viewer=self.viewer_zone(user_id),
            command_text=command.text,
            **options,
        )

    def venue_today(self) -> date:
        return agenda.local_now(self.schedule, self.clock.now()).date()

    def days_text(self) -> str:
        return ", ".join(f"{d:%a} {d.day} {d:%b}" for d in self.schedule.days)

    def outside_notice(self, command: Command, asked: str) -> Reply | None:
        where = agenda.outside(self.schedule, self.clock.now())
        if where is None:
            return None
        first = f"{where.first_day:%A} {where.first_day.day} {where.first_day:%B}"
        if where.kind == "before":
            days = (where.first_day - self.venue_today()).days
            text = f"Nothing {asked}: the conference starts *{first}* (in {days} day{'s' if days != 1 else ''})."
            hint = f"See the first day with `/conf day {where.first_day:%a}`.".lower().replace("see", "See", 1)
        elif where.kind == "after":
            text = f"Nothing {asked}: the conference is over (it ran {self.days_text()})."
            hint = f"Look back with `/conf day {where.first_day:%Y-%m-%d}` or `/conf mine`."
        else:
            text = f"Nothing {asked}: no sessions today. Conference days: {self.days_text()}."
            hint = "Try `/conf tomorrow` or `/conf next`."
        return notice(text, command_text=command.text, detail=hint)

    def unknown_id(self, session_id: str, command: Command) -> Reply:
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
        return notice(text, command_text=command.text, detail=self.id_hint)

    def needs(self, command: Command, what: str, example: str) -> Reply:
        return notice(f"`/conf {command.name}` needs {what}. For example: `{example}`", command_text=command.text)

    def admin_refusal(self, command: Command) -> Reply:
        return notice(
            f"`/conf {command.name}` is for the organisers (admins) only.",
            command_text=command.text,
            detail="Ask an organiser, or see `/conf status`.",
        )
