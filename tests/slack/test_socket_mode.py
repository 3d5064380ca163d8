"""Socket Mode against a local WebSocket stand-in: acknowledgements, and reconnects after
a close frame, a refresh, an abrupt drop and a silent link, without busy-looping."""

from __future__ import annotations

import resource
import time

import pytest

from bot.bootstrap import build_bot
from bot.console.socket_standin import SocketModeStandIn
from bot.slack.socket_mode import socket_mode_handler
from tests.slackkit import bot_config

SLASH = {
    "command": "/conf",
    "text": "show 1Auye",
    "user_id": "U1",
    "user_name": "u1",
    "team_id": "T0CONF",
    "channel_id": "C1",
    "api_app_id": "A1",
    "response_url": "http://127.0.0.1:9/response/unused",
    "trigger_id": "1.2.3",
}


@pytest.fixture
def connected(tmp_path, standin):
    with SocketModeStandIn(refresh_grace=5.0) as socket_mode:
        standin.socket_url = socket_mode.url
        config = bot_config(tmp_path, standin, signing_secret="", app_token="xapp-1-test")
        bot = build_bot(config)
        handler = socket_mode_handler(bot.app, config.app_token, bot.client)
        handler.connect()
        socket_mode.wait_for_connections(1, timeout=5)
        yield socket_mode
        handler.close()
        bot.close()


def acked_in(socket_mode: SocketModeStandIn, timeout: float = 3.0) -> float:
    envelope = socket_mode.send_envelope("slash_commands", SLASH)
    ack, seconds = socket_mode.wait_for_ack(envelope, timeout=timeout)
    assert "Keynote: eBPF" in str(ack.get("payload"))  # the answer rides on the ack
    return seconds


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reconnect_after(socket_mode: SocketModeStandIn, cut, timeout: float) -> tuple[float, float]:
    """Seconds until a new connection after `cut()`, and the CPU seconds used meanwhile."""
    links = len(socket_mode.links)
    cpu, started = cpu_seconds(), time.monotonic()
    cut()
    socket_mode.wait_for_connections(links + 1, timeout=timeout)
    return time.monotonic() - started, cpu_seconds() - cpu


def test_a_command_is_acknowledged_with_its_answer_well_inside_3_seconds(connected):
    assert max(acked_in(connected) for _ in range(5)) < 1.0


def test_a_close_frame_is_followed_by_a_new_connection_within_2_seconds(connected):
    took, _ = reconnect_after(connected, connected.close_current, timeout=5)
    assert took < 2.0
    assert acked_in(connected) < 1.0


def test_every_acknowledgement_stays_under_3_seconds_across_refreshes(connected):
    for _ in range(3):
        links = len(connected.links)
        connected.request_refresh()
        assert acked_in(connected) < 2.0  # sent at once, while the client moves to a new connection
        connected.wait_for_connections(links + 1, timeout=5)
    assert acked_in(connected) < 1.0


@pytest.mark.parametrize("reset", [True, False], ids=["rst", "fin"])
def test_an_abrupt_drop_reconnects_in_seconds_without_spinning(connected, reset):
    took, cpu = reconnect_after(connected, lambda: connected.drop_current(reset=reset), timeout=10)
    assert took < 3.0
    assert cpu < 0.5 * took + 0.3  # not a core busy on empty reads meanwhile
    assert acked_in(connected) < 1.0


def test_a_silent_link_is_given_up_within_5_seconds(connected):
    took, cpu = reconnect_after(connected, connected.mute_current, timeout=10)
    assert took < 5.0 and cpu < 0.5 * took + 0.3
    assert acked_in(connected) < 1.0
