"""The App Home tab, through the signed HTTP endpoint: `app_home_opened` and the tab's
own controls publish a `home` view to the stand-in Web API, which refuses what Slack
would refuse (over 100 blocks, a select whose initial option is not an option)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bench.generate import seed_format_schedule
from bot.console.standin import SlackStandIn, block_kit_problems
from bot.views.home import LEAD_TIME, UNFOLLOW
from tests.conftest import SEED
from tests.slackkit import RunningBot, act_in_home, all_text, home_opened, signed_event


@pytest.fixture
def standin():
    with SlackStandIn() as server:
        yield server


def _running(tmp_path, standin, schedule=SEED, at="2022-10-24T10:30", **overrides) -> RunningBot:
    return RunningBot(tmp_path, schedule, at, standin, **overrides)


def _views(standin: SlackStandIn, count: int = 1) -> list[dict]:
    """The views published so far (waiting for `count`), each with its user and Slack's answer."""
    calls = standin.wait_for("views.publish", count)
    published = []
    for call in calls:
        view = call.params["view"]
        published.append({"user_id": call.params["user_id"], **(json.loads(view) if isinstance(view, str) else view)})
    return published


def _buttons(view: dict) -> list[tuple[str, str]]:
    return [
        (block["accessory"]["action_id"], block["accessory"].get("value", ""))
        for block in view["blocks"]
        if block.get("accessory", {}).get("type") == "button"
    ]


def _select(view: dict) -> dict:
    return next(b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == LEAD_TIME)


def test_opening_the_tab_with_no_subscriptions_publishes_an_invitation(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        assert home_opened(bot, "U1").status == 200
        (view,) = _views(standin)
    finally:
        bot.close()
    assert view["user_id"] == "U1" and view["type"] == "home"
    assert block_kit_problems(view["blocks"], max_blocks=100) == []
    text = all_text(view)
    assert "not subscribed to any session yet" in text
    assert "Today, Monday 24 October" in text
    assert _select(view)["initial_option"]["value"] == "10"  # REMINDER_MINUTES' default
    assert "nothing yet" in text  # follows
    assert "`/conf ics`" in text  # no PUBLIC_URL: how to get the feed


def test_three_subscriptions_show_the_next_one_with_a_countdown_and_unsubscribe_buttons(tmp_path, standin):
    bot = _running(tmp_path, standin, public_url="https://confbot.example")
    try:
        for session_id in ("1Auyq", "1Auz2", "1BaT3"):  # 10:40 and 13:15 today, Tuesday 08:00
            bot.conf(f"sub {session_id}")
        bot.clock.set(bot.clock.now() + timedelta(seconds=50))  # 10:30:50: 9 min 10 s to go
        home_opened(bot, "U1")
        (view,) = _views(standin)
    finally:
        bot.close()
    text = all_text(view)
    assert "Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics" in text.split("\n")[2]
    assert "starts in 10 minutes" in text  # rounded up
    assert ("unsubscribe", "1Auyq") in _buttons(view) and ("unsubscribe", "1Auz2") in _buttons(view)
    assert ("unsubscribe", "1BaT3") not in _buttons(view)  # tomorrow: counted, not listed today
    assert "3 sessions in your agenda in all" in text
    assert "https://confbot.example/calendar/" in text


def test_two_hundred_subscriptions_stay_within_the_hundred_blocks(tmp_path, standin):
    big = tmp_path / "big.md"
    big.write_text(seed_format_schedule(400), encoding="utf-8")
    bot = _running(tmp_path, standin, schedule=big, at="2022-10-24T08:00")
    try:
        schedule = bot.bot.catalog.current.schedule
        for session in schedule.sessions[:200]:
            bot.bot.store.subscribe("U1", session.id)
        for n in range(30):
            bot.bot.store.follow("U1", "text", f"topic number {n} <!channel>")
        home_opened(bot, "U1")
        (view,) = _views(standin)
        answer = standin.calls_to("views.publish")[0]
    finally:
        bot.close()
    assert len(view["blocks"]) <= 100
    assert block_kit_problems(view["blocks"], max_blocks=100) == []
    assert answer.delivered  # Slack's stand-in accepted it
    text = all_text(view)
    assert "…and" in text and "more" in text  # lists are cut and say so
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text  # escaped


def test_the_tab_is_published_again_when_subscriptions_change_but_only_for_who_opened_it(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        home_opened(bot, "U1")
        _views(standin)
        bot.conf("sub 1Auyq", user="U1")
        bot.conf("sub 1Auyq", user="U2")  # never opened the tab
        assert bot.bot.home.stale() == ["U1"]
        assert bot.bot.home.publish_stale() == 1
        views = _views(standin, 2)
    finally:
        bot.close()
    assert [v["user_id"] for v in views] == ["U1", "U1"]
    assert ("unsubscribe", "1Auyq") in _buttons(views[1])


def test_a_schedule_reload_makes_every_opened_tab_stale(tmp_path, standin):
    schedule = tmp_path / "schedule.md"
    schedule.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    bot = _running(tmp_path, standin, schedule=schedule, admin_user_ids=frozenset({"UADMIN"}))
    try:
        home_opened(bot, "U1")
        home_opened(bot, "U2")
        _views(standin, 2)
        schedule.write_text(schedule.read_text(encoding="utf-8").replace("Cilium Project Meeting", "Cilium Meetup"))
        bot.bot.reloader.reload("test")
        assert sorted(bot.bot.home.stale()) == ["U1", "U2"]
    finally:
        bot.close()


def test_the_tabs_buttons_unsubscribe_change_the_lead_time_and_unfollow(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        bot.conf("sub 1Auyq")
        bot.conf("follow track Cloud Native eBPF Day")
        home_opened(bot, "U1")
        first = _views(standin)[0]
        assert (UNFOLLOW, "track:Cloud Native eBPF Day") in _buttons(first)

        act_in_home(bot, {"type": "button", "action_id": "unsubscribe", "value": "1Auyq"})
        after_unsub = _views(standin, 2)[1]
        act_in_home(
            bot,
            {"type": "static_select", "action_id": LEAD_TIME, "selected_option": {"value": "30"}},
        )
        after_lead = _views(standin, 3)[2]
        act_in_home(bot, {"type": "button", "action_id": UNFOLLOW, "value": "track:Cloud Native eBPF Day"})
        after_unfollow = _views(standin, 4)[3]
        lead = bot.bot.ledger.lead_minutes("U1")
        follows = bot.bot.store.follows("U1")
        subscriptions = bot.bot.store.subscriptions("U1")
    finally:
        bot.close()
    assert "1Auyq" not in subscriptions and ("unsubscribe", "1Auyq") not in _buttons(after_unsub)
    assert lead == 30 and _select(after_lead)["initial_option"]["value"] == "30"
    assert follows == [] and not any(a == UNFOLLOW for a, _ in _buttons(after_unfollow))
    assert standin.calls_to("response_url") == []  # a Home tab has no message to replace


def test_a_lead_time_set_by_command_is_still_selectable(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        bot.conf("remind 20")
        home_opened(bot, "U1")
        (view,) = _views(standin)
    finally:
        bot.close()
    select = _select(view)
    assert select["initial_option"]["value"] == "20"
    assert block_kit_problems(view["blocks"], max_blocks=100) == []


def test_the_messages_tab_publishes_nothing(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        assert signed_event(bot, {"type": "app_home_opened", "user": "U1", "tab": "messages"}).status == 200
        home_opened(bot, "U2")
        views = _views(standin)
    finally:
        bot.close()
    assert [v["user_id"] for v in views] == ["U2"]
