"""Console mode, in process: each command is printed before its answer, and answers that
come later through `response_url` (reload, digest) are waited for, a bounded while."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from datetime import datetime

import bot.console.mode as mode
from bot.conf.registry import REGISTRY
from bot.config import Config
from bot.console.mode import run_console
from tests.conftest import SEED

MONDAY_1030 = datetime(2022, 10, 24, 10, 30)


def console(tmp_path, *lines: str) -> str:
    out = io.StringIO()
    config = Config(schedule_path=SEED, database_path=tmp_path / "console.db")
    assert run_console(config, MONDAY_1030, 1.0, None, [f"{line}\n" for line in lines], out, False) == 0
    return out.getvalue()


def answers(out: str) -> list[str]:
    """The output cut at each command's echo: [banner, "echo + what followed", …]."""
    return ["[Mon" + part for part in out.split("\n[Mon")[1:]]


def test_late_answers_print_under_their_command_and_the_last_is_not_lost(tmp_path):
    out = console(
        tmp_path,
        "/conf reload",
        "/conf now",
        "/conf digest now",
        "/conf digest <#C0CONF|conference> 10:33",
        "/conf digest now",  # the last line: its answer comes after stdin has ended
    )
    reload, now, digest_off, digest_set, digest_now = answers(out)
    assert reload.startswith("[Mon 2022-10-24 10:30] /conf reload\nReloaded (/conf reload by UCONSOLE): 13 sessions")
    assert now.startswith("[Mon 2022-10-24 10:30] /conf now\nRunning now (1)\nVerifiable eBPF Traces")
    assert digest_off.startswith("[Mon 2022-10-24 10:30] /conf digest now\nThe digest is off")
    assert digest_set.startswith("[Mon 2022-10-24 10:30] /conf digest <#C0CONF|conference> 10:33\nThe daily digest")
    assert digest_now.startswith("[Mon 2022-10-24 10:30] /conf digest now\n(message to C0CONF)\n:calendar: Monday")
    assert "posted to" in digest_now.split("\n\n")[-2]  # the answer, after the digest it posted
    assert "Working on it" not in out  # the answer replaced it, as in Slack


def test_an_answer_that_never_comes_is_waited_for_a_bounded_while(tmp_path, monkeypatch):
    def broken(conf, user_id, command):
        raise RuntimeError("the reload fell over")

    monkeypatch.setitem(REGISTRY, "reload", replace(REGISTRY["reload"], run=broken))
    monkeypatch.setattr(mode, "LATE_ANSWER_SECONDS", 0.5)
    started = time.monotonic()
    out = console(tmp_path, "/conf reload", "/conf now")
    assert time.monotonic() - started < 10
    reload, now = answers(out)
    assert reload == "[Mon 2022-10-24 10:30] /conf reload\nWorking on it… (its answer prints when it comes)\n"
    assert now.startswith("[Mon 2022-10-24 10:30] /conf now\nRunning now (1)")
