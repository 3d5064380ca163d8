"""APScheduler jobs: reminders and the dispatcher's heartbeat, the schedule file watch and
SCHEDULE_URL refresh, the daily digest and its catch-up."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.digest.posting import digest_trigger


def new_scheduler() -> BackgroundScheduler:
    """Made with the bot, started by `start_jobs`: the digest's job can move before it runs."""
    return BackgroundScheduler(timezone=UTC, job_defaults={"max_instances": 1, "coalesce": True})


def start_jobs(bot) -> None:
    """Every job, in one place, then the scheduler starts."""
    config = bot.config
    scheduler = bot.scheduler
    now = datetime.now(UTC)
    scheduler.add_job(bot.dispatcher.tick, "interval", seconds=config.reminder_tick_seconds, id="reminders",
                      next_run_time=now)  # fmt: skip
    scheduler.add_job(bot.dispatcher.beat, "interval", seconds=max(0.5, config.reminder_lease_seconds / 4),
                      id="heartbeat", next_run_time=now)  # fmt: skip
    scheduler.add_job(bot.reloader.check_file, "interval", seconds=5, id="schedule-file")
    if config.schedule_url:
        scheduler.add_job(bot.refresh_from_url, "interval", minutes=config.schedule_refresh_minutes, id="schedule-url")
    # The digest: on the minute by cron in the venue's zone, and a catch-up check each
    # tick (after a start, or when the time was changed) that posts late or skips.
    scheduler.add_job(bot.digests.post_if_due, "interval", seconds=config.reminder_tick_seconds, id="digest-catch-up",
                      next_run_time=now)  # fmt: skip
    schedule_digest(scheduler, bot.digests, bot.catalog)
    scheduler.start()


def schedule_digest(scheduler, digests, catalog) -> None:
    """The digest's cron job at its time in the venue zone (moved when the time changes)."""
    trigger = digest_trigger(digests.at(), catalog.current.schedule.zone)
    if scheduler.get_job("digest"):
        scheduler.reschedule_job("digest", trigger=trigger)
    else:
        scheduler.add_job(digests.post_if_due, trigger, id="digest")
