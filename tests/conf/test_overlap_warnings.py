"""`/conf sub` warns of overlaps through the signed endpoint: each pair of sessions once,
and never of a session already over (it can no longer be in the way)."""

from __future__ import annotations

import pytest

from bot.console.standin import SlackStandIn
from bot.views.plaintext import blocks_to_text
from tests.conftest import SEED
from tests.slackkit import RunningBot, at

# In the seed, Monday: 1AOie 10:25–10:55 and 1Auyq 10:40–11:10 overlap; 1Auye 09:15–09:20 does not.


@pytest.fixture
def running(tmp_path):
    with SlackStandIn(default_zone="America/Detroit") as standin:
        bot = RunningBot(tmp_path, SEED, "2022-10-24T09:00", standin, reminder_lookahead_seconds=0.0)
        yield bot
        bot.close()


def shown(running: RunningBot, text: str) -> str:
    """The reply as the person reads it."""
    reply = running.conf(text)
    assert reply.status == 200
    return blocks_to_text(reply.json["blocks"], reply.json["text"])


def test_two_new_sessions_that_overlap_are_warned_of_once(running):
    reply = shown(running, "sub 1auyq 1aoie")
    assert "Subscribed to 2 sessions:" in reply
    assert reply.count("overlaps") == 1, reply
    assert (
        ":warning: Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics (1Auyq) overlaps Verifiable" in reply
    )


def test_a_pair_among_three_new_and_one_old_each_said_once(running):
    shown(running, "sub 1Auye")
    reply = shown(running, "sub 1Avqp 1AuzK 1aoie 1auyq")
    assert reply.count(":warning:") == 2, reply  # 1Avqp with 1AuzK, 1AOie with 1Auyq
    assert reply.count("overlaps") == 2


def test_no_warning_involves_a_session_already_over(running):
    shown(running, "sub 1AOie")
    running.clock.set(at("2022-10-24T11:00"))  # 1AOie ended at 10:55; 1Auyq runs until 11:10
    one = shown(running, "sub 1Auyq")
    assert "overlaps" not in one and "See your agenda with /conf mine." in one
    shown(running, "unsub 1Auyq 1AOie")
    several = shown(running, "sub 1aoie 1auyq")
    assert "Subscribed to 2 sessions:" in several and "overlaps" not in several


def test_a_warning_between_sessions_still_to_come_stays(running):
    shown(running, "sub 1AOie")
    assert "It overlaps Verifiable eBPF Traces" in shown(running, "sub 1Auyq")
