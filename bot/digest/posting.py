"""Posting the daily digest: once a day, whatever restarts or second processes do.

The `digests` table holds one row per venue-local day. A process claims the day in a
write transaction; a claim whose process stopped beating is taken over after checking
the channel's history for the day's digest (by its metadata). A digest missed while the
bot was down is posted late if the day's first session has not started, else skipped.
`not_in_channel` and `channel_not_found` fail the day and tell the admins once.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.digest.building import DIGEST_EVENT, build_digest, first_session_start
from bot.schedule.current import CurrentSchedule
from bot.store.database import Store
from bot.store.digests import DigestRecords
from bot.views.blocks import escape
from bot.webapi.admin_notices import AdminNotices
from bot.webapi.direct import DirectMessages
from bot.webapi.errors import error_code
from bot.words import plural

log = logging.getLogger(__name__)
ON_TIME = timedelta(minutes=2)
CHANNEL_ERRORS = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}
MAX_LIST_PAGES = 10  # of conversations.list, 1,000 channels each


def digest_trigger(at: time, zone) -> CronTrigger:
    """Every day at `at` venue-local time; APScheduler keeps it right across DST."""
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=zone)


@dataclass
class DigestPoster:
    store: Store
    catalog: CurrentSchedule
    client: WebClient
    direct: DirectMessages
    clock: Clock
    worker: str
    default_channel: str | None
    default_time: time
    admin_notices: AdminNotices | None = None  # how a channel that refuses the digest is told
    lease: timedelta = timedelta(seconds=30)
    # The cron job, the catch-up job and `/conf digest now` may run at once in this process.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- settings (admins change them with /conf digest) --------------------------

    def channel(self) -> str | None:
        stored = self.store.setting("digest_channel")
        return (stored or None) if stored is not None else self.default_channel

    def at(self) -> time:
        stored = self.store.setting("digest_time")
        return time.fromisoformat(stored) if stored else self.default_time

    def find_channel(self, name: str) -> tuple[str | None, str | None]:
        """The ID of the channel called `name` (as typed: `#general` that Slack did not
        turn into a mention), through `conversations.list`: a public one, or a private
        one the bot is in (Slack lists only those; the manifest's groups:read): (ID or
        None, the error code when Slack would not list them)."""
        wanted, cursor = name.lstrip("#").casefold(), None
        for _ in range(MAX_LIST_PAGES):  # a big workspace: a few thousand channels at most
            try:
                page = self.client.conversations_list(
                    types="public_channel,private_channel", exclude_archived=True, limit=1000, cursor=cursor
                )
            except (SlackApiError, SlackClientError, OSError) as problem:
                log.warning("could not list channels to find #%s: %s", wanted, error_code(problem))
                return None, error_code(problem)
            for channel in page.get("channels") or []:
                if wanted in (
                    str(channel.get("name", "")).casefold(),
                    str(channel.get("name_normalized", "")).casefold(),
                ):
                    return channel.get("id"), None
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return None, None

    def configure(self, channel: str | None, at: time | None = None) -> None:
        self.store.set_setting("digest_channel", channel or "")
        if at is not None:
            self.store.set_setting("digest_time", at.strftime("%H:%M"))

    # -- the daily check ----------------------------------------------------------

    def post_if_due(self) -> str:
        """Post today's digest if it is due and not posted; say what happened."""
        schedule = self.catalog.current.schedule
        now = self.clock.now()
        today = now.astimezone(schedule.zone).date()
        channel = self.channel()
        if not channel:
            return "the digest is off"
        sessions = schedule.on_day(today)
        if not sessions:
            return f"no sessions on {today.isoformat()}"
        due = datetime.combine(today, self.at(), tzinfo=schedule.zone)
        if now < due:
            return f"not yet: due {due:%H:%M %Z}"
        # On time, it goes out even as the first talk starts; late (the bot was down),
        # only while the day's first session has not started.
        late = now - due > ON_TIME
        with self._lock:
            return self._post_day(today, channel, late_limit=first_session_start(sessions) if late else None)

    def post_now(self) -> str:
        """`/conf digest now`: today's digest at once (still only once a day)."""
        schedule = self.catalog.current.schedule
        today = self.clock.now().astimezone(schedule.zone).date()
        channel = self.channel()
        if not channel:
            return "The digest is off: set a channel first with `/conf digest #channel 08:00`."
        if not schedule.on_day(today):
            return f"There are no sessions today ({today:%A} {today.day} {today:%B}), so there is no digest."
        with self._lock:
            return self._post_day(today, channel, late_limit=None, retry_failed=True)

    def _post_day(self, day: date, channel: str, late_limit: datetime | None, retry_failed: bool = False) -> str:
        claim = self._claim(day, retry_failed)
        if claim == "done":
            row = self._row(day)
            return f"today's digest was already {row['status']}" + (
                f" in <#{row['channel']}>" if row["channel"] else ""
            )
        if claim == "busy":
            return "another process is posting today's digest"
        if claim == "recover":
            found = self._already_posted(day, channel)
            if found is None:  # unknown either way: never post blind; the claim stays for the next check
                return "could not check the channel for today's digest; will try again"
            if found:
                return "today's digest was already posted (found in the channel after a restart)"
        if late_limit is not None and self.clock.now() >= late_limit:
            self._finish(day, "skipped", error="the bot was down at digest time and the first session had started")
            return "skipped: the day's first session had already started"
        return self._post(day, channel)

    @property
    def records(self) -> DigestRecords:
        return DigestRecords(self.store)

    def _claim(self, day: date, retry_failed: bool = False) -> str:
        """'new' or 'recover' (ours now; recover means check the channel first), 'busy'
        (a live process has it), 'done'. `retry_failed` takes a failed day back."""
        return self.records.claim(day, self.worker, self.clock.now(), self.lease, retry_failed)

    def _already_posted(self, day: date, channel: str) -> bool | None:
        """Whether the channel holds the day's digest; None when the check failed."""
        try:
            history = self.client.conversations_history(channel=channel, limit=200, include_all_metadata=True)
        except (SlackApiError, SlackClientError, OSError) as problem:
            log.warning("could not read %s to look for the %s digest: %s", channel, day, error_code(problem))
            return None
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == DIGEST_EVENT
                and (metadata.get("event_payload") or {}).get("date") == day.isoformat()
            ):
                self._finish(day, "posted", channel=channel, ts=message.get("ts"))
                return True
        return False

    def _post(self, day: date, channel: str) -> str:
        schedule = self.catalog.current.schedule
        sessions = schedule.on_day(day)
        counts = self.store.subscription_counts(s.id for s in sessions)
        digest = build_digest(day, sessions, schedule.zone, counts, schedule.title)
        first, *rest = digest.messages
        try:
            response = self.client.chat_postMessage(
                channel=channel, text=first.text, blocks=first.blocks, metadata=digest.metadata, unfurl_links=False
            )
        except SlackApiError as problem:
            code = error_code(problem)
            if code in CHANNEL_ERRORS:
                self._finish(day, "failed", channel=channel, error=code)
                self._tell_admins(channel, code)
                return f"failed: {escape(code)} (the admins were told how to fix it)"
            if problem.response.status_code < 500:  # Slack said no: nothing was posted
                self._release(day)
            log.warning("digest for %s not posted (%s); will try again", day, code)
            return f"not posted ({escape(code)}); will try again"
        except Exception as problem:  # it may have been posted: the claim stays, checked next time
            log.warning("digest for %s: %s; will check the channel before posting again", day, problem)
            return "not sure it was posted (connection trouble); will check the channel and try again"
        ts = response.get("ts")
        # Recorded before the thread: a failed reply never brings the whole digest back.
        self._finish(day, "posted", channel=channel, ts=ts)
        for number, part in enumerate(rest, start=2):
            try:
                self.client.chat_postMessage(
                    channel=channel, thread_ts=ts, text=part.text, blocks=part.blocks, unfurl_links=False
                )
            except Exception as problem:
                log.warning("digest for %s: thread part %d of %d not posted: %s", day, number, len(rest) + 1, problem)
                return f"posted to <#{channel}>, but only {number - 1} of {len(rest) + 1} parts (see the log)"
        return f"posted to <#{channel}> ({plural(len(digest.messages), 'message')})"

    def _finish(self, day: date, status: str, **fields: str | None) -> None:
        self.records.finish(day, status, **fields)

    def _release(self, day: date) -> None:
        self.records.release(day, self.worker)

    def _row(self, day: date) -> dict:
        return self.records.row(day)

    def _tell_admins(self, channel: str, code: str) -> None:
        if self.admin_notices is None:
            return
        self.admin_notices.tell_once(
            "digest_error",
            f"{channel}:{code}",
            f"I could not post the daily digest to <#{escape(channel)}>: `{escape(code)}`. "
            "Invite me there with `/invite @confbot`, or choose another channel with `/conf digest #channel 08:00`.",
        )
