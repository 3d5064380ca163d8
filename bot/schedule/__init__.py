"""The schedule core: model and loaders. Pure apart from `load_schedule` reading a file.

Formats, by extension, else by content: Markdown with YAML front matter (`.md`),
frab/Pentabarf XML (`.xml`), frab/pretalx schedule JSON (`.json`), iCalendar (`.ics`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .frab import load_frab
from .ics import decode_ics, load_ics
from .markdown import load_markdown
from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError
from .schedule_json import load_schedule_json

__all__ = ["Problem", "Schedule", "ScheduleError", "Session", "Speaker", "load_schedule", "parse_schedule"]

Loader = Callable[[str, str, str | None], tuple[Schedule, list[Problem]]]
_LOADERS: dict[str, Loader] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".xml": load_frab,
    ".json": load_schedule_json,
    ".ics": load_ics,
}


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
    return _LOADERS[fmt](path, text, default_zone)


def load_schedule(path: str | Path, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Read and parse the schedule file at `path`. Raises ScheduleError."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise ScheduleError([Problem(name, 1, f"cannot read the file: {problem.strerror or problem}")]) from None
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"BEGIN:VCALENDAR"):
        # Some exporters fold iCalendar lines inside a UTF-8 character; the loader rejoins them.
        return parse_schedule(name, decode_ics(raw), default_zone)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise ScheduleError([Problem(name, line, "not UTF-8 text")]) from None
    return parse_schedule(name, text, default_zone)
