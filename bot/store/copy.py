"""`python -m bot db copy --from PATH --to URL`: a SQLite database into PostgreSQL.

One transaction: a failure leaves the target as it was. Rows already there (same key;
a reminder: same person, session and start) are kept, so running it again copies nothing
twice, and a target a bot already used keeps its own rows. The source is opened read-only and
may be of an older schema: the columns it has are copied, the target's migrations make
the rest. The counts `stats` reads are not copied: the target's triggers keep them from
the subscriptions as they arrive. Workers are not copied: they are live processes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.store.errors import DatabaseError, first_line
from bot.store.postgres import PostgresStore

# In an order where nothing refers to what is not there yet (nothing does, but keep it).
TABLES = (
    "settings",
    "user_settings",
    "user_zones",
    "subscriptions",
    "follows",
    "follow_offers",
    "feeds",
    "reminders",
    "notices",
    "digests",
    "announcements",
    "home_tabs",
)
BATCH = 2000


class CopyError(Exception):
    """The copy cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class Copied:
    table: str
    read: int
    added: int


def _source(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise CopyError(f"{path}: no such SQLite database")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as problem:
        connection.close()
        raise CopyError(f"{path}: not a SQLite database ({problem})") from None
    return connection


def _columns(source: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in source.execute(f"PRAGMA table_info({table})")]


def copy_database(path: Path, target: PostgresStore, report: Callable[[Copied], None] = lambda c: None) -> list[Copied]:
    """Copy every table of the SQLite file at `path` into `target`, in one transaction."""
    source = _source(path)
    copied = []
    try:
        with target.transaction() as tx:
            for table in TABLES:
                columns = _columns(source, table)
                if not columns:  # a table an older schema did not have yet
                    continue
                if table == "reminders":  # the target numbers them: its own rows may have those ids
                    columns.remove("id")
                insert = (
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
                    "ON CONFLICT DO NOTHING"
                )
                rows = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
                read = added = 0
                while batch := rows.fetchmany(BATCH):
                    read += len(batch)
                    try:
                        added += tx.executemany(insert, batch)
                    except DatabaseError as refused:  # the transaction rolls back: nothing is copied
                        raise CopyError(f"PostgreSQL refused a row of {table} ({first_line(refused)})") from None
                copied.append(Copied(table, read, added))
    finally:
        source.close()
    for each in copied:
        report(each)
    return copied
