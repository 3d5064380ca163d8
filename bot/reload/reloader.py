"""Reloading the schedule (`/conf reload`, or the file changed on disk).

A file that fails to load changes nothing: the last good schedule stays and the admins
get the `PATH:LINE` errors by DM, once per distinct set of errors (the admin who ran
`/conf reload` has them in the answer). The last outcome is kept in the database for
`/conf status`. A good one replaces the schedule whole; sessions that
moved re-plan their reminders and each subscriber gets one `session_changed` message,
as do subscribers of sessions that left (or came back to) the schedule. The `notices`
table makes each notice once, however often the file flaps.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.reload.changes import schedule_changes
from bot.reminders.ledger import Ledger
from bot.reminders.planning import CHANGE_EVENT
from bot.schedule import ScheduleError, load_schedule
from bot.schedule.current import CurrentSchedule
from bot.schedule.model import Session
from bot.store.database import Store, stamp
from bot.store.notices import Notices
from bot.views.blocks import Reply, ZoneLookup, change_reply, escape
from bot.webapi.admin_notices import AdminNotices
from bot.webapi.direct import DirectMessages
from bot.webapi.errors import error_code
from bot.words import plural

log = logging.getLogger(__name__)


def _problem_list(error: ScheduleError, limit: int = 20) -> str:
    shown = "; ".join(str(p) for p in error.problems[:limit])
    more = len(error.problems) - limit
    return shown + (f"; …and {more} more" if more > 0 else "")


LAST_RELOAD = "last_reload"  # the settings row holding the last ReloadOutcome
BROKEN_SCHEDULE = "broken_schedule"  # what the admins were last told of a file that did not load


@dataclass(frozen=True)
class ReloadOutcome:
    """How the last reload went: for the admins in `/conf status`."""

    at: datetime
    ok: bool
    reason: str
    summary: str = ""  # loaded: what changed
    problems: tuple[str, ...] = ()  # rejected: the file's first errors

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "at": self.at.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> ReloadOutcome:
        fields = json.loads(text)
        return cls(**{**fields, "at": datetime.fromisoformat(fields["at"]), "problems": tuple(fields["problems"])})


def last_reload(store: Store) -> ReloadOutcome | None:
    """The last reload's outcome, by whichever process did it; None before the first."""
    stored = store.setting(LAST_RELOAD)
    try:
        return ReloadOutcome.from_json(stored) if stored else None
    except (ValueError, TypeError, KeyError):  # written by another version: not worth an error
        return None


