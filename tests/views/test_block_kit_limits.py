"""Every message builder, fed oversized input, stays inside Slack's Block Kit limits.

The limits are checked by the stand-in's own reading of Slack's reference
(`block_kit_problems`), written apart from the bot's clipping.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.console.standin import block_kit_problems
from bot.digest.building import build_digest
from bot.schedule.model import Session, Speaker
from bot.views.blocks import Reply, change_reply, notice, reminder_reply, session_detail, session_list
from bot.views.limits import clip, fit_blocks
from tests.conftest import SEED
from tests.slackkit import make_bot

VENUE = ZoneInfo("America/Detroit")
DAY = date(2022, 10, 24)
HUGE = "<!channel> & " + "word " * 2000  # 10,000+ characters with markup in it
SEED_TEXT = SEED.read_text(encoding="utf-8")


def huge_session(number: int) -> Session:
    start = datetime(2022, 10, 24, 9, tzinfo=VENUE) + timedelta(minutes=5 * number)
    return Session(
        id=f"S{number}" + "x" * 300,
        title=f"Talk {number} {HUGE}",
        start=start,
        end=start + timedelta(minutes=30),
        speakers=tuple(Speaker(f"Speaker {n} " + "y" * 500, "Org " * 200) for n in range(20)),
        track=f"Track {number % 9} " + "t" * 4000,
        url="https://example.org/" + "p" * 5000,
        abstract=HUGE * 3,
        location="Room " + "r" * 4000,
    )


SESSIONS = [huge_session(n) for n in range(120)]


def assert_fits(reply: Reply) -> None:
    problems = block_kit_problems(reply.blocks, reply.text)
    assert problems == [], problems[:5]
    assert len(reply.text) <= 3000
    assert reply.blocks, "a message with no blocks says nothing"


def test_every_builder_stays_within_the_limits_with_oversized_input():
    first = SESSIONS[0]
    replies = [
        session_list(HUGE, SESSIONS, subscribed=[first.id], venue=VENUE, command_text=HUGE, note=HUGE, limit=200),
        session_detail(first, subscribed=[], venue=VENUE, overlaps=SESSIONS[1:], command_text=HUGE),
        notice(HUGE, command_text=HUGE, detail=HUGE),
        reminder_reply(SESSIONS, venue=VENUE, viewer=None, now=first.start - timedelta(minutes=10)),
        change_reply(first, SESSIONS[1], venue=VENUE, viewer=ZoneInfo("Asia/Tokyo")),
        change_reply(first, None, venue=VENUE, viewer=None),
    ]
    digest = build_digest(DAY, SESSIONS, VENUE, {s.id: 3 for s in SESSIONS}, title="Conf " * 700)
    replies += digest.messages
    for reply in replies:
        assert_fits(reply)
    digest_ids = [b["accessory"]["value"] for m in digest.messages for b in m.blocks if b.get("accessory")]
    assert len(digest_ids) == len(SESSIONS)  # clipping cut text, never a session


def test_the_digest_of_a_conference_with_a_3000_character_title_is_accepted():
    digest = build_digest(DAY, SESSIONS[:3], VENUE, title="T" * 3000)
    header = digest.messages[0].blocks[0]["text"]["text"]
    assert len(header) <= 3000 and header.endswith("…")
    assert header.startswith(":calendar: *Monday 24 October* — 3 sessions at TTT")


def test_a_cut_never_lands_inside_a_link_or_an_escape():
    link = "<https://example.org/talk|The talk>"
    cut = clip("a" * 2990 + link, 3000)
    assert cut == "a" * 2990 + "…"
    escaped = clip("b" * 2996 + "&amp;c", 3000)
    assert escaped == "b" * 2996 + "…"
    whole = clip("c" * 100 + link, 3000)
    assert whole.endswith(link)


def test_block_ids_are_made_unique_and_ids_values_and_button_texts_short():
    button = {
        "type": "button",
        "action_id": "a" * 300,
        "value": "v" * 3000,
        "text": {"type": "plain_text", "text": "B" * 90},
    }
    blocks = [
        {"type": "section", "block_id": "same", "text": {"type": "mrkdwn", "text": "one"}, "accessory": button},
        {"type": "section", "block_id": "same", "text": {"type": "mrkdwn", "text": "two"}},
        {"type": "header", "block_id": "h" * 400, "text": {"type": "plain_text", "text": "H" * 200}},
        *({"type": "divider"} for _ in range(60)),
    ]
    fitted = fit_blocks(blocks)
    assert block_kit_problems(fitted) == []
    assert [b.get("block_id") for b in fitted[:2]] == ["same", "same~1"]
    assert len(fitted) == 50
    assert fitted[0]["accessory"]["text"]["text"] == "B" * 74 + "…"
    assert len(fitted[2]["text"]["text"]) == 150
    assert block_kit_problems(blocks) != []  # the check itself sees what was wrong


def test_the_admins_broken_schedule_dm_is_accepted_however_long_the_errors(tmp_path, standin):
    folder = tmp_path / ("a-long-folder-name-" * 13)  # each error line names it: 20 lines pass 3,000 characters
    folder.mkdir()
    path = folder / "schedule.md"
    path.write_text(SEED_TEXT, encoding="utf-8")
    bot, _ = make_bot(tmp_path, standin, schedule=path)
    try:
        broken = "\n".join(f"### [{'<!channel> ' * 80}](https://x.example/{n})\n\nMonday 31:99\n" for n in range(300))
        path.write_text(SEED_TEXT.split("\n---\n", 1)[0] + "\n---\n" + broken, encoding="utf-8")
        bot.reloader.reload("test")
        [dm] = [c for c in standin.calls_to("chat.postMessage") if c.params.get("channel") == "UADMIN"]
        assert dm.delivered, block_kit_problems(dm.params.get("blocks") or [], dm.params.get("text"))
        assert "did not load" in dm.params["text"]
        assert dm.params["blocks"][0]["text"]["text"].endswith("…")  # it was long: clipped, not refused
    finally:
        bot.close()
