"""The daily digest: content, limits, once a day, late or skipped, errors, commands."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.conf.parsing import parse_channel
from bot.digest.building import MAX_TRACK_GROUPS, build_digest
from bot.digest.posting import DigestPoster, digest_trigger
from bot.schedule import load_schedule, parse_schedule
from tests.conftest import SEED
from tests.slackkit import DETROIT, all_text, at, make_bot

MONDAY = date(2022, 10, 24)


def session_ids(messages) -> list[str]:
    return [b["accessory"]["value"] for m in messages for b in m.blocks if b.get("accessory")]


def digest_posts(standin) -> list[dict]:
    """Digests Slack accepted (a refused attempt is not in the channel)."""
    return [
        c.params
        for c in standin.calls_to("chat.postMessage")
        if c.delivered and (c.params.get("metadata") or {}).get("event_type") == "daily_digest"
    ]


# -- content ------------------------------------------------------------------------


def test_digest_groups_a_day_by_track_in_time_order_with_subscribe_buttons():
    schedule, _ = load_schedule(SEED)
    sessions = schedule.on_day(MONDAY)
    digest = build_digest(MONDAY, sessions, schedule.zone, {"1Avqp": 3, "1Auye": 1}, schedule.title)
    [message] = digest.messages
    shown = all_text({"text": message.text, "blocks": message.blocks})
    assert (
        message.blocks[0]["text"]["text"]
        == ":calendar: *Monday 24 October* — 7 sessions at Cilium Talks at KubeCon NA 2022"
    )
    assert "Most subscribed today: “Are These Things Talking to Each Other?”" in shown and "(3)" in shown
    headings = [b["text"]["text"] for b in message.blocks if b["type"] == "section" and "accessory" not in b][1:]
    assert headings == ["*Cloud Native eBPF Day*", "*Cloud Native SecurityCon*", "*Open Observability Day*"]
    assert session_ids(digest.messages) == ["1Auye", "1Auyq", "1Auz2", "1AuzH", "1AuzK", "1AOie", "1Avqp"]
    assert {b["accessory"]["action_id"] for b in message.blocks if b.get("accessory")} == {"subscribe"}
    assert "*09:15–09:20*  <https://sched.co/1Auye|Keynote: eBPF - Everything You Need to Know in 5 Minutes>" in shown
    assert digest.metadata == {"event_type": "daily_digest", "event_payload": {"date": "2022-10-24"}}


def big_day(count: int, tracks: int, hostile: bool = False) -> str:
    """A schedule file's text: `count` talks on Monday 24 October in `tracks` tracks."""
    lines = ["---", "title: Big day", "date: '2022-10-17'", "timezone: America/Detroit", "---", ""]
    for n in range(count):
        if n % (count // tracks or 1) == 0:
            lines += [f"## Track {n // (count // tracks or 1)}{' <!channel>' if hostile else ''}", ""]
        minute = n % 600
        start = datetime(2022, 10, 24, 8) + timedelta(minutes=minute)
        end = start + timedelta(minutes=20)
        title = f"<!here> Talk {n} & more" if hostile else f"Talk {n}"
        lines += [f"### [{title} - Speaker {chr(65 + n % 26)}jones, Org](https://sched.co/1D{n:04d})", "",
                  f"Monday, October 24 • {start:%H:%M} - {end:%H:%M}", "", "Abstract.", ""]  # fmt: skip
    return "\n".join(lines)


def many_sessions(count: int, tracks: int, hostile: bool = False):
    return parse_schedule("big.md", big_day(count, tracks, hostile))[0]


def big_day_file(tmp_path, count: int):
    path = tmp_path / "big.md"
    path.write_text(big_day(count, tracks=3), encoding="utf-8")
    return path, many_sessions(count, tracks=3)


def test_long_day_continues_in_thread_messages_without_losing_a_session():
    schedule = many_sessions(500, tracks=3)
    digest = build_digest(MONDAY, schedule.on_day(MONDAY), schedule.zone)
    assert len(digest.messages) > 1
    assert all(len(m.blocks) <= 50 for m in digest.messages)
    ids = session_ids(digest.messages)
    assert sorted(ids) == sorted(s.id for s in schedule)  # every session exactly once
    assert "continued in the thread" in all_text({"blocks": digest.messages[0].blocks})
    assert all(len(b["text"]["text"]) <= 3000 for m in digest.messages for b in m.blocks if "text" in b)


def test_many_tracks_group_by_hour_instead():
    schedule = many_sessions(60, tracks=MAX_TRACK_GROUPS + 5)
    digest = build_digest(MONDAY, schedule.on_day(MONDAY), schedule.zone)
    headings = [
        b["text"]["text"] for m in digest.messages for b in m.blocks if b["type"] == "section" and "accessory" not in b
    ][1:]
    assert headings == ["*08:00*"]
    assert "Track 3" in all_text({"blocks": digest.messages[0].blocks})  # the track moves into each line


def test_digest_text_is_escaped():
    schedule = many_sessions(10, tracks=2, hostile=True)
    digest = build_digest(MONDAY, schedule.on_day(MONDAY), schedule.zone)
    shown = "\n".join(all_text({"text": m.text, "blocks": m.blocks}) for m in digest.messages)
    assert "<!here>" not in shown and "<!channel>" not in shown
    assert "&lt;!here&gt; Talk 0 &amp; more" in shown


def test_channel_argument():
    assert parse_channel("<#C0123ABC|conference>") == "C0123ABC"
    assert parse_channel("C0123ABCD") == "C0123ABCD"
    assert parse_channel("#general") is None


# -- when ---------------------------------------------------------------------------


def test_cron_fires_at_the_local_minute_across_a_dst_change():
    detroit = ZoneInfo("America/Detroit")
    trigger = digest_trigger(time(8, 0), detroit)
    fire = trigger.get_next_fire_time(None, datetime(2022, 11, 4, 9, 0, tzinfo=detroit))
    seen = []
    for _ in range(4):
        seen.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert [f.astimezone(detroit).strftime("%a %d %H:%M %z") for f in seen] == [
        "Sat 05 08:00 -0400",
        "Sun 06 08:00 -0500",  # clocks went back at 02:00 that morning
        "Mon 07 08:00 -0500",
        "Tue 08 08:00 -0500",
    ]


def dst_schedule(tmp_path):
    """Talks on Sat 5 and Mon 7 November 2022 in Detroit; none on Sunday the 6th."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("Monday, October 24", "Saturday, November 5").replace(
        "Tuesday, October 25", "Monday, November 7"
    )
    text = text.replace("Wednesday, October 26", "Monday, November 7").replace(
        "Thursday, October 27", "Monday, November 7"
    )
    path = tmp_path / "dst.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_digest_posts_on_conference_days_only_at_the_cron_times(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, schedule=dst_schedule(tmp_path), digest_channel="C0DIGEST")
    trigger = digest_trigger(bot.digests.at(), bot.catalog.current.schedule.zone)
    fire = trigger.get_next_fire_time(None, at("2022-11-04T09:00"))
    outcomes = []
    for _ in range(4):
        clock.set(fire)
        outcomes.append((fire.astimezone(DETROIT).strftime("%a %H:%M"), bot.digests.post_if_due()))
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert [o[0] for o in outcomes] == ["Sat 08:00", "Sun 08:00", "Mon 08:00", "Tue 08:00"]
    assert [o[1].split(" ")[0] for o in outcomes] == ["posted", "no", "posted", "no"]
    assert [p["metadata"]["event_payload"]["date"] for p in digest_posts(standin)] == ["2022-11-05", "2022-11-07"]
    assert all(p["channel"] == "C0DIGEST" for p in digest_posts(standin))


def test_before_the_time_nothing_and_once_a_day_across_restarts_and_processes(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T07:59", digest_channel="C0DIGEST")
    assert bot.digests.post_if_due().startswith("not yet")
    clock.set(at("2022-10-24T08:00"))
    assert bot.digests.post_if_due().startswith("posted")
    assert bot.digests.post_if_due() == "today's digest was already posted in <#C0DIGEST>"
    other = DigestPoster(bot.store, bot.catalog, bot.client, bot.dispatcher.direct, clock, "second-process",
                         "C0DIGEST", time(8, 0))  # fmt: skip
    assert other.post_if_due().startswith("today's digest was already posted")
    restarted, _ = make_bot(tmp_path, standin, now="2022-10-24T08:05", digest_channel="C0DIGEST")
    assert restarted.digests.post_if_due().startswith("today's digest was already")
    assert len(digest_posts(standin)) == 1


def test_takeover_of_a_dead_process_finds_its_digest_in_the_channel(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T08:00", digest_channel="C0DIGEST")
    dead = DigestPoster(
        bot.store, bot.catalog, bot.client, bot.dispatcher.direct, clock, "dead", "C0DIGEST", time(8, 0)
    )
    bot.ledger.heartbeat("dead", clock.now())
    assert dead._claim(MONDAY) == "new"
    bot.client.chat_postMessage(channel="C0DIGEST", text="digest",
                                metadata={"event_type": "daily_digest", "event_payload": {"date": "2022-10-24"}})  # fmt: skip
    assert bot.digests.post_if_due() == "another process is posting today's digest"
    clock.advance(timedelta(minutes=1))
    assert bot.digests.post_if_due() == "today's digest was already posted (found in the channel after a restart)"
    assert len(digest_posts(standin)) == 1


def test_missed_digest_is_posted_late_before_the_first_talk_else_skipped(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T09:10", digest_channel="C0DIGEST")
    assert bot.digests.post_if_due().startswith("posted")  # first talk at 09:15
    clock.set(at("2022-10-25T08:30"))  # Tuesday's first session started at 08:00
    assert bot.digests.post_if_due() == "skipped: the day's first session had already started"
    assert [p["metadata"]["event_payload"]["date"] for p in digest_posts(standin)] == ["2022-10-24"]


def test_long_day_posts_the_rest_in_the_thread(tmp_path, standin):
    path, schedule = big_day_file(tmp_path, 200)
    bot, _ = make_bot(tmp_path, standin, schedule=path, now="2022-10-24T07:30", digest_channel="C0DIGEST")
    assert bot.digests.post_now().startswith("posted to <#C0DIGEST> (")
    posts = [c.params for c in standin.calls_to("chat.postMessage") if c.delivered]  # not the 429'd tries
    assert len(digest_posts(standin)) == 1
    replies = [p for p in posts if p.get("thread_ts")]
    assert len(posts) == 1 + len(replies) and len(replies) >= 4
    assert len({p["thread_ts"] for p in replies}) == 1  # all in the main message's thread
    assert all("metadata" not in p for p in replies)  # one daily_digest a day
    assert all(len(p["blocks"]) <= 50 for p in posts)
    shown = [b["accessory"]["value"] for p in posts for b in p["blocks"] if b.get("accessory")]
    assert sorted(shown) == sorted(s.id for s in schedule)


# -- errors and commands ------------------------------------------------------------


def test_not_in_channel_tells_the_admins_once_and_does_not_retry(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T08:00", digest_channel="C0PRIVATE")
    standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    assert bot.digests.post_if_due() == "failed: not_in_channel (the admins were told how to fix it)"
    clock.advance(timedelta(minutes=1))
    assert bot.digests.post_if_due().startswith("today's digest was already failed")
    admin_dms = [c.params for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "UADMIN"]
    assert len(admin_dms) == 1 and "/invite @confbot" in admin_dms[0]["text"]
    clock.set(at("2022-10-25T07:00"))
    standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    clock.set(at("2022-10-25T07:59"))
    bot.digests.post_if_due()
    assert len([c for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "UADMIN"]) == 1
    assert len(standin.calls_to("chat.postMessage")) == 2  # Monday's try and the admin DM: nothing before 08:00


def test_digest_commands_for_admins(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T07:00")
    assert "admins" in all_text(bot.service.handle("U1", "digest now").as_ephemeral())
    assert "*off*" in all_text(bot.service.handle("UADMIN", "digest").as_ephemeral())
    reply = all_text(bot.service.handle("UADMIN", "digest <#C0CONF|conference> 07:30").as_ephemeral())
    assert "goes to <#C0CONF> at *07:30*" in reply
    assert (bot.digests.channel(), bot.digests.at()) == ("C0CONF", time(7, 30))
    assert "`7am` is not a time" in all_text(bot.service.handle("UADMIN", "digest #general 7am").as_ephemeral())
    assert bot.digests.post_if_due().startswith("not yet")
    assert all_text(bot.service.handle("UADMIN", "digest now").as_ephemeral()).startswith("posted to")
    assert "already posted" in all_text(bot.service.handle("UADMIN", "digest now").as_ephemeral())
    assert "*off*" in all_text(bot.service.handle("UADMIN", "digest off").as_ephemeral())
    assert bot.digests.post_if_due() == "the digest is off"
    clock.set(at("2022-10-29T07:00"))
    bot.service.handle("UADMIN", "digest <#C0CONF|conference> 07:30")
    assert "no sessions today" in all_text(bot.service.handle("UADMIN", "digest now").as_ephemeral())


def test_cron_and_catch_up_at_the_same_moment_post_once(tmp_path, standin):
    import threading

    bot, _ = make_bot(tmp_path, standin, now="2022-10-24T08:00", digest_channel="C0DIGEST")
    standin.delays["chat.postMessage"] = 0.2  # keep the first post in flight while the second job runs
    outcomes = []
    jobs = [threading.Thread(target=lambda: outcomes.append(bot.digests.post_if_due())) for _ in range(2)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=10)
    assert len(digest_posts(standin)) == 1
    assert sorted(o.split(" ")[0] for o in outcomes) == ["posted", "today's"]


def test_failed_thread_reply_never_brings_the_whole_digest_back(tmp_path, standin):
    path, _ = big_day_file(tmp_path, 120)
    bot, clock = make_bot(tmp_path, standin, schedule=path, now="2022-10-24T08:00", digest_channel="C0DIGEST")
    real = bot.client.chat_postMessage
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise TimeoutError("reply lost")
        return real(**kwargs)

    bot.client.chat_postMessage = second_fails
    assert "but only 1 of" in bot.digests.post_if_due()
    clock.advance(timedelta(minutes=1))
    assert bot.digests.post_if_due().startswith("today's digest was already posted")
    assert len(digest_posts(standin)) == 1


def test_unreadable_channel_history_never_posts_blind(tmp_path, standin):
    bot, clock = make_bot(tmp_path, standin, now="2022-10-24T08:00", digest_channel="C0DIGEST")
    dead = DigestPoster(
        bot.store, bot.catalog, bot.client, bot.dispatcher.direct, clock, "dead", "C0DIGEST", time(8, 0)
    )
    assert dead._claim(MONDAY) == "new"
    clock.advance(timedelta(minutes=1))
    standin.fail_next("conversations.history", 200, {"ok": False, "error": "missing_scope"})
    assert bot.digests.post_if_due() == "could not check the channel for today's digest; will try again"
    assert digest_posts(standin) == []
    assert bot.digests.post_if_due().startswith("posted")  # the next check can read the channel: nothing there
    assert len(digest_posts(standin)) == 1


def test_digest_now_retries_a_failed_day_and_links_the_channel(tmp_path, standin):
    bot, _ = make_bot(tmp_path, standin, now="2022-10-24T08:00", digest_channel="C0PRIVATE")
    standin.fail_next("chat.postMessage", 200, {"ok": False, "error": "not_in_channel"})
    assert bot.digests.post_if_due().startswith("failed: not_in_channel")
    reply = bot.service.handle("UADMIN", "digest now").as_ephemeral()
    assert reply["blocks"][0]["text"]["text"].startswith("posted to <#C0PRIVATE>")
    assert len(digest_posts(standin)) == 1
