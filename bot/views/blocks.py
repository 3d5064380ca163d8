"""Block Kit replies. Pure: data in, JSON-ready dicts out.

Everything that came from a user or a schedule goes through `escape`, so a title such
as `<!channel> hi` is shown, never acted on. Lists are cut to stay inside Slack's
limits (50 blocks a message, 3,000 characters a text) and say what was left out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from bot.schedule.model import Session
from bot.views.limits import MAX_BLOCKS, MAX_FALLBACK, clip, fit_blocks
from bot.words import plural

LIST_LIMIT = 20  # sessions per reply: a readable screen, far inside MAX_BLOCKS
SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"


# A user's own time zone, when their profile says one (Slack's users.info).
ZoneLookup = Callable[[str], tzinfo | None]


@dataclass(frozen=True)
class Reply:
    """A message: fallback text and blocks, always within Slack's limits."""

    text: str
    blocks: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clip(self.text, MAX_FALLBACK))
        object.__setattr__(self, "blocks", fit_blocks(self.blocks))

    def as_ephemeral(self) -> dict:
        return {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Slack's three control characters, so user and schedule text never pings or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _web_url(url: str | None) -> str | None:
    """An http(s) URL made safe inside Slack's `<…>`; None for anything else."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    return url.replace("<", "%3C").replace(">", "%3E").replace("|", "%7C").replace(" ", "%20")


def link(url: str | None, label: str) -> str:
    safe_url = _web_url(url)
    if safe_url is None:
        return escape(label)
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def link_line(session: Session) -> str:
    """`*Link:* <URL>`: the talk page spelled out, so it shows wherever the title's link
    does not (plain-text notifications, the console); empty when the session has none."""
    safe_url = _web_url(session.url)
    return f"*Link:* <{safe_url}>" if safe_url else ""


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes left, rounded up: 2 min 10 s is 3 (a talk "in 2 minutes" that starts
    in nearly 3 would be early by one); 0 only when the moment has come."""
    return max(0, math.ceil((moment - now).total_seconds() / 60))


def starts_in(moment: datetime, now: datetime) -> str:
    """`now`, `in 1 minute`, `in 3 minutes`: the one way a countdown is said."""
    minutes = minutes_until(moment, now)
    return "now" if minutes == 0 else f"in {plural(minutes, 'minute')}"


def _same_offset(moment: datetime, zone_a: tzinfo, zone_b: tzinfo) -> bool:
    return moment.astimezone(zone_a).utcoffset() == moment.astimezone(zone_b).utcoffset()


def when(session: Session, venue: tzinfo, viewer: tzinfo | None = None, with_day: bool = True) -> str:
    """`Mon 24 Oct 09:15–09:20 EDT`, plus the viewer's own time when their zone differs."""
    start, end = session.start.astimezone(venue), session.end.astimezone(venue)
    day = f"{start:%a} {start.day} {start:%b} " if with_day else ""
    text = f"{day}{start:%H:%M}–{end:%H:%M} {start:%Z}"
    if viewer is not None and not _same_offset(session.start, venue, viewer):
        mine_start, mine_end = session.start.astimezone(viewer), session.end.astimezone(viewer)
        mine_day = f"{mine_start:%a} " if mine_start.date() != start.date() else ""
        text += f" ({mine_day}{mine_start:%H:%M}–{mine_end:%H:%M} {mine_start:%Z} your time)"
    return text


def speakers_line(session: Session) -> str:
    return ", ".join(escape(f"{p.name} ({p.affiliation})" if p.affiliation else p.name) for p in session.speakers)


def subscribe_button(session: Session, subscribed: bool) -> dict:
    if subscribed:
        return {
            "type": "button",
            "action_id": UNSUBSCRIBE,
            "value": session.id,
            "text": {"type": "plain_text", "text": "Unsubscribe"},
        }
    return {
        "type": "button",
        "action_id": SUBSCRIBE,
        "value": session.id,
        "style": "primary",
        "text": {"type": "plain_text", "text": "Subscribe"},
    }


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}  # Reply fits every text to Slack's limits


