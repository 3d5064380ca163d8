"""Follows: they cover what search finds, name the known tracks and speakers when the
name is missing or unknown, and after a reload tell each person once what they added."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from bot.conf.follows import Follow, Follows, closest_first, covered, parse_follow
from bot.console.standin import block_kit_problems
from bot.reminders.ledger import Ledger
from bot.schedule import load_schedule, parse_schedule
from bot.schedule.current import CurrentSchedule
from bot.store.database import SqliteStore
from bot.views.follow_news import FOLLOW_EVENT, follow_news_metadata, follow_news_reply
from tests.conftest import SEED
from tests.slackkit import DETROIT, RunningBot, all_text, buttons

NEW_TALKS = (
    "## Cloud Native SecurityCon\n\n"
    "### [Tetragon Deep Dive - Jane Roe, Example](https://sched.co/1NEW1)\n\n"
    "Tuesday, October 25 • 3:00pm - 3:30pm\n\nNew talk.\n\n"
    "### [Runtime Policies at Scale - Jim Poe, Example](https://sched.co/1NEW2)\n\n"
    "Tuesday, October 25 • 4:00pm - 4:30pm\n\nAnother new talk.\n\n"
    "## Kubernetes on Edge Day"
)


def with_new_talks(text: str) -> str:
    """The seed with two talks added to the security track, one of them on Tetragon."""
    return text.replace("## Kubernetes on Edge Day", NEW_TALKS)


def widget_schedule(path, talks: int = 40):
    """One track, `talks` talks that all mention widgets, each by a different speaker."""
    first = ["Ann", "Bob", "Cara", "Dan", "Eve", "Finn", "Gia", "Hal"]
    last = ["Lee", "Moss", "Nash", "Ortiz", "Park", "Quinn"]
    lines = ["---", "title: 'Widget Conf'", "date: '2022-10-17'", "timezone: America/Detroit", "---", ""]
    lines += ["## Widget Track", ""]
    for n in range(talks):
        hour, minute = 9 + n // 6, (n % 6) * 10
        clock = f"{hour if hour <= 12 else hour - 12}:{{:02d}}{'am' if hour < 12 else 'pm'}"
        name = f"{first[n % len(first)]} {last[n // len(first)]}"
        lines += [f"### [Talk {n} about widgets - {name}, Org](https://sched.co/W{n:03d})", ""]
        lines += [f"Tuesday, October 25 • {clock.format(minute)} - {clock.format(minute + 5)}", "", "A talk.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def running(tmp_path, standin):
    schedule = tmp_path / "schedule.md"
    shutil.copy(SEED, schedule)
    bot = RunningBot(tmp_path, schedule, "2022-10-24T09:00", standin, admin_user_ids=frozenset({"UADMIN"}))
    yield bot
    bot.close()


def listed(payload: dict) -> list[str]:
    """The bullet lines of a reply's blocks (its fallback text repeats them)."""
    shown = all_text({"blocks": payload["blocks"]})
    return [line[2:] for line in shown.splitlines() if line.startswith("• ")]


def ids_in(payload: dict) -> list[str]:
    return [session_id for _, session_id in buttons(payload)]


# -- what a follow covers ----------------------------------------------------------


def test_parse_follow_keeps_a_bare_track_or_speaker_a_kind_without_a_name():
    assert parse_follow("track  Cloud Native  SecurityCon") == Follow("track", "Cloud Native SecurityCon")
    assert parse_follow("Speaker liz rice") == Follow("speaker", "liz rice")
    assert parse_follow("track") == Follow("track", "")
    assert parse_follow("speakers") == Follow("speaker", "")
    assert parse_follow("tetragon  hubble") == Follow("text", "tetragon hubble")
    assert parse_follow("   ") is None


@pytest.mark.parametrize("words", ["tetragon", "tetragn", "cilium", "ebpf security", "hubble grafana", "the"])
def test_words_cover_exactly_what_search_finds(words):
    schedule, _ = load_schedule(SEED)
    loaded = CurrentSchedule(schedule, "seed", datetime.now(UTC)).current
    found = {hit.session.id for hit in loaded.index.search(words)}
    assert found  # every query here finds something
    assert {s.id for s in covered(loaded, "text", words)} == found


