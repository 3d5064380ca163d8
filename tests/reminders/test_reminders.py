"""Reminders: planning, sending, downtime, crash takeover, Slack's errors, reloads.

In-process: a ManualClock, the real SQLite ledger, the stand-in Web API over HTTP.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.reminders.dispatch import ReminderDispatcher, TickReport
from bot.reminders.ledger import HOST
from bot.reminders.planning import due_time, reminder_metadata
from bot.schedule.model import Schedule, Session
from bot.store.database import stamp
from tests.conftest import SEED
from tests.slackkit import all_text, at, claim_as_a_dying_process, make_bot

KEYNOTE_TIME = "Monday, October 24 • 10:40am - 11:10am"


def reminder_posts(standin) -> list[dict]:
    return [
        c.params
        for c in standin.calls_to("chat.postMessage")
        if (c.params.get("metadata") or {}).get("event_type") == "session_reminder"
    ]


def ledger_rows(bot) -> list[dict]:
    return [dict(r) for r in bot.store.db["reminders"].rows_where(order_by="id")]


def test_subscribing_plans_a_reminder_lead_minutes_before(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    [row] = ledger_rows(bot)
    assert (row["user_id"], row["session_id"], row["status"]) == ("U1", "1Auyq", "planned")
    assert row["due_at"] == stamp(at("2022-10-24T10:30"))
    bot.service.handle("U1", "sub 1Auyq")  # twice: still one row
    assert len(ledger_rows(bot)) == 1
    assert "15 minutes" in all_text(bot.service.handle("U1", "remind 15").as_ephemeral())
    assert [r["due_at"] for r in ledger_rows(bot)] == [stamp(at("2022-10-24T10:25"))]
    assert "off" in all_text(bot.service.handle("U1", "remind off").as_ephemeral())
    assert ledger_rows(bot) == []
    bot.service.handle("U1", "remind 5")
    assert [r["due_at"] for r in ledger_rows(bot)] == [stamp(at("2022-10-24T10:35"))]
    bot.service.handle("U1", "unsub 1Auyq")
    assert ledger_rows(bot) == []


def test_bad_lead_time_gets_a_clear_reply(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin)
    for value in ("soon", "-5", "99999", "1.5", "²", "١٢"):
        shown = all_text(bot.service.handle("U1", f"remind {value}").as_ephemeral())
        assert "is not a lead time" in shown and "/conf remind 15" in shown


def test_reminder_is_sent_once_when_due_with_the_contract_metadata(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, reminder_minutes=10)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:29:59"))
    assert bot.dispatcher.tick().sent == 0
    clock.set(at("2022-10-24T10:30:00"))
    report = bot.dispatcher.tick()
    assert (report.sent, report.messages) == (1, 1)
    [post] = reminder_posts(standin)
    assert post["channel"] == "U1"  # the contract: channel = the user ID
    assert post["metadata"] == {
        "event_type": "session_reminder",
        "event_payload": {"session_ids": ["1Auyq"], "user_id": "U1"},
    }
    shown = all_text(post)
    assert "starts in 10 minutes" in shown and "Extending Cilium with eBPF" in shown
    assert post["blocks"][1]["accessory"]["action_id"] == "unsubscribe"
    clock.advance(timedelta(minutes=1))
    assert bot.dispatcher.tick().sent == 0
    assert len(reminder_posts(standin)) == 1
    assert ledger_rows(bot)[0]["status"] == "sent"


def test_reminders_due_in_the_same_minute_go_out_as_one_message(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1AuzK")  # 16:20
    bot.service.handle("U1", "sub 1Avqp")  # 16:25 -> with 10 and 5 minutes lead: both due 16:10..16:20
    bot.service.handle("U1", "remind 10")
    bot.store.db.execute("UPDATE reminders SET due_at = ?", [stamp(at("2022-10-24T16:10:30"))])
    bot.store.db.conn.commit()
    clock.set(at("2022-10-24T16:11"))
    report = bot.dispatcher.tick()
    assert (report.sent, report.messages) == (2, 1)
    [post] = reminder_posts(standin)
    assert post["metadata"]["event_payload"]["session_ids"] == ["1AuzK", "1Avqp"]
    assert "2 of your sessions start in" in all_text(post)


def test_downtime_late_reminder_sent_if_session_not_started_else_missed(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")  # 10:40, due 10:30
    bot.service.handle("U2", "sub 1AOie")  # 10:25, due 10:15
    clock.set(at("2022-10-24T10:35"))  # the bot was down from 10:00 to 10:35
    report = bot.dispatcher.tick()
    assert (report.sent, report.missed) == (1, 1)
    assert [p["metadata"]["event_payload"]["user_id"] for p in reminder_posts(standin)] == ["U1"]
    statuses = {r["user_id"]: r["status"] for r in ledger_rows(bot)}
    assert statuses == {"U1": "sent", "U2": "missed"}


def test_claim_of_a_dead_process_already_delivered_is_not_sent_again(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, reminder_lease_seconds=30)
    bot.service.handle("U1", "sub 1Auyq")
    bot.service.handle("U2", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    claim_as_a_dying_process(bot, clock, posted_to="U1")  # U1's post went out, U2's never began
    assert bot.dispatcher.tick().sent == 0  # the dead process's heartbeat is still fresh
    clock.advance(timedelta(seconds=31))
    report = bot.dispatcher.tick()
    assert (report.recovered, report.sent) == (1, 1)
    users = [p["metadata"]["event_payload"]["user_id"] for p in reminder_posts(standin)]
    assert sorted(users) == ["U1", "U2"]  # U1 once (before the crash), U2 once (after)
    assert {r["status"] for r in ledger_rows(bot)} == {"sent"}
    # Only the post that had begun cost a history check; U2's was sent without one.
    assert [c.params["channel"] for c in standin.calls_to("conversations.history")] == ["DU1"]


def test_429_honours_retry_after_and_then_sends(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    standin.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    report = bot.dispatcher.tick()
    assert report.sent == 1
    attempts = standin.calls_to("chat.postMessage")
    assert len(attempts) == 2
    assert attempts[1].at - attempts[0].at >= 1.0
    assert len(reminder_posts(standin)) == 2  # the refused one, then the delivered one
    assert ledger_rows(bot)[0]["status"] == "sent"


def test_server_errors_retry_then_check_the_dm_before_sending_again(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    for _ in range(3):  # more than the client's own retries
        standin.fail_next("chat.postMessage", 500, {"ok": False, "error": "internal_error"})
    report = bot.dispatcher.tick()
    assert (report.sent, report.retried) == (0, 1)
    row = ledger_rows(bot)[0]
    assert (row["status"], row["attempts"]) == ("uncertain", 1)  # a 5xx may have been delivered
    assert bot.dispatcher.tick().sent == 0  # retries are spaced out
    clock.advance(timedelta(seconds=3))
    report = bot.dispatcher.tick()
    assert (report.recovered, report.sent) == (0, 1)
    assert standin.calls_to("conversations.history")  # checked before sending again
    assert ledger_rows(bot)[0]["status"] == "sent"
    assert len([c for c in standin.calls_to("chat.postMessage") if c.delivered]) == 1


def test_a_send_that_timed_out_after_slack_took_it_is_not_sent_again(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    real_post = bot.dispatcher.direct.post

    def post_then_lose_the_answer(*args, **kwargs):
        real_post(*args, **kwargs)
        raise TimeoutError("read timed out")

    bot.dispatcher.direct.post = post_then_lose_the_answer
    assert bot.dispatcher.tick().retried == 1
    bot.dispatcher.direct.post = real_post
    clock.advance(timedelta(seconds=3))
    assert bot.dispatcher.tick().recovered == 1
    assert len(reminder_posts(standin)) == 1
    assert ledger_rows(bot)[0]["status"] == "sent"


def test_failed_history_check_never_sends_blind(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, reminder_lease_seconds=30)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    dead = ReminderDispatcher(bot.ledger, bot.catalog, bot.dispatcher.direct, clock, lambda u: None, worker="dead")
    dead.beat()
    [row] = bot.ledger.claim_due("dead", clock.now())
    bot.ledger.mark_attempting("dead", [row.id])  # its post had begun
    bot.client.chat_postMessage(channel="U1", text="reminder", metadata=reminder_metadata([row]))
    clock.advance(timedelta(seconds=31))
    standin.fail_next("conversations.history", 200, {"ok": False, "error": "missing_scope"})
    report = bot.dispatcher.tick()
    assert report.sent == 0 and ledger_rows(bot)[0]["status"] == "uncertain"
    clock.advance(timedelta(seconds=3))
    assert bot.dispatcher.tick().recovered == 1
    assert len(reminder_posts(standin)) == 1


def test_new_lead_time_after_a_reminder_was_sent_does_not_repeat_it(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    assert bot.dispatcher.tick().sent == 1
    bot.service.handle("U1", "remind 5")
    clock.set(at("2022-10-24T10:35"))
    assert bot.dispatcher.tick().sent == 0
    assert len(reminder_posts(standin)) == 1


def test_session_removed_while_its_reminder_waits_is_cancelled_not_stuck(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    [row] = bot.ledger.claim_due(bot.dispatcher.worker, clock.now())
    schedule = bot.catalog.current.schedule
    bot.catalog.replace(Schedule(tuple(s for s in schedule if s.id != "1Auyq"), schedule.zone), "test", clock.now())
    report = TickReport()
    bot.dispatcher._send([row], report)  # the reload landed while _send waited for the due second
    assert report.cancelled == 1
    assert ledger_rows(bot)[0]["status"] == "cancelled"


def test_dst_due_time_is_counted_in_real_minutes():
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2023, 3, 26, 3, 5, tzinfo=berlin)  # 01:05 UTC, just after clocks went forward
    session = Session(id="x", title="t", start=start, end=start)
    assert due_time(session, 10) == datetime(2023, 3, 26, 0, 55, tzinfo=UTC)


def test_permanent_error_fails_the_row_once_and_never_retries(tmp_path, standin, caplog):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("UGONE", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "user_not_found"})
    with caplog.at_level(logging.WARNING, logger="bot.reminders.dispatch"):
        report = bot.dispatcher.tick()
        for _ in range(3):
            clock.advance(timedelta(minutes=1))
            bot.dispatcher.tick()
    assert report.failed == 1
    row = ledger_rows(bot)[0]
    assert (row["status"], row["error"]) == ("failed", "user_not_found")
    assert len(standin.calls_to("chat.postMessage")) == 1
    assert len([r for r in caplog.records if "user_not_found" in r.getMessage()]) == 1


def test_reminder_shows_the_users_own_zone_learned_hours_ahead(tmp_path, standin):
    standin.user_zones["UPARIS"] = "Europe/Paris"
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("UPARIS", "sub 1Auyq")
    assert bot.zones.warm(bot.ledger.users_due_before(clock.now() + timedelta(hours=6))) == 1  # the zones job
    assert bot.store.user_zone("UPARIS")[0] == "Europe/Paris"  # kept in the database
    lookups = len(standin.calls_to("users.info"))
    clock.set(at("2022-10-24T10:30"))
    bot.dispatcher.tick()
    assert "10:40–11:10 EDT (16:40–17:10 CEST your time)" in all_text(reminder_posts(standin)[0])
    assert len(standin.calls_to("users.info")) == lookups  # the send asked Slack nothing


def test_a_reminder_whose_zone_is_unknown_goes_out_on_time_in_venue_time(tmp_path, standin):
    standin.user_zones["UPARIS"] = "Europe/Paris"
    standin.delays["users.info"] = 5.0  # Slack slow to say: the send must not wait for it
    bot, clock = make_bot(tmp_path, standin)
    bot.store.subscribe("UPARIS", "1Auyq")
    bot.ledger.plan("UPARIS", [bot.catalog.current.schedule.get("1Auyq")])
    clock.set(at("2022-10-24T10:30"))
    started = time.monotonic()
    assert bot.dispatcher.tick().sent == 1
    assert time.monotonic() - started < 2.0
    text = all_text(reminder_posts(standin)[0])
    assert "10:40–11:10 EDT" in text and "your time" not in text
    assert standin.calls_to("users.info") == []


# -- reloads ------------------------------------------------------------------------


def copy_seed(tmp_path):
    path = tmp_path / "schedule.md"
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def change_posts(standin) -> list[dict]:
    return [
        c.params
        for c in standin.calls_to("chat.postMessage")
        if (c.params.get("metadata") or {}).get("event_type") == "session_changed"
    ]


def test_moved_session_replans_and_notifies_each_subscriber_once(tmp_path, standin):
    path = copy_seed(tmp_path)
    bot, clock = make_bot(tmp_path, standin, schedule=path)
    bot.service.handle("U1", "sub 1Auyq")
    bot.service.handle("U2", "sub 1Auyq")
    path.write_text(
        path.read_text(encoding="utf-8").replace(KEYNOTE_TIME, "Monday, October 24 • 11:40am - 12:10pm"),
        encoding="utf-8",
    )
    summary = bot.reloader.reload("test")
    assert "1 moved" in summary and "2 people notified" in summary
    assert {r["due_at"] for r in ledger_rows(bot)} == {stamp(at("2022-10-24T11:30"))}
    posts = change_posts(standin)
    assert sorted(p["metadata"]["event_payload"]["user_id"] for p in posts) == ["U1", "U2"]
    assert "10:40–11:10 EDT~ → *Mon 24 Oct 11:40–12:10 EDT*" in all_text(posts[0])
    bot.reloader.reload("again, same file")
    assert len(change_posts(standin)) == 2
    clock.set(at("2022-10-24T10:30"))
    assert bot.dispatcher.tick().sent == 0  # the old due time no longer applies
    clock.set(at("2022-10-24T11:30"))
    assert bot.dispatcher.tick().sent == 2


def test_removed_session_notifies_and_drops_its_reminders_and_coming_back_is_told_once(tmp_path, standin):
    path = copy_seed(tmp_path)
    original = path.read_text(encoding="utf-8")
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    bot.service.handle("U1", "sub 1Auyq")
    start = original.index("### [Extending Cilium")
    end = original.index("### [You and Your Security")
    path.write_text(original[:start] + original[end:], encoding="utf-8")
    assert "1 removed" in bot.reloader.reload("test")
    assert [r["status"] for r in ledger_rows(bot)] == []
    assert "was removed from the schedule" in all_text(change_posts(standin)[0])
    path.write_text(original, encoding="utf-8")
    assert "1 added" in bot.reloader.reload("test")
    assert [r["status"] for r in ledger_rows(bot)] == ["planned"]
    assert "is back on the schedule" in all_text(change_posts(standin)[1])
    path.write_text(original[:start] + original[end:], encoding="utf-8")
    bot.reloader.reload("flap")
    path.write_text(original, encoding="utf-8")
    bot.reloader.reload("flap back")
    assert len(change_posts(standin)) == 2  # flapping tells nobody anything new


def test_broken_file_keeps_the_last_good_schedule_and_tells_the_admins(tmp_path, standin):
    path = copy_seed(tmp_path)
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    path.write_text(
        path.read_text(encoding="utf-8").replace(KEYNOTE_TIME, "Monday, October 24 • 25:00 - 26:00"), encoding="utf-8"
    )
    reply = all_text(bot.service.handle("UADMIN", "reload").as_ephemeral())
    assert "did not load" in reply and "kept the last good one (13 sessions)" in reply
    assert f"{path}:" in reply and "hour 25 is not a time" in reply
    assert len(bot.catalog.current.schedule) == 13
    # The admin who asked has the errors in the answer: no DM repeats them to them.
    assert [c for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "UADMIN"] == []
    assert "admins" in all_text(bot.service.handle("U1", "reload").as_ephemeral())


def test_file_change_on_disk_triggers_a_reload(tmp_path, standin):
    path = copy_seed(tmp_path)
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    assert bot.reloader.check_file() is None
    path.write_text(
        path.read_text(encoding="utf-8").replace("Cilium Project Meeting", "Cilium Project Meetup"), encoding="utf-8"
    )
    summary = bot.reloader.check_file()
    assert summary and summary.startswith("Reloaded (the schedule file changed)")
    assert bot.catalog.current.schedule.get("1BaT3").title == "Cilium Project Meetup"


def test_status_and_stats(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    bot.service.handle("U2", "sub 1Auyq")
    bot.service.handle("U2", "sub 182DB")
    status = all_text(bot.service.handle("U1", "status").as_ephemeral())
    assert "13 sessions on 4 days" in status and "Your next reminder:* Mon 24 Oct 10:30 EDT" in status
    assert "none planned" in all_text(bot.service.handle("U9", "status").as_ephemeral())
    clock.set(at("2022-10-24T10:30"))
    bot.dispatcher.tick()
    stats = all_text(bot.service.handle("UADMIN", "stats").as_ephemeral())
    assert "3 by 2 people to 2 sessions" in stats
    assert "2 sent, 1 planned, 0 claimed, 0 failed, 0 missed" in stats
    assert "• 2 — Extending Cilium" in stats
    assert "429" not in stats  # Slack never said slow down


def test_stats_counts_slacks_429s_per_method(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    standin.fail_next("chat.postMessage", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    assert bot.dispatcher.tick().sent == 1  # waited Retry-After, then sent
    stats = all_text(bot.service.handle("UADMIN", "stats").as_ephemeral())
    assert "*Slack said slow down (429):* 1 × `chat.postMessage`" in stats


def test_a_restart_on_the_same_host_takes_over_a_dead_predecessors_claims_at_once(tmp_path, standin):
    import subprocess
    import sys

    bot, clock = make_bot(tmp_path, standin)  # the default lease: 10 s
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(finished.stdout)  # a process of this host that has ended
    bot.ledger.claim_due("predecessor", clock.now())
    with bot.store.db.conn:
        bot.store.db.execute(
            "INSERT INTO workers (id, heartbeat_at, host, pid) VALUES ('predecessor', ?, ?, ?)",
            [stamp(clock.now() - timedelta(seconds=3)), HOST, dead_pid],
        )  # silent for 3 s only: without the pid, the claim would wait out the 10 s lease
    assert bot.dispatcher.tick().sent == 1
    assert [r["status"] for r in ledger_rows(bot)] == ["sent"]


def test_history_match_needs_same_user_session_and_a_post_after_the_due_time():
    from bot.reminders.planning import Due, delivered_rows

    due = datetime(2022, 10, 24, 14, 30, tzinfo=UTC)
    row = Due(7, "U1", "1Auyq", due)

    def message(user, sessions, posted):
        payload = {"session_ids": sessions, "user_id": user}
        return {
            "ts": f"{posted.timestamp():.6f}",
            "metadata": {"event_type": "session_reminder", "event_payload": payload},
        }

    assert delivered_rows([row], [message("U1", ["1AOie", "1Auyq"], due)]) == {7}
    assert delivered_rows([row], [message("U2", ["1Auyq"], due)]) == set()
    assert delivered_rows([row], [message("U1", ["1AOie"], due)]) == set()
    # a reminder for the same session from before it moved is older than this row's due time
    assert delivered_rows([row], [message("U1", ["1Auyq"], due - timedelta(hours=1))]) == set()
    assert delivered_rows([row], [{"ts": "1", "metadata": {"event_type": "daily_digest"}}, {"text": "hi"}]) == set()


def test_ics_link_uses_the_public_url(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin, public_url="https://conf.example")
    shown = all_text(bot.service.handle("U1", "ics").as_ephemeral())
    token = bot.store.feed_token("U1")
    assert f"<https://conf.example/calendar/{token}.ics>" in shown


def test_follow_subscribes_now_and_to_sessions_that_appear_later(tmp_path, standin):
    path = copy_seed(tmp_path)
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    reply = all_text(bot.service.handle("U1", "follow track security").as_ephemeral())
    assert "Following track “security”: 2 sessions, 2 newly subscribed" in reply
    assert bot.store.subscriptions("U1") == {"1AOie", "1AOju"}
    assert {r["session_id"] for r in ledger_rows(bot)} == {"1AOie", "1AOju"}  # reminders planned too
    bot.service.handle("U1", "follow speaker rice")
    bot.service.handle("U1", "follow tetragon")
    assert "track: security" in all_text(bot.service.handle("U1", "follows").as_ephemeral())
    text = path.read_text(encoding="utf-8").replace(
        "## Kubernetes on Edge Day",
        "## Cloud Native SecurityCon\n\n### [Tetragon Deep Dive - Jane Roe, Example](https://sched.co/1NEW1)\n\n"
        "Tuesday, October 25 • 3:00pm - 3:30pm\n\nNew talk.\n\n## Kubernetes on Edge Day",
    )
    path.write_text(text, encoding="utf-8")
    assert "1 new subscription from follows" in bot.reloader.reload("test")
    assert "1NEW1" in bot.store.subscriptions("U1")
    assert "Stopped following" in all_text(bot.service.handle("U1", "unfollow track security").as_ephemeral())
    assert "1AOie" in bot.store.subscriptions("U1")  # subscriptions stay
    assert "No speaker matches “nobody at all”, so I did not follow it" in all_text(
        bot.service.handle("U1", "follow speaker nobody at all").as_ephemeral()
    )


def test_unsubscribing_from_a_followed_session_lasts(tmp_path, standin):
    path = copy_seed(tmp_path)
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    reply = bot.service.handle("U1", "follow track security").as_ephemeral()
    assert all(not b.get("block_id", "").endswith("follow track security") for b in reply["blocks"])
    bot.service.handle("U1", "unsub 1AOie")
    bot.service.handle("U1", "follow track security")  # again: no re-subscribe
    path.write_text(
        path.read_text(encoding="utf-8").replace("Cilium Project Meeting", "Cilium Project Meetup"), encoding="utf-8"
    )
    bot.reloader.reload("a change elsewhere")
    assert bot.store.subscriptions("U1") == {"1AOju"}


def test_help_shows_organisers_their_commands(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin)
    assert "For organisers" in all_text(bot.service.handle("UADMIN", "help").as_ephemeral())
    assert "For organisers" not in all_text(bot.service.handle("U1", "help").as_ephemeral())


def test_rows_a_failed_tick_left_claimed_are_sent_by_the_next_tick(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    bot.ledger.claim_due(bot.dispatcher.worker, clock.now())  # then the tick died (a busy database)
    assert bot.dispatcher.tick().sent == 1  # its own heartbeat is fresh, yet nothing stays stuck
    assert [r["status"] for r in ledger_rows(bot)] == ["sent"]


def test_a_worker_whose_claim_was_taken_over_does_not_post_it(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin)
    bot.service.handle("U1", "sub 1Auyq")
    clock.set(at("2022-10-24T10:30"))
    [row] = bot.ledger.claim_due("slow", clock.now())  # a live worker whose heartbeat stalled…
    fresh, doubtful = bot.ledger.take_over_stale("other", clock.now(), timedelta(seconds=10))
    assert [r.id for r in fresh] == [row.id] and doubtful == []  # …so another took the row over
    assert bot.ledger.mark_attempting("slow", [row.id]) is False  # the slow one must not post it
    assert bot.ledger.mark_attempting("other", [row.id]) is True


def test_a_user_slack_does_not_know_is_remembered_as_zoneless(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin)
    standin.fail_next("users.info", 200, {"ok": False, "error": "user_not_found"})
    assert bot.zones.warm(["UGONE"]) == 1
    assert bot.store.user_zone("UGONE")[0] == ""  # not asked again today
    assert bot.zones.warm(["UGONE"]) == 0
    standin.fail_next("users.info", 500, {"ok": False, "error": "internal_error"})
    bot.zones.warm(["UFLAKY"])
    assert bot.store.user_zone("UFLAKY") is None  # a passing failure: tried again later,
    calls = len(standin.calls_to("users.info"))
    bot.zones.warm(["UFLAKY"])
    assert len(standin.calls_to("users.info")) == calls  # not at once (others go first)
