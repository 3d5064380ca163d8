"""`python -m bot console`: the whole bot with no Slack account, as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them


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


def test_console_bad_at_or_user_tz_is_one_clear_line():
    result = run_console("/conf now\n", "--at", "tomorrow")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "python -m bot console: argument --at: 'tomorrow' is not a date and time: "
        'use "YYYY-MM-DD HH:MM" (venue time), e.g. "2022-10-24 09:00" (see python -m bot console --help)\n'
    )
    zone = run_console("/conf now\n", "--user-tz", "Mars/Olympus")
    assert zone.returncode == 2 and zone.stdout == ""
    assert zone.stderr.startswith("python -m bot console: argument --user-tz: unknown time zone 'Mars/Olympus': ")
    assert zone.stderr.count("\n") == 1


def test_console_waits_for_the_last_late_answer_before_it_exits():
    result = run_console("/conf now\n/conf reload\n", "--at", "2022-10-24 10:30")
    assert result.returncode == 0, result.stderr
    last = result.stdout.rsplit("\n[Mon ", 1)[1]  # the last command and all that followed it
    assert last.startswith("2022-10-24 10:30] /conf reload\nReloaded (/conf reload by UCONSOLE): 13 sessions.")


def test_console_prints_reminders_and_digests_as_they_fall_due():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_PATH"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--at", "2022-10-24 10:29:30", "--speed", "120"],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        process.stdin.write("/conf sub 1Auyq\n/conf digest <#C0CONF|conference> 10:33\n")
        process.stdin.flush()
        seen, deadline = [], time.monotonic() + 30
        while time.monotonic() < deadline:  # the console's clock runs 120x: a few real seconds
            line = process.stdout.readline()
            seen.append(line)
            if "(message to C0CONF)" in "".join(seen) and "Monday 24 October — 7 sessions" in "".join(seen):
                break
        out = "".join(seen)
        assert "(message to UCONSOLE)\n:alarm_clock: Starts in" in out
        assert "Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics" in out
        assert "(message to C0CONF)" in out and "Monday 24 October — 7 sessions" in out
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0
