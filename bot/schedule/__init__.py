"""The schedule core: model and loaders. Pure apart from `load_schedule` reading a file.

Formats, by extension, else by content: Markdown with YAML front matter (`.md`),
frab/Pentabarf XML (`.xml`), frab/pretalx schedule JSON (`.json`), iCalendar (`.ics`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError

__all__ = ["Problem", "Schedule", "ScheduleError", "Session", "Speaker", "load_schedule", "parse_schedule"]

Loader = Callable[[str, str, str | None], tuple[Schedule, list[Problem]]]
# Each reader is imported when a file of its format is read: a Markdown schedule needs
# neither icalendar nor the XML reader, and start-up is shorter without them.
_LOADERS: dict[str, tuple[str, str]] = {
    ".md": ("markdown", "load_markdown"),
    ".markdown": ("markdown", "load_markdown"),
    ".xml": ("frab", "load_frab"),
    ".json": ("schedule_json", "load_schedule_json"),
    ".ics": ("ics", "load_ics"),
}


def _loader(fmt: str) -> Loader:
    module, name = _LOADERS[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def _format_of(path: str, text: str) -> str | None:
    """The format: what the text plainly starts with, else the file's extension, else
    front matter for Markdown. Content first, so a calendar saved as `.txt` (or served
    as text/plain) still reads as one."""
    start = text.lstrip("\ufeff \t\r\n")[:200]
    if start.startswith("BEGIN:VCALENDAR"):
        return ".ics"
    if start.startswith(("<?xml", "<schedule")):
        return ".xml"
    if start.startswith("{"):
        return ".json"
    suffix = Path(path).suffix.lower()
    if suffix in _LOADERS:
        return suffix
    if start.startswith("---"):
        return ".md"
    return None


def parse_schedule(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse schedule text in the format its path (or its content) names. Raises ScheduleError."""
    fmt = _format_of(path, text)
    if fmt is None:
        known = ", ".join(sorted(_LOADERS))
        message = f"cannot tell this file's format: name it {known} (Markdown, frab XML, schedule JSON, iCalendar)"
        raise ScheduleError([Problem(path, 1, message)])
    return _loader(fmt)(path, text, default_zone)


def load_schedule(path: str | Path, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Read and parse the schedule file at `path`. Raises ScheduleError."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise ScheduleError([Problem(name, 1, f"cannot read the file: {problem.strerror or problem}")]) from None
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"BEGIN:VCALENDAR"):
        # Some exporters fold iCalendar lines inside a UTF-8 character; the loader rejoins them.
        from .ics import decode_ics

        return parse_schedule(name, decode_ics(raw), default_zone)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise ScheduleError([Problem(name, line, "not UTF-8 text")]) from None
    return parse_schedule(name, text, default_zone)
