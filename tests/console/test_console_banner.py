"""The console's opening lines: the clock's start as the venue's clocks show it, a time
those clocks skip or show twice said so, and the sessions counted in agreeing words."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from bot.config import Config
from bot.console.mode import run_console
from tests.cli.test_counted_nouns import ONE_TALK
from tests.conftest import SEED


def console(tmp_path, at: datetime, *lines: str, schedule=SEED) -> str:
    out = io.StringIO()
    config = Config(schedule_path=schedule, database_path=tmp_path / "console.db")
    assert run_console(config, at, 1.0, None, [f"{line}\n" for line in lines], out, False) == 0
    return out.getvalue()


def banner(out: str) -> list[str]:
    return out.split("\n\n", 1)[0].splitlines()


def test_a_time_with_another_offset_is_shown_in_venue_time(tmp_path):
    pacific = datetime(2022, 10, 24, 10, 30, tzinfo=timezone(timedelta(hours=-7)))
    out = console(tmp_path, pacific, "/conf now")
    assert banner(out)[1] == "clock starts Mon 2022-10-24 13:30 venue time, speed x1. Type /conf help."
    assert "[Mon 2022-10-24 13:30] /conf now" in out  # the clock agrees with the banner


def test_a_time_the_venue_skips_is_said_and_the_clock_starts_an_hour_on(tmp_path):
    out = console(tmp_path, datetime(2022, 3, 13, 2, 30), "/conf now")
    assert banner(out)[1:] == [
        "clock starts Sun 2022-03-13 03:30 venue time, speed x1. Type /conf help.",
        "Note: 2022-03-13 02:30 does not exist in America/Detroit (the clocks go forward 1 hour that day), "
        "so the clock starts at 03:30 EDT.",
    ]
    assert "[Sun 2022-03-13 03:30] /conf now" in out


def test_a_time_the_venue_shows_twice_takes_the_first_and_says_so(tmp_path):
    out = console(tmp_path, datetime(2022, 11, 6, 1, 30))
    assert banner(out)[1:] == [
        "clock starts Sun 2022-11-06 01:30 venue time, speed x1. Type /conf help.",
        "Note: 2022-11-06 01:30 happens twice in America/Detroit (the clocks go back 1 hour that day): "
        "the clock starts at the first, 01:30 EDT.",
    ]


def test_an_ordinary_time_has_no_note(tmp_path):
    out = console(tmp_path, datetime(2022, 10, 24, 10, 30))
    assert banner(out) == [
        "confbot console: Cilium Talks at KubeCon NA 2022 (13 sessions, America/Detroit)",
        "clock starts Mon 2022-10-24 10:30 venue time, speed x1. Type /conf help.",
    ]


def test_a_schedule_of_one_session_says_1_session(tmp_path):
    path = tmp_path / "one.md"
    path.write_text(ONE_TALK, encoding="utf-8")
    out = console(tmp_path, datetime(2022, 10, 24, 10, 30), schedule=path)
    assert banner(out)[0] == "confbot console: One Talk Conf (1 session, America/Detroit)"
