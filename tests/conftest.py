from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.console.standin import SlackStandIn
from tests.postgres import fresh_database, start_server

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


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL cluster for the whole session (see tests/postgres.py)."""
    server = start_server(free_port)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh empty PostgreSQL database for this test: postgresql://confbot@127.0.0.1:PORT/t_N."""
    return fresh_database(postgres_server)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine_settings(request, tmp_path) -> dict:
    """Where a storage test keeps its data, once per engine: the test runs on both.

    {"path": tmp_path / "confbot.db"} for SQLite, {"url": "postgresql://..."} (a fresh empty
    database) for PostgreSQL. The server starts only when a PostgreSQL case runs, so
    `-m "not postgres"` runs the SQLite half without it.
    """
    if request.param == "sqlite":
        return {"path": tmp_path / "confbot.db"}
    return {"url": request.getfixturevalue("postgres_url")}
