"""Console mode's `/home`: the Home tab as Slack would show it, through the real event."""

from __future__ import annotations

import io
from datetime import datetime

from bot.config import Config
from bot.console.mode import run_console
from tests.conftest import SEED


def console(tmp_path, *lines: str) -> str:
    out = io.StringIO()
    config = Config(schedule_path=SEED, database_path=tmp_path / "console.db")
    assert run_console(config, datetime(2022, 10, 24, 10, 30), 1.0, None, [f"{x}\n" for x in lines], out, False) == 0
    return out.getvalue()


def test_home_prints_the_tab_after_its_echo(tmp_path):
    out = console(tmp_path, "/conf sub 1Auyq", "/home")
    echo = out.index("] /home")
    tab = out[echo:]
    assert "(your Home tab" in tab
    assert (
        "Your next session: Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics — starts in 10 minutes" in tab
    )
    assert "[Unsubscribe 1Auyq]" in tab
    assert "Reminders: a DM before each session" in tab
    assert "[Off | 5 minutes before | *10 minutes before* | 15 minutes before | 30 minutes before]" in tab


def test_a_typed_channel_name_is_found_and_shown_as_a_channel(tmp_path):
    out = console(tmp_path, "/conf digest #general 08:00")
    assert "The daily digest goes to #C0GENERAL at 08:00" in out


def test_home_before_any_subscription_says_how_to_start(tmp_path):
    out = console(tmp_path, "/home")
    assert "you have not subscribed to any session yet" in out
