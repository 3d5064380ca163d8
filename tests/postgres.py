"""A throw-away PostgreSQL cluster for the tests: initdb and pg_ctl in a temp dir, on 127.0.0.1.

One cluster per test session; each test that needs a database gets a fresh empty one
(`fresh_database`). The server refuses to run as root, so as root it runs as the `postgres`
user (Debian's package creates it), with its directory handed over to that user.
Durability is switched off (fsync and friends): the cluster is thrown away afterwards.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROLE = "confbot"
SERVER_USER = "postgres"
NOT_INSTALLED = "PostgreSQL not installed: pg_config/initdb not found; .ci/run installs Debian's postgresql"
INSTALLABLE = (
    "PostgreSQL not installed (pg_config/initdb not found) but apt-get is here: install Debian's "
    "postgresql (`apt-get install postgresql`, as .ci/run does) or deselect these tests with -m 'not postgres'"
)
# Tests only, so no durability (--no-sync, fsync=off...): nothing outlives the session.
INITDB_OPTIONS = ["--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
SERVER_OPTIONS = [
    *("-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"),
    *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
]
START_ATTEMPTS = 3  # a free port can be taken between finding it and binding it


@dataclass
class PostgresServer:
    bindir: Path
    base: Path  # holds the data dir, the socket and the log
    port: int
    owner: str | None  # the user the server runs as; None: this process's user
    database_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _stopped: bool = False

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, url: str | None = None) -> str:
        """Run SQL with psql (stopping at the first error); its unaligned, tuples-only output."""
        done = run(
            [self.tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url or self.url(), "-c", sql]
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql failed ({done.returncode}) on {sql!r}:\n{done.stderr}")
        return done.stdout.strip()

    def tool(self, name: str) -> str:
        return str(self.bindir / name)

    def as_owner(self, command: list[str]) -> list[str]:
        return as_user(self.owner, command)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError as error:
            return f"(no server log at {self.log}: {error})"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server at once and remove its directory; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if (self.data / "postmaster.pid").exists():
            run(self.as_owner([self.tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]))
        shutil.rmtree(self.base, ignore_errors=True)


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl live: `pg_config --bindir`, else the newest Debian install."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = run([pg_config, "--bindir"])
        bindir = Path(done.stdout.strip())
        if done.returncode == 0 and (bindir / "initdb").exists():
            return bindir
    installed = sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")), key=major_version)
    return installed[-1].parent if installed else None


def major_version(initdb: Path) -> int:
    """15 for /usr/lib/postgresql/15/bin/initdb."""
    version = initdb.parent.parent.name
    return int(version) if version.isdigit() else -1


def server_user() -> str | None:
    """Who runs the server: ourselves, or as root (which initdb refuses) the `postgres` user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        pytest.fail(
            f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as "
            "(initdb refuses root; Debian's postgresql package creates that user)"
        )
    return SERVER_USER


def as_user(user: str | None, command: list[str]) -> list[str]:
    if user is None:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *command]
    return ["su", user, "-s", "/bin/sh", "-c", shlex.join(command)]


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # PG* variables from the caller's shell (PGHOST, PGDATABASE...) must not redirect us.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def start_server(free_port: Callable[[], int]) -> PostgresServer:
    """initdb a cluster in a new temp dir and start it.

    Without PostgreSQL the tests skip, unless apt-get could install it: then they fail (CI must
    run them). A server that is installed but does not start fails them with its log.
    """
    bindir = find_bindir()
    if bindir is None:
        if shutil.which("apt-get"):
            pytest.fail(INSTALLABLE, pytrace=False)
        pytest.skip(NOT_INSTALLED)
    owner = server_user()
    base = Path(tempfile.mkdtemp(prefix="confbot-pg-"))
    server = PostgresServer(bindir=bindir, base=base, port=0, owner=owner)
    atexit.register(server.stop)  # also when the session ends by Ctrl-C or an error
    try:
        if owner is not None:
            entry = pwd.getpwnam(owner)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        initdb(server)
        for _attempt in range(START_ATTEMPTS):
            server.port = free_port()
            started = pg_ctl_start(server)
            if started.returncode == 0:
                return server
            if "could not bind" not in server.log_tail():
                break
        pytest.fail(
            f"PostgreSQL from {bindir} did not start on 127.0.0.1:{server.port}: "
            f"{started.stdout}{started.stderr}\nthe end of its log:\n{server.log_tail()}",
            pytrace=False,
        )
    except BaseException:
        server.stop()
        raise


def initdb(server: PostgresServer) -> None:
    command = [server.tool("initdb"), "-D", str(server.data), "-U", ROLE, *INITDB_OPTIONS]
    done = run(server.as_owner(command), cwd=server.base)
    if done.returncode != 0:
        pytest.fail(
            f"initdb ({server.bindir}) failed ({done.returncode}) as "
            f"{server.owner or 'this user'} in {server.base}:\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


def pg_ctl_start(server: PostgresServer) -> subprocess.CompletedProcess[str]:
    options = shlex.join(["-p", str(server.port), "-k", str(server.base), *SERVER_OPTIONS])
    command = [server.tool("pg_ctl"), "-D", str(server.data), "-w", "-t", "30", "-l", str(server.log)]
    return run(server.as_owner([*command, "-o", options, "start"]), cwd=server.base)


def fresh_database(server: PostgresServer) -> str:
    """A new empty database on the server; its URL."""
    name = f"t_{next(server.database_numbers)}"
    server.psql(f"CREATE DATABASE {name}")
    return server.url(name)
