"""Storage: the database (SQLite, or PostgreSQL with DATABASE_URL), its migrations, one
repository per table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.store.database import SqliteStore, Store


def open_store(path: str | Path, url: str = "", clock: Callable[[], datetime] | None = None) -> Store:
    """PostgreSQL when `url` (DATABASE_URL) is set, else the SQLite file at `path`."""
    if url:
        from bot.store.postgres import PostgresStore  # psycopg loads only where it is used

        return PostgresStore(url, clock=clock)
    return SqliteStore(path, clock=clock)
