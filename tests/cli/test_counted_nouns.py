"""`check` and `convert` count in words that agree: "1 session on 1 day", not "1 sessions"."""

from __future__ import annotations

from bot.cli import main

ONE_TALK = """---
title: 'One Talk Conf'
date: '2022-10-17T17:00:00.000Z'
timezone: America/Detroit
---

## Main Track

### [The Only Talk - Jane Roe, Example](https://example.org/1)

Monday, October 24 • 10:40am - 11:10am

About it.
"""

ONE_UNTIMED_TALK = """---
title: 'One Talk Conf'
date: '2022-10-17T17:00:00.000Z'
timezone: America/Detroit
---

## Keynotes

- **The Only Talk**<br />
  Jane Roe, Example<br />
  [See on Youtube.](https://www.youtube.com/watch?v=x)
"""


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([*map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_of_one_session_says_1_session_on_1_day(tmp_path, capsys):
    path = tmp_path / "one.md"
    path.write_text(ONE_TALK, encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 0, err
    assert out.splitlines()[0] == "One Talk Conf: 1 session on 1 day (America/Detroit)"


def test_convert_of_one_session_says_1_session_written(tmp_path, capsys):
    path = tmp_path / "one.md"
    path.write_text(ONE_TALK, encoding="utf-8")
    target = tmp_path / "one.json"
    assert run(capsys, "convert", path, target) == (0, f"1 session written to {target}\n", "")


def test_a_post_with_one_untimed_talk_says_1_talk(tmp_path, capsys):
    path = tmp_path / "untimed.md"
    path.write_text(ONE_UNTIMED_TALK, encoding="utf-8")
    code, out, err = run(capsys, "check", path)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"{path}:6: no session with a date and time found (1 talk without one)"
