"""The App Home tab, through the signed HTTP endpoint: `app_home_opened` and the tab's
own controls publish a `home` view to the stand-in Web API, which refuses what Slack
would refuse (over 100 blocks, a select whose initial option is not an option)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from bench.generate import seed_format_schedule
from bot.console.standin import SlackStandIn, block_kit_problems
from bot.views.home import LEAD_TIME, UNFOLLOW
from bot.webapi.budget import Budgets
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


def _published(bot: RunningBot, user_id: str = "U1") -> None:
    """Until the lazy listener has finished publishing (the stand-in sees the call first)."""
    deadline = time.monotonic() + 5
    while bot.bot.home.fresh_until(user_id) is None:
        assert time.monotonic() < deadline, f"{user_id}'s tab was not published"
        time.sleep(0.005)


def _home_after(tmp_path, standin, *commands: str, at="2022-10-24T10:30", later=timedelta(0), **settings) -> dict:
    """U1's Home tab, opened after `commands` and `later` on the clock."""
    bot = _running(tmp_path, standin, at=at, **settings)
    try:
        for command in commands:
            bot.conf(command)
        bot.clock.set(bot.clock.now() + later)
        home_opened(bot, "U1")
        (view,) = _views(standin)
    finally:
        bot.close()
    return view


def _buttons(view: dict) -> list[tuple[str, str]]:
    return [
        (block["accessory"]["action_id"], block["accessory"].get("value", ""))
        for block in view["blocks"]
        if block.get("accessory", {}).get("type") == "button"
    ]


def _select(view: dict) -> dict:
    return next(b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == LEAD_TIME)


def test_opening_the_tab_with_no_subscriptions_publishes_an_invitation(tmp_path, standin):
    view = _home_after(tmp_path, standin)
    assert view["user_id"] == "U1" and view["type"] == "home"
    assert block_kit_problems(view["blocks"], max_blocks=100) == []
    text = all_text(view)
    assert "not subscribed to any session yet" in text
    assert "Today, Monday 24 October" in text
    assert _select(view)["initial_option"]["value"] == "10"  # REMINDER_MINUTES' default
    assert "nothing yet" in text  # follows
    assert "`/conf ics`" in text  # no PUBLIC_URL: how to get the feed


def test_three_subscriptions_show_the_next_one_with_a_countdown_and_unsubscribe_buttons(tmp_path, standin):
    # 10:40 and 13:15 today, Tuesday 08:00; opened at 10:30:50, 9 min 10 s before the first
    commands = ("sub 1Auyq", "sub 1Auz2", "sub 1BaT3")
    view = _home_after(tmp_path, standin, *commands, later=timedelta(seconds=50), public_url="https://confbot.example")
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
    today = [s for s in schedule.sessions[:200] if s.start.astimezone(schedule.zone).date() == schedule.days[0]]
    assert f"…and {len(today) - 20} more." in text  # today's list is cut and says by how much
    assert "…and 15 more: `/conf follows`" in text  # 30 follows, 15 shown
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
        schedule.write_text(
            schedule.read_text(encoding="utf-8").replace("Extending Cilium with", "Extending Cilium, renamed, with")
        )
        bot.bot.reloader.reload("test")
        assert sorted(bot.bot.home.stale()) == ["U1", "U2"]
        assert bot.bot.home.publish_stale() == 2
        views = _views(standin, 4)[2:]
        bot.bot.reloader.reload("nothing changed")
        assert bot.bot.home.stale() == []  # a reload that changes nothing costs no publishes
    finally:
        bot.close()
    assert sorted(v["user_id"] for v in views) == ["U1", "U2"]
    assert all("Extending Cilium, renamed" in all_text(v) for v in views)  # the new title, in "Starting next"


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
    view = _home_after(tmp_path, standin, "remind 20")
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


