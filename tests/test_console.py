"""`python -m bot console`: the whole bot with no Slack account, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def run_console(lines: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_PATH"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", *args],
        cwd=REPO,
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_console_answers_commands_from_stdin():
    result = run_console(
        "/conf now\n/conf sub 1Auyq\n/conf mine\n/conf <!channel>\n",
        "--at",
        "2022-10-24 10:30",
        "--user-tz",
        "Europe/Berlin",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "confbot console: Cilium Talks at KubeCon NA 2022 (13 sessions, America/Detroit)" in out
    assert "[Mon 2022-10-24 10:30] /conf now\nRunning now (1)\nVerifiable eBPF Traces" in out
    assert "10:25–10:55 EDT (16:25–16:55 CEST your time)" in out
    assert "Subscribed to Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics (1Auyq)" in out
    assert "Your agenda — 1 session" in out and "[Unsubscribe 1Auyq]" in out
    assert "Nothing matches “<!channel>”" in out  # shown as typed, after unescaping for the terminal
    assert "Traceback" not in result.stderr


def test_console_bad_at_is_a_clear_error():
    result = run_console("/conf now\n", "--at", "yesterday-ish")
    assert result.returncode == 2
    assert result.stderr.startswith("confbot console:")
    assert "Traceback" not in result.stderr
