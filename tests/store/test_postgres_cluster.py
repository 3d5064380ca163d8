"""The throw-away PostgreSQL cluster the storage tests run on (tests/postgres.py)."""

from __future__ import annotations

import os
import pwd

import pytest

from tests.postgres import ROLE, SERVER_USER, fresh_database

pytestmark = pytest.mark.postgres

TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"


def test_the_server_answers_on_127_0_0_1(postgres_server):
    assert postgres_server.psql("SELECT version()").startswith("PostgreSQL ")
    assert postgres_server.psql("SELECT current_user") == ROLE
    assert postgres_server.psql("SELECT inet_server_addr()") == "127.0.0.1"
    assert postgres_server.psql("SHOW server_encoding") == "UTF8"


def test_each_url_is_a_different_empty_database(postgres_server, postgres_url):
    other = fresh_database(postgres_server)
    assert other != postgres_url
    assert postgres_server.psql(TABLES, postgres_url) == "0"
    assert postgres_server.psql(TABLES, other) == "0"

    postgres_server.psql("CREATE TABLE subscriptions (id bigint PRIMARY KEY)", postgres_url)
    assert postgres_server.psql(TABLES, postgres_url) == "1"
    assert postgres_server.psql(TABLES, other) == "0"
    assert postgres_server.psql("SELECT current_database()", other) == other.rsplit("/", 1)[1]


def test_the_server_runs_as_postgres_when_the_tests_run_as_root(postgres_server):
    pid = int((postgres_server.data / "postmaster.pid").read_text().split()[0])
    runs_as = os.stat(f"/proc/{pid}").st_uid
    if os.geteuid() == 0:
        assert runs_as == pwd.getpwnam(SERVER_USER).pw_uid
    else:
        assert runs_as == os.geteuid()
    assert runs_as != 0


def test_engine_settings_name_one_engine_each(engine_settings, tmp_path):
    if "path" in engine_settings:
        assert engine_settings == {"path": tmp_path / "confbot.db"}
    else:
        assert set(engine_settings) == {"url"}
        assert engine_settings["url"].startswith("postgresql://confbot@127.0.0.1:")
