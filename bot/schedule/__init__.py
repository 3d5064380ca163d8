"""The schedule core: model and loaders. Pure apart from `load_schedule` reading a file."""

from __future__ import annotations

from pathlib import Path

from .markdown import load_markdown
from .model import Schedule, Session, Speaker
from .problems import Problem, ScheduleError

__all__ = ["Problem", "Schedule", "ScheduleError", "Session", "Speaker", "load_schedule", "parse_schedule"]

_LOADERS = {".md": load_markdown, ".markdown": load_markdown}


def parse_schedule(path: str, text: str, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Parse schedule text by the format its path names. Raises ScheduleError."""
    suffix = Path(path).suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        known = ", ".join(sorted(_LOADERS))
        message = f"cannot read {suffix or 'this'} schedules yet (this version reads {known})"
        raise ScheduleError([Problem(path, 1, message)])
    return loader(path, text, default_zone)


def load_schedule(path: str | Path, default_zone: str | None = None) -> tuple[Schedule, list[Problem]]:
    """Read and parse the schedule file at `path`. Raises ScheduleError."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as problem:
        raise ScheduleError([Problem(name, 1, f"cannot read the file: {problem.strerror or problem}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise ScheduleError([Problem(name, line, "not UTF-8 text")]) from None
    return parse_schedule(name, text, default_zone)
