"""APScheduler jobs: reminders, the dispatcher's heartbeat, the schedule file watch."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler


def start_jobs(bot) -> BackgroundScheduler:
    config = bot.config
    scheduler = BackgroundScheduler(timezone=UTC, job_defaults={"max_instances": 1, "coalesce": True})
    now = datetime.now(UTC)
    scheduler.add_job(bot.dispatcher.tick, "interval", seconds=config.reminder_tick_seconds, id="reminders",
                      next_run_time=now)  # fmt: skip
    scheduler.add_job(bot.dispatcher.beat, "interval", seconds=max(0.5, config.reminder_lease_seconds / 4),
                      id="heartbeat", next_run_time=now)  # fmt: skip
    scheduler.add_job(bot.reloader.check_file, "interval", seconds=5, id="schedule-file")
    scheduler.start()
    return scheduler
