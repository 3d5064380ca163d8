"""`python -m bot console` options: a bad value is one line naming the option, exit 2."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import build_parser, main


def refusal(capsys, *args: str) -> str:
    with pytest.raises(SystemExit) as ended:
        main(["console", *args])
    assert ended.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("text", ["tomorrow", "yesterday-ish", "2022-10-24 25:00", "24/10/2022 09:00", ""])
def test_at_that_is_no_date_and_time_says_the_form_expected(capsys, text):
    err = refusal(capsys, "--at", text)
    assert err.startswith("python -m bot console: argument --at: ")
    assert 'use "YYYY-MM-DD HH:MM" (venue time), e.g. "2022-10-24 09:00"' in err
    assert "isoformat" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "text, moment",
    [
        ("2022-10-24 09:00", datetime(2022, 10, 24, 9, 0)),
        ("2022-10-24T09:00", datetime(2022, 10, 24, 9, 0)),
        (" 2022-10-24 10:29:30 ", datetime(2022, 10, 24, 10, 29, 30)),
        ("2022-10-24T09:00:00-04:00", datetime(2022, 10, 24, 9, 0, tzinfo=timezone(timedelta(hours=-4)))),
        ("2022-10-24", datetime(2022, 10, 24)),
    ],
)
def test_at_takes_venue_time_and_the_iso_forms(text, moment):
    assert build_parser().parse_args(["console", "--at", text]).at == moment


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "../../etc/passwd", ""])
def test_user_tz_must_be_an_iana_zone(capsys, zone):
    err = refusal(capsys, "--user-tz", zone)
    assert err.startswith(f"python -m bot console: argument --user-tz: unknown time zone {zone!r}: ")


def test_user_tz_and_speed_that_are_fine(capsys):
    args = build_parser().parse_args(["console", "--user-tz", "Europe/Berlin", "--speed", "60"])
    assert (args.user_tz, args.speed) == ("Europe/Berlin", 60.0)


@pytest.mark.parametrize("speed", ["0", "-2", "fast", "nan", "inf"])
def test_speed_must_be_a_number_above_zero(capsys, speed):
    assert "argument --speed: " in refusal(capsys, "--speed", speed)
