"""The whole bot on PostgreSQL (DATABASE_URL), through its signed HTTP endpoint and the
stand-in Web API: commands, a reminder, the digest, /healthz, a busy database, and a
setting that names no PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta

import psycopg
import pytest

from bot.config import Config, ConfigError
from bot.store.postgres import PostgresStore
from tests.conftest import SEED
from tests.slackkit import RunningBot, all_text

pytestmark = pytest.mark.postgres


@pytest.fixture
def running(tmp_path, standin, postgres_url):
    bot = RunningBot(
        tmp_path, SEED, "2022-10-24T10:00", standin, database_url=postgres_url, admin_user_ids=frozenset({"U1"})
    )
    yield bot
    bot.close()


def test_commands_reminders_and_the_digest_keep_their_state_in_postgresql(running, standin, postgres_url):
    assert isinstance(running.bot.store, PostgresStore)
    assert not (running.bot.config.database_path.exists())  # no SQLite file was made
    assert "Subscribed" in running.conf("sub 1Auyq").json["text"]
    assert "1Auyq" in all_text(running.conf("mine").json)
    running.clock.set(running.clock.now() + timedelta(minutes=30, seconds=1))  # 10:30: due (lead 10)
    running.bot.dispatcher.tick()
    [reminder] = standin.wait_for("chat.postMessage")
    assert reminder.params["metadata"]["event_payload"] == {"session_ids": ["1Auyq"], "user_id": "U1"}
    with psycopg.connect(postgres_url) as db:  # the row, as another host would see it
        assert db.execute("SELECT user_id, session_id, status FROM reminders").fetchall() == [("U1", "1Auyq", "sent")]
    assert running.get("/healthz").status == 200


def test_a_row_locked_by_another_host_gives_a_busy_answer_not_a_hang(running, postgres_url):
    running.conf("sub 1Auyq")
    with psycopg.connect(postgres_url) as other:
        other.execute("SELECT * FROM subscriptions WHERE user_id = 'U1' FOR UPDATE")  # held until the block ends
        started = time.monotonic()
        reply = running.conf("unsub 1Auyq").json
        waited = time.monotonic() - started
        other.rollback()
    assert "The database is busy right now, so nothing was changed" in all_text(reply)
    assert waited < 3.0  # within Slack's 3 seconds
    assert running.bot.store.subscriptions("U1") == {"1Auyq"}
    assert "Unsubscribed" in running.conf("unsub 1Auyq").json["text"]  # free again: it works


def test_database_url_must_name_postgresql_and_is_never_shown():
    with pytest.raises(ConfigError, match="DATABASE_URL must be a PostgreSQL URL") as refused:
        Config.from_env({"DATABASE_URL": "mysql://user:hunter2pw@host/db"}, for_serve=False)
    assert "hunter2pw" not in str(refused.value)
    config = Config.from_env({"DATABASE_URL": "postgresql://user:hunter2pw@host/db"}, for_serve=False)
    assert config.database_url and "hunter2pw" not in repr(config)


def test_an_unreachable_postgresql_stops_the_start_with_one_line(tmp_path, standin):
    from bot.bootstrap import build_bot
    from tests.slackkit import bot_config

    url = "postgresql://confbot:hunter2pw@127.0.0.1:1/none"  # nothing listens on port 1
    with pytest.raises(ConfigError) as refused:
        build_bot(bot_config(tmp_path, standin, database_url=url))
    message = str(refused.value)
    assert message.startswith("DATABASE_URL: cannot use the PostgreSQL database") and "hunter2pw" not in message
