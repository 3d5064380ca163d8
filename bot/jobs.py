"""APScheduler jobs: reminders, the dispatcher's heartbeat, the schedule file watch."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.digest.posting import digest_trigger


def start_jobs(bot) -> BackgroundScheduler:
    config = bot.config
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"max_instances": 1, "coalesce": True})
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
    schedule_digest(scheduler, bot)
    scheduler.start()
    return scheduler


def schedule_digest(scheduler, bot) -> None:
    trigger = digest_trigger(bot.digests.at(), bot.catalog.current.schedule.zone)
    if scheduler.get_job("digest"):
        scheduler.reschedule_job("digest", trigger=trigger)
    else:
        scheduler.add_job(bot.digests.post_if_due, trigger, id="digest")
