"""APScheduler jobs: reminders and the dispatcher's heartbeat, the schedule file watch and
SCHEDULE_URL refresh, the daily digest and its catch-up, stale Home tabs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.digest.posting import digest_trigger
from bot.store.errors import StoreUnavailable, storage_errors

log = logging.getLogger(__name__)
ZONES_AHEAD = timedelta(hours=6)  # users' zones are learned this long before their reminders


class _Job:
    """A job whose run the database refused logs one line (not a traceback a second),
    again only when the problem changes, and once when it is over; the next run retries."""

    def __init__(self, name: str, run: Callable[[], object]):
        self.name, self.run = name, run
        self.problem: str | None = None

    def __call__(self) -> None:
        try:
            with storage_errors():
                self.run()
        except StoreUnavailable as problem:
            if str(problem) != self.problem:
                log.warning("%s: %s; trying again at the next run", self.name, problem)
            self.problem = str(problem)
            return
        if self.problem is not None:
            log.info("%s: the database answers again", self.name)
            self.problem = None


def new_scheduler() -> BackgroundScheduler:
    """Made with the bot, started by `start_jobs`: the digest's job can move before it runs."""
    return BackgroundScheduler(timezone=UTC, job_defaults={"max_instances": 1, "coalesce": True})


def start_jobs(bot) -> None:
    """Every job, in one place, then the scheduler starts."""
    config = bot.config
    scheduler = bot.scheduler
    now = datetime.now(UTC)

    def every(seconds: float, job_id: str, run: Callable[[], object], at_once: bool = True) -> None:
        first = {"next_run_time": now} if at_once else {}
        scheduler.add_job(_Job(job_id, run), "interval", seconds=seconds, id=job_id, **first)

    every(config.reminder_tick_seconds, "reminders", bot.dispatcher.tick)
    every(max(0.5, config.reminder_lease_seconds / 5), "heartbeat", bot.dispatcher.beat)
    every(5, "user-zones", lambda: bot.zones.warm(bot.ledger.users_due_before(bot.clock.now() + ZONES_AHEAD)))
    every(5, "schedule-file", bot.reloader.check_file, at_once=False)
    every(2, "home-tabs", bot.home.publish_stale, at_once=False)  # within the views.publish budget
    if hasattr(bot.clock, "measure"):  # on PostgreSQL: the host clock kept corrected to the database's
        every(60, "clock", bot.clock.measure, at_once=False)
    if config.schedule_url:
        every(config.schedule_refresh_minutes * 60, "schedule-url", bot.refresh_from_url, at_once=False)
    # The digest: on the minute by cron in the venue's zone, and a catch-up check each
    # tick (after a start, or when the time was changed) that posts late or skips.
    every(config.reminder_tick_seconds, "digest-catch-up", bot.digests.post_if_due)
    schedule_digest(scheduler, bot.digests, bot.catalog)
    scheduler.start()


def schedule_digest(scheduler, digests, catalog) -> None:
    """The digest's cron job at its time in the venue zone (moved when the time changes)."""
    trigger = digest_trigger(digests.at(), catalog.current.schedule.zone)
    if scheduler.get_job("digest"):
        scheduler.reschedule_job("digest", trigger=trigger)
    else:
        scheduler.add_job(_Job("digest", digests.post_if_due), trigger, id="digest")
