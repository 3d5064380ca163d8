"""The console's command-line values, checked as argparse reads them: a bad one is a
one-line error naming the option, before anything starts."""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime, timedelta, tzinfo

from bot.schedule.zones import zone_named
from bot.words import plural

AT_FORM = '"YYYY-MM-DD HH:MM" (venue time), e.g. "2022-10-24 09:00"'


def venue_datetime(text: str) -> datetime:
    """`--at`: `2022-10-24 09:00`, or an ISO 8601 form (`2022-10-24T09:00:30-04:00`);
    naive unless it carries an offset (the venue's zone is applied later)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time: use {AT_FORM}") from None


def iana_zone(text: str) -> str:
    """`--user-tz`: the name of an IANA zone such as Europe/Berlin."""
    try:
        return zone_named(text).key
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r}: use an IANA name such as Europe/Berlin"
        ) from None


def speed(text: str) -> float:
    """`--speed`: how many times faster than real time the clock runs (above 0)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a speed: use a number above 0 such as 60")
    return value


def at_venue(moment: datetime | None, venue: tzinfo) -> datetime | None:
    """`--at` as the venue's clocks show it; None for "now". A naive time is read in the
    venue's zone (its first reading when the clocks show it twice; one they skip is read
    as if they had not moved yet, so 02:30 in a skipped hour is 03:30); a time given
    with an offset is the same instant in the venue's zone."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=venue, fold=0)
    return moment.astimezone(UTC).astimezone(venue)  # via UTC: astimezone to its own zone is a no-op


def at_note(moment: datetime | None, venue: tzinfo) -> str:
    """What to tell of a naive `--at` that the venue's clocks skip or show twice, so the
    console's clock never differs from what was typed unsaid; "" for any other."""
    if moment is None or moment.tzinfo is not None:
        return ""
    first, second = moment.replace(tzinfo=venue, fold=0), moment.replace(tzinfo=venue, fold=1)
    shift = second.utcoffset() - first.utcoffset()  # > 0: skipped (spring forward); < 0: twice (fall back)
    if not shift:
        return ""
    typed, zone = f"{moment:%Y-%m-%d %H:%M}", getattr(venue, "key", str(venue))
    start = at_venue(moment, venue)
    if shift > timedelta(0):
        return (
            f"{typed} does not exist in {zone} (the clocks go forward {_span(shift)} that day), "
            f"so the clock starts at {start:%H:%M %Z}."
        )
    return (
        f"{typed} happens twice in {zone} (the clocks go back {_span(-shift)} that day): "
        f"the clock starts at the first, {start:%H:%M %Z}."
    )


def _span(delta: timedelta) -> str:
    """`1 hour`, `30 minutes`, `1 hour 30 minutes`."""
    hours, minutes = divmod(int(delta.total_seconds()) // 60, 60)
    parts = [plural(hours, "hour")] if hours else []
    return " ".join(parts + ([plural(minutes, "minute")] if minutes or not hours else []))
