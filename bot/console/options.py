"""The console's command-line values, checked as argparse reads them: a bad one is a
one-line error naming the option, before anything starts."""

from __future__ import annotations

import argparse
import math
from datetime import datetime, tzinfo

from bot.schedule.zones import zone_named

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
    """`--at` in the venue's zone (an offset given with it is kept); None for "now"."""
    if moment is None:
        return None
    return moment.replace(tzinfo=venue) if moment.tzinfo is None else moment
