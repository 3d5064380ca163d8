"""Venue zones and the zone abbreviations people write after a time."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .problems import LineError, Problem

# Offsets in hours. Only unambiguous abbreviations: "IST" or "BST" elsewhere than
# Britain would need the venue to decide, so they fall back to the zone's own name.
_ABBREVIATION_HOURS: dict[str, tuple[float, ...]] = {
    "UTC": (0,),
    "GMT": (0,),
    "Z": (0,),
    "WET": (0,),
    "WEST": (1,),
    "BST": (1,),
    "CET": (1,),
    "CEST": (2,),
    "MEZ": (1,),
    "MESZ": (2,),
    "EET": (2,),
    "EEST": (3,),
    "MSK": (3,),
    "EST": (-5,),
    "EDT": (-4,),
    "ET": (-5, -4),
    "CST": (-6,),
    "CDT": (-5,),
    "CT": (-6, -5),
    "MST": (-7,),
    "MDT": (-6,),
    "MT": (-7, -6),
    "PST": (-8,),
    "PDT": (-7,),
    "PT": (-8, -7),
    "AKST": (-9,),
    "AKDT": (-8,),
    "HST": (-10,),
    "JST": (9,),
    "KST": (9,),
    "SGT": (8,),
    "AEST": (10,),
    "AEDT": (11,),
    "ACST": (9.5,),
    "ACDT": (10.5,),
    "AWST": (8,),
    "NZST": (12,),
    "NZDT": (13,),
}


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name`, or ValueError with a clear message."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # "Europe" is a folder of zones
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Paris)") from None


def venue_zone(
    path: str,
    named: str | None,
    named_line: int,
    default_zone: str | None,
    missing: str,
    errors: list[Problem],
    warnings: list[Problem],
) -> ZoneInfo:
    """The zone a file names, else --tz/CONFERENCE_TZ, else UTC with a warning saying
    `missing` (what the file lacks). A name that is no zone is an error at its line."""
    for zone_text, line, prefix in ((named, named_line, ""), (default_zone, 1, "--tz/CONFERENCE_TZ: ")):
        if zone_text:
            try:
                return zone_named(zone_text)
            except ValueError as problem:
                errors.append(Problem(path, line, f"{prefix}{problem}"))
                return ZoneInfo("UTC")
    warnings.append(Problem(path, 1, f"{missing} and no --tz/CONFERENCE_TZ: times are read as UTC"))
    return ZoneInfo("UTC")


def is_zone_abbreviation(token: str) -> bool:
    return token.upper() in _ABBREVIATION_HOURS


def check_abbreviation(abbreviation: str, moment: datetime, zone: tzinfo) -> None:
    """Raise LineError when `abbreviation` disagrees with `zone`'s offset at `moment`."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    hours = _ABBREVIATION_HOURS.get(abbreviation.upper())
    if hours is not None:
        if any(offset == timedelta(hours=h) for h in hours):
            return
    elif local.tzname() == abbreviation:
        return
    zone_name = getattr(zone, "key", str(zone))
    raise LineError(
        f"{abbreviation} does not match the venue zone {zone_name} "
        f"(UTC{_format_offset(offset)} on {local.date().isoformat()}); "
        "fix the time or set the zone (front matter `timezone:` or --tz)"
    )


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
