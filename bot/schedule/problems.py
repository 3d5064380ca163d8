"""Problems found while reading a schedule, each tied to a file and line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ScheduleError(Exception):
    """A schedule that cannot be used. Carries every problem found, in line order."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = sorted(problems, key=lambda p: p.line)
        self.warnings = list(warnings or [])
        super().__init__("\n".join(str(p) for p in self.problems))


class LineError(ValueError):
    """Raised by line-level parsers; the loader adds the path and line number."""
