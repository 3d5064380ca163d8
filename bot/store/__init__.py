"""Storage: the database (SQLite, or PostgreSQL with DATABASE_URL), its migrations, one
repository per table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.store.database import SqliteStore, Store
from bot.store.postgres import POOL_SIZE, PostgresStore


def open_store(
    path: str | Path, url: str = "", clock: Callable[[], datetime] | None = None, pool_size: int = POOL_SIZE
) -> Store:
    """PostgreSQL when `url` (DATABASE_URL) is set, else the SQLite file at `path`."""
    if url:
        return PostgresStore(url, clock=clock, pool_size=pool_size)
    return SqliteStore(path, clock=clock)
