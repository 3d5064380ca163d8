"""The day words people type: `25.10.`, `24 oct 2022`, `Oct 25, 2022` through the signed
endpoint; a numeric date that reads both ways (`10/11`) gives both days unless the
conference settles it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conf.agenda import day_readings, resolve_day
from bot.console.standin import SlackStandIn
from bot.schedule import parse_schedule
from bot.views.plaintext import blocks_to_text
from tests.conftest import SEED
from tests.slackkit import RunningBot

TWO_AUTUMN_DAYS = """---
title: 'Autumn Conf'
date: '2022-09-01'
timezone: America/Detroit
---

## Main Track

### [October Talk - Jane Roe, Example](https://example.org/1)

Tuesday, October 11 • 10:00am - 10:30am

### [November Talk - John Doe, Example](https://example.org/2)

Thursday, November 10 • 10:00am - 10:30am
"""

OCTOBER_ONLY = TWO_AUTUMN_DAYS.split("### [November")[0]


@pytest.fixture
def running(tmp_path):
    with SlackStandIn(default_zone="America/Detroit") as standin:
        bot = RunningBot(tmp_path, SEED, "2022-10-24T10:30", standin)
        yield bot
        bot.close()


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("25.10.", "Tuesday 25 October — 3 sessions"),
        ("24 oct 2022", "Monday 24 October — 7 sessions"),
        ("Oct 25, 2022", "Tuesday 25 October — 3 sessions"),
        ("october 26th 2022", "Wednesday 26 October — 1 session"),
        ("25 October 2099", "No sessions on Sunday 25 October 2099."),
    ],
)
def test_day_takes_dates_with_a_trailing_dot_or_a_year(running, words, label):
    reply = running.conf(f"day {words}")
    assert reply.status == 200
    assert label in blocks_to_text(reply.json["blocks"], reply.json["text"])


def test_a_date_that_reads_both_ways_gives_both_days_when_both_are_conference_days():
    schedule, _ = parse_schedule("autumn.md", TWO_AUTUMN_DAYS)
    assert schedule.days == [date(2022, 10, 11), date(2022, 11, 10)]
    today = date(2022, 10, 11)
    for words in ("10/11", "11/10", "10.11.", "11.10.2022"):
        assert day_readings(schedule, words, today) == [date(2022, 10, 11), date(2022, 11, 10)], words
        assert resolve_day(schedule, words, today) is None  # the handler asks which
    assert day_readings(schedule, "11 oct", today) == [date(2022, 10, 11)]


def test_a_date_that_reads_both_ways_is_the_conference_day_when_only_one_is():
    schedule, _ = parse_schedule("october.md", OCTOBER_ONLY)
    assert schedule.days == [date(2022, 10, 11)]
    assert day_readings(schedule, "10/11", date(2022, 10, 11)) == [date(2022, 10, 11)]
    assert resolve_day(schedule, "11/10", date(2022, 10, 11)) == date(2022, 10, 11)


def test_a_date_that_reads_one_way_only_is_that_day():
    schedule, _ = parse_schedule("autumn.md", TWO_AUTUMN_DAYS)
    assert day_readings(schedule, "25/10", date(2022, 10, 11)) == [date(2022, 10, 25)]
    assert day_readings(schedule, "32/10", date(2022, 10, 11)) == []


def test_day_of_a_date_that_reads_both_ways_names_both_days_and_how_to_pick(tmp_path):
    path = tmp_path / "autumn.md"
    path.write_text(TWO_AUTUMN_DAYS, encoding="utf-8")
    with SlackStandIn(default_zone="America/Detroit") as standin:
        running = RunningBot(tmp_path, path, "2022-10-11T09:00", standin)
        try:
            reply = running.conf("day 10/11").json
            asked = blocks_to_text(reply["blocks"], reply["text"])
            assert "Which day? 10/11 could be Tuesday 11 October or Thursday 10 November." in asked
            assert "Say which with the month: /conf day Oct 11 or /conf day Nov 10." in asked
            other_year = running.conf("day 10/11/2023").json
            assert "/conf day Oct 11 2023 or /conf day Nov 10 2023" in blocks_to_text(other_year["blocks"])
            picked = running.conf("day Nov 10").json
            assert "Thursday 10 November — 1 session" in blocks_to_text(picked["blocks"])
        finally:
            running.close()
