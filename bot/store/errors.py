"""When the database cannot take a write: busy (another process holds the lock past the
busy timeout), full, read-only or broken. One exception with what to tell people, so
a command answers clearly and a job logs one line instead of a traceback."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import psycopg
from psycopg import errors as pg

DatabaseError = psycopg.Error  # PostgreSQL's errors, all of them


def first_line(error: Exception) -> str:
    """An error's message in one line (PostgreSQL's run on with DETAIL and CONTEXT lines)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


_ADVICE = {
    "busy": "The database is busy right now, so nothing was changed. Try again in a moment.",
    "full": "I can't save anything: the database's disk is full. Nothing was changed; the bot's log says more.",
    "read-only": "I can't save anything: the database is read-only. Nothing was changed; the bot's log says more.",
    "broken": "I can't save anything: the database failed. Nothing was changed; the bot's log says more.",
}


class StoreUnavailable(Exception):
    """The database refused the work; `kind` is busy, full, read-only or broken."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"database {kind}: {detail}")
        self.kind = kind

    @property
    def advice(self) -> str:
        return _ADVICE[self.kind]


def kind_of(error: sqlite3.Error) -> str:
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "busy"
    if name.startswith("SQLITE_FULL") or "full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "read-only"
    return "broken"


def postgres_kind_of(error: psycopg.Error) -> str:
    transient = (pg.LockNotAvailable, pg.QueryCanceled, pg.DeadlockDetected, pg.SerializationFailure)
    restarting = (pg.AdminShutdown, pg.CannotConnectNow, pg.CrashShutdown)  # back in a moment
    if isinstance(error, transient + restarting):
        return "busy"
    if type(error).__name__ == "PoolTimeout":  # every connection in use past the wait
        return "busy"
    if isinstance(error, pg.DiskFull | pg.OutOfMemory):
        return "full"
    if isinstance(error, pg.ReadOnlySqlTransaction):
        return "read-only"
    return "broken"


_POSTGRES_TROUBLE = (psycopg.OperationalError, pg.ReadOnlySqlTransaction, pg.DiskFull, pg.DeadlockDetected)


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Turns the databases' operational errors (not the bugs: integrity, programming)
    into StoreUnavailable."""
    try:
        yield
    except sqlite3.OperationalError as error:
        raise StoreUnavailable(kind_of(error), str(error)) from None
    except _POSTGRES_TROUBLE as error:
        raise StoreUnavailable(postgres_kind_of(error), str(error).strip()) from None
