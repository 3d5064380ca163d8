"""Honest answers, through the signed HTTP endpoint: no reminder promised for a talk
under way, countdowns that round up, a status without server paths, several ids at
once, `#name` for the digest, the day words people type, one broken-file DM per
distinct error set, counted nouns, and where to go (link, room)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.console.standin import SlackStandIn
from bot.views.blocks import minutes_until, starts_in
from bot.views.plaintext import blocks_to_text
from tests.conftest import SEED
from tests.slackkit import RunningBot, all_text, at, buttons

ADMINS = frozenset({"UADMIN", "UADMIN2"})
KEYNOTE_TIME = "Monday, October 24 • 10:40am - 11:10am"  # 1Auyq's line in the seed

TINY_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
X-WR-CALNAME:Tiny Conf
X-WR-TIMEZONE:America/Detroit
BEGIN:VEVENT
UID:talk-1@test
DTSTAMP:20221001T000000Z
DTSTART;TZID=America/Detroit:20221024T104000
DTEND;TZID=America/Detroit:20221024T111000
SUMMARY:Room Talk
LOCATION:Hall <B>
URL:https://example.org/talks/1
DESCRIPTION:About it.
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def standin():
    with SlackStandIn(default_zone="America/Detroit") as server:
        yield server


def start_bot(tmp_path, standin, at_text: str, schedule=SEED) -> RunningBot:
    return RunningBot(tmp_path, schedule, at_text, standin, admin_user_ids=ADMINS, reminder_lookahead_seconds=0.0)


@pytest.fixture
def running(tmp_path, standin):
    bot = start_bot(tmp_path, standin, "2022-10-24T10:30")
    yield bot
    bot.close()


@pytest.fixture
def tiny(tmp_path, standin):
    path = tmp_path / "tiny.ics"
    path.write_text(TINY_ICS, encoding="utf-8")
    bot = start_bot(tmp_path, standin, "2022-10-24T10:00", schedule=path)
    yield bot
    bot.close()


def shown(running: RunningBot, text: str, user: str = "U1") -> str:
    reply = running.conf(text, user=user)
    assert reply.status == 200
    return all_text(reply.json)


def answered_later(running: RunningBot, text: str, user: str = "UADMIN") -> str:
    """A command that answers through its response_url (reload, digest): that answer."""
    before = len(running.standin.calls_to("response_url"))
    assert running.conf(text, user=user).json["text"] == "Working on it…"
    return running.standin.wait_for("response_url", before + 1)[-1].params["text"]


def reminder_rows(running: RunningBot) -> list[dict]:
    return list(running.bot.store.db.query("SELECT * FROM reminders WHERE purpose = 'reminder' ORDER BY id"))


def dms_to(standin, user: str) -> list[dict]:
    return [c.params for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == user]


def block_texts(payload: dict) -> str:
    return "\n".join((b.get("text") or {}).get("text", "") for b in payload["blocks"])


# -- 1. a talk under way or over: said so, no reminder --------------------------------


def test_subscribing_to_a_started_or_finished_session_says_so_and_plans_no_reminder(running):
    running.clock.set(at("2022-10-25T09:00"))  # the Cilium Project Meeting runs 08:00-12:00
    reply = shown(running, "sub 1BaT3")
    assert "Subscribed to *Cilium Project Meeting* (`1BaT3`). It already started at 08:00 — no reminder." in reply
    assert "I'll DM you" not in reply
    assert running.bot.store.subscriptions("U1") == {"1BaT3"}
    assert reminder_rows(running) == []
    running.bot.dispatcher.tick()
    assert "0 missed" in shown(running, "stats", user="UADMIN")
    assert "*Your next reminder:* none planned" in shown(running, "status")
    running.clock.set(at("2022-10-29T09:00"))  # after the conference
    over = shown(running, "sub 182DB")
    assert "It is over (it ended Thu 27 Oct 17:05) — no reminder." in over
    assert reminder_rows(running) == []


def test_the_subscribe_button_on_a_session_under_way_says_so_too(running):
    running.clock.set(at("2022-10-24T10:45"))  # 1Auyq started at 10:40
    running.click("subscribe", "1Auyq", "digest-2022-10-24-2", ephemeral=False)  # the digest's button
    [confirmation] = running.standin.wait_for("response_url")
    assert "It already started at 10:40 — no reminder." in confirmation.params["text"]
    assert reminder_rows(running) == []


def test_a_reminder_already_due_is_sent_at_once_and_reminders_off_are_told(running):
    running.clock.set(at("2022-10-24T10:35"))  # 1Auyq at 10:40: inside the 10-minute lead
    assert "It starts in 5 minutes: I'll DM you a reminder right away." in shown(running, "sub 1Auyq")
    assert running.bot.dispatcher.tick().sent == 1
    shown(running, "remind off", user="U2")
    assert "Your reminders are off, so no DM" in shown(running, "sub 1Auz2", user="U2")
    assert "*Your reminders:* off" in shown(running, "status", user="U2")


def test_the_ledger_never_plans_a_session_that_has_started(running):
    shown(running, "sub 1AOie")  # 10:25: already under way at 10:30
    shown(running, "sub 1Auyq")  # 10:40
    assert [r["session_id"] for r in reminder_rows(running)] == ["1Auyq"]
    running.clock.set(at("2022-10-24T10:45"))
    shown(running, "remind 5")  # re-plans everything: nothing has not started now
    assert reminder_rows(running) == []


def test_status_never_shows_a_next_reminder_in_the_past(running):
    shown(running, "sub 1Auyq")  # due 10:30, at 10:40
    shown(running, "sub 1AuzH")  # due 14:15
    assert "*Your next reminder:* now — Extending Cilium" in shown(running, "status")  # due this very minute
    running.clock.set(at("2022-10-24T10:45"))  # the bot was down: the 10:30 row is still planned
    status = shown(running, "status")
    assert "*Your next reminder:* Mon 24 Oct 14:15 EDT — Simplifying and Making" in status
    assert "10:30 EDT — Extending" not in status


# -- 2. countdowns ------------------------------------------------------------------


def test_one_rounding_for_every_countdown():
    start = at("2022-10-24T10:40")
    assert minutes_until(start, at("2022-10-24T10:30")) == 10
    assert minutes_until(start, at("2022-10-24T10:30:20")) == 10
    assert minutes_until(start, at("2022-10-24T10:37:50")) == 3
    assert minutes_until(start, at("2022-10-24T10:39:59")) == 1
    assert minutes_until(start, at("2022-10-24T10:40")) == 0
    assert minutes_until(start, at("2022-10-24T10:41")) == 0
    assert [starts_in(start, at(t)) for t in ("2022-10-24T10:40", "2022-10-24T10:39:30", "2022-10-24T10:38")] == [
        "now",
        "in 1 minute",
        "in 2 minutes",
    ]


@pytest.mark.parametrize(
    ("moment", "heading"),
    [
        ("2022-10-24T10:30:00", "*Next up* (in 10 min)"),
        ("2022-10-24T10:30:20", "*Next up* (in 10 min)"),
        ("2022-10-24T10:39:30", "*Next up* (in 1 min)"),
        ("2022-10-24T10:40:00", "*Next up* (starting now)"),
        ("2022-10-24T10:40:30", "*Next up* (starting now)"),
    ],
)
def test_next_counts_down_rounding_up_and_says_now_at_zero(running, moment, heading):
    running.clock.set(at(moment))
    reply = running.conf("next").json
    assert heading in all_text(reply)
    assert [v for _, v in buttons(reply)] == ["1Auyq"]


def test_a_reminder_rounds_up_and_says_its_countdown_once(running):
    shown(running, "remind 3")
    shown(running, "sub 1Auyq")  # 10:40, due 10:37
    running.clock.set(at("2022-10-24T10:37:50"))  # 2 min 10 s before it starts
    assert running.bot.dispatcher.tick().sent == 1
    [post] = dms_to(running.standin, "U1")
    texts = block_texts(post)
    assert ":alarm_clock: *Starts in 3 minutes*" in texts
    assert texts.casefold().count("starts in") == 1


def test_a_reminder_of_several_sessions_gives_each_its_countdown(running):
    shown(running, "sub 1AuzK")  # 16:20
    shown(running, "sub 1Avqp")  # 16:25
    running.bot.store.db.execute("UPDATE reminders SET due_at = ?", ["2022-10-24T20:10:00.000000Z"])  # 16:10 EDT
    running.bot.store.db.conn.commit()
    running.clock.set(at("2022-10-24T16:10:30"))
    running.bot.dispatcher.tick()
    [post] = dms_to(running.standin, "U1")
    texts = block_texts(post)
    assert "*2 of your sessions start in 10 minutes*" in texts
    assert "starts in 10 minutes" in texts and "starts in 15 minutes" in texts


# -- 3. status ----------------------------------------------------------------------


def test_status_names_the_source_in_venue_time_without_server_paths(running):
    status = shown(running, "status")
    assert "*From:* `kubecon-na-2022.md`, loaded Mon 24 Oct 10:30 EDT" in status
    assert str(SEED.parent) not in status and "UTC" not in status
    assert "13 sessions on 4 days" in status
    assert "Last reload" not in status and "anyone" not in status  # for the admins only


def test_admins_see_the_last_reloads_outcome(tmp_path, standin):
    path = tmp_path / "schedule.md"
    good = SEED.read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    running = start_bot(tmp_path, standin, "2022-10-24T10:30", schedule=path)
    try:
        assert "*Last reload:* none yet" in shown(running, "status", user="UADMIN")
        path.write_text(good.replace(KEYNOTE_TIME, "Monday, October 24 • 25:00 - 26:00"), encoding="utf-8")
        running.clock.advance(timedelta(minutes=5))
        running.bot.reloader.check_file()
        status = shown(running, "status", user="UADMIN")
        assert "*Last reload:* Mon 24 Oct 10:35 EDT, *rejected* (the schedule file changed)" in status
        assert "hour 25 is not a time" in status
        path.write_text(good.replace("Cilium Project Meeting", "Cilium Project Meetup"), encoding="utf-8")
        running.bot.reloader.check_file()
        status = shown(running, "status", user="UADMIN")
        assert "*Last reload:* Mon 24 Oct 10:35 EDT, ok — 13 sessions. 0 moved" in status
        assert "rejected" not in status
        assert "Last reload" not in shown(running, "status", user="U1")
    finally:
        running.close()


# -- 4. several ids -----------------------------------------------------------------


def test_sub_and_unsub_take_several_ids(running):
    shown(running, "sub 1AuzK")
    reply = shown(running, "sub 1auzh, 1aoie 1Avqp nosuch 1AUZH")
    assert "*Subscribed to 3 sessions:*" in reply
    assert "(`1AuzH`): I'll DM you 10 minutes before it starts." in reply
    assert "(`1AOie`): It already started at 10:25 — no reminder." in reply
    assert "No session has the id `nosuch`." in reply
    assert ":warning: *“Are These Things Talking" in reply and "overlaps *Panel Disucssion" in reply
    assert running.bot.store.subscriptions("U1") == {"1AuzK", "1AuzH", "1AOie", "1Avqp"}
    assert "You were already subscribed." in shown(running, "sub 1AuzK 1Auz2")
    gone = shown(running, "unsub 1auzh 1AOie 1Auyq zzz")
    assert "Unsubscribed from 2 sessions: *Simplifying and Making" in gone
    assert "You were not subscribed to *Extending Cilium" in gone
    assert "No session has the id `zzz`." in gone
    assert running.bot.store.subscriptions("U1") == {"1AuzK", "1Avqp", "1Auz2"}
    assert "There is no session with id `zzz`" in shown(running, "sub zzz")  # one id: suggestions as before


# -- 5. the digest's channel and time -----------------------------------------------


def test_digest_resolves_a_typed_channel_name_through_conversations_list(running):
    running.standin.fail_next(  # a first page without it, then a second page with it
        "conversations.list", 200, {"ok": True, "channels": [{"id": "C0RANDOM", "name": "random"}],
                                    "response_metadata": {"next_cursor": "page2"}},
    )  # fmt: skip
    running.standin.fail_next("conversations.list", 200, {"ok": True, "channels": [{"id": "C0GEN", "name": "general"}]})
    answer = answered_later(running, "digest #General 08:00")
    assert "The daily digest goes to <#C0GEN> at 08:00" in answer
    assert running.bot.digests.channel() == "C0GEN"
    calls = running.standin.calls_to("conversations.list")
    assert [c.params.get("cursor") for c in calls] == [None, "page2"]


def test_digest_explains_how_to_pick_a_channel_it_cannot_find(running):
    answer = answered_later(running, "digest #nosuch 08:00")
    assert "Which channel is #nosuch? I found no channel of that name (a private one only once I am in it" in answer
    assert "Type # and choose the channel from Slack's list" in answer and "channel's ID" in answer
    running.standin.fail_next("conversations.list", 200, {"ok": False, "error": "missing_scope"})
    assert "Slack would not list the channels (missing_scope)" in answered_later(running, "digest #general 08:00")
    assert "general! is not a channel" in answered_later(running, "digest general! 08:00")
    assert running.bot.digests.channel() is None


@pytest.mark.parametrize("bad", ["25:00", "8am", "08:60"])
def test_digest_names_a_bad_time(running, bad):
    answer = answered_later(running, f"digest <#C0GEN|general> {bad}")
    assert f"{bad} is not a time: use HH:MM, 00:00–23:59" in answer
    assert running.bot.digests.channel() is None


# -- 6. day words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "label"),
    [
        ("24", "*Monday 24 October* — 7 sessions"),
        ("Oct 25", "*Tuesday 25 October* — 3 sessions"),
        ("25 Oct", "*Tuesday 25 October* — 3 sessions"),
        ("october 25", "*Tuesday 25 October* — 3 sessions"),
        ("25th of October", "*Tuesday 25 October* — 3 sessions"),
        ("25/10", "*Tuesday 25 October* — 3 sessions"),
        ("10/25", "*Tuesday 25 October* — 3 sessions"),
        ("26.10.2022", "*Wednesday 26 October* — 1 session"),
        ("wed", "*Wednesday 26 October* — 1 session"),
        ("2022-10-27", "*Thursday 27 October* — 2 sessions"),
    ],
)
def test_day_understands_the_words_people_type(running, words, label):
    assert label in shown(running, f"day {words}")


def test_day_outside_the_conference_year_says_the_year_and_ambiguous_dates_ask(running):
    assert "No sessions on Thursday 1 January 2099." in shown(running, "day 2099-01-01")
    assert "No sessions on Monday 31 October. Conference days" in shown(running, "day 31")
    asked = shown(running, "day 10/11")  # 10 November or 11 October: neither is a conference day
    assert "Which day? `10/11` could be *Tuesday 11 October* or *Thursday 10 November*." in asked
    assert "Say which with the month: `/conf day Oct 11` or `/conf day Nov 10`." in asked
    unknown = shown(running, "day someday")
    assert "Which day?" in unknown and "`/conf day 24`" in unknown and "`/conf day Oct 24`" in unknown


# -- 7. remind ----------------------------------------------------------------------


def test_remind_zero_is_refused_with_the_range_and_one_minute_is_singular(running):
    refused = shown(running, "remind 0")
    assert "`0` is not a lead time. Give minutes from 1 to 1440, or `off`." in refused
    assert running.bot.ledger.lead_minutes("U1") == 10
    assert "I'll DM you *1 minute* before each session" in shown(running, "remind 1")
    assert "Your reminders: *1 minute before each session*" in shown(running, "remind")
    assert "*1440 minutes*" in shown(running, "remind 1440")
    assert "is not a lead time" in shown(running, "remind 1441")


# -- 8. one broken-file DM per distinct error set -----------------------------------


def test_a_broken_file_is_told_to_each_admin_once_per_distinct_error_set(tmp_path, standin):
    path = tmp_path / "schedule.md"
    good = SEED.read_text(encoding="utf-8")
    path.write_text(good, encoding="utf-8")
    running = start_bot(tmp_path, standin, "2022-10-24T10:30", schedule=path)

    def break_with(hour: str) -> None:
        path.write_text(good.replace(KEYNOTE_TIME, f"Monday, October 24 • {hour}:00 - 26:00"), encoding="utf-8")

    try:
        break_with("25")
        running.bot.reloader.check_file()  # the watcher finds it: every admin told
        assert (len(dms_to(standin, "UADMIN")), len(dms_to(standin, "UADMIN2"))) == (1, 1)
        answer = answered_later(running, "reload")  # the same errors: the answer says them, no DM
        assert "did not load" in answer and "hour 25 is not a time" in answer
        running.bot.reloader.reload("again")
        assert (len(dms_to(standin, "UADMIN")), len(dms_to(standin, "UADMIN2"))) == (1, 1)
        break_with("27")  # different errors, found by the one who asked: the others are told
        assert "hour 27 is not a time" in answered_later(running, "reload")
        assert (len(dms_to(standin, "UADMIN")), len(dms_to(standin, "UADMIN2"))) == (1, 2)
        assert "hour 27 is not a time" in dms_to(standin, "UADMIN2")[-1]["text"]
        path.write_text(good, encoding="utf-8")
        assert answered_later(running, "reload").startswith("Reloaded")
        break_with("25")  # fixed, then broken again the first way: told again
        running.bot.reloader.check_file()
        assert (len(dms_to(standin, "UADMIN")), len(dms_to(standin, "UADMIN2"))) == (2, 3)
    finally:
        running.close()


# -- 9. counted nouns ---------------------------------------------------------------


def test_counts_of_one_are_singular(tiny, tmp_path):
    assert "1 session on 1 day: Mon 24 Oct." in shown(tiny, "help")
    assert "1 session on 1 day (Mon 24 Oct – Mon 24 Oct 2022" in shown(tiny, "status")
    shown(tiny, "sub deu6e")
    assert "*Subscriptions:* 1 by 1 person to 1 session" in shown(tiny, "stats", user="UADMIN")
    path = tmp_path / "tiny.ics"
    path.write_text(TINY_ICS.replace("T104000", "T114000").replace("T111000", "T121000"), encoding="utf-8")
    summary = tiny.bot.reloader.reload("moved")
    assert "Reloaded (moved): 1 session. 1 moved, 0 removed, 0 added; 1 person notified." in summary


# -- 10. where and how to join ------------------------------------------------------


def test_show_spells_out_the_link_also_in_plain_text(tiny):
    reply = tiny.conf("show deu6e").json
    text = all_text(reply)
    assert "*Link:* <https://example.org/talks/1>" in text and "*Where:* Hall &lt;B&gt;" in text
    assert "Link: https://example.org/talks/1" in blocks_to_text(reply["blocks"])  # what the console prints


def test_reminders_and_the_digest_say_the_room_and_link(tiny):
    shown(tiny, "sub deu6e")
    tiny.clock.set(at("2022-10-24T10:30"))
    tiny.bot.dispatcher.tick()
    [reminder] = dms_to(tiny.standin, "U1")
    texts = block_texts(reminder)
    assert "Hall &lt;B&gt;" in texts and "*Link:* <https://example.org/talks/1>" in texts
    answered_later(tiny, "digest <#C0CONF|conference> 08:00")
    assert answered_later(tiny, "digest now").startswith("posted to")
    [digest] = [c.params for c in tiny.standin.calls_to("chat.postMessage") if c.params.get("channel") == "C0CONF"]
    texts = block_texts(digest)
    assert "<https://example.org/talks/1|Room Talk>" in texts and "Hall &lt;B&gt;" in texts
    assert "— 1 session" in texts