def test_closest_first_puts_a_typo_before_the_rest():
    tracks = ["Cloud Native eBPF Day", "Cloud Native SecurityCon", "Open Observability Day"]
    assert closest_first("securty", tracks)[0] == "Cloud Native SecurityCon"
    assert sorted(closest_first("nosuch", tracks)) == sorted(tracks)  # all of them, none lost


def test_follow_covers_the_sessions_search_finds(running):
    searched = running.conf("search tetragon").json
    assert "3 sessions for “tetragon”" in all_text(searched)
    followed = running.conf("follow tetragon").json
    assert "Following “tetragon”*: 3 sessions, 3 newly subscribed" in all_text(followed)
    assert sorted(ids_in(followed)) == sorted(ids_in(searched))
    assert running.bot.store.subscriptions("U1") == set(ids_in(searched))


def test_follow_covers_every_match_not_only_the_first_screen(tmp_path, standin):
    bot = RunningBot(tmp_path, widget_schedule(tmp_path / "widgets.md"), "2022-10-24T09:00", standin)
    try:
        assert "40 sessions for “widgets”" in all_text(bot.conf("search widgets").json)
        shown = all_text(bot.conf("follow widgets").json)
        assert "40 sessions, 40 newly subscribed" in shown and "…and 20 more not shown" in shown
        assert len(bot.bot.store.subscriptions("U1")) == 40
    finally:
        bot.close()


# -- a missing or unknown name -----------------------------------------------------


def test_follow_track_without_a_name_lists_the_tracks_and_follows_nothing(running):
    shown = all_text(running.conf("follow track").json)
    assert "Which track? The 5 tracks:" in shown
    assert "• Cloud Native SecurityCon" in shown and "• Open Observability Day" in shown
    assert running.bot.store.follows("U1") == []
    assert running.bot.store.subscriptions("U1") == set()


def test_follow_speaker_without_a_name_lists_the_speakers(running):
    shown = all_text(running.conf("follow speaker").json)
    assert "Which speaker? The 18 speakers:" in shown
    assert "• Liz Rice" in shown and "• Anna Kapuścińska" in shown
    assert running.bot.store.follows("U1") == []


def test_unknown_track_is_refused_with_the_tracks_closest_first(running):
    reply = running.conf("follow track securty").json
    shown = all_text(reply)
    assert "No track matches “securty”, so I did not follow it" in shown
    assert listed(reply)[0] == "Cloud Native SecurityCon" and len(listed(reply)) == 5
    assert "`/conf follow track Cloud Native SecurityCon`" in shown
    assert "did not follow it" in all_text(running.conf("follow track nosuch").json)
    assert running.bot.store.follows("U1") == []


def test_unknown_speaker_is_refused_with_the_speakers_closest_first(running):
    reply = running.conf("follow speaker liz rise").json
    assert "No speaker matches “liz rise”, so I did not follow it" in all_text(reply)
    assert listed(reply)[0] == "Liz Rice" and len(listed(reply)) == 18
    assert running.bot.store.follows("U1") == []
    assert "Following speaker “rice”" in all_text(running.conf("follow speaker rice").json)


def test_words_with_no_match_are_still_followed(running):
    shown = all_text(running.conf("follow quantumwidget").json)
    assert "No session matches “quantumwidget” yet; I'll subscribe you to any that appear" in shown
    assert running.bot.store.follows("U1") == [("U1", "text", "quantumwidget")]


def test_known_names_are_capped_and_escaped(tmp_path, standin):
    path = widget_schedule(tmp_path / "widgets.md")
    path.write_text(path.read_text(encoding="utf-8").replace("## Widget Track", "## Widgets & <!here>"), "utf-8")
    bot = RunningBot(tmp_path, path, "2022-10-24T09:00", standin)
    try:
        speakers = bot.conf("follow speaker").json
        shown = all_text(speakers)
        assert "The 40 speakers:" in shown
        assert len(listed(speakers)) == 30 and "…and 10 more" in shown
        assert block_kit_problems(speakers["blocks"], speakers["text"]) == []
        tracks = all_text(bot.conf("follow track nosuch").json)
        assert "• Widgets &amp; &lt;!here" in tracks and "<!here" not in tracks
    finally:
        bot.close()


