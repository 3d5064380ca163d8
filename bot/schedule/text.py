"""Text helpers the schedule readers share. Pure."""

from __future__ import annotations

import re
from datetime import timedelta

_ISO_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


def fold(text: str) -> str:
    """Case and white space folded, for comparing texts."""
    return " ".join(text.casefold().split())


def join_distinct(parts: list[str]) -> str:
    """Non-empty parts, one blank line apart, skipping a part another already holds
    (an abstract that the description repeats, a subtitle inside the abstract)."""
    kept: list[str] = []
    for part in parts:
        if not part:
            continue
        folded = fold(part)
        if any(folded in fold(other) for other in parts if other and other is not part and len(other) > len(part)):
            continue
        if any(folded == fold(other) for other in kept):
            continue
        kept.append(part)
    return "\n\n".join(kept)


def parse_duration(value: str) -> timedelta | None:
    """`HH:MM`, `HH:MM:SS` (zero-padded hours), `D:HH:MM`, or ISO `PT1H30M`; else None."""
    value = value.strip()
    iso = _ISO_DURATION.match(value)
    if iso and value.upper() not in ("P", "PT"):
        days, hours, minutes, seconds = (int(part or 0) for part in iso.groups())
        return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    numbers = [int(part) for part in parts]
    if len(parts) == 2:
        hours, minutes = numbers
        return timedelta(hours=hours, minutes=minutes) if minutes < 60 else None
    # Three parts: `01:30:00` is hours, minutes, seconds; a day count is never zero-padded.
    if len(parts[0]) == 2 and numbers[0] < 24 and numbers[1] < 60 and numbers[2] < 60:
        return timedelta(hours=numbers[0], minutes=numbers[1], seconds=numbers[2])
    days, hours, minutes = numbers
    if hours < 24 and minutes < 60:
        return timedelta(days=days, hours=hours, minutes=minutes)
    return None
