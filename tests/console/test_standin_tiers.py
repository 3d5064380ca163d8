"""The stand-in's Slack-faithful mode: rate tiers, latency and speed, through real HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.console.standin import SlackStandIn


def call(standin: SlackStandIn, method: str, **params: str) -> tuple[int, dict, dict]:
    """One Web API call, no retries: (HTTP status, body, headers)."""
    request = urllib.request.Request(
        standin.api_url + method,
        data=urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Bearer xoxb-test"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read()), dict(refused.headers)


def statuses(standin: SlackStandIn, count: int, method: str, **params: str) -> list[int]:
    return [call(standin, method, **params)[0] for _ in range(count)]


def test_a_tier_allows_its_burst_then_answers_429_with_retry_after():
    with SlackStandIn(tiers=True) as standin:
        assert statuses(standin, 20, "users.info", user="U1") == [200] * 20  # Tier 4: burst 20
        status, body, headers = call(standin, "users.info", user="U1")
        assert status == 429
        assert body == {"ok": False, "error": "ratelimited"}
        assert int(headers["Retry-After"]) >= 1
        assert standin.rate_limited == {"users.info": 1}
        calls = standin.calls_to("users.info")
        assert len(calls) == 21  # a refused call is still recorded
        assert not calls[-1].delivered


def test_unlisted_methods_are_tier_3_and_methods_have_their_own_buckets():
    with SlackStandIn(tiers=True) as standin:
        assert statuses(standin, 10, "reactions.add") == [200] * 10
        assert call(standin, "reactions.add")[0] == 429
        assert statuses(standin, 10, "conversations.history", channel="C1") == [200] * 10
        assert call(standin, "conversations.history", channel="C1")[0] == 429
        assert statuses(standin, 5, "auth.test") == [200] * 5  # generous enough to restart the bot
        assert call(standin, "auth.test")[0] == 429
        assert standin.rate_limited == {"reactions.add": 1, "conversations.history": 1, "auth.test": 1}


def test_the_slack_sdk_client_sees_a_slack_429():
    with SlackStandIn(tiers=True) as standin:
        client = WebClient(token="xoxb-test", base_url=standin.api_url, retry_handlers=[])
        for _ in range(5):
            client.auth_test()
        with pytest.raises(SlackApiError) as refused:
            client.auth_test()
        assert refused.value.response.status_code == 429
        assert refused.value.response["error"] == "ratelimited"
        assert int(refused.value.response.headers["Retry-After"]) >= 1


def test_buckets_refill_at_the_tier_rate_times_speed_up_to_the_burst():
    # speed 10: chat.postMessage allows 10 posts per second per channel, burst 3
    with SlackStandIn(tiers=True, speed=10) as standin:
        assert statuses(standin, 4, "chat.postMessage", channel="C1", text="hi") == [200, 200, 200, 429]
        assert call(standin, "chat.postMessage", channel="C1", text="hi")[2]["Retry-After"] == "1"  # whole seconds
        time.sleep(0.12)  # one token comes back in 0.1 s
        assert statuses(standin, 2, "chat.postMessage", channel="C1", text="hi") == [200, 429]
        time.sleep(0.6)  # six tokens' worth, but the bucket holds three
        assert statuses(standin, 4, "chat.postMessage", channel="C1", text="hi") == [200, 200, 200, 429]


def test_retry_after_counts_stand_in_seconds_at_a_slower_speed():
    with SlackStandIn(tiers=True, speed=0.1) as standin:  # 6 posts a minute per channel
        statuses(standin, 3, "chat.postMessage", channel="C1", text="hi")
        status, _, headers = call(standin, "chat.postMessage", channel="C1", text="hi")
        assert status == 429
        assert 9 <= int(headers["Retry-After"]) <= 10  # a token every 10 s, a little already refilled


def test_posts_are_limited_per_channel_and_a_user_id_is_their_dm():
    with SlackStandIn(tiers=True) as standin:
        assert statuses(standin, 4, "chat.postMessage", channel="C1", text="hi") == [200, 200, 200, 429]
        assert statuses(standin, 3, "chat.postMessage", channel="C2", text="hi") == [200] * 3  # its own bucket
        assert statuses(standin, 2, "chat.postMessage", channel="U7", text="hi") == [200, 200]
        assert call(standin, "chat.postMessage", channel="DU7", text="hi")[0] == 200  # same DM
        assert call(standin, "chat.postMessage", channel="U7", text="hi")[0] == 429
        assert standin.rate_limited == {"chat.postMessage": 2}


def test_a_refused_post_is_not_delivered_and_not_in_history():
    with SlackStandIn(tiers=True) as standin:
        for n in range(4):
            call(standin, "chat.postMessage", channel="C1", text=f"message {n}")
        posts = standin.calls_to("chat.postMessage")
        assert [p.delivered for p in posts] == [True, True, True, False]
        _, body, _ = call(standin, "conversations.history", channel="C1")
        assert sorted(m["text"] for m in body["messages"]) == ["message 0", "message 1", "message 2"]


def test_the_workspace_cap_holds_across_channels():
    # speed 0.01: the workspace cap refills at 12 posts a minute, so its burst of 400 is exact here
    with SlackStandIn(tiers=True, speed=0.01) as standin:
        answers = [call(standin, "chat.postMessage", channel=f"C{n}", text="hi")[0] for n in range(400)]
        assert answers == [200] * 400  # one post per channel: only the workspace cap counts
        status, _, headers = call(standin, "chat.postMessage", channel="CFRESH", text="hi")
        assert status == 429
        assert int(headers["Retry-After"]) >= 4  # a token every 5 stand-in seconds
        _, body, _ = call(standin, "conversations.history", channel="CFRESH")
        assert body["messages"] == []


def test_per_channel_interval_still_works_with_and_without_tiers():
    for tiers in (False, True):
        with SlackStandIn(tiers=tiers) as standin:
            standin.per_channel_interval = 1.0
            assert statuses(standin, 2, "chat.postMessage", channel="C1", text="hi") == [200, 429]
            assert call(standin, "chat.postMessage", channel="C2", text="hi")[0] == 200
            assert standin.rate_limited == {"chat.postMessage": 1}


def test_latency_delays_every_web_api_answer_but_not_response_urls():
    with SlackStandIn(latency=0.2) as standin:
        for method in ("auth.test", "chat.postMessage"):
            started = time.perf_counter()
            assert call(standin, method, channel="C1", text="hi")[0] == 200
            assert time.perf_counter() - started >= 0.2
        started = time.perf_counter()
        urllib.request.urlopen(
            urllib.request.Request(standin.response_url("r1"), data=b'{"text": "hi"}', method="POST"), timeout=10
        ).read()
        assert time.perf_counter() - started < 0.15


def test_tiers_off_changes_nothing():
    with SlackStandIn() as standin:
        started = time.perf_counter()
        assert statuses(standin, 30, "users.info", user="U1") == [200] * 30
        assert statuses(standin, 10, "chat.postMessage", channel="C1", text="hi") == [200] * 10
        assert statuses(standin, 10, "auth.test") == [200] * 10
        assert time.perf_counter() - started < 2.0  # no latency either
        assert standin.rate_limited == {}
        assert all(c.delivered for c in standin.calls_to("chat.postMessage"))