def section(text: str, **extra) -> dict:
    """A section of mrkdwn `text`; `extra`: a block_id, an accessory."""
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(text: str) -> dict:
    """A context block: one line of small mrkdwn."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def session_section(
    session: Session, subscribed: bool, venue: tzinfo, viewer: tzinfo | None, with_day: bool = True, block_id: str = ""
) -> dict:
    lines = [f"*{link(session.url, session.title)}*"]
    details = [when(session, venue, viewer, with_day)]
    if session.track:
        details.append(escape(session.track))
    if session.location and session.location != session.track:
        details.append(escape(session.location))
    details.append(f"`{escape(session.id)}`")
    lines.append(" · ".join(details))
    if session.speakers:
        lines.append(speakers_line(session))
    if subscribed:
        lines[0] += "  :white_check_mark:"
    block = section("\n".join(lines), accessory=subscribe_button(session, subscribed))
    if block_id:
        block["block_id"] = block_id[:255]
    return block


def _plain_line(session: Session, venue: tzinfo) -> str:
    start = session.start.astimezone(venue)
    return escape(f"{start:%a %H:%M} {session.title} [{session.id}]")


def _command_block_id(command_text: str | None) -> str:
    """The first block remembers the command, so a button click can re-run it."""
    return ("conf:" + (command_text or ""))[:255]


def session_list(
    heading: str,
    sessions: Sequence[Session],
    *,
    subscribed: Iterable[str],
    venue: tzinfo,
    viewer: tzinfo | None = None,
    command_text: str | None = None,
    narrow_hint: str = "",
    note: str = "",
    limit: int = LIST_LIMIT,
    with_day: bool = True,
    total: int | None = None,
) -> Reply:
    """A heading and one section per session, cut to `limit` with a count of the rest
    (of `total`, when `sessions` is already only the first of them)."""
    subscribed = {s.casefold() for s in subscribed}
    shown = list(sessions[:limit])
    blocks: list[dict] = [
        section(heading, block_id=_command_block_id(command_text)),
    ]
    if note:
        blocks.append(context(note))
    for number, session in enumerate(shown):
        block_id = f"s{number}:{command_text}" if command_text is not None else ""
        blocks.append(session_section(session, session.id.casefold() in subscribed, venue, viewer, with_day, block_id))
    left_out = (len(sessions) if total is None else total) - len(shown)
    if left_out:
        hint = f" {narrow_hint}" if narrow_hint else ""
        blocks.append(context(f"…and {left_out} more not shown.{hint}"))
    plain = [_stripmrkdwn(heading)] + [_plain_line(s, venue) for s in shown]
    if left_out:
        plain.append(f"…and {left_out} more")
    return Reply(text="\n".join(plain), blocks=blocks)


def session_detail(
    session: Session,
    *,
    subscribed: Iterable[str],
    venue: tzinfo,
    viewer: tzinfo | None = None,
    overlaps: Sequence[Session] = (),
    command_text: str | None = None,
) -> Reply:
    """One session in full; sessions at the same time follow, each with its button."""
    mine = {i.casefold() for i in subscribed}
    is_mine = session.id.casefold() in mine
    blocks: list[dict] = [
        {
            "type": "section",
            "block_id": _command_block_id(command_text),
            "text": mrkdwn(f"*{link(session.url, session.title)}*"),
            "accessory": subscribe_button(session, is_mine),
        }
    ]
    facts = [f"*When:* {when(session, venue, viewer)}"]
    if session.speakers:
        facts.append(f"*Speakers:* {speakers_line(session)}")
    if session.track:
        facts.append(f"*Track:* {escape(session.track)}")
    if session.location:
        facts.append(f"*Where:* {escape(session.location)}")
    if link_line(session):
        facts.append(link_line(session))
    facts.append(f"*Id:* `{escape(session.id)}`" + ("  ·  subscribed :white_check_mark:" if is_mine else ""))
    blocks.append(section("\n".join(facts)))
    if session.abstract:
        blocks.append(section(escape(session.abstract)))
    if overlaps:
        more = f" (and {len(overlaps) - 5} more)" if len(overlaps) > 5 else ""
        blocks.append(context(f"*At the same time*{more}"))
        for number, other in enumerate(overlaps[:5]):
            block_id = f"s{number}:{command_text}" if command_text is not None else ""
            blocks.append(session_section(other, other.id.casefold() in mine, venue, viewer, True, block_id))
    text = escape(f"{session.title} [{session.id}] {when(session, venue, viewer)}")
    return Reply(text=text, blocks=blocks)


def notice(text: str, *, command_text: str | None = None, detail: str = "") -> Reply:
    """A short answer in mrkdwn; callers escape what came from users."""
    blocks = [section(text, block_id=_command_block_id(command_text))]
    if detail:
        blocks.append(context(detail))
    plain = _stripmrkdwn(text) + (f"\n{_stripmrkdwn(detail)}" if detail else "")
    return Reply(text=plain, blocks=blocks)


def _stripmrkdwn(text: str) -> str:
    """The fallback `text` is mrkdwn too: keep the escapes, drop the emphasis."""
    return text.replace("*", "").replace("`", "")


def reminder_reply(sessions: Sequence[Session], *, venue: tzinfo, viewer: tzinfo | None, now: datetime) -> Reply:
    """The DM before subscribed sessions start: one section each (room, link, unsubscribe).
    One session: the heading says when, once. Several: the heading counts them and each
    says its own countdown."""
    first = min(s.start for s in sessions)
    soon = starts_in(first, now)
    if len(sessions) == 1:
        heading = f":alarm_clock: *Starts {soon}*"
    else:
        heading = f":alarm_clock: *{len(sessions)} of your sessions start {soon}*"
    blocks: list[dict] = [section(heading)]
    for session in list(sessions)[: MAX_BLOCKS - 1]:
        block = session_section(session, True, venue, viewer, with_day=False)
        extra = [link_line(session)] if link_line(session) else []
        if len(sessions) > 1:
            extra.append(f"starts {starts_in(session.start, now)}")
        block["text"]["text"] = "\n".join([block["text"]["text"], *extra])
        blocks.append(block)
    plain = "; ".join(escape(f"{s.title} starts {starts_in(s.start, now)}") for s in sessions)
    return Reply(text=plain, blocks=blocks)


def upnext_reply(sessions: Sequence[Session], *, venue: tzinfo, now: datetime) -> Reply:
    """A channel's "up next" post: what starts here soon, each with a Subscribe button
    that works for whoever presses it."""
    soon = starts_in(min(s.start for s in sessions), now)
    heading = f":loudspeaker: *Up next, starting {soon}*"
    blocks: list[dict] = [section(heading)]
    for session in list(sessions)[: MAX_BLOCKS - 1]:
        blocks.append(session_section(session, False, venue, None, with_day=False))
    plain = "; ".join(escape(f"{s.title} starts {soon}") for s in sessions)
    return Reply(text=f"Up next: {plain}", blocks=blocks)


def change_reply(before: Session, after: Session | None, *, venue: tzinfo, viewer: tzinfo | None) -> Reply:
    """A subscribed session moved (old time → new time) or left the schedule."""
    title = link(before.url, before.title)
    where = f" · {escape(after.location)}" if after is not None and after.location else ""
    if after is None:
        text = (
            f":warning: *{title}* (`{escape(before.id)}`) was removed from the schedule. "
            f"It was {when(before, venue, viewer)}."
        )
        plain = escape(f"{before.title} was removed from the schedule")
    elif before.start == after.start and before.end == after.end:
        text = (
            f":information_source: *{title}* (`{escape(after.id)}`) is back on the schedule: "
            f"{when(after, venue, viewer)}{where}."
        )
        plain = escape(f"{after.title} is back on the schedule: {when(after, venue, viewer)}")
    else:
        text = (
            f":arrows_counterclockwise: *{title}* (`{escape(after.id)}`) moved: "
            f"~{when(before, venue, viewer)}~ → *{when(after, venue, viewer)}*{where}. Your reminder moved with it."
        )
        plain = escape(f"{before.title} moved: {when(before, venue, viewer)} → {when(after, venue, viewer)}")
    blocks = [section(text)]
    return Reply(text=plain, blocks=blocks)


def sessions_count(count: int) -> str:
    return plural(count, "session")
