"""What a reload leaves in the log: one summary line, errors at their lines, no flood."""

from __future__ import annotations

import logging

from bot.bootstrap import build_bot
from bot.clock import ManualClock
from tests.slackkit import at, bot_config


def day_of_talks(count: int, hour: int = 8) -> str:
    lines = ["---", "title: Log day", "date: '2022-10-17'", "timezone: America/Detroit", "---", ""]
    for n in range(count):
        start = hour * 60 + n * 2
        lines += [
            f"### [Talk {n} - Speaker {n}, Org](https://sched.co/1L{n:04d})",
            "",
            f"Monday, October 24 • {start // 60:02d}:{start % 60:02d} - {start // 60:02d}:{start % 60 + 1:02d}",
            "",
        ]
    return "\n".join(lines)


def bot_on(tmp_path, standin, text: str, admins=frozenset()):
    path = tmp_path / "schedule.md"
    path.write_text(text, encoding="utf-8")
    config = bot_config(tmp_path, standin, schedule_path=path, admin_user_ids=admins)
    return build_bot(config, clock=ManualClock(at("2022-10-20T10:00"))), path


def test_a_big_reload_is_one_summary_line_with_capped_details_at_debug(tmp_path, standin, caplog):
    bot, path = bot_on(tmp_path, standin, day_of_talks(200))
    path.write_text(day_of_talks(200, hour=9), encoding="utf-8")  # every talk moves
    with caplog.at_level(logging.DEBUG, logger="bot.reload"):
        bot.reloader.reload("test")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert info == ["schedule reloaded (test): 200 sessions, 200 moved, 0 removed, 0 added"]
    assert len(debug) == 1 and "…and 180 more" in debug[0] and len(debug[0]) < 1000
    bot.close()


def test_a_rejected_reload_is_logged_with_its_lines_even_with_no_admin(tmp_path, standin, caplog):
    bot, path = bot_on(tmp_path, standin, day_of_talks(3))
    path.write_text(day_of_talks(3).replace("08:02 - 08:03", "08:02 - 07:03"), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="bot.reload"):
        bot.reloader.reload("the schedule file changed")
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert line.startswith("schedule not reloaded (the schedule file changed), kept 3 sessions: ")
    assert line.endswith(f"{path}:13: ends (07:03) before it starts (08:02)")
    assert not any(r.exc_info for r in caplog.records)  # an expected error, no traceback
    assert len(bot.catalog.current.schedule) == 3
    bot.close()