def test_the_tab_shows_times_in_the_persons_own_zone_too(tmp_path):
    with SlackStandIn(user_zones={"U1": "Asia/Tokyo"}) as standin:
        view = _home_after(tmp_path, standin, "sub 1Auyq")
    assert "JST your time" in all_text(view)


def test_before_the_conference_and_with_reminders_off(tmp_path, standin):
    view = _home_after(tmp_path, standin, "sub 1Auyq", "remind off", at="2022-10-20T12:00")
    text = all_text(view)
    assert "starts Mon 24 Oct at 10:40" in text
    assert "Today:* no sessions. Conference days: Mon 24 Oct, Tue 25 Oct, Wed 26 Oct, Thu 27 Oct." in text
    assert _select(view)["initial_option"]["value"] == "off"


def test_after_the_conference_all_sessions_are_over(tmp_path, standin):
    view = _home_after(tmp_path, standin, "sub 1Auyq", later=timedelta(days=5))
    assert "all your sessions are over" in all_text(view)


def test_during_my_session_the_tab_says_now_and_counts_down_to_the_next(tmp_path, standin):
    # 1BaT3: Tue 08:00-12:00, under way; 1ARMh: Tue 11:45
    view = _home_after(tmp_path, standin, "sub 1BaT3", "sub 1ARMh", at="2022-10-25T09:00")
    text = all_text(view)
    assert "*Now:* <https://sched.co/1BaT3|Cilium Project Meeting> — *running until 12:00*" in text
    assert (
        "Which Edge Are You on? Service Affinity with Cilium Cluster Mesh> — *starts in 2 hours 45 minutes (11:45)*"
        in text
    )


def test_a_tab_whose_countdown_aged_is_published_again(tmp_path, standin):
    bot = _running(tmp_path, standin)  # 10:30; 1Auyq starts 10:40
    try:
        bot.conf("sub 1Auyq")
        home_opened(bot, "U1")
        _published(bot)
        assert bot.bot.home.publish_stale() == 0  # nothing stale, nothing aged yet
        bot.clock.set(bot.clock.now() + timedelta(minutes=6))
        assert bot.bot.home.publish_stale() == 1
        aged = _views(standin, 2)[1]
    finally:
        bot.close()
    assert "starts in 4 minutes (10:40)" in all_text(aged)


def test_whoever_opens_the_tab_goes_before_a_reloads_backlog(tmp_path, standin):
    ticks = [0.0]
    bot = _running(tmp_path, standin)
    try:
        home = bot.bot.home
        home.budgets = Budgets({"views.publish": 60}, clock=lambda: ticks[0])  # 1 a second, burst 10
        for n in range(30):
            home.table.opened(f"U{n:03d}", bot.clock.now())
        home.changed_everyone()
        assert home.publish_stale() == 10  # the burst; 20 left
        home_opened(bot, "UNEW")  # no budget left: first in line
        deadline = time.monotonic() + 5
        while home.stale()[:1] != ["UNEW"]:  # until the lazy listener has queued it
            assert time.monotonic() < deadline
            time.sleep(0.005)
        ticks[0] += 1.0
        assert home.publish_stale() == 1
        calls = standin.wait_for("views.publish", 11)
    finally:
        bot.close()
    assert calls[-1].params["user_id"] == "UNEW"


def test_stop_following_removes_the_stored_follow_even_when_its_words_look_like_a_kind(tmp_path, standin):
    bot = _running(tmp_path, standin)
    try:
        bot.bot.store.follow("U1", "text", "track")  # followed as words before names were checked
        bot.bot.store.follow("U2", "text", "speakers x")
        home_opened(bot, "U1")
        _views(standin)
        act_in_home(bot, {"type": "button", "action_id": UNFOLLOW, "value": "text:track"})
        _views(standin, 2)
        reply = bot.conf("unfollow speakers x", user="U2").json
        remaining = bot.bot.store.follows()
    finally:
        bot.close()
    assert remaining == []
    assert "Stopped following" in all_text(reply)