def test_unfollow_without_a_name_or_unknown_shows_what_you_follow(running):
    running.conf("follow speaker rice")
    assert "You follow: speaker “rice”." in all_text(running.conf("unfollow track").json)
    shown = all_text(running.conf("unfollow track nosuch").json)
    assert "You do not follow track “nosuch”" in shown and "speaker “rice”" in shown
    assert "Stopped following speaker “rice”" in all_text(running.conf("unfollow speaker rice").json)


# -- what a reload adds, told once -------------------------------------------------


@pytest.fixture
def follows(tmp_path):
    schedule, _ = load_schedule(SEED)
    now = datetime(2022, 10, 24, 9, 0, tzinfo=DETROIT)
    catalog = CurrentSchedule(schedule, "seed", now)
    store = SqliteStore(tmp_path / "follows.db", clock=lambda: now)
    told: list[tuple[str, list[str]]] = []
    follows = Follows(
        catalog,
        store,
        Ledger(store, 10, clock=lambda: now),
        now=lambda: now,
        told=lambda user, sessions: told.append((user, sessions)),
    )
    yield follows, told
    store.close()


def reload_with(follows: Follows, text: str) -> list:
    """Install a new schedule; the sessions it added."""
    schedule, _ = parse_schedule("seed.md", text)
    before = {s.id for s in follows.catalog.current.schedule}
    follows.catalog.replace(schedule, "seed", datetime.now(UTC))
    return [s for s in schedule if s.id not in before]


def test_apply_returns_what_it_added_per_person(follows):
    follows, _ = follows
    follows.store.follow("U1", "text", "tetragon")
    follows.store.follow("U2", "track", "security")
    added = follows.apply()
    assert {user: [s.id for s in sessions] for user, sessions in added.items()} == {
        "U1": ["1AOie", "1Auz2", "182Ej"],
        "U2": ["1AOie", "1AOju"],
    }
    assert follows.apply() == {}  # offered once: nothing the second time


def test_after_reload_tells_each_person_once_in_one_message(follows):
    follows, told = follows
    follows.store.follow("U1", "text", "tetragon")
    follows.store.follow("U1", "track", "security")
    follows.store.follow("U2", "speaker", "jane roe")
    follows.store.follow("U3", "text", "quantumwidget")
    follows.apply()
    told.clear()
    new = reload_with(follows, with_new_talks(SEED.read_text(encoding="utf-8")))
    assert sorted(s.id for s in new) == ["1NEW1", "1NEW2"]
    assert follows.after_reload(new) == 3
    assert [(user, [s.id for s in sessions]) for user, sessions in told] == [
        ("U1", ["1NEW1", "1NEW2"]),  # two follows, one message
        ("U2", ["1NEW1"]),
    ]
    assert {"1NEW1", "1NEW2"} <= follows.store.subscriptions("U1")
    told.clear()
    assert follows.after_reload(new) == 0  # the next reload: nothing new, nobody told
    assert told == []


def test_after_reload_says_nothing_of_sessions_already_over(follows):
    follows, told = follows  # it is Monday 09:00
    follows.store.follow("U1", "track", "security")
    follows.store.follow("U2", "speaker", "jane roe")
    follows.apply()
    told.clear()
    ended = with_new_talks(SEED.read_text(encoding="utf-8")).replace(
        "Tuesday, October 25 • 3:00pm - 3:30pm", "Monday, October 24 • 8:00am - 8:30am"
    )  # 1NEW1 (by Jane Roe) was over at 08:30; 1NEW2 is on Tuesday
    new = reload_with(follows, ended)
    assert follows.after_reload(new) == 3  # all subscribed: U1 to both, U2 to 1NEW1
    assert {"1NEW1", "1NEW2"} <= follows.store.subscriptions("U1") and "1NEW1" in follows.store.subscriptions("U2")
    assert [(user, [s.id for s in sessions]) for user, sessions in told] == [("U1", ["1NEW2"])]  # U2: nothing


def test_a_reload_covers_what_search_over_the_whole_schedule_finds(follows):
    follows, told = follows
    # "tetragon witness": one talk has both words, so search drops the talks with one
    follows.store.follow("U1", "text", "tetragon witness")
    assert [s.id for s in follows.apply()["U1"]] == ["1AOie"]
    new = reload_with(follows, with_new_talks(SEED.read_text(encoding="utf-8")))
    assert follows.after_reload(new) == 0  # 1NEW1 says Tetragon only, as search would not list it
    assert told == []


