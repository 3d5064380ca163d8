"""The HTTP door under hostile or unlucky traffic: big bodies, unsigned junk, idle
sockets, a locked or read-only database. Against the real server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import time

import pytest

from bot.bootstrap import build_bot
from bot.console.signing import signature_headers, slash_command_body
from bot.server import HttpServing, create_http_server
from bot.store.database import SqliteStore
from bot.store.errors import StoreUnavailable, kind_of
from tests.conftest import SEED, free_port
from tests.slackkit import SECRET, RunningBot, bot_config


@pytest.fixture
def running(tmp_path, standin):
    bot = RunningBot(tmp_path, SEED, "2022-10-24T08:00", standin)
    yield bot
    bot.close()


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def raw_exchange(port: int, head: bytes, body: bytes = b"", timeout: float = 5.0) -> bytes:
    """Send a request as written (closing after it); return what the server answered."""
    if b"Connection:" not in head:
        line, rest = head.split(b"\r\n", 1)
        head = line + b"\r\nConnection: close\r\n" + rest
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(head)
        try:
            for offset in range(0, len(body), 65536):
                conn.sendall(body[offset : offset + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the body was all sent: as it should
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer


def test_a_5_mb_unsigned_body_is_refused_from_its_length_without_the_process_growing(running):
    before = rss_kib()
    size = 5 * 1024 * 1024
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    ).encode()
    for _ in range(4):
        answer = raw_exchange(running.port, head, b"{" * size)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert rss_kib() - before < 20 * 1024
    assert running.conf("help").status == 200  # and the door still opens for Slack


@pytest.mark.parametrize(
    "headers, body, status",
    [
        ({"Content-Type": "application/json"}, b"{", 401),  # unsigned
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, b"token=x", 401),
        ({"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=00"}, b"token=x", 401),  # stale
        ({"X-Slack-Request-Timestamp": "\u00b2", "X-Slack-Signature": "v0=00"}, b"token=x", 401),  # a digit, not ASCII
        ({"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=00"}, b"token=x", 401),  # too long
        ({"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": "v0=\u00e9"}, b"token=x", 401),  # not ASCII
        ({}, b"\xff\xfe not utf-8", 400),  # signed below, but not text
        ({"Content-Type": "application/json"}, b"{", 400),  # signed, not JSON
        ({}, b"payload=%7Bnot-json", 400),  # signed form whose payload is not JSON
    ],
)
def test_malformed_requests_get_a_4xx_and_no_traceback(running, caplog, headers, body, status):
    if status == 400:  # signed exactly as Slack signs, so only the body is wrong
        signed = signature_headers(SECRET, "")
        stamp = signed["X-Slack-Request-Timestamp"]
        digest = __import__("hmac").new(SECRET.encode(), f"v0:{stamp}:".encode() + body, "sha256").hexdigest()
        headers = {**signed, "X-Slack-Signature": f"v0={digest}", **headers}
    if headers.get("X-Slack-Request-Timestamp") == "NOW":  # a fresh timestamp, so the signature is what fails
        headers = {**headers, "X-Slack-Request-Timestamp": str(int(time.time()))}
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\n{lines}Content-Length: {len(body)}\r\n\r\n".encode("latin-1")
    with caplog.at_level(logging.INFO):
        answer = raw_exchange(running.port, head, body)
    assert answer.startswith(f"HTTP/1.1 {status}".encode()), answer[:120]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_150_idle_sockets_do_not_keep_a_signed_command_waiting(running):
    idle = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(150)]
    try:
        for conn in idle[:75]:
            conn.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # a request that never ends
        started = time.monotonic()
        reply = running.conf("now")
        assert reply.status == 200 and time.monotonic() - started < 1.0
        health_started = time.monotonic()
        assert running.get("/healthz").status == 200 and time.monotonic() - health_started < 1.0
    finally:
        for conn in idle:
            conn.close()


def test_socket_mode_without_a_signing_secret_serves_no_slack_endpoint(tmp_path, standin):
    config = bot_config(tmp_path, standin, signing_secret="", app_token="xapp-1-test")
    bot = build_bot(config)
    serving = HttpServing(create_http_server(bot, "127.0.0.1", 0, threads=2)).start()
    try:
        port = serving.server.effective_port
        for secret in ("unused-in-socket-mode", ""):  # the old placeholder, and no secret at all
            body = slash_command_body("stats", "UADMIN", standin.response_url("x"))
            lines = "".join(f"{k}: {v}\r\n" for k, v in signature_headers(secret, body).items())
            head = f"POST /slack/events HTTP/1.1\r\nHost: x\r\n{lines}Content-Length: {len(body)}\r\n\r\n".encode()
            assert raw_exchange(port, head, body.encode()).startswith(b"HTTP/1.1 404")
        health = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert health.startswith(b"HTTP/1.1 200")
    finally:
        serving.stop(drain_seconds=2)
        bot.close()
    assert standin.calls_to("response_url") == []


def test_a_locked_database_answers_busy_at_once_and_writes_nothing_later(running, tmp_path):
    holder = sqlite3.connect(tmp_path / "confbot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        started = time.monotonic()
        health = running.get("/healthz")
        assert health.status == 200 and time.monotonic() - started < 0.5  # busy is not broken
        started = time.monotonic()
        reply = running.conf("sub 1Avqp")
        elapsed = time.monotonic() - started
        assert reply.status == 200 and elapsed < 3.0
        assert "database is busy" in reply.json["text"] and "nothing was changed" in reply.json["text"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    time.sleep(0.1)  # nothing is left running to write it later
    assert running.bot.store.subscriptions("U1") == set()
    assert "Subscribed" in running.conf("sub 1Avqp").json["text"]
    assert running.bot.store.subscriptions("U1") == {"1Avqp"}


def test_a_read_only_database_gives_a_clear_reply_a_log_line_and_a_503(tmp_path, standin, monkeypatch, caplog):
    bot = RunningBot(tmp_path, SEED, "2022-10-24T08:00", standin)
    original = SqliteStore._connect

    def read_only(self, busy_seconds):  # as if the file had become read-only after start
        connection = original(self, busy_seconds)
        connection.execute("PRAGMA query_only = ON")
        return connection

    monkeypatch.setattr(SqliteStore, "_connect", read_only)
    try:
        with caplog.at_level(logging.WARNING):
            reply = bot.conf("sub 1Avqp")
        assert reply.status == 200 and "database is read-only" in reply.json["text"]
        assert any("/conf sub for U1 not done: database read-only" in r.getMessage() for r in caplog.records)
        assert not any(r.exc_info for r in caplog.records)
        health = bot.get("/healthz")
        assert (health.status, health.body) == (503, "database not writable\n")
    finally:
        bot.close()


def test_a_full_disk_is_named_as_such(tmp_path):
    connection = sqlite3.connect(tmp_path / "tiny.db")
    connection.execute("CREATE TABLE t (x BLOB)")
    connection.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as raised:
        connection.execute("INSERT INTO t VALUES (?)", [b"x" * 100_000])
    assert kind_of(raised.value) == "full"
    assert "disk is full" in StoreUnavailable("full", str(raised.value)).advice


def test_a_signed_command_still_works_through_the_guard(running):
    reply = running.conf("help")
    assert reply.status == 200 and json.loads(reply.body)["response_type"] == "ephemeral"


def test_an_answer_the_response_url_cannot_take_is_one_log_line(running, caplog):
    closed_port = free_port()  # nothing listens there
    body = slash_command_body("reload", "U1", f"http://127.0.0.1:{closed_port}/response/gone")
    with caplog.at_level(logging.INFO):
        assert running.post(body, signature_headers(SECRET, body)).status == 200  # acknowledged at once
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any("response_url" in r.getMessage() for r in caplog.records):
            time.sleep(0.02)  # the answer goes out after the ack, on the listener pool
    [line] = [r.getMessage() for r in caplog.records if "response_url" in r.getMessage()]
    assert line.startswith("could not answer through response_url: ")
    assert not [r for r in caplog.records if r.exc_info or (r.name.startswith("bot") and r.levelno >= logging.ERROR)]


def test_a_full_disk_gives_a_clear_reply_and_a_log_line(tmp_path, standin, monkeypatch, caplog):
    bot = RunningBot(tmp_path, SEED, "2022-10-20T08:00", standin)
    original = SqliteStore._connect

    def no_room_to_grow(self, busy_seconds):  # the disk fills up: the file cannot take another page
        connection = original(self, busy_seconds)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
        return connection

    monkeypatch.setattr(SqliteStore, "_connect", no_room_to_grow)
    try:
        with caplog.at_level(logging.WARNING):
            replies = []
            sessions = list(bot.bot.catalog.current.schedule)
            for number in range(2000):  # until the last free page is used
                user, session = f"U{number // len(sessions)}", sessions[number % len(sessions)]
                replies.append(bot.conf(f"sub {session.id}", user=user).json["text"])
                if "disk is full" in replies[-1]:
                    break
        assert "I can't save anything: the database's disk is full. Nothing was changed" in replies[-1]
        assert any("not done: database full" in r.getMessage() for r in caplog.records)
        assert not any(r.exc_info for r in caplog.records)
    finally:
        bot.close()
