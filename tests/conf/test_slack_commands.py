"""/conf through the real HTTP endpoint, signed as Slack signs, Web API on a stand-in."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from bot.console.standin import SlackStandIn
from tests.conftest import SEED
from tests.slackkit import RunningBot, all_text, buttons


@pytest.fixture
def standin():
    with SlackStandIn(user_zones={"UBERLIN": "Europe/Berlin"}, default_zone="America/Detroit") as server:
        yield server


@pytest.fixture
def running(tmp_path, standin):
    bot = RunningBot(tmp_path, SEED, "2022-10-24T10:30", standin)
    yield bot
    bot.close()


def ids_in(payload: dict) -> list[str]:
    return [session_id for _, session_id in buttons(payload)]


def test_signed_command_gets_an_ephemeral_block_kit_reply(running):
    reply = running.conf("now")
    assert reply.status == 200
    payload = reply.json
    assert payload["response_type"] == "ephemeral"
    assert ids_in(payload) == ["1AOie"]
    assert "Running now" in payload["text"]
    assert "10:25–10:55 EDT" in all_text(payload)


def test_bad_signature_and_stale_timestamp_get_401_and_do_nothing(running):
    assert running.conf("sub 1Auye", secret="not-the-secret").status == 401
    stale = int(time.time()) - 6 * 60
    assert running.conf("sub 1Auye", timestamp=stale).status == 401
    assert running.bot.store.subscriptions("U1") == set()
    assert running.conf("sub 1Auye").status == 200
    assert running.bot.store.subscriptions("U1") == {"1Auye"}


def test_help_and_empty_text_teach_by_example(running):
    for text in ("", "help"):
        shown = all_text(running.conf(text).json)
        assert "/conf now" in shown and "/conf sub 1Auye" in shown and "/conf day tuesday" in shown


def test_next_today_tomorrow_and_day(running):
    assert ids_in(running.conf("next").json) == ["1Auyq"]
    assert ids_in(running.conf("today").json) == ["1Auye", "1AOie", "1Auyq", "1Auz2", "1AuzH", "1AuzK", "1Avqp"]
    assert ids_in(running.conf("tomorrow").json) == ["1BaT3", "1ARMh", "1AOju"]
    assert ids_in(running.conf("day wed").json) == ["182NR"]
    assert ids_in(running.conf("day 2022-10-27").json) == ["182Ej", "182DB"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("day", "Which day?"),
        ("day someday", "Which day?"),
        ("day 2022-13-45", "Which day?"),
        ("show", "needs a session id"),
        ("sub", "needs a session id"),
        ("unsub", "needs a session id"),
        ("speaker", "needs a name"),
        ("search", "needs something to look for"),
        ("show zzzzz", "There is no session with id"),
        ("speaker nobody-at-all", "No speaker matches"),
        ("track quantum", "No track matches"),
        ("day 2022-11-01", "No sessions on Tuesday 1 November"),
        ("follow", "needs a track, a speaker or words"),
        ("unfollow speaker nobody", "You do not follow"),
        ("ics now", "needs nothing, or `reset`"),
        ("remind soon", "is not a lead time"),
        ("stats", "for the organisers (admins) only"),
    ],
)
def test_missing_or_wrong_arguments_get_a_short_explanation(running, text, expected):
    reply = running.conf(text)
    assert reply.status == 200
    shown = all_text(reply.json)
    assert expected in shown
    assert "Traceback" not in shown


def test_unknown_id_suggests_close_ones(running):
    shown = all_text(running.conf("sub 1Auyee").json)
    assert "There is no session with id `1Auyee`" in shown
    assert "Did you mean `1Auye`" in shown


def test_track_speaker_show(running):
    assert ids_in(running.conf("track kubernetes on edge").json) == ["1ARMh"]
    tracks = all_text(running.conf("track").json)
    assert "Open Observability Day" in tracks
    assert ids_in(running.conf("speaker raymond").json) == ["1ARMh", "1AOju"]
    assert ids_in(running.conf("speaker de jong").json) == ["1ARMh", "1AOju"]
    detail = running.conf("show 1auye").json
    shown = all_text(detail)
    assert "<https://sched.co/1Auye|Keynote: eBPF - Everything You Need to Know in 5 Minutes>" in shown
    assert "Thomas Graf (CTO, Isovalent)" in shown and "eBPF has become the key technology" in shown
    assert buttons(detail) == [("subscribe", "1Auye")]


def test_subscribe_twice_unsubscribe_and_agenda(running):
    first = all_text(running.conf("sub 1auyq").json)
    assert "Subscribed to *Extending Cilium with eBPF" in first
    again = all_text(running.conf("subscribe 1Auyq").json)
    assert "already subscribed" in again
    assert running.bot.store.subscriptions("U1") == {"1Auyq"}
    mine = running.conf("mine").json
    assert buttons(mine) == [("unsubscribe", "1Auyq")]
    assert ids_in(running.conf("agenda").json) == ["1Auyq"]
    assert "Unsubscribed from" in all_text(running.conf("unsub 1Auyq").json)
    assert "not subscribed" in all_text(running.conf("unsubscribe 1Auyq").json)
    assert "no subscriptions yet" in all_text(running.conf("mine").json)


def test_overlap_warning_still_subscribes(running):
    running.conf("sub 1AuzK")
    reply = all_text(running.conf("sub 1Avqp").json)
    assert "Subscribed to" in reply
    assert ":warning: It overlaps *Panel Disucssion" in reply and "(`1AuzK`)" in reply
    assert running.bot.store.subscriptions("U1") == {"1AuzK", "1Avqp"}


def test_buttons_show_the_users_state(running):
    running.conf("sub 1Auyq", user="U2")
    mine_view = running.conf("today", user="U2").json
    states = dict((session_id, action) for action, session_id in buttons(mine_view))
    assert states["1Auyq"] == "unsubscribe"
    assert states["1AOie"] == "subscribe"
    # another user sees their own state
    assert dict((s, a) for a, s in buttons(running.conf("today", user="U3").json))["1Auyq"] == "subscribe"


def test_button_click_subscribes_and_flips_the_button_via_response_url(running):
    listing = running.conf("search witness").json
    [section] = [b for b in listing["blocks"] if b.get("accessory")]
    assert section["accessory"]["action_id"] == "subscribe"
    reply = running.click("subscribe", "1AOie", section["block_id"])
    assert reply.status == 200
    [update] = running.standin.wait_for("response_url")
    assert running.bot.store.subscriptions("U1") == {"1AOie"}
    assert update.params["replace_original"] is True
    assert [
        (b["accessory"]["action_id"], b["accessory"]["value"]) for b in update.params["blocks"] if b.get("accessory")
    ] == [("unsubscribe", "1AOie")]
    running.click("unsubscribe", "1AOie", section["block_id"])
    last = running.standin.wait_for("response_url", 2)[-1]
    assert running.bot.store.subscriptions("U1") == set()
    assert [b["accessory"]["action_id"] for b in last.params["blocks"] if b.get("accessory")] == ["subscribe"]


def test_button_outside_a_conf_reply_confirms_ephemerally(running):
    running.click("subscribe", "1Auye", "digest-2022-10-24-3", ephemeral=False)
    [confirmation] = running.standin.wait_for("response_url")
    assert running.bot.store.subscriptions("U1") == {"1Auye"}
    assert confirmation.params["response_type"] == "ephemeral"
    assert confirmation.params["replace_original"] is False
    assert "Subscribed to" in confirmation.params["text"]


def test_user_zone_from_users_info_is_shown_and_cached(running):
    first = all_text(running.conf("show 1Auye", user="UBERLIN").json)
    assert "09:15–09:20 EDT (15:15–15:20 CEST your time)" in first
    running.conf("next", user="UBERLIN")
    assert len([c for c in running.standin.calls_to("users.info") if c.params.get("user") == "UBERLIN"]) == 1
    same_zone = all_text(running.conf("show 1Auye", user="U1").json)
    assert "your time" not in same_zone


def test_users_info_failure_falls_back_to_venue_time(running):
    running.standin.fail_next("users.info", 200, {"ok": False, "error": "user_not_found"})
    reply = running.conf("show 1Auye", user="UGONE")
    assert reply.status == 200
    assert "09:15–09:20 EDT" in all_text(reply.json)


def test_before_and_after_the_conference(running):
    running.clock.set(running.clock.now() - timedelta(days=3))
    shown = all_text(running.conf("now").json)
    assert "the conference starts *Monday 24 October* (in 3 days)" in shown
    assert "/conf day mon" in shown
    today = all_text(running.conf("today").json)
    assert "No sessions on Friday 21 October. Conference days: Mon 24 Oct, Tue 25 Oct" in today
    running.clock.set(running.clock.now() + timedelta(days=10))
    assert "the conference is over" in all_text(running.conf("now").json)
    assert "the conference is over" in all_text(running.conf("next").json)


def test_search_typos_and_names(running):
    assert ids_in(running.conf("tetragn").json)[0] == "1AOie"
    assert ids_in(running.conf("hubbel").json)[0] == "1Avqp"
    assert ids_in(running.conf("search kapuscinska").json) == ["1Avqp"]
    assert "Nothing matches" in all_text(running.conf("search zzqqxx").json)


def test_healthz_and_unknown_paths(running):
    assert running.get("/healthz").status == 200
    assert running.get("/calendar/abcdefgh1234.ics").status == 404
    assert running.get("/nope").status == 404


def test_reload_answers_at_once_then_through_the_response_url(running):
    reply = running.conf("reload", user="U1")
    assert reply.json["text"] == "Working on it…"
    [answer] = running.standin.wait_for("response_url")
    assert "for the organisers (admins) only" in answer.params["text"]
    assert answer.params["response_type"] == "ephemeral"


def test_show_lists_sessions_at_the_same_time_with_their_buttons(running):
    running.conf("sub 1Avqp")
    detail = running.conf("show 1AuzK").json
    assert buttons(detail) == [("subscribe", "1AuzK"), ("unsubscribe", "1Avqp")]
    assert "*At the same time*" in all_text(detail)


def test_ics_gives_a_private_feed_that_follows_subscriptions_and_reset_ends_it(running):
    import re

    running.conf("sub 1Auye")
    running.conf("sub 182DB")
    shown = all_text(running.conf("ics").json)
    path = re.search(r"`(/calendar/[A-Za-z0-9_-]+\.ics)`", shown).group(1)
    feed = running.get(path)
    assert feed.status == 200
    assert feed.body.startswith("BEGIN:VCALENDAR")
    assert feed.body.count("BEGIN:VEVENT") == 2 and "UID:1Auye@confbot" in feed.body
    running.conf("unsub 182DB")
    assert running.get(path).body.count("BEGIN:VEVENT") == 1
    assert running.conf("ics").json == running.conf("ics").json  # the same link until reset
    renewed = re.search(r"`(/calendar/[A-Za-z0-9_-]+\.ics)`", all_text(running.conf("ics reset").json)).group(1)
    assert renewed != path
    assert running.get(path).status == 404
    assert running.get(renewed).status == 200


def test_free_shows_todays_gaps_and_what_runs_then(running):
    running.conf("sub 1Auyq")  # 10:40-11:10 on Monday; the clock is 10:30
    running.conf("sub 1AuzK")  # 16:20-17:00
    reply = running.conf("free").json
    shown = all_text(reply)
    # 10:30-10:40 is free but nothing starts in it; 1Avqp (16:25) clashes with 1AuzK.
    assert "*Free today:* 11:10–16:20 — 2 sessions you could join" in shown
    assert "Around your 2 subscribed today." in shown
    assert [v for _, v in buttons(reply)] == ["1Auz2", "1AuzH"]


def test_every_subcommand_is_registered_once_with_its_flags():
    from bot.conf.handlers import REGISTRY
    from bot.conf.registry import aliases

    names = aliases()
    assert set(names.values()) == set(REGISTRY)
    assert names["subscribe"] == "sub" and names["calendar"] == "ics" and names["?"] == "help"
    assert {n for n, e in REGISTRY.items() if e.admin_only} == {"reload", "digest", "stats", "announce"}
    assert {n for n, e in REGISTRY.items() if e.answers_later} == {"reload", "digest"}
