from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.console.standin import SlackStandIn

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCHEDULES = SHARED / "schedules"
SEED = REPO / "data" / "kubecon-na-2022.md"


def free_port() -> int:
    """A port nothing listens on (for a real process to bind, or to find refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_file(relative: str) -> Path:
    """A reference file from ../shared, or skip the test saying why."""
    path = SCHEDULES / relative
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (../shared is not beside this checkout)")
    return path


def session_row(session) -> tuple:
    """What a test compares of a session: title, speaker names, start, end, track, room."""
    return (
        session.title,
        [s.name for s in session.speakers],
        session.start.isoformat(),
        session.end.isoformat(),
        session.track,
        session.location,
    )


@pytest.fixture
def standin():
    with SlackStandIn() as server:
        yield server
