"""Escaping of schedule and user text, and the long-list cut, through the real endpoint."""

from __future__ import annotations

from bot.views.limits import MAX_BLOCKS, MAX_TEXT
from tests.slackkit import RunningBot, all_text, buttons

HOSTILE = """---
title: 'Hostile <!channel> & friends'
date: '2022-10-17'
timezone: America/Detroit
---

## Track <!here>

### [<!channel> hi - Mallory Jones, Evil <@U123> Inc](https://sched.co/1Evil)

Monday, October 24 • 9:00am - 9:30am

Abstract with <!everyone> and <https://evil.example|a link> & more.

### [Plain talk - Alice Smith, Good Org](https://sched.co/1Good)

Monday, October 24 • 10:00am - 10:30am

Nothing odd.
"""


def long_day(count: int) -> str:
    lines = ["---", "title: Long day", "date: '2022-10-17'", "timezone: America/Detroit", "---", ""]
    for n in range(count):
        hour, minute = 8 + n // 12, (n % 12) * 5
        lines += [
            f"### [Talk number {n} about eBPF - Speaker {chr(65 + n % 26)}anders, Org](https://sched.co/1T{n:03d})",
            "",
            f"Monday, October 24 • {hour:02d}:{minute:02d} - {hour:02d}:{minute + 4:02d}",
            "",
            "x" * 4000 if n == 0 else "Short abstract.",
            "",
        ]
    return "\n".join(lines)


def start(tmp_path, standin, text: str) -> RunningBot:
    path = tmp_path / "schedule.md"
    path.write_text(text, encoding="utf-8")
    return RunningBot(tmp_path, path, "2022-10-24T08:00", standin)


def assert_no_live_mentions(text: str) -> None:
    for dangerous in ("<!channel>", "<!here>", "<!everyone>", "<@U123>", "<https://evil.example"):
        assert dangerous not in text


def test_schedule_text_is_escaped_everywhere(tmp_path, standin):
    running = start(tmp_path, standin, HOSTILE)
    try:
        for command in (
            "today",
            "show 1Evil",
            "search channel",
            "track here",
            "speaker mallory",
            "status",
            "sub 1Evil",
        ):
            payload = running.conf(command).json
            shown = all_text(payload)
            assert_no_live_mentions(shown)
        shown = all_text(running.conf("show 1Evil").json)
        assert "&lt;!channel&gt; hi" in shown
        assert "Mallory Jones (Evil &lt;@U123&gt; Inc)" in shown
        assert "&lt;!everyone&gt;" in shown
        assert "<https://sched.co/1Evil|&lt;!channel&gt; hi>" in shown  # our own link stays a link
    finally:
        running.close()


def test_user_text_is_escaped(tmp_path, standin):
    running = start(tmp_path, standin, HOSTILE)
    try:
        for command in (
            "<!here>",
            "search <!channel>",
            "show <!everyone>",
            "speaker <@U999>",
            "track <!here>",
            "day <!here>",
        ):
            shown = all_text(running.conf(command).json)
            assert "<!here>" not in shown and "<!channel>" not in shown and "<!everyone>" not in shown
            assert "<@U999>" not in shown
    finally:
        running.close()


def test_long_list_is_cut_within_slack_limits_and_says_how_many_more(tmp_path, standin):
    running = start(tmp_path, standin, long_day(80))
    try:
        payload = running.conf("today").json
        assert len(payload["blocks"]) <= MAX_BLOCKS
        assert len(buttons(payload)) == 20
        shown = all_text(payload)
        assert "…and 60 more not shown." in shown
        assert "/conf track NAME" in shown
        for block in payload["blocks"]:
            for piece in [block.get("text"), *block.get("elements", [])]:
                if isinstance(piece, dict):
                    assert len(piece["text"]) <= MAX_TEXT
        assert len(payload["text"]) <= MAX_TEXT
        detail = running.conf("show 1T000").json
        assert all(len(b["text"]["text"]) <= MAX_TEXT for b in detail["blocks"] if "text" in b)
        search = running.conf("ebpf").json
        assert len(buttons(search)) == 10
        assert "…and 70 more not shown." in all_text(search)
    finally:
        running.close()
