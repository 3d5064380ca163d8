"""`python -m bot serve` as a real process, and settings checked at start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from bot.bootstrap import check_slack
from bot.config import Config, ConfigError
from bot.console.signing import signature_headers, slash_command_body
from bot.console.socket_standin import SocketModeStandIn
from bot.console.standin import SlackStandIn
from tests.conftest import REPO, free_port

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(extra)
    return env


def start_serve(tmp_path, standin: SlackStandIn, port: int) -> subprocess.Popen:
    """`serve` in HTTP mode, once its /healthz answers 200."""
    env = base_env(
        SLACK_BOT_TOKEN="xoxb-e2e",
        SLACK_SIGNING_SECRET="e2e-secret",
        SLACK_API_URL=standin.api_url,
        PORT=str(port),
        DATABASE_PATH=str(tmp_path / "e2e.db"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)  # waiting for a real process to bind its port
    process.kill()
    raise AssertionError(process.stdout.read().decode())


def signed_command(port: int, text: str, standin: SlackStandIn) -> urllib.request.Request:
    body = slash_command_body(text, "U1", standin.response_url("e2e"))
    return urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body.encode(),
        headers=signature_headers("e2e-secret", body),
        method="POST",
    )


def test_serve_answers_healthz_and_a_signed_command(tmp_path):
    port = free_port()
    with SlackStandIn() as standin:
        process = start_serve(tmp_path, standin, port)
        try:
            checks = len(standin.calls_to("auth.test"))
            assert checks >= 1  # the bot token was checked against SLACK_API_URL at start
            with urllib.request.urlopen(signed_command(port, "show 1Auye", standin), timeout=10) as response:
                assert response.status == 200
                assert b"Keynote: eBPF" in response.read()
            assert len(standin.calls_to("auth.test")) == checks  # and no request waits on it again
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_sigterm_lets_the_request_in_flight_finish_then_stops_with_one_line(tmp_path):
    port = free_port()
    with SlackStandIn() as standin:
        standin.delays["users.info"] = 1.5  # the command is still working when SIGTERM comes
        process = start_serve(tmp_path, standin, port)
        answers: list[int] = []
        request = threading.Thread(
            target=lambda: answers.append(
                urllib.request.urlopen(signed_command(port, "now", standin), timeout=10).status
            )
        )
        request.start()
        standin.wait_for("users.info", timeout=10)
        process.send_signal(signal.SIGTERM)
        request.join(timeout=10)
        output, _ = process.communicate(timeout=15)
    assert answers == [200]
    assert process.returncode == 0
    stopped = [line for line in output.decode().splitlines() if "confbot stopped" in line]
    assert len(stopped) == 1 and "(SIGTERM)" in stopped[0] and "unfinished" not in stopped[0]
    assert "Traceback" not in output.decode()


@pytest.mark.parametrize("mode", [{"SLACK_SIGNING_SECRET": "s"}, {"SLACK_APP_TOKEN": "xapp-1-e2e"}])
def test_serve_stops_at_start_with_one_line_when_slack_refuses_the_token(tmp_path, mode):
    with SlackStandIn() as standin:
        standin.fail_next("auth.test", body={"ok": False, "error": "invalid_auth"})
        env = base_env(SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=standin.api_url, DATABASE_PATH=str(tmp_path / "a.db"))
        result = subprocess.run(
            [sys.executable, "-m", "bot", "serve"], cwd=REPO, env={**env, **mode}, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"confbot: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth) at {standin.api_url}"
    ]


def test_socket_mode_stops_at_start_with_one_line_when_slack_refuses_the_app_token(tmp_path):
    with SlackStandIn() as standin:
        standin.fail_next("apps.connections.open", body={"ok": False, "error": "invalid_auth"})
        env = base_env(
            SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1-x", SLACK_API_URL=standin.api_url,
            DATABASE_PATH=str(tmp_path / "a.db"),
        )  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"confbot: SLACK_APP_TOKEN: Slack refused the token (invalid_auth) at {standin.api_url}"
    ]


def test_a_slack_api_url_that_is_not_slack_is_named(tmp_path):
    with SlackStandIn() as standin:  # its /response/ pages answer, but not as Slack's Web API
        standin.fail_next("auth.test", status=502, body={"html": "<h1>Bad gateway</h1>"})
        config = Config(bot_token="xoxb-1", api_url=standin.api_url, database_path=tmp_path / "a.db")
        with pytest.raises(ConfigError) as raised:
            check_slack(config)
    assert str(raised.value) == f"SLACK_API_URL: {standin.api_url} does not answer as Slack's Web API (HTTP 502)"


def test_serve_stops_at_start_with_one_line_when_slack_cannot_be_reached(tmp_path):
    api_url = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    env = base_env(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", SLACK_API_URL=api_url, DATABASE_PATH=str(tmp_path / "a.db")
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"confbot: SLACK_API_URL: cannot reach {api_url} (")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "foo", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "REMINDER_MINUTES": "-5"}, "REMINDER_MINUTES"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DIGEST_TIME": "8am"}, "DIGEST_TIME"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "CONFERENCE_TZ": "Mars/Base"}, "CONFERENCE_TZ"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack"}, "SLACK_API_URL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PUBLIC_URL": "conf.example"}, "PUBLIC_URL"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SCHEDULE_URL": "http://h:abc/x.md"},
            "SCHEDULE_URL",
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "SCHEDULE_URL": "http://h/x.md",
                "SCHEDULE_REFRESH_MINUTES": "1",
                "SCHEDULE_FETCH_SECONDS": "90",
            },
            "SCHEDULE_FETCH_SECONDS",
        ),
    ],
)
def test_bad_setting_is_one_line_naming_it(env, named):
    with pytest.raises(ConfigError) as raised:
        Config.from_env(env)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(named)


def test_serve_with_a_missing_setting_stops_with_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=base_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["confbot: SLACK_BOT_TOKEN is required (the bot token, xoxb-…)"]


def test_secrets_never_appear_in_the_config_repr():
    config = Config.from_env({"SLACK_BOT_TOKEN": "xoxb-secret-value", "SLACK_SIGNING_SECRET": "sssh"})
    assert "xoxb-secret-value" not in repr(config) and "sssh" not in repr(config)
    assert config.reminder_minutes == 10 and config.port == 3000 and config.digest_time.hour == 8


def test_serve_in_socket_mode_connects_answers_health_serves_no_events_and_stops_cleanly(tmp_path):
    port = free_port()
    with SlackStandIn() as standin, SocketModeStandIn() as socket_mode:
        standin.socket_url = socket_mode.url
        env = base_env(
            SLACK_BOT_TOKEN="xoxb-e2e",
            SLACK_APP_TOKEN="xapp-1-e2e",
            SLACK_API_URL=standin.api_url,
            DATABASE_PATH=str(tmp_path / "socket.db"),
            PORT=str(port),
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            socket_mode.wait_for_connections(1, timeout=30)
            envelope = socket_mode.send_envelope(
                "slash_commands", {"command": "/conf", "text": "help", "user_id": "U1"}
            )
            ack, seconds = socket_mode.wait_for_ack(envelope, timeout=3)
            assert seconds < 1 and "/conf" in str(ack.get("payload"))
            assert http_status(f"http://127.0.0.1:{port}/healthz") == 200  # health and feeds still answer
            assert http_status(f"http://127.0.0.1:{port}/slack/events", data=b"x") == 404  # no secret: no door
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert {c.authorization for c in standin.calls_to("apps.connections.open")} == {"Bearer xapp-1-e2e"}
    assert sum("confbot stopped (SIGTERM)" in line for line in output.decode().splitlines()) == 1


def http_status(url: str, data: bytes | None = None) -> int:
    """The status of a GET (or a POST of `data`), retried while the server is starting."""
    deadline = time.monotonic() + 10
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # the port is not bound yet


def test_serve_with_an_unusable_database_path_names_it(tmp_path):
    env = base_env(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", DATABASE_PATH=str(tmp_path / "no" / "such" / "dir.db")
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("confbot: DATABASE_PATH: cannot use")


def test_a_rate_limited_auth_test_at_start_is_waited_out(tmp_path):
    with SlackStandIn() as standin:  # several processes starting at once meet auth.test's small tier
        standin.fail_next("auth.test", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
        check_slack(Config(bot_token="xoxb-1", api_url=standin.api_url, database_path=tmp_path / "a.db"))
        assert len(standin.calls_to("auth.test")) == 2