def _file_state(path: Path) -> tuple[float, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime, info.st_size


@dataclass
class Reloader:
    path: Path
    default_zone: str | None
    catalog: CurrentSchedule
    ledger: Ledger
    store: Store
    direct: DirectMessages
    clock: Clock
    viewer_zone: ZoneLookup
    admin_notices: AdminNotices | None = None  # who hears of a schedule that did not load
    source: str = ""  # what `/conf status` names: the file, or the SCHEDULE_URL it came from
    # Standing subscriptions pick up sessions that appeared or moved: (user, among) -> added.
    after_reload: Callable[..., int] = lambda user_id=None, among=None: 0
    # Anything people see may differ (titles, rooms, times): e.g. their Home tabs are out of date.
    content_changed: Callable[[], None] = lambda: None
    _state: tuple[float, int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._state = _file_state(self.path)

    def check_file(self) -> str | None:
        """Reload when the file changed since it was last read (a scheduler job)."""
        state = _file_state(self.path)
        if state is None or state == self._state:
            return None
        return self.reload("the schedule file changed")

    def reload(self, reason: str, asked_by: str | None = None) -> str:
        """Reload now; `asked_by`: the admin who ran `/conf reload` (the answer tells them
        what a broken file's DM would)."""
        with self._lock:  # a command and the file watcher never reload at once
            self._state = _file_state(self.path)
            try:
                schedule, warnings = load_schedule(self.path, self.default_zone)
            except ScheduleError as error:
                return self._rejected(reason, error, asked_by)
            previous = self.catalog.replace(schedule, self.source or str(self.path), self.clock.now())
            changes = schedule_changes(previous.schedule, schedule)
            notified = self._apply(changes)
            followed = self.after_reload(None, changes.added + [after for _, after in changes.moved] + changes.remapped)
            if previous.schedule.sessions != schedule.sessions or previous.schedule.title != schedule.title:
                self.content_changed()
            log.info("schedule reloaded (%s): %d sessions, %s", reason, len(schedule), changes.summary())
            log.debug("schedule changes: %s", changes.details())
            summary = (
                f"{plural(len(schedule), 'session')}. {len(changes.moved)} moved, "
                f"{len(changes.removed)} removed, {len(changes.added)} added; "
                f"{plural(notified, 'person', 'people')} notified."
                + (f" {plural(followed, 'new subscription')} from follows." if followed else "")
                + (f" {plural(len(warnings), 'warning')}." if warnings else "")
            )
            self._record(ReloadOutcome(self.clock.now(), True, reason, summary=summary))
            if self.admin_notices is not None:
                self.admin_notices.settled(BROKEN_SCHEDULE)
            return f"Reloaded ({reason}): {summary}"

    def _rejected(self, reason: str, error: ScheduleError, asked_by: str | None) -> str:
        kept = len(self.catalog.current.schedule)
        log.warning("schedule not reloaded (%s), kept %d sessions: %s", reason, kept, _problem_list(error))
        problems = tuple(str(p) for p in error.problems)
        self._record(ReloadOutcome(self.clock.now(), False, reason, problems=problems[:20]))
        self._tell_admins(error.problems, asked_by)
        listing = "\n".join(problems[:10])
        return (
            f"The schedule did not load ({reason}); I kept the last good one ({plural(kept, 'session')}).\n"
            f"```{escape(listing)}```"
        )

    def fetch_failed(self, problem: str) -> None:
        """SCHEDULE_URL could not be fetched: the schedule in use stays; admins see why in status."""
        self._record(ReloadOutcome(self.clock.now(), False, "SCHEDULE_URL refresh", problems=(problem,)))

    def _record(self, outcome: ReloadOutcome) -> None:
        self.store.set_setting(LAST_RELOAD, outcome.to_json())

    def _apply(self, changes) -> int:
        notified = 0
        for before, after in changes.moved:
            self.ledger.replan_session(after)
            notified += self._notify(before, after, "moved", stamp(after.start))
        for before in changes.removed:
            self.ledger.cancel_planned(session_id=before.id)
            notified += self._notify(before, None, "removed", stamp(before.start))
        for after in changes.added:
            if self.store.subscribers(after.id):  # subscribed before it left: it is back
                self.ledger.replan_session(after)
                notified += self._notify(after, after, "back", stamp(after.start))
        return notified

    def _notify(self, before: Session, after: Session | None, kind: str, detail: str) -> int:
        sent = 0
        zone = self.catalog.current.schedule.zone
        for user_id in self.store.subscribers(before.id):
            if not self._first_notice(user_id, before.id, kind, detail):
                continue
            reply = change_reply(before, after, venue=zone, viewer=self.viewer_zone(user_id))
            metadata = {
                "event_type": CHANGE_EVENT,
                "event_payload": {
                    "session_id": before.id,
                    "user_id": user_id,
                    "change": kind,
                    "old_start": before.start.isoformat(),
                    "new_start": after.start.isoformat() if after else None,
                },
            }
            try:
                self.direct.post(user_id, reply, metadata)
                sent += 1
            except (SlackApiError, SlackClientError, OSError) as problem:
                log.warning("change notice to %s about %s failed: %s", user_id, before.id, error_code(problem))
                self._forget_notice(user_id, before.id, kind, detail)
        return sent

    def _first_notice(self, user_id: str, session_id: str, kind: str, detail: str) -> bool:
        return Notices(self.store).first(user_id, session_id, kind, detail, self.clock.now())

    def _forget_notice(self, user_id: str, session_id: str, kind: str, detail: str) -> None:
        Notices(self.store).forget(user_id, session_id, kind, detail)

    def _tell_admins(self, problems, asked_by: str | None) -> None:
        if self.admin_notices is None:
            return
        listing = "\n".join(str(p) for p in problems[:20])
        more = f"\n…and {len(problems) - 20} more" if len(problems) > 20 else ""
        text = (
            f":warning: The schedule `{escape(str(self.path))}` did not load, so I kept the last good one.\n"
            f"```{escape(listing)}{more}```\nFix the file and save it (or run `/conf reload`)."
        )
        reply = Reply(text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
        errors = hashlib.sha256("\n".join(str(p) for p in problems).encode()).hexdigest()
        self.admin_notices.tell_on_change(BROKEN_SCHEDULE, errors, reply, frozenset({asked_by} - {None}))
