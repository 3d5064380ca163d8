"""`python -m bot check` as the contract describes it, run as a real process."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO, SEED, shared_file

pytestmark = pytest.mark.slow  # real processes: `pytest -m 'not slow'` skips them


def run_bot(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=REPO, capture_output=True, text=True, timeout=60, env=env
    )


def test_check_prints_one_line_per_session_with_id_time_and_title():
    result = run_bot("check", str(SEED))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Cilium Talks at KubeCon NA 2022: 13 sessions on 4 days (America/Detroit)"
    rows = [line for line in lines[1:] if line.strip()]
    assert len(rows) == 13
    assert rows[0] == (
        "1Auye  Mon 2022-10-24  09:15–09:20  Keynote: eBPF - Everything You Need to Know in 5 Minutes"
        "  — Thomas Graf (CTO, Isovalent)"
    )
    assert rows[7].startswith("1BaT3  Tue 2022-10-25  08:00–12:00  Cilium Project Meeting")
    assert result.stderr == ""


def test_check_json_is_the_contract_session_object():
    result = run_bot("check", str(SEED), "--json")
    assert result.returncode == 0, result.stderr
    sessions = json.loads(result.stdout)
    assert len(sessions) == 13
    assert sessions[0] == {
        "id": "1Auye",
        "title": "Keynote: eBPF - Everything You Need to Know in 5 Minutes",
        "speakers": [{"name": "Thomas Graf", "affiliation": "CTO, Isovalent"}],
        "track": "Cloud Native eBPF Day",
        "start": "2022-10-24T09:15:00-04:00",
        "end": "2022-10-24T09:20:00-04:00",
        "url": "https://sched.co/1Auye",
        "abstract": sessions[0]["abstract"],
        "location": None,
    }
    assert sessions[0]["abstract"].startswith("eBPF has become the key technology")


def test_check_invalid_file_exits_1_with_path_line_messages_and_no_traceback(tmp_path):
    broken = tmp_path / "broken.md"
    broken.write_text(
        SEED.read_text(encoding="utf-8").replace("• 8:00am - 12:00pm", "• 8:00am - 12:00pm CEST"),
        encoding="utf-8",
    )
    result = run_bot("check", str(broken))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert re.fullmatch(rf"{re.escape(str(broken))}:\d+: CEST does not match the venue zone America/Detroit .*", line)


def test_check_takes_the_zone_from_tz_or_the_environment():
    path = shared_file("cilium/2023-04-03-eu-talks.md")
    by_flag = run_bot("check", str(path), "--tz", "Europe/Amsterdam", "--json")
    assert by_flag.returncode == 0, by_flag.stderr
    assert json.loads(by_flag.stdout)[0]["start"].endswith("+02:00")
    env = {"PATH": "/usr/bin:/bin", "CONFERENCE_TZ": "Europe/Amsterdam"}
    by_env = run_bot("check", str(path), "--json", env=env)
    assert by_env.stdout == by_flag.stdout
    as_utc = run_bot("check", str(path), "--json")
    assert as_utc.returncode == 0
    assert json.loads(as_utc.stdout)[0]["start"].endswith("+00:00")
    assert as_utc.stderr.strip().endswith(
        "warning: no `timezone:` in the front matter and no --tz/CONFERENCE_TZ: times are read as UTC"
    )


def test_check_edge_post_lists_warnings_after_the_error():
    path = shared_file("cilium/2020-10-20-ebpf-summit-2020.md")
    result = run_bot("check", str(path), "--tz", "UTC")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}:16: no session with a date and time found (10 talks without one)"
    assert lines[1] == f'{path}:55: warning: no date/time for "A beginner’s guide to eBPF programming"'
    assert all(line.startswith(f"{path}:") for line in lines)


def test_check_rejects_an_unknown_zone_flag_clearly():
    result = run_bot("check", str(SEED), "--tz", "Nowhere/Special")
    # The front matter names the zone, so --tz is not consulted for the seed.
    assert result.returncode == 0
    path = shared_file("cilium/2023-04-03-eu-talks.md")
    result = run_bot("check", str(path), "--tz", "Nowhere/Special")
    assert result.returncode == 1
    assert "unknown time zone 'Nowhere/Special'" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_subcommands():
    result = run_bot("--help")
    assert result.returncode == 0
    assert "check" in result.stdout


def test_check_into_a_pipe_that_closes_early_ends_quietly(tmp_path):
    big = tmp_path / "big.md"
    from bench.generate import seed_format_schedule

    big.write_text(seed_format_schedule(2000), encoding="utf-8")
    result = subprocess.run(
        f"{sys.executable} -m bot check {big} | head -1",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.startswith("Synthetic conference: 2000 sessions")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
