"""The bot's Home tab: a person's day at a glance. Pure: what to show in, a view out.

Slack allows 100 blocks in a Home view; every list here is capped so the whole stays
well inside, and says how many it left out and where to see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.schedule.model import Session
from bot.views.blocks import context, escape, link, minutes_until, section, session_section, starts_in, when
from bot.views.limits import fit_blocks
from bot.words import plural

MAX_HOME_BLOCKS = 100
MINE_SHOWN = 20  # today's subscribed sessions
OTHERS_SHOWN = 6  # running now, and starting next, each
FOLLOWS_SHOWN = 15
LEAD_CHOICES = (5, 10, 15, 30)  # minutes; "off" besides
LEAD_TIME, UNFOLLOW = "home_lead_time", "home_unfollow"
COUNTDOWN_HOUR = timedelta(hours=1)  # within it, the countdown is kept fresh …
COUNTDOWN_STEP = timedelta(minutes=5)  # … to five minutes


@dataclass(frozen=True)
class HomeContent:
    """Everything the Home tab shows one person, decided by the caller."""

    title: str
    now: datetime
    venue: tzinfo
    viewer: tzinfo | None
    days: Sequence[date]
    subscribed: frozenset[str]
    now_mine: Sequence[Session]  # the person's subscribed sessions running now
    next_mine: Session | None  # the person's next subscribed session not started yet
    today_mine: Sequence[Session]
    running: Sequence[Session]  # everything running now
    upcoming: Sequence[Session]  # everything starting next, today
    lead_minutes: int | None  # None: reminders off
    follows: Sequence[tuple[str, str]] = ()  # (kind, value)
    feed_url: str | None = None
    mine_total: int = 0

    def fresh_until(self) -> datetime:
        """When what the tab says stops being true: a session it shows starts or ends,
        the day turns, or (within the hour before the next session) its countdown is
        five minutes old."""
        moments = [s.start for s in self.upcoming] + [s.end for s in (*self.running, *self.now_mine)]
        if self.next_mine is not None:
            moments.append(self.next_mine.start)
            if self.next_mine.start - self.now <= COUNTDOWN_HOUR:
                moments.append(self.now + COUNTDOWN_STEP)
        local = self.now.astimezone(self.venue)
        moments.append(datetime.combine(local.date() + timedelta(days=1), time(), local.tzinfo))
        return min(m for m in moments if m > self.now)


def countdown(session: Session, now: datetime, venue: tzinfo) -> str:
    """`starts in 25 minutes (10:40)`, `starts now`, `starts in 2 hours 5 minutes (12:35)`,
    `starts Tue 25 Oct at 09:00`: the clock time too, so the line stays true as it ages."""
    start = session.start.astimezone(venue)
    minutes = minutes_until(session.start, now)
    if minutes == 0:
        return "starts now"
    if minutes < 60:
        return f"starts {starts_in(session.start, now)} ({start:%H:%M})"
    hours, rest = divmod(minutes, 60)
    if hours < 24 and start.date() == now.astimezone(venue).date():
        return (
            f"starts in {plural(hours, 'hour')}" + (f" {plural(rest, 'minute')}" if rest else "") + f" ({start:%H:%M})"
        )
    return f"starts {start:%a} {start.day} {start:%b} at {start:%H:%M}"


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def _sessions(sessions: Sequence[Session], content: HomeContent, shown: int, kind: str) -> list[dict]:
    blocks = [
        session_section(
            session,
            session.id.casefold() in content.subscribed,
            content.venue,
            content.viewer,
            with_day=False,
            block_id=f"home:{kind}:{session.id}",
        )
        for session in sessions[:shown]
    ]
    if len(sessions) > shown:
        blocks.append(context(f"…and {len(sessions) - shown} more."))
    return blocks


def _facts(session: Session, content: HomeContent) -> dict:
    details = [when(session, content.venue, content.viewer)]
    if session.location:
        details.append(escape(session.location))
    details.append(f"`{escape(session.id)}`")
    return context(" · ".join(details))


def _next_block(content: HomeContent) -> list[dict]:
    blocks = []
    for session in content.now_mine[:3]:
        until = session.end.astimezone(content.venue)
        blocks.append(section(f"*Now:* {link(session.url, session.title)} — *running until {until:%H:%M}*"))
        blocks.append(_facts(session, content))
    session = content.next_mine
    if session is not None:
        soon = countdown(session, content.now, content.venue)
        blocks.append(section(f"*Your next session:* {link(session.url, session.title)} — *{soon}*"))
        blocks.append(_facts(session, content))
    elif content.mine_total and not content.now_mine:
        blocks.append(section("*Your next session:* none left — all your sessions are over."))
    elif not content.mine_total:
        blocks.append(section("*Your next session:* you have not subscribed to any session yet."))
        blocks.append(context("Find one with `/conf search …` or `/conf today` and press *Subscribe*."))
    return blocks


def _today(content: HomeContent) -> list[dict]:
    today = content.now.astimezone(content.venue).date()
    if today not in content.days:
        days = ", ".join(f"{d:%a} {d.day} {d:%b}" for d in content.days)
        return [section(f"*Today:* no sessions. Conference days: {days or 'none'}.")]
    blocks = [section(f"*Today, {today:%A} {today.day} {today:%B}* — your sessions")]
    if content.today_mine:
        blocks += _sessions(content.today_mine, content, MINE_SHOWN, "mine")
    else:
        blocks.append(context("None today. Subscribe to a session below, or `/conf today`."))
    if content.running:
        blocks.append(section(f"*Running now* ({len(content.running)})"))
        blocks += _sessions(content.running, content, OTHERS_SHOWN, "now")
    if content.upcoming:
        blocks.append(section("*Starting next*"))
        blocks += _sessions(content.upcoming, content, OTHERS_SHOWN, "next")
    return blocks


def _lead_option(minutes: int | None) -> dict:
    label = "Off" if minutes is None else f"{plural(minutes, 'minute')} before"
    return {"text": {"type": "plain_text", "text": label}, "value": "off" if minutes is None else str(minutes)}


def _reminders(content: HomeContent) -> list[dict]:
    minutes = sorted({*LEAD_CHOICES, content.lead_minutes} - {None})  # `/conf remind 20` stays selectable
    choices = [None, *minutes]
    select = {
        "type": "static_select",
        "action_id": LEAD_TIME,
        "options": [_lead_option(m) for m in choices],
        "initial_option": _lead_option(content.lead_minutes),
    }
    return [section("*Reminders:* a DM before each session you subscribed to", accessory=select)]


def _follow_label(kind: str, value: str) -> str:
    return f"{kind} “{escape(value)}”" if kind != "text" else f"words “{escape(value)}”"


def _follows(content: HomeContent) -> list[dict]:
    if not content.follows:
        return [
            section("*You follow:* nothing yet."),
            context("`/conf follow track security` subscribes you to a whole track, now and later."),
        ]
    blocks = [section("*You follow*")]
    for number, (kind, value) in enumerate(content.follows[:FOLLOWS_SHOWN]):
        remove = {
            "type": "button",
            "action_id": UNFOLLOW,
            "value": f"{kind}:{value}",
            "text": {"type": "plain_text", "text": "Stop following"},
        }
        blocks.append(section(_follow_label(kind, value), block_id=f"home:follow:{number}", accessory=remove))
    if len(content.follows) > FOLLOWS_SHOWN:
        blocks.append(context(f"…and {len(content.follows) - FOLLOWS_SHOWN} more: `/conf follows`."))
    return blocks


def _calendar(content: HomeContent) -> list[dict]:
    if content.feed_url:
        text = f"*Your calendar feed:* <{content.feed_url}|subscribe in your calendar app> (private: do not share it)"
    else:
        text = "*Your calendar feed:* `/conf ics` gives its address."
    return [section(text)]


def home_view(content: HomeContent) -> dict:
    """The `home` view for views.publish, within Slack's 100 blocks."""
    blocks: list[dict] = [_header(content.title or "Conference")]
    blocks += _next_block(content)
    blocks.append({"type": "divider"})
    blocks += _today(content)
    if content.mine_total > len(content.today_mine):
        blocks.append(context(f"{plural(content.mine_total, 'session')} in your agenda in all: `/conf mine`."))
    blocks.append({"type": "divider"})
    blocks += _reminders(content)
    blocks += _follows(content)
    blocks += _calendar(content)
    updated = content.now.astimezone(content.venue)
    blocks.append(context(f"Updated {updated:%a %H:%M %Z}. `/conf help` for everything else."))
    return {"type": "home", "blocks": fit_blocks(blocks, MAX_HOME_BLOCKS)}
