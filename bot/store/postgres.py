"""PostgreSQL (`DATABASE_URL`): the same repositories as SQLite over psycopg 3 and a
connection pool, for hosts without a lasting disk and for several bot processes on
several machines.

Claims lock the rows they take and skip rows another process holds (FOR UPDATE SKIP
LOCKED); leases and heartbeats are measured by the database's clock, so hosts whose
clocks disagree still agree on who is alive.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import psycopg
from psycopg_pool import ConnectionPool

from bot.store.database import BUSY_SECONDS, Store, upsert_sql
from bot.store.migrations import migrate_postgres

POOL_SIZE = 40  # Bolt's listeners, the reminder senders and the jobs, each at most one at a time
POOL_WAIT_SECONDS = 5.0  # a connection not free by then: "busy"


@functools.lru_cache(maxsize=512)
def postgres_sql(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (a literal `%`, as in LIKE 'D%', doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Transaction:
    def __init__(self, connection: psycopg.Connection):
        self.connection = connection

    def execute(self, sql: str, params: Sequence = ()) -> psycopg.Cursor:
        return self.connection.execute(postgres_sql(sql), list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> int:
        """The rows all the statements changed."""
        with self.connection.cursor() as cursor:
            cursor.executemany(postgres_sql(sql), [list(row) for row in rows])
            return cursor.rowcount


class PostgresStore(Store):
    dialect = "postgresql"
    lock_rows = " FOR UPDATE SKIP LOCKED"

    def __init__(
        self,
        url: str,
        clock: Callable[[], datetime] | None = None,
        busy_seconds: float = BUSY_SECONDS,
        pool_size: int = POOL_SIZE,
    ):
        super().__init__(clock)
        self.url = url
        # The database's clock, read by leases; tests move it with `clock_offset`.
        self.clock_offset = timedelta(0)
        lock_ms = int(busy_seconds * 1000)
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=POOL_WAIT_SECONDS,
            # Autocommit: a transaction is always explicit (`transaction()`). A lock held
            # past the busy time is "busy", as SQLite's busy timeout says.
            kwargs={"autocommit": True, "options": f"-c lock_timeout={lock_ms} -c statement_timeout=30000"},
            open=False,
            name="confbot",
        )
        self.pool.open(wait=True, timeout=POOL_WAIT_SECONDS)
        with self.pool.connection() as connection:
            migrate_postgres(connection)

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self.pool.connection() as connection:
            return connection.execute(postgres_sql(sql), list(params)).fetchall()

    def write_many(self, sql: str, rows: Sequence[Sequence]) -> int:
        if not rows:
            return 0
        with self.pool.connection() as connection, connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(postgres_sql(sql), [list(row) for row in rows])
            return cursor.rowcount

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        with self.pool.connection() as connection, connection.transaction():
            yield _Transaction(connection)

    def lease_now(self, now: datetime) -> datetime:
        row = self.one("SELECT clock_timestamp()")
        return row[0] + self.clock_offset

    def database_time(self) -> datetime | None:
        """The server's clock (what hosts correct theirs to), or None when it cannot be read."""
        try:
            return self.lease_now(datetime.now())
        except psycopg.Error:
            return None

    def writable(self) -> bool:
        """/healthz: a write that waits for nothing (a lock held elsewhere means busy)."""
        try:
            with self.pool.connection(timeout=1.0) as connection, connection.transaction():
                connection.execute("SET LOCAL lock_timeout = 1")
                connection.execute(
                    postgres_sql(upsert_sql("settings", ["key", "value"], ["key"])),
                    ["_health", datetime.now().astimezone().isoformat(timespec="seconds")],
                )
            return True
        except psycopg.errors.LockNotAvailable:
            return True
        except psycopg.Error:  # the pool's timeout (PoolTimeout is one), a connection refused: not writable
            return False

    def close(self) -> None:
        self.pool.close()
