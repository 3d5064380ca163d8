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


# Standard and summer time of one region: people write either all year round.
_SEASON_PAIRS = [
    {"PST", "PDT", "PT"}, {"MST", "MDT", "MT"}, {"CST", "CDT", "CT"}, {"EST", "EDT", "ET"},
    {"AKST", "AKDT"}, {"CET", "CEST", "MEZ", "MESZ"}, {"WET", "WEST"}, {"EET", "EEST"},
    {"GMT", "BST"}, {"AEST", "AEDT"}, {"ACST", "ACDT"}, {"NZST", "NZDT"},
]  # fmt: skip
# Where an abbreviation may be meant, for the hint when a file names no zone.
_ZONES_OF = {
    "CET": ("Europe/Paris", "Europe/Berlin", "Europe/Amsterdam", "Europe/Madrid", "Europe/Rome"),
    "WET": ("Europe/Lisbon",), "EET": ("Europe/Athens", "Europe/Helsinki"), "BST": ("Europe/London",),
    "GMT": ("Europe/London", "Etc/UTC"), "UTC": ("Etc/UTC",), "IST": ("Asia/Kolkata", "Europe/Dublin"),
    "ET": ("America/New_York", "America/Toronto"), "CT": ("America/Chicago", "America/Mexico_City"),
    "MT": ("America/Denver", "America/Phoenix"), "PT": ("America/Los_Angeles", "America/Vancouver"),
    "JST": ("Asia/Tokyo",), "KST": ("Asia/Seoul",), "SGT": ("Asia/Singapore",), "MSK": ("Europe/Moscow",),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"), "ACST": ("Australia/Adelaide",),
    "AWST": ("Australia/Perth",), "NZST": ("Pacific/Auckland",), "HST": ("Pacific/Honolulu",),
    "AKST": ("America/Anchorage",),
}  # fmt: skip


def _region(abbreviation: str) -> str:
    """The key of `_ZONES_OF` for an abbreviation (CEST → CET, EDT → ET)."""
    upper = abbreviation.upper()
    for pair in _SEASON_PAIRS:
        if upper in pair:
            return next((name for name in sorted(pair, key=len) if name in _ZONES_OF), upper)
    return upper


def zones_meaning(abbreviation: str, moment: datetime) -> list[str]:
    """IANA zones where `abbreviation` is the clock at `moment`."""
    names = []
    for name in _ZONES_OF.get(_region(abbreviation), ()):
        local = moment.astimezone(ZoneInfo(name))
        hours = _ABBREVIATION_HOURS.get(abbreviation.upper())
        offset = local.utcoffset() or timedelta(0)
        if local.tzname() == abbreviation.upper() or (hours and any(offset == timedelta(hours=h) for h in hours)):
            names.append(name)
    return names


def check_abbreviation(abbreviation: str, moment: datetime, zone: tzinfo, zone_named: bool = True) -> str | None:
    """Raise LineError when `abbreviation` disagrees with `zone`'s offset at `moment`. A
    season slip (PST written in summer for a Pacific venue) is read as the venue's clock
    and returned as a warning."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    upper = abbreviation.upper()
    hours = _ABBREVIATION_HOURS.get(upper)
    if hours is not None:
        if any(offset == timedelta(hours=h) for h in hours):
            return None
    elif local.tzname() == abbreviation:
        return None
    zone_name = getattr(zone, "key", str(zone))
    local_name = local.tzname() or ""
    if zone_named and any(upper in pair and local_name in pair for pair in _SEASON_PAIRS):
        return (
            f"{abbreviation} is written for a time when {zone_name} is on {local_name} "
            f"(UTC{_format_offset(offset)} on {local.date().isoformat()}): read as the venue's clock"
        )
    hint = "fix the time or set the zone (front matter `timezone:` or --tz)"
    if not zone_named:
        candidates = zones_meaning(abbreviation, moment.replace(tzinfo=None).replace(tzinfo=zone))
        if candidates:
            meanings = ", ".join(candidates)
            hint = f"the file names no zone: {abbreviation} there can mean {meanings} (set `timezone:` or --tz)"
    raise LineError(
        f"{abbreviation} does not match the venue zone {zone_name} "
        f"(UTC{_format_offset(offset)} on {local.date().isoformat()}); {hint}"
    )


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"
