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
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.store.database import BUSY_SECONDS, Store, upsert_sql
from bot.store.errors import first_line
from bot.store.migrations import migrate_postgres

POOL_SIZE = 20  # per process: two hosts stay well inside a small managed plan's connections
POOL_WAIT_SECONDS = 1.5  # a connection not free by then: "busy", inside Slack's 3 seconds
CONNECT_SECONDS = 10
IDLE_CHECK_SECONDS = 2.0  # a connection idle longer is checked before use


def _password(url: str) -> str:
    try:
        return conninfo_to_dict(url).get("password") or ""
    except psycopg.Error:
        return ""


def without_password(text: str, url: str) -> str:
    """`text` with the URL's password (as given, and percent-decoded) blotted out."""
    secrets = {_password(url), *re.findall(r"://[^:/@]*:([^@/]*)@", url)} - {""}
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _check_reachable(url: str) -> None:
    """One connection before the pool: the reason it fails, in one line, without the password."""
    try:
        conninfo_to_dict(url)
    except psycopg.Error:
        raise psycopg.ProgrammingError("DATABASE_URL is not a valid PostgreSQL URL") from None
    try:
        psycopg.connect(url, connect_timeout=CONNECT_SECONDS).close()
    except psycopg.Error as problem:
        raise psycopg.OperationalError(without_password(first_line(problem), url)) from None


class _WithoutPassword(logging.Filter):
    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_password(message, self.url)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def _hide_password_in_pool_logs(url: str) -> None:
    pool_log = logging.getLogger("psycopg.pool")
    if not any(isinstance(f, _WithoutPassword) for f in pool_log.filters):
        pool_log.addFilter(_WithoutPassword(url))


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
    lock_row = " FOR UPDATE"

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
        self._last_used: dict[int, float] = {}  # id(connection) -> when it was last given back
        self.idle_check_seconds = IDLE_CHECK_SECONDS
        _check_reachable(url)  # a clear reason now, rather than the pool's "incomplete after 5 s"
        _hide_password_in_pool_logs(url)
        lock_ms = int(busy_seconds * 1000)

        def configure(connection: psycopg.Connection) -> None:
            # A lock held past the busy time is "busy", as SQLite's busy timeout says. Set
            # per connection (not as startup options, which poolers such as PgBouncer refuse).
            connection.execute(f"SET lock_timeout = {lock_ms}")
            connection.execute("SET statement_timeout = 30000")

        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            timeout=POOL_WAIT_SECONDS,
            # Autocommit: a transaction is always explicit (`transaction()`).
            kwargs={"autocommit": True},
            configure=configure,
            open=False,
            name="confbot",
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_SECONDS)
            with self._connection() as connection:
                migrate_postgres(connection)
        except BaseException:
            self.pool.close()
            raise

    @contextlib.contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection]:
        """A pooled connection known to work: one that sat idle (the server may have
        dropped it in a restart or a failover) must answer an empty query first, else it
        is replaced rather than handed to a request. (The pool's own `check` waits about a
        second per dead connection, and pings even the busy ones.)"""
        for _ in range(self.pool.max_size + 1):
            connection = self.pool.getconn(timeout)
            idle = time.monotonic() - self._last_used.get(id(connection), 0.0)
            if idle > self.idle_check_seconds:
                try:
                    connection.execute("")
                except psycopg.OperationalError:
                    self.pool.putconn(connection)  # broken: the pool discards it and opens another
                    continue
            try:
                yield connection
            finally:
                self._last_used[id(connection)] = time.monotonic()
                self.pool.putconn(connection)
            return
        raise psycopg.OperationalError("no working connection to PostgreSQL")

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._connection() as connection:
            return connection.execute(postgres_sql(sql), list(params)).fetchall()

    def write_many(self, sql: str, rows: Sequence[Sequence]) -> int:
        if not rows:
            return 0
        with self.transaction() as tx:
            return tx.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        with self._connection() as connection, connection.transaction():
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
            with self._connection(timeout=1.0) as connection, connection.transaction():
                connection.execute("SET LOCAL lock_timeout = 1")
                connection.execute(
                    postgres_sql(upsert_sql("settings", ["key", "value"], ["key"])),
                    ["_health", datetime.now().astimezone().isoformat(timespec="seconds")],
                )
            return True
        except (psycopg.errors.LockNotAvailable, PoolTimeout):  # busy is healthy, as SQLite's busy is
            return True
        except psycopg.Error:  # a connection refused, a read-only server: not writable
            return False

    def close(self) -> None:
        self.pool.close()