def test_follow_news_lists_each_session_with_unsubscribe_and_escapes():
    schedule, _ = parse_schedule(
        "seed.md", with_new_talks(SEED.read_text(encoding="utf-8")).replace("Tetragon Deep Dive", "<!channel> & Deep")
    )
    sessions = [schedule.get("1NEW1"), schedule.get("1NEW2")]
    reply = follow_news_reply(sessions, venue=schedule.zone)
    shown = all_text({"text": reply.text, "blocks": reply.blocks})
    assert "your follows subscribed you to 2 sessions" in shown
    assert "&lt;!channel&gt; &amp; Deep" in shown and "<!channel>" not in shown
    assert buttons({"blocks": reply.blocks}) == [("unsubscribe", "1NEW1"), ("unsubscribe", "1NEW2")]
    # no block remembers a command: a click confirms and leaves the DM as it is
    assert not any(b.get("block_id") for b in reply.blocks)
    assert "1 session:" in follow_news_reply(sessions[:1], venue=schedule.zone).text
    assert follow_news_metadata("U1", sessions) == {
        "event_type": FOLLOW_EVENT,
        "event_payload": {"user_id": "U1", "session_ids": ["1NEW1", "1NEW2"]},
    }


def test_follow_news_of_many_sessions_stays_within_slacks_limits(tmp_path):
    schedule, _ = load_schedule(widget_schedule(tmp_path / "widgets.md"))
    reply = follow_news_reply(list(schedule), venue=schedule.zone)
    assert block_kit_problems(reply.blocks, reply.text) == []
    assert len(buttons({"blocks": reply.blocks})) == 20
    assert "…and 20 more: `/conf mine` lists them all" in all_text({"blocks": reply.blocks})


# -- end to end: needs bootstrap to pass Follows(told=…) and call after_reload -------


def follow_news(standin) -> list[dict]:
    return [
        c.params
        for c in standin.calls_to("chat.postMessage")
        if (c.params.get("metadata") or {}).get("event_type") == FOLLOW_EVENT
    ]


def test_a_reload_tells_followers_once_what_their_follows_added(running, tmp_path):
    running.conf("follow tetragon")
    running.conf("follow track security")
    running.conf("follow tetragon", user="U2")
    path = tmp_path / "schedule.md"
    path.write_text(with_new_talks(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert running.conf("reload", user="UADMIN").status == 200
    [answer] = running.standin.wait_for("response_url")
    assert "3 new subscriptions from follows" in answer.params["text"]
    news = {post["channel"]: post for post in follow_news(running.standin)}
    assert sorted(news) == ["U1", "U2"]  # one message each, however many follows added
    assert news["U1"]["metadata"]["event_payload"]["session_ids"] == ["1NEW1", "1NEW2"]
    assert buttons(news["U1"]) == [("unsubscribe", "1NEW1"), ("unsubscribe", "1NEW2")]
    assert buttons(news["U2"]) == [("unsubscribe", "1NEW1")]
    path.write_text(path.read_text(encoding="utf-8").replace("New talk.", "A new talk."), encoding="utf-8")
    running.conf("reload", user="UADMIN")
    running.standin.wait_for("response_url", count=2)
    assert len(follow_news(running.standin)) == 2  # not told again


def test_follow_news_leaves_out_sessions_already_over_and_is_not_sent_when_none_is_left(running, tmp_path):
    running.conf("follow track security")
    running.conf("follow tetragon", user="U2")
    path = tmp_path / "schedule.md"
    path.write_text(
        with_new_talks(path.read_text(encoding="utf-8")).replace(
            "Tuesday, October 25 • 3:00pm - 3:30pm", "Monday, October 24 • 8:00am - 8:30am"
        ),  # 1NEW1 (Tetragon) was over before it appeared, at 09:00; 1NEW2 is on Tuesday
        encoding="utf-8",
    )
    assert running.conf("reload", user="UADMIN").status == 200
    [answer] = running.standin.wait_for("response_url")
    assert "3 new subscriptions from follows" in answer.params["text"]
    [news] = follow_news(running.standin)  # none to U2, whose only new session is over
    assert news["channel"] == "U1" and news["metadata"]["event_payload"]["session_ids"] == ["1NEW2"]
    assert "your follows subscribed you to 1 session" in all_text(news)
    assert "1NEW1" in running.bot.store.subscriptions("U2")  # still subscribed, just not announced
