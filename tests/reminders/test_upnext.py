""" "Up next" posts in channels: the announce command, one post per channel and start
minute at the lead time, reloads, restarts between claim and post, a channel that refuses."""

from __future__ import annotations

from datetime import timedelta

from bot.reminders.planning import Due, reminder_metadata
from tests.slackkit import all_text, at, claim_as_a_dying_process, make_bot

DAY = """---
title: Up next day
date: '2022-10-17'
timezone: America/Detroit
---

## Security

### [Locking down eBPF - Ana Lopez, Org](https://sched.co/1UP01)

Room: Hall A

Monday, October 24 • 10:00 - 10:30

### [Runtime policies - Ben Okafor, Org](https://sched.co/1UP02)

Room: Hall B

Monday, October 24 • 10:00 - 10:30

## Networking

### [Cilium at scale - Chen Wu, Org](https://sched.co/1UP03)

Room: Hall A

Monday, October 24 • 10:30 - 11:00
"""


def day_bot(tmp_path, standin, now="2022-10-24T09:00"):
    path = tmp_path / "day.md"
    path.write_text(DAY, encoding="utf-8")
    bot, clock = make_bot(tmp_path, standin, schedule=path, now=now)
    return bot, clock, path


def upnext_posts(standin) -> list[dict]:
    return [
        c.params
        for c in standin.calls_to("chat.postMessage")
        if c.delivered and (c.params.get("metadata") or {}).get("event_type") == "session_upnext"
    ]


def text_of(reply) -> str:
    return all_text(reply.as_ephemeral())


def test_announce_is_for_admins_and_answers_with_the_known_names(tmp_path, standin):
    bot, _, _ = day_bot(tmp_path, standin)
    assert "is for the organisers (admins) only" in text_of(
        bot.service.handle("U1", "announce <#C1|sec> track Security")
    )
    unknown = text_of(bot.service.handle("UADMIN", "announce <#C1|sec> track Securty"))
    assert "There is no track called “Securty”" in unknown and "`Networking`, `Security`" in unknown
    assert "`Hall A`, `Hall B`" in text_of(bot.service.handle("UADMIN", "announce <#C1|sec> room Hall C"))
    assert "not a channel" in text_of(bot.service.handle("UADMIN", "announce security track Security"))
    assert "from 1 to 120" in text_of(bot.service.handle("UADMIN", "announce <#C1|sec> all 500"))
    done = text_of(bot.service.handle("UADMIN", "announce <#C1|sec> track security 10"))
    assert "<#C1> will hear “up next” for the track *Security*, 10 min before each starts (2 sessions to come)" in done
    bot.service.handle("UADMIN", "announce <#C2|halla> room hall a")
    listing = text_of(bot.service.handle("UADMIN", "announce"))
    assert "<#C1>: track *Security*, 10 min ahead" in listing and "<#C2>: room *Hall A*, 5 min ahead" in listing
    assert "no longer announces" in text_of(bot.service.handle("UADMIN", "announce <#C1|sec> off"))
    assert "<#C1>" not in text_of(bot.service.handle("UADMIN", "announce"))
    bot.close()


def test_one_post_per_channel_and_start_minute_at_the_lead_time(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C1|sec> track Security")
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A 10")
    clock.set(at("2022-10-24T09:49"))
    bot.dispatcher.tick()
    assert upnext_posts(standin) == []  # nothing before its time
    clock.set(at("2022-10-24T09:50"))  # Hall A: 10 minutes before 10:00
    bot.dispatcher.tick()
    clock.set(at("2022-10-24T09:55"))  # Security: 5 minutes before both of its 10:00 talks
    bot.dispatcher.tick()
    clock.set(at("2022-10-24T10:20"))  # Hall A's 10:30 talk
    bot.dispatcher.tick()
    bot.dispatcher.tick()  # nothing twice
    posts = upnext_posts(standin)
    assert [(p["channel"], p["metadata"]["event_payload"]) for p in posts] == [
        ("C2", {"session_ids": ["1UP01"], "channel": "C2"}),
        ("C1", {"session_ids": ["1UP01", "1UP02"], "channel": "C1"}),
        ("C2", {"session_ids": ["1UP03"], "channel": "C2"}),
    ]
    security = all_text(posts[1])
    assert "Up next, starting in 5 minutes" in security and "Locking down eBPF" in security
    assert "10:00–10:30 EDT" in security and "Hall B" in security and "Ben Okafor" in security
    buttons = [b["accessory"] for b in posts[1]["blocks"] if b.get("accessory")]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("subscribe", "1UP01"), ("subscribe", "1UP02")]
    assert not any(
        b.get("block_id", "").startswith(("conf:", "s0:")) for b in posts[1]["blocks"]
    )  # clicks confirm to the clicker
    assert bot.ledger.counts().get("sent", 0) == 0  # up-next posts are not people's reminders
    bot.close()


def test_a_reload_moves_the_post_with_its_talk(tmp_path, standin):
    bot, clock, path = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A")
    path.write_text(DAY.replace("Monday, October 24 • 10:30 - 11:00", "Monday, October 24 • 11:30 - 12:00"), "utf-8")
    bot.reloader.reload("test")
    clock.set(at("2022-10-24T09:55"))  # the 10:00 talk, unmoved
    bot.dispatcher.tick()
    clock.set(at("2022-10-24T10:25"))  # the moved talk's old time: nothing
    bot.dispatcher.tick()
    assert [p["metadata"]["event_payload"]["session_ids"] for p in upnext_posts(standin)] == [["1UP01"]]
    clock.set(at("2022-10-24T11:25"))
    bot.dispatcher.tick()
    assert [p["metadata"]["event_payload"]["session_ids"] for p in upnext_posts(standin)] == [["1UP01"], ["1UP03"]]
    bot.close()


