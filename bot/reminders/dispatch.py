"""Sending due reminders: the shell around the ledger and the pure planning.

Each tick: take over claims of processes that died (and check the DM's history before
re-sending them), claim what is due, record what was missed, send the rest one message
per user per minute. Slack's 429s and 5xx are retried by the Web API client's retry
handlers (Retry-After honoured, the queue waits its turn); permanent errors fail the row
once, logged once; anything else puts the row back for a later tick.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.clock import Clock
from bot.reminders.ledger import Ledger
from bot.reminders.planning import UPNEXT, Due, batches, by_user, delivered_rows, reminder_metadata, triage
from bot.schedule.current import CurrentSchedule
from bot.views.blocks import ZoneLookup, reminder_reply, upnext_reply
from bot.webapi.budget import OverBudget
from bot.webapi.direct import DirectMessages
from bot.webapi.errors import PERMANENT_ERRORS, error_code

log = logging.getLogger(__name__)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user
    return True


@dataclass
class TickReport:
    sent: int = 0
    missed: int = 0
    cancelled: int = 0
    failed: int = 0
    retried: int = 0
    recovered: int = 0  # taken-over claims found already delivered
    messages: int = 0


@dataclass
class ReminderDispatcher:
    ledger: Ledger
    catalog: CurrentSchedule
    direct: DirectMessages
    clock: Clock
    viewer_zone: ZoneLookup
    lease: timedelta = timedelta(seconds=30)
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    batch_limit: int = 5000
    senders: int = 32  # messages in flight at once: a Slack round trip is tens of ms (bench.bench_reminders)
    # Rows due before the next tick are claimed now and posted at their due second, so a
    # reminder is not late by the tick's phase.
    lookahead: timedelta = timedelta(0)
    sleep: Callable[[float], None] = time.sleep
    # An up-next channel that refused a post for good (not_in_channel): told to the admins.
    channel_refused: Callable[[str, str], None] = lambda channel, code: None
    _pool: ThreadPoolExecutor | None = None
    _neighbours_unchecked: bool = True  # checked each tick until the lease has passed since start
    _started: datetime | None = None  # the first tick's time
    _report_lock: threading.Lock = field(default_factory=threading.Lock)

    def beat(self) -> None:
        self.ledger.heartbeat(self.worker, self.clock.now())

    def tick(self) -> TickReport:
        report = TickReport()
        now = self.clock.now()
        self.ledger.heartbeat(self.worker, now)
        self._started = self._started or now
        if self._neighbours_unchecked:  # a restart on this host takes over its predecessor's claims soon
            gone = self.ledger.forget_gone_neighbours(self.worker, process_alive, now, self.lease / 5)
            self._neighbours_unchecked = not gone and now - self._started < self.lease
            if gone:
                log.info("taking over the reminders of %d stopped process(es) on this host", len(gone))
        fresh, doubtful = self.ledger.take_over_stale(self.worker, now, self.lease)
        claimed = self.ledger.claim_due(self.worker, now + self.lookahead, self.batch_limit)
        self._dispatch(fresh + claimed, now, report)
        if doubtful:  # one history check per person, through the sender pool
            undelivered = [row for rows in self._executor().map(
                lambda rows: self._recover(rows, report), by_user(doubtful)) for row in rows]  # fmt: skip
            self._dispatch(undelivered, self.clock.now(), report)
        return report

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.senders, thread_name_prefix="reminder-send")
        return self._pool

    # -- steps --------------------------------------------------------------------

    def _dispatch(self, rows: list[Due], now: datetime, report: TickReport) -> None:
        decided = triage(rows, self.catalog.current.schedule, now)
        self.ledger.finish(self.worker, [r.id for r in decided.missed], "missed", now, error="session had started")
        self.ledger.finish(
            self.worker, [r.id for r in decided.cancelled], "cancelled", now, error="session removed or moved"
        )
        report.missed += len(decided.missed)
        report.cancelled += len(decided.cancelled)
        work = batches(decided.send)
        if not work:
            return
        self._wait_until(work[0][0].due_at)
        # A batch another worker took over meanwhile is skipped by _send: mark_attempting
        # checks who holds each row, atomically, just before the post.
        if len(work) == 1:
            self._send(work[0], report)
        else:
            for _ in self._executor().map(lambda batch: self._send(batch, report), work):
                pass

    def _wait_until(self, due: datetime) -> None:
        delay = (due - self.clock.now()).total_seconds()
        if delay > 0:
            self.sleep(delay)

    def _recover(self, batch: list[Due], report: TickReport) -> list[Due]:
        """Posts to one person that began before their process died (or timed out): did
        they arrive? Returns the rows the DM's history does not show, to be sent."""
        user_id = batch[0].user_id
        ids = [row.id for row in batch]
        try:
            delivered = delivered_rows(batch, self.direct.history(user_id))
        except OverBudget as problem:  # not asked yet: no attempt spent, asked again in a moment
            self.ledger.release(self.worker, ids, str(problem), self.clock.now(), uncertain=True, attempt=False)
            self._count(report, retried=len(ids))
            return []
        except (SlackApiError, SlackClientError, OSError) as problem:
            # Unknown either way: never send blind. Check again on a later tick.
            self._release(ids, f"history check failed: {error_code(problem)}", report, uncertain=True)
            return []
        done = [row for row in batch if row.id in delivered]
        if done:
            channel = self.direct.channel(user_id)
            self.ledger.finish(self.worker, [r.id for r in done], "sent", self.clock.now(), channel=channel)
            self._count(report, recovered=len(done))
        return [row for row in batch if row.id not in delivered]

    def _send(self, batch: list[Due], report: TickReport) -> None:
        self._wait_until(batch[0].due_at)
        schedule = self.catalog.current.schedule
        gone = [row for row in batch if row.outdated(schedule.get(row.session_id))]  # a reload removed or moved it
        if gone:
            self.ledger.finish(
                self.worker, [r.id for r in gone], "cancelled", self.clock.now(), error="session removed or moved"
            )
            self._count(report, cancelled=len(gone))
            batch = [row for row in batch if row not in gone]
            if not batch:
                return
        ids = [row.id for row in batch]
        user_id = batch[0].user_id
        sessions = [schedule.get(row.session_id) for row in batch]
        try:
            if batch[0].purpose == UPNEXT:
                reply = upnext_reply(sessions, venue=schedule.zone, now=self.clock.now())
            else:
                reply = reminder_reply(
                    sessions, venue=schedule.zone, viewer=self.viewer_zone(user_id), now=self.clock.now()
                )
        except Exception:  # nothing was sent: safe to plan again
            log.exception("could not build reminder %s", ids)
            self._release(ids, "could not build the message", report)
            return
        if not self.ledger.mark_attempting(self.worker, ids):
            return  # another worker took these over meanwhile: theirs to send
        try:
            channel, response = self.direct.post(user_id, reply, reminder_metadata(batch))
        except SlackApiError as problem:
            code = error_code(problem)
            if code in PERMANENT_ERRORS:
                log.warning("reminder %s for %s failed for good: %s", ids, user_id, code)
                self.ledger.finish(self.worker, ids, "failed", self.clock.now(), error=code)
                self._count(report, failed=len(ids))
                if batch[0].purpose == UPNEXT:
                    self.channel_refused(user_id, code)
            else:  # Slack said no: not delivered. A 5xx might have been, so check first.
                self._release(ids, code, report, uncertain=problem.response.status_code >= 500)
            return
        except Exception as problem:  # a timeout or a dropped connection: it may have arrived
            log.warning("reminder %s for %s: %s; will check the DM before sending again", ids, user_id, problem)
            self._release(ids, f"{type(problem).__name__}: {problem}", report, uncertain=True)
            return
        # Recorded at once, so a crash leaves in doubt only the posts in flight (at most
        # one per sender), each checked against its DM's history by whoever takes over.
        self.ledger.finish_sent(self.worker, [(ids, channel, response.get("ts"))], self.clock.now())
        self._count(report, sent=len(ids), messages=1)

    def _release(self, ids: list[int], error: str, report: TickReport, uncertain: bool = False) -> None:
        failed = self.ledger.release(self.worker, ids, error, self.clock.now(), uncertain=uncertain)
        if failed:
            log.warning("reminders %s failed after repeated errors: %s", failed, error)
        self._count(report, failed=len(failed), retried=len(ids) - len(failed))

    def _count(self, report: TickReport, **amounts: int) -> None:
        with self._report_lock:
            for name, amount in amounts.items():
                setattr(report, name, getattr(report, name) + amount)
