"""`/conf digest #name HH:MM` through the signed endpoint: a typed name is looked up with
`conversations.list`, public channels and the private ones the bot is in (the manifest
asks groups:read for those)."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from tests.conftest import SEED
from tests.slackkit import RunningBot


@pytest.fixture
def running(tmp_path, standin):
    standin.channels = {"general": "C0GENERAL"}
    standin.private_channels = {"organisers": "G0ORGS"}  # the bot was invited there
    bot = RunningBot(tmp_path, SEED, "2022-10-24T07:00", standin, admin_user_ids=frozenset({"UADMIN"}))
    yield bot
    bot.close()


def answered_later(running: RunningBot, text: str) -> str:
    """What a digest command answers through its response_url."""
    before = len(running.standin.calls_to("response_url"))
    assert running.conf(text, user="UADMIN").json["text"] == "Working on it…"
    return running.standin.wait_for("response_url", before + 1)[-1].params["text"]


def test_a_private_channel_the_bot_is_in_is_found_by_its_name(running):
    answer = answered_later(running, "digest #organisers 08:00")
    assert "The daily digest goes to <#G0ORGS> at 08:00" in answer
    assert "Invite me to that channel if it is private" in answer
    assert running.bot.digests.channel() == "G0ORGS"
    [listing] = running.standin.calls_to("conversations.list")
    assert listing.params["types"] == "public_channel,private_channel"


def test_a_public_channel_is_found_as_before(running):
    assert "The daily digest goes to <#C0GENERAL> at 08:00" in answered_later(running, "digest #General 08:00")


def test_the_stand_in_lists_private_channels_only_when_asked_as_slack_does(standin):
    standin.channels = {"general": "C0GENERAL"}
    standin.private_channels = {"organisers": "G0ORGS"}
    client = WebClient(token="xoxb-test", base_url=standin.api_url)

    def names(**types) -> list[str]:
        return [c["name"] for c in client.conversations_list(**types)["channels"]]

    assert names() == ["general"]  # Slack's default: public channels only
    assert names(types="private_channel") == ["organisers"]
    assert names(types="public_channel,private_channel") == ["general", "organisers"]
