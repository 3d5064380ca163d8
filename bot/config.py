"""Settings, read from the environment once at start and validated.

A bad or missing setting raises ConfigError whose message is one line naming it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

from bot.schedule.zones import zone_named


def parse_clock(text: str) -> time | None:
    """`08:00` or `8:00` (24-hour) as a time of day; None when it is not one."""
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


BUNDLED_SCHEDULE = Path(__file__).resolve().parent.parent / "data" / "kubecon-na-2022.md"
DEFAULT_API_URL = "https://slack.com/api/"
# A 5,000-session schedule is about 2 MB of Markdown; this leaves room for ten of them,
# while the download, its copy and the parse stay small beside a 512 MB host.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # a port that is no number or out of range
        return False


class ConfigError(ValueError):
    """One line naming the setting and what is wrong with it."""


@dataclass(frozen=True)
class Config:
    bot_token: str = ""
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = DEFAULT_API_URL
    schedule_path: Path = BUNDLED_SCHEDULE
    conference_tz: str | None = None
    database_path: Path = Path("confbot.db")
    database_url: str = ""  # postgresql://…: all state in PostgreSQL (wins over database_path)
    database_pool_size: int = 20  # PostgreSQL connections per process, at most
    reminder_minutes: int = 10
    digest_channel: str | None = None
    digest_time: time = time(8, 0)
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    port: int = 3000
    schedule_url: str | None = None
    schedule_refresh_minutes: int = 10
    schedule_fetch_seconds: int = 30  # the whole download of SCHEDULE_URL, start-up included
    schedule_max_bytes: int = DEFAULT_MAX_BYTES
    public_url: str | None = None  # where `serve` is reachable, for agenda feed links
    reminder_tick_seconds: float = 1.0  # how often due reminders are looked for
    reminder_lease_seconds: float = 10.0  # a silent process's claims are taken over after this
    reminder_senders: int = 32  # reminder posts in flight at once: a Slack round trip is tens of ms
    reminder_lookahead_seconds: float = 1.0  # claim this far ahead, post at the due second
    clock_offset_seconds: float = 0.0  # tests only: this host's clock is off by this much

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    def __repr__(self) -> str:  # never print secrets
        hidden = {"bot_token", "signing_secret", "app_token", "database_url"}  # a URL may carry a password
        shown = ", ".join(
            f"{name}={'***' if name in hidden and getattr(self, name) else getattr(self, name)!r}"
            for name in self.__dataclass_fields__
        )
        return f"Config({shown})"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, for_serve: bool = True) -> Config:
        """Read and check every setting; `for_serve` demands the Slack secrets."""

        def get(name: str) -> str:
            return env.get(name, "").strip()

        bot_token, app_token, signing_secret = (
            get("SLACK_BOT_TOKEN"),
            get("SLACK_APP_TOKEN"),
            get("SLACK_SIGNING_SECRET"),
        )
        if for_serve:
            if not bot_token:
                raise ConfigError("SLACK_BOT_TOKEN is required (the bot token, xoxb-…)")
            if not app_token and not signing_secret:
                raise ConfigError(
                    "SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)"
                )
        if for_serve and not re.fullmatch(r"xoxb-[A-Za-z0-9-]+", bot_token):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

        api_url = get("SLACK_API_URL") or DEFAULT_API_URL
        if not re.match(r"^https?://[^\s/]+", api_url):
            raise ConfigError(f"SLACK_API_URL must be an http(s) URL, not {api_url!r}")
        if not api_url.endswith("/"):
            api_url += "/"

        conference_tz = get("CONFERENCE_TZ") or None
        if conference_tz:
            try:
                zone_named(conference_tz)
            except ValueError as problem:
                raise ConfigError(f"CONFERENCE_TZ: {problem}") from None

        schedule_url = get("SCHEDULE_URL") or None
        if schedule_url and not _is_http_url(schedule_url):
            raise ConfigError(f"SCHEDULE_URL must be an http(s) URL, not {schedule_url!r}")

        database_url = get("DATABASE_URL")
        if database_url and not re.match(r"^postgres(ql)?://", database_url):
            # The value itself is not shown: it may carry a password.
            raise ConfigError("DATABASE_URL must be a PostgreSQL URL: postgresql://USER:PASSWORD@HOST:PORT/DATABASE")

        public_url = get("PUBLIC_URL").rstrip("/") or None
        if public_url and not re.match(r"^https?://[^\s/]+", public_url):
            raise ConfigError(f"PUBLIC_URL must be an http(s) URL, not {public_url!r}")

        refresh_minutes = _whole_number(env, "SCHEDULE_REFRESH_MINUTES", 10, lowest=1, highest=7 * 24 * 60)
        fetch_seconds = _whole_number(env, "SCHEDULE_FETCH_SECONDS", 30, lowest=1, highest=600)
        if schedule_url and fetch_seconds >= refresh_minutes * 60:  # one refresh would hold up the next
            raise ConfigError(
                f"SCHEDULE_FETCH_SECONDS ({fetch_seconds}) must be shorter than SCHEDULE_REFRESH_MINUTES "
                f"({refresh_minutes} min)"
            )

        return cls(
            public_url=public_url,
            bot_token=bot_token,
            signing_secret=signing_secret,
            app_token=app_token,
            api_url=api_url,
            schedule_path=Path(get("SCHEDULE_PATH")) if get("SCHEDULE_PATH") else BUNDLED_SCHEDULE,
            conference_tz=conference_tz,
            database_path=Path(get("DATABASE_PATH") or "confbot.db"),
            database_url=database_url,
            database_pool_size=_whole_number(env, "DATABASE_POOL_SIZE", 20, lowest=2, highest=500),
            reminder_minutes=_whole_number(env, "REMINDER_MINUTES", 10, lowest=0, highest=24 * 60),
            digest_channel=get("DIGEST_CHANNEL") or None,
            digest_time=_clock_time(env, "DIGEST_TIME", time(8, 0)),
            admin_user_ids=frozenset(u.strip() for u in get("ADMIN_USER_IDS").split(",") if u.strip()),
            port=_whole_number(env, "PORT", 3000, lowest=1, highest=65535),
            schedule_url=schedule_url,
            schedule_refresh_minutes=refresh_minutes,
            schedule_fetch_seconds=fetch_seconds,
            schedule_max_bytes=_whole_number(env, "SCHEDULE_MAX_BYTES", DEFAULT_MAX_BYTES, lowest=1024, highest=2**31),
            reminder_tick_seconds=_seconds(env, "REMINDER_TICK_SECONDS", 1.0),
            reminder_lease_seconds=_seconds(env, "REMINDER_LEASE_SECONDS", 10.0),
            reminder_senders=_whole_number(env, "REMINDER_SENDERS", 32, lowest=1, highest=64),
            reminder_lookahead_seconds=_seconds(env, "REMINDER_LOOKAHEAD_SECONDS", 1.0, lowest=0.0),
            clock_offset_seconds=_clock_offset(env),
        )


def _whole_number(env: Mapping[str, str], name: str, default: int, *, lowest: int, highest: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d+", raw) or not lowest <= int(raw) <= highest:
        raise ConfigError(f"{name} must be a whole number from {lowest} to {highest}, not {raw!r}")
    return int(raw)


def _clock_offset(env: Mapping[str, str]) -> float:
    """CLOCK_OFFSET_SECONDS (tests): a host clock this far off, either way, up to a day."""
    raw = env.get("CLOCK_OFFSET_SECONDS", "").strip()
    try:
        value = float(raw or 0)
    except ValueError:
        value = float("nan")
    if not -86400 <= value <= 86400:
        raise ConfigError(f"CLOCK_OFFSET_SECONDS must be seconds from -86400 to 86400, not {raw!r}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, lowest: float = 0.05) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not lowest <= value <= 3600:
        raise ConfigError(f"{name} must be a number of seconds from {lowest:g} to 3600, not {raw!r}")
    return value


def _clock_time(env: Mapping[str, str], name: str, default: time) -> time:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    parsed = parse_clock(raw)
    if parsed is None:
        raise ConfigError(f"{name} must be a time of day as HH:MM (24-hour), not {raw!r}")
    return parsed