def test_a_post_missed_while_down_goes_out_late_only_before_the_talk_starts(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C3|all> all")
    clock.set(at("2022-10-24T10:10"))  # down from 09:50 to 10:10: the 10:00 talks have started
    bot.dispatcher.tick()
    clock.set(at("2022-10-24T10:27"))  # and up again: 10:30's post is two minutes late, still useful
    bot.dispatcher.tick()
    assert [p["metadata"]["event_payload"]["session_ids"] for p in upnext_posts(standin)] == [["1UP03"]]
    bot.close()


def test_a_restart_between_claim_and_post_sends_each_post_once(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C1|sec> track Security")
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A")
    clock.set(at("2022-10-24T09:55"))
    claimed = claim_as_a_dying_process(bot, clock, posted_to="C1")  # C1's post went out, C2's never began
    assert {row.purpose for row in claimed} == {"upnext"} and len(claimed) == 3
    clock.advance(timedelta(seconds=11))  # past the lease
    report = bot.dispatcher.tick()
    assert (report.recovered, report.sent) == (2, 1)
    assert sorted(p["channel"] for p in upnext_posts(standin)) == ["C1", "C2"]  # each once
    assert [c.params["channel"] for c in standin.calls_to("conversations.history")] == ["C1"]
    bot.close()


def test_a_channel_the_bot_is_not_in_tells_the_admins_once(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C9|private> all")
    for moment in ("2022-10-24T09:55", "2022-10-24T10:25"):
        standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
        clock.set(at(moment))
        bot.dispatcher.tick()
    told = [c.params for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "UADMIN"]
    assert len(told) == 1
    assert "could not post “up next” to <#C9>: `not_in_channel`" in all_text(told[0])
    assert "/invite @confbot" in all_text(told[0])
    assert upnext_posts(standin) == []
    bot.close()


def test_up_next_metadata_is_found_in_a_channels_history():
    from datetime import UTC, datetime

    from bot.reminders.planning import delivered_rows

    due = datetime(2022, 10, 24, 13, 55, tzinfo=UTC)
    row = Due(1, "C1", "1UP01", due, "upnext")
    posted = {"ts": f"{due.timestamp() + 1:.6f}", "metadata": reminder_metadata([row])}
    assert reminder_metadata([row]) == {
        "event_type": "session_upnext",
        "event_payload": {"session_ids": ["1UP01"], "channel": "C1"},
    }
    assert delivered_rows([row], [posted]) == {1}
    assert delivered_rows([Due(2, "C2", "1UP01", due, "upnext")], [posted]) == set()


def test_a_talk_that_changes_room_is_announced_in_its_new_rooms_channel(tmp_path, standin):
    bot, clock, path = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A")
    bot.service.handle("UADMIN", "announce <#C4|hallb> room Hall B")
    path.write_text(
        DAY.replace("Room: Hall A\n\nMonday, October 24 • 10:30", "Room: Hall B\n\nMonday, October 24 • 10:30"), "utf-8"
    )
    bot.reloader.reload("test")
    clock.set(at("2022-10-24T10:25"))
    bot.dispatcher.tick()
    assert [(p["channel"], p["metadata"]["event_payload"]["session_ids"]) for p in upnext_posts(standin)] == [
        ("C4", ["1UP03"])
    ]
    bot.close()


def test_a_post_claimed_before_its_talk_moved_is_not_sent_at_the_old_time(tmp_path, standin):
    bot, clock, path = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A")
    clock.set(at("2022-10-24T10:25"))
    claimed = bot.ledger.claim_due(bot.dispatcher.worker, clock.now())  # claimed for 10:30…
    assert "1UP03" in [row.session_id for row in claimed]
    path.write_text(DAY.replace("Monday, October 24 • 10:30 - 11:00", "Monday, October 24 • 11:30 - 12:00"), "utf-8")
    bot.reloader.reload("test")  # …then the talk moved to 11:30
    bot.dispatcher.tick()
    assert upnext_posts(standin) == []
    clock.set(at("2022-10-24T11:25"))
    bot.dispatcher.tick()
    assert [p["metadata"]["event_payload"]["session_ids"] for p in upnext_posts(standin)] == [["1UP03"]]
    bot.close()


def test_announcing_again_after_the_bot_was_invited_retries_what_failed(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C9|private> room Hall A")
    standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    clock.set(at("2022-10-24T09:55"))
    bot.dispatcher.tick()  # refused: the admins are told
    assert upnext_posts(standin) == []
    bot.service.handle("UADMIN", "announce <#C9|private> room Hall A")  # invited now: try again
    bot.dispatcher.tick()
    assert [p["metadata"]["event_payload"]["session_ids"] for p in upnext_posts(standin)] == [["1UP01"]]
    bot.close()


def test_turning_a_channel_off_stops_a_post_already_claimed(tmp_path, standin):
    bot, clock, _ = day_bot(tmp_path, standin)
    bot.service.handle("UADMIN", "announce <#C2|halla> room Hall A")
    clock.set(at("2022-10-24T09:55"))
    [row] = bot.ledger.claim_due(bot.dispatcher.worker, clock.now())  # a sender has it…
    bot.service.handle("UADMIN", "announce <#C2|halla> off")  # …when the organiser says stop
    assert bot.ledger.mark_attempting(bot.dispatcher.worker, [row.id]) is False  # so it does not post
    status = bot.store.db.execute("SELECT status FROM reminders WHERE id = ?", [row.id]).fetchone()[0]
    assert status == "cancelled"
    bot.dispatcher.tick()
    assert upnext_posts(standin) == []
    bot.close()
