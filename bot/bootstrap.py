"""Builds the running bot from a Config: schedule, database, Slack client, app."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta

from apscheduler.schedulers.base import BaseScheduler
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.clock import Clock, CorrectedClock, OffsetClock, SystemClock
from bot.conf.announcements import UpNext
from bot.conf.follows import Follows
from bot.conf.home import HomePage
from bot.conf.service import ConfService
from bot.config import Config, ConfigError
from bot.digest.posting import DigestPoster
from bot.jobs import new_scheduler, schedule_digest, start_jobs
from bot.reload.download import Limits
from bot.reload.fetch import FetchError, cached_copy, fetch_schedule
from bot.reload.reloader import Reloader
from bot.reminders.dispatch import ReminderDispatcher
from bot.reminders.ledger import Ledger
from bot.schedule import Problem, Schedule, load_schedule
from bot.schedule.current import CurrentSchedule
from bot.slack.app import build_app
from bot.store import open_store
from bot.store.announcements import AnnouncementsTable
from bot.store.database import Store
from bot.store.errors import DatabaseError
from bot.store.home_tabs import HomeTabsTable
from bot.store.notices import Notices
from bot.store.postgres import PostgresStore
from bot.views.follow_news import follow_news_metadata, follow_news_reply
from bot.webapi.admin_notices import AdminNotices
from bot.webapi.budget import Budgets, CountingRateLimitHandler, RateLimited
from bot.webapi.direct import DirectMessages
from bot.webapi.errors import error_code
from bot.webapi.home_tabs import HomeTabs
from bot.webapi.user_zones import UserZones

log = logging.getLogger(__name__)


@dataclass
class Bot:
    config: Config
    clock: Clock
    catalog: CurrentSchedule
    store: Store
    client: WebClient
    service: ConfService
    app: App
    executor: ThreadPoolExecutor
    ledger: Ledger
    dispatcher: ReminderDispatcher
    reloader: Reloader
    digests: DigestPoster
    scheduler: BaseScheduler
    zones: UserZones
    home: HomeTabs
    jobs_running: bool = False

    def start_jobs(self) -> None:
        start_jobs(self)
        self.jobs_running = True

    def refresh_from_url(self) -> str | None:
        """The SCHEDULE_REFRESH_MINUTES job: fetch again; the reloader acts on a change."""
        try:
            fetch_schedule(self.config.schedule_url, self.config.schedule_path.parent, fetch_limits(self.config))
        except FetchError as problem:
            log.warning("%s; keeping the schedule I have", problem)
            self.reloader.fetch_failed(str(problem))
            return None
        return self.reloader.check_file()

    def close(self) -> None:
        """Stop the jobs (the run in progress finishes), let listeners that run after
        ack() finish, close the database."""
        if self.jobs_running:
            self.scheduler.shutdown(wait=True)
            self.jobs_running = False
        self.executor.shutdown(wait=True)
        self.store.close()


def check_slack(config: Config) -> None:
    """`auth.test` before serving (and, in Socket Mode, `apps.connections.open` with the
    app token): a token Slack refuses, or a Slack it cannot reach, stops the start with one
    line naming the setting, instead of failing every request."""
    quiet = logging.getLogger(f"{__name__}.auth_test")  # the one line below says it all
    quiet.setLevel(logging.CRITICAL)
    # No retries on connection errors (a wrong URL says so at once), but a 429 is waited
    # out: several processes starting together can meet auth.test's tier (Tier 1 is small).
    client = WebClient(
        token=config.bot_token, base_url=config.api_url, timeout=5, logger=quiet,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=5)],
    )  # fmt: skip
    _ask_slack(config, "SLACK_BOT_TOKEN", client.auth_test)
    if config.app_token:
        _ask_slack(config, "SLACK_APP_TOKEN", lambda: client.apps_connections_open(app_token=config.app_token))


def _ask_slack(config: Config, setting: str, call: Callable[[], object]) -> None:
    try:
        call()
    except SlackApiError as refused:
        response = refused.response
        code = response.get("error") if response is not None and isinstance(response.data, dict) else None
        if not re.fullmatch(r"[a-z0-9_]+", str(code)):  # an answer, but not Slack's (an error page): a wrong URL
            status = getattr(response, "status_code", "?")
            raise ConfigError(
                f"SLACK_API_URL: {config.api_url} does not answer as Slack's Web API (HTTP {status})"
            ) from None
        if code == "ratelimited":
            raise ConfigError(f"SLACK_API_URL: {config.api_url} kept answering 429 (rate limited); try again") from None
        raise ConfigError(f"{setting}: Slack refused the token ({code}) at {config.api_url}") from None
    except (SlackClientError, OSError, ValueError) as problem:
        reason = getattr(problem, "reason", None) or problem
        raise ConfigError(f"SLACK_API_URL: cannot reach {config.api_url} ({reason})") from None


def web_client(config: Config, limited: RateLimited) -> WebClient:
    """Every Web API call goes to SLACK_API_URL; 429s (counted in `limited`, Retry-After
    honoured), 5xx and dropped connections retry."""
    return WebClient(
        token=config.bot_token or None,
        base_url=config.api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            CountingRateLimitHandler(limited, max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def fetch_limits(config: Config) -> Limits:
    return Limits(seconds=config.schedule_fetch_seconds, max_bytes=config.schedule_max_bytes)


def _with_fetched_schedule(config: Config) -> Config:
    """With SCHEDULE_URL, the schedule is its local copy (fetched now, or the last good one)."""
    if not config.schedule_url:
        return config
    folder = config.database_path.resolve().parent
    try:
        path = fetch_schedule(config.schedule_url, folder, fetch_limits(config))
    except FetchError as problem:
        path = cached_copy(config.schedule_url, folder)
        if path is None:
            raise ConfigError(str(problem)) from None
        log.warning("%s; using the copy fetched before, %s", problem, path)
    return replace(config, schedule_path=path)


def _host_clock(config: Config) -> Clock:
    offset = config.clock_offset_seconds
    return OffsetClock(SystemClock(), timedelta(seconds=offset)) if offset else SystemClock()


def _open_store(config: Config, clock: Clock) -> Store:
    """The database the settings name; one line naming the setting when it cannot be used."""
    try:
        return open_store(
            config.database_path, config.database_url, clock=clock.now, pool_size=config.database_pool_size
        )
    except (sqlite3.Error, OSError) as problem:
        raise ConfigError(
            f"DATABASE_PATH: cannot use {str(config.database_path)!r} as a database ({problem})"
        ) from None
    except DatabaseError as problem:  # never the URL itself: it may carry a password
        raise ConfigError(f"DATABASE_URL: cannot use the PostgreSQL database it names ({problem})") from None


def build_bot(
    config: Config,
    clock: Clock | None = None,
    client: WebClient | None = None,
    loaded: tuple[Schedule, list[Problem]] | None = None,
    verify_slack: bool = False,
) -> Bot:
    """The one place the bot is wired. `verify_slack` (serve): the token is checked with
    auth.test before the app is made, and the answer kept, so no request waits on it
    later. `loaded`: the schedule already read (the console
    reads it first for its zone). Raises ScheduleError when the schedule cannot be loaded."""
    injected = clock is not None
    clock = clock or _host_clock(config)
    config = _with_fetched_schedule(config)
    schedule, warnings = loaded or load_schedule(config.schedule_path, config.conference_tz)
    for warning in warnings:
        log.warning("%s", warning)
    source = config.schedule_url or str(config.schedule_path)
    catalog = CurrentSchedule(schedule, source, clock.now())
    store = _open_store(config, clock)
    if not injected and isinstance(store, PostgresStore):
        # Several hosts share this database: each reads the time by the database's clock, so
        # none sends early or takes over a live peer's work because its own clock is off.
        clock = CorrectedClock(clock, store.database_time)
        for _ in range(5):  # a few tries for a quick round trip
            if clock.measure():
                break
        store.use_clock(clock.now)
    limited = RateLimited()
    client = client or web_client(config, limited)
    budgets = Budgets()
    # Look-ups made while answering someone: no retries, a short timeout (Slack's 3 s).
    lookups = WebClient(token=client.token, base_url=client.base_url, timeout=2, retry_handlers=[])
    zones = UserZones(lookups, clock.now, store, budgets)
    ledger = Ledger(store, config.reminder_minutes, clock=clock.now)
    direct = DirectMessages(client, budgets, known=ledger.dm_channel)
    lease = timedelta(seconds=config.reminder_lease_seconds)
    lookahead = timedelta(seconds=config.reminder_lookahead_seconds)
    # Sends never wait on users.info: the zones job learns them ahead (venue time until then).
    dispatcher = ReminderDispatcher(
        ledger, catalog, direct, clock, zones.known, lease=lease, lookahead=lookahead, senders=config.reminder_senders
    )
    admin_notices = AdminNotices(Notices(store), direct, config.admin_user_ids, clock.now)
    dispatcher.channel_refused = admin_notices.channel_refused_upnext

    def tell_followed(user_id: str, sessions: list) -> None:  # what a reload's follows added: one DM
        reply = follow_news_reply(sessions, venue=catalog.current.schedule.zone, viewer=zones.known(user_id))
        try:
            direct.post(user_id, reply, follow_news_metadata(user_id, sessions))
        except (SlackApiError, SlackClientError, OSError) as problem:
            log.warning("follow news to %s failed: %s", user_id, error_code(problem))

    follows = Follows(catalog, store, ledger, clock.now, told=tell_followed)
    upnext = UpNext(catalog, AnnouncementsTable(store), ledger, clock)
    upnext.refresh()
    page = HomePage(catalog, store, ledger, clock, zones, config.public_url)
    home = HomeTabs(client, page.render, HomeTabsTable(store), budgets, clock.now)

    def after_reload(user_id: str | None, among: list) -> int:  # new and moved sessions: posts, followers
        upnext.replan(among)
        return follows.after_reload(among)

    reloader = Reloader(
        config.schedule_path, config.conference_tz, catalog, ledger, store, direct, clock, zones.known,
        admin_notices, source=source, after_reload=after_reload, content_changed=home.changed_everyone,
    )  # fmt: skip
    digests = DigestPoster(
        store, catalog, client, direct, clock, dispatcher.worker, config.digest_channel, config.digest_time,
        admin_notices, lease,
    )  # fmt: skip
    scheduler = new_scheduler()

    def digest_changed() -> None:  # the digest's time changed: move its cron job
        schedule_digest(scheduler, digests, catalog)

    service = ConfService(
        catalog,
        store,
        clock,
        ledger,
        reload=reloader.reload,
        digests=digests,
        follows=follows,
        upnext=upnext,
        viewer_zone=zones,
        admins=config.admin_user_ids,
        public_url=config.public_url,
        digest_changed=digest_changed,
        rate_limited=limited.snapshot,
        home_changed=home.changed,
    )
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="bolt-listener")
    if verify_slack:
        check_slack(config)
    app = build_app(service, home, client, config.signing_secret, executor, verify_token=verify_slack)
    return Bot(
        config, clock, catalog, store, client, service, app, executor, ledger, dispatcher, reloader, digests, scheduler,
        zones, home,
    )  # fmt: skip
