"""`python -m bot serve` as a real process, and settings checked at start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.config import Config, ConfigError
from bot.console.signing import signature_headers, slash_command_body
from bot.console.standin import SlackStandIn
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(extra)
    return env


def test_serve_answers_healthz_and_a_signed_command(tmp_path):
    port = free_port()
    with SlackStandIn() as standin:
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
        try:
            deadline = time.monotonic() + 30
            status = None
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                        status = response.status
                        break
                except OSError:
                    time.sleep(0.1)  # waiting for a real process to bind its port
            assert status == 200, process.stdout.read().decode() if process.poll() is not None else "no answer"
            body = slash_command_body("show 1Auye", "U1", standin.response_url("e2e"))
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/slack/events",
                data=body.encode(),
                headers=signature_headers("e2e-secret", body),
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
                assert b"Keynote: eBPF" in response.read()
            assert standin.calls_to("auth.test")  # the bot token was checked against SLACK_API_URL
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "http"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "REMINDER_MINUTES": "-5"}, "REMINDER_MINUTES"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DIGEST_TIME": "8am"}, "DIGEST_TIME"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "CONFERENCE_TZ": "Mars/Base"}, "CONFERENCE_TZ"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack"}, "SLACK_API_URL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PUBLIC_URL": "conf.example"}, "PUBLIC_URL"),
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


def test_serve_with_an_app_token_connects_in_socket_mode_through_slack_api_url(tmp_path):
    port = free_port()
    with SlackStandIn() as standin:
        env = base_env(
            SLACK_BOT_TOKEN="xoxb-e2e",
            SLACK_APP_TOKEN="xapp-1-e2e",
            SLACK_API_URL=standin.api_url,
            DATABASE_PATH=str(tmp_path / "socket.db"),
            PORT=str(port),
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            calls = standin.wait_for("apps.connections.open", timeout=30)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                assert response.status == 200  # health and agenda feeds still answer over HTTP
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert calls, "Socket Mode never asked for a connection"
    assert calls[0].authorization == "Bearer xapp-1-e2e"  # the app-level token opens the socket


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
