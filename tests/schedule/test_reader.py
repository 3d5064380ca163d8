"""The reader, kind of structure by kind of structure: each case is a small post written
the way some website writes its talks, and what a careful human reads in it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule import ScheduleError, parse_schedule
from bot.schedule.clocks import find_when


def read(body: str, front: str = "date: 2025-03-01\ntimezone: Europe/Amsterdam", name: str = "post.md"):
    schedule, warnings = parse_schedule(name, f"---\n{front}\n---\n\n{body}")
    rows = [
        (s.title, [p.name for p in s.speakers], s.start.strftime("%m-%d %H:%M"), s.end.strftime("%H:%M"))
        for s in schedule
    ]
    return rows, [w.message for w in warnings]


def problems(body: str, front: str = "date: 2025-03-01\ntimezone: Europe/Amsterdam") -> list[tuple[int, str]]:
    with pytest.raises(ScheduleError) as raised:
        parse_schedule("post.md", f"---\n{front}\n---\n\n{body}")
    return [(p.line, p.message) for p in raised.value.problems]


# -- where the time is ---------------------------------------------------------------


def test_time_before_the_title_on_its_line():
    rows, _ = read("## Tuesday, March 18\n\n9:45 - 10:15 Keynotes: [Opening the Day](https://x.org/1)\n")
    assert rows == [("Opening the Day", [], "03-18 09:45", "10:15")]


def test_time_in_a_heading_before_the_title_crossing_noon():
    rows, _ = read("## Wednesday, March 19\n\n### 11:45--12:15 PM: Scaling Widgets\n\nAbstract.\n")
    assert rows == [("Scaling Widgets", [], "03-19 11:45", "12:15")]


def test_time_alone_in_a_list_item_with_the_title_on_the_next_line():
    body = "## Thursday, March 20\n\n- 4:45-5:20pm:\n  [Extending Widgets](https://x.org/2)\n  – Ada Lovelace & Grace Hopper, Example Corp\n"
    rows, _ = read(body)
    assert rows == [("Extending Widgets", ["Ada Lovelace", "Grace Hopper"], "03-20 16:45", "17:20")]


def test_time_after_the_title_behind_a_bar_with_the_zone_glued():
    body = "**Tuesday Mar 18th**\n\n- [Testing Widgets](https://x.org/3) - Ada Lovelace, Example | 5:45pm - 6:15pmCET\n"
    rows, _ = read(body)
    assert rows == [("Testing Widgets", ["Ada Lovelace"], "03-18 17:45", "18:15")]


def test_time_after_the_title_between_slashes():
    body = "* [Widget Lightning Talk - Ada Lovelace, Maintainer](https://x.org/4) // Tuesday March 18, 2025 @ 12:34 - 12:39 CET // Hall 1\n"
    rows, _ = read(body)
    assert rows == [("Widget Lightning Talk", ["Ada Lovelace"], "03-18 12:34", "12:39")]


def test_labelled_fields_under_a_bold_title():
    body = (
        "[**Widgets in Production**](https://x.org/5)\n"
        "**Speakers:** Ada Lovelace (Example), Grace Hopper (Navy)\n"
        "**When:** Wednesday, March 19, 2025 — 10:27 to 10:32 CET\n"
        "**Where:** Room 2\n"
    )
    rows, _ = read(body)
    assert rows == [("Widgets in Production", ["Ada Lovelace", "Grace Hopper"], "03-19 10:27", "10:32")]


def test_separate_date_and_time_fields_under_a_heading():
    body = "## Contribfest: [Widget Hacking](https://x.org/6)\n\nDATE: Wednesday March 19\n\nTIME: 16:15 - 17:30 CET\n\nCome and hack.\n"
    rows, _ = read(body)
    assert rows == [("Widget Hacking", [], "03-19 16:15", "17:30")]


def test_a_table_with_the_zone_in_the_time_column_heading():
    body = (
        "### Day 1: March 18th 2025\n\n"
        "| Time (CET) | Session | Speaker |\n|---|---|---|\n"
        "| 8:00am-8:30am | [Keynote](https://x.org/7) | Ada Lovelace |\n"
        "| 8:30am-9:00am | Widgets from zero | Grace Hopper |\n"
    )
    rows, _ = read(body)
    assert rows == [
        ("Keynote", ["Ada Lovelace"], "03-18 08:00", "08:30"),
        ("Widgets from zero", ["Grace Hopper"], "03-18 08:30", "09:00"),
    ]


def test_a_time_only_line_takes_its_day_from_the_sentence_above():
    body = "Join us on Monday, March 17, for the co-located day.\n\n### [Opening Remarks - Ada Lovelace, Chair](https://x.org/8)\n\n09:00 - 09:05 AM\n"
    rows, _ = read(body)
    assert rows == [("Opening Remarks", ["Ada Lovelace"], "03-17 09:00", "09:05")]


def test_a_weekday_and_day_number_take_the_month_from_the_post():
    body = 'Wednesday 19:\n11:00- 13:00: "Widgets y el camino" at the Auditorium\n'
    rows, _ = read(body)
    assert rows == [("Widgets y el camino", [], "03-19 11:00", "13:00")]


def test_a_us_date_after_the_time():
    rows, _ = read("- [Widget Talk](https://x.org/9) 11:30am Tuesday, 03/18/2025\n")
    assert rows[0][:3] == ("Widget Talk", [], "03-18 11:30")


def test_speakers_on_a_by_line_and_in_a_block_quote():
    body = (
        "**Widget Safety**\n\nMonday, March 17 • 9:15am - 9:20am\n\nby Ada Lovelace, Example\n\n"
        "**Widget Speed**\n\n> Grace Hopper, Navy\n\nMonday, March 17 • 10:15am - 10:40am\n"
    )
    rows, _ = read(body)
    assert rows == [
        ("Widget Safety", ["Ada Lovelace"], "03-17 09:15", "09:20"),
        ("Widget Speed", ["Grace Hopper"], "03-17 10:15", "10:40"),
    ]


def test_setext_headings_and_inline_html():
    body = "Tuesday, March 18\n=================\n\n<h4>Widget Internals</h4>\n\n<strong>Time:</strong> 14:00 - 14:30<br>\n"
    rows, _ = read(body)
    assert rows == [("Widget Internals", [], "03-18 14:00", "14:30")]


# -- clocks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "zone"),
    [
        ("9:15am - 9:20am", "09:15", "09:20", None),
        ("09:00 - 09:05 AM", "09:00", "09:05", None),
        ("11:45--12:15 PM", "11:45", "12:15", None),
        ("2-5pm", "14:00", "17:00", None),
        ("10:27 to 10:32 CET", "10:27", "10:32", "CET"),
        ("from 10 to 11:30 am", "10:00", "11:30", None),
        ("13:00 ~ 14:00", "13:00", "14:00", None),
        ("6:15pmEST", "18:15", None, "EST"),
        ("9.30–10.00", "09:30", "10:00", None),
        ("17:25 - 18:00 (local time)", "17:25", "18:00", None),
        ("4:15pm - 4:45pm ET", "16:15", "16:45", "ET"),
    ],
)
def test_clocks_as_people_write_them(text, start, end, zone):
    when = find_when(text)
    assert (f"{when.start:%H:%M}", when.end and f"{when.end:%H:%M}", when.zone) == (start, end, zone)


def test_ordinals_and_day_before_month():
    assert find_when("March 22nd - 14:00 - 14:35").date.day == 22
    assert find_when("Monday, 23 March | 09:52 - 09:57").date.month == 3


# -- start-only times and the year ------------------------------------------------------


def test_a_start_only_time_ends_at_the_next_talk_of_the_day_else_after_30_minutes():
    body = (
        "[**Widgets A**](https://x.org/a)\n\n**Date:** Tuesday, March 18th\n**Time:** 10:34 AM\n\n"
        "[**Widgets B**](https://x.org/b)\n\n**Date:** Tuesday, March 18th\n**Time:** 11:15 AM\n"
    )
    rows, warnings = read(body)
    assert [(r[2], r[3]) for r in rows] == [("03-18 10:34", "11:15"), ("03-18 11:15", "11:45")]
    assert '"Widgets A" gives no end: 41 minutes (the next talk\'s start)' in warnings
    assert '"Widgets B" gives no end: 30 minutes (the default length)' in warnings


def test_no_date_in_front_matter_takes_the_year_from_the_file_name():
    rows, warnings = read(
        "## [Widgets](https://x.org/c)\n\n- **Date:** March 31st\n- **Time:** 14:35 – 15:05 CEST\n",
        front="title: t\ntimezone: Europe/Amsterdam",
        name="2025-03-27-widgets.md",
    )
    assert rows == [("Widgets", [], "03-31 14:35", "15:05")]
    assert "no `date:` in the front matter: dates without a year are read in 2025" in warnings


def test_toml_front_matter():
    schedule, _ = parse_schedule(
        "post.md",
        '+++\ntitle = "Widgets"\ndate = 2025-03-01\ntimezone = "Europe/Amsterdam"\n+++\n\n'
        "**Widgets** | Tuesday, March 18 | 10:00 - 10:30\n",
    )
    assert (schedule.title, len(schedule)) == ("Widgets", 1)


def test_a_december_post_about_january_takes_the_next_year_but_a_wrong_weekday_is_an_error():
    rows, _ = read("**Widgets** | Monday, January 5 | 10:00 - 10:30\n", front="date: 2025-12-10\ntimezone: UTC")
    assert rows[0][2] == "01-05 10:00"  # 2026-01-05 is a Monday
    assert problems("**Widgets** | Tuesday, March 17 | 10:00 - 10:30\n") == [
        (6, "Tuesday does not match 2025-03-17, which is a Monday")
    ]


# -- never invent, never silently drop --------------------------------------------------


def test_an_unreadable_time_line_is_an_error_on_its_line():
    assert problems("### [Widgets](https://x.org/d)\n\nMonday, March 17 • 25:99am - 10:00am\n") == [
        (8, "minute 99 is not a time")
    ]


def test_booths_parties_and_all_day_items_are_not_sessions():
    body = (
        "**Widget Booth**\n\n**When:** Tuesday, March 18, 2025, 10:00 - 17:00\n\n"
        "**Widget Party**\n\n**When:** Tuesday, March 18, 2025, 19:00 - 23:00\n\n"
        "**Widget Office Hours**\n\n**When:** Tuesday, March 18, 2025 — All Day\n\n"
        "**Widget Talk**\n\n**When:** Tuesday, March 18, 2025, 11:00 - 11:30\n"
    )
    rows, warnings = read(body)
    assert [r[0] for r in rows] == ["Widget Talk"]
    assert sum("not a talk" in w or "all day" in w for w in warnings) == 3


def test_prose_with_a_time_in_mid_sentence_invents_nothing():
    body = "The first talk is about [Widgets](https://x.org/e) and takes place on March 20 at 14:00 UTC.\n\n"
    assert problems(body, front="date: 2025-03-01\ntimezone: UTC") == [(5, "no session with a date and time found")]


def test_a_zone_that_disagrees_is_an_error_and_names_the_zones_it_can_mean():
    [(line, message)] = problems("**Widgets** | Tuesday, March 18 | 10:00 - 10:30 EDT\n")
    assert line == 6 and "EDT does not match the venue zone Europe/Amsterdam" in message
    [(line, message)] = problems("**Widgets** | Tuesday, July 15 | 10:00 - 10:30 CEST\n", front="date: 2025-03-01")
    assert "CEST there can mean Europe/Paris, Europe/Berlin, Europe/Amsterdam" in message


def test_a_season_slip_of_the_venue_zone_is_read_as_the_venue_clock():
    rows, warnings = read(
        "**Widgets** | Tuesday, October 19, 2021 | 8:00am-8:30am PST\n", front="timezone: America/Los_Angeles"
    )
    assert rows[0][2:] == ("10-19 08:00", "08:30")
    assert any("PST is written for a time when America/Los_Angeles is on PDT" in w for w in warnings)


def test_the_same_talk_listed_twice_is_one_session():
    body = (
        "## Tuesday, March 18\n\n| Time | Session |\n|---|---|\n| 8:00am-8:30am | [Keynote](https://x.org/k) |\n\n"
        "**Keynote** (8:00am-8:30am) | [Recording](https://x.org/r)\n\n*Ada Lovelace* will open the day.\n"
    )
    rows, _ = read(body)
    assert rows == [("Keynote", ["Ada Lovelace"], "03-18 08:00", "08:30")]


# -- whatever arrives, a schedule or a clear refusal ----------------------------------------

_PIECES = [
    "[", "]", "(", ")", "*", "**", "_", "`", "<br>", "|", "---", "\n", "\n\n", "- ", "> ", "# ", "### ",
    "Monday, March 17", "9:15am - 9:20am", "25:99", "12:00", "CET", "PST", "Talk", "Ada Lovelace, Example",
    "**When:** ", "| Time (CET) | Session |\n|---|---|\n", "<h4>", "</h4>", "All Day", "Booth",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=40))
def test_any_post_loads_or_is_refused_clearly(pieces):
    try:
        schedule, _ = parse_schedule("post.md", "---\ndate: 2025-03-01\ntimezone: UTC\n---\n" + "".join(pieces))
    except ScheduleError as refused:
        assert refused.problems and all(p.line >= 1 for p in refused.problems)
    else:
        assert all(s.start <= s.end and s.title for s in schedule)


# -- found by review: each once a crash, an invented session or a wrong time ---------------------


def test_deep_nesting_is_refused_clearly():
    for body in (">" * 500 + " x\n", "**" * 1000 + "x" + "**" * 1000):
        [(_, message)] = problems(body)
        assert "nests" in message


def test_a_zero_date_in_front_matter_is_no_date():
    rows, _ = read("## Tuesday, March 5, 2024\n\n- 10:00 - 10:30 **Widgets**\n", front="date: 0001-01-01")
    assert rows == [("Widgets", [], "03-05 10:00", "10:30")]


@pytest.mark.parametrize(
    "body",
    [
        "## Tuesday, March 18\n\n## Kubernetes 1.29 - 1.30 release notes\n\nProse.\n",
        "**Submissions close** on Friday, March 21 at 11:59pm CET.\n",
        "- [Talk A](https://sched.co/a)\n- 10:00 coffee\n",
    ],
)
def test_versions_sentences_and_the_next_item_invent_nothing(body):
    with pytest.raises(ScheduleError):
        read(body)


def test_a_space_after_a_or_p_is_not_am_or_pm():
    rows, _ = read("## Tuesday, March 18\n\n- 14:00 - 14:30 A MCP Gateway\n")
    assert rows == [("A MCP Gateway", [], "03-18 14:00", "14:30")]


def test_a_range_written_without_am_pm_crosses_noon_not_midnight():
    rows, _ = read("## Tuesday, March 18\n\n- 12:30 - 1:15 **Talk B**\n")
    assert rows == [("Talk B", [], "03-18 12:30", "13:15")]


def test_a_break_ends_the_talk_before_it():
    rows, _ = read("## Tuesday, March 18\n\n- 9:00 Welcome\n- 10:00 Coffee Break\n- 10:30 Widgets\n")
    assert rows == [("Welcome", [], "03-18 09:00", "10:00"), ("Widgets", [], "03-18 10:30", "11:00")]


def test_a_year_in_the_text_that_does_not_fit_the_weekday_is_only_a_guess():
    schedule, _ = parse_schedule(
        "post.md", "Cilium turned 5 in 2020!\n\n## Wednesday, March 20\n\n- 10:00 - 10:30 **Talk A**\n", "UTC"
    )
    assert [s.start.year for s in schedule] == [2024]  # the latest year with a Wednesday 20 March


def test_29_february_in_a_december_post_is_next_year():
    rows, _ = read("## Thursday, February 29\n\n- 10:00 - 10:30 **Leap**\n", front="date: 2023-12-01\ntimezone: UTC")
    assert rows == [("Leap", [], "02-29 10:00", "10:30")]


def test_a_weekday_before_an_hour_range_is_not_a_date():
    when = find_when("Monday 10 - 11 am")
    assert (when.date, f"{when.start:%H:%M}", f"{when.end:%H:%M}") == (None, "10:00", "11:00")


def test_the_fast_paths_read_the_same_blocks_as_the_tree(monkeypatch):
    """Plain paragraphs and `### [Title](url)` headings are read from their source lines;
    every reference post must give the same blocks as walking the parser's tree."""
    from bot.schedule import document
    from tests.conftest import SCHEDULES, shared_file

    shared_file("seed/kubecon-na-2022.md")  # skips when ../shared is absent
    posts = sorted(SCHEDULES.glob("*/*.md"))
    fast = [document.parse_blocks(p.read_text(encoding="utf-8")) for p in posts]
    monkeypatch.setattr(document, "_plain_paragraph", lambda *args: None)
    monkeypatch.setattr(document, "_plain_link_heading", lambda *args: None)
    slow = [document.parse_blocks(p.read_text(encoding="utf-8")) for p in posts]
    assert len(posts) > 20
    assert fast == slow


def test_start_and_end_in_columns_of_their_own():
    body = (
        "## Tuesday, March 18\n\n| Start | End | Talk | Speaker |\n|---|---|---|---|\n"
        "| 10:00 | 10:30 | Widgets at Scale | Ada Lovelace |\n| 10:30 | 11:15 | Gadgets | Grace Hopper |\n"
    )
    rows, _ = read(body)
    assert rows == [
        ("Widgets at Scale", ["Ada Lovelace"], "03-18 10:00", "10:30"),
        ("Gadgets", ["Grace Hopper"], "03-18 10:30", "11:15"),
    ]


def test_hours_written_with_h_and_people_in_parentheses():
    rows, _ = read("## Tuesday, March 18\n\n- 9h-10h : **Widgets (Ada Lovelace, Acme & Bob Smith, Initech)**\n")
    assert rows == [("Widgets", ["Ada Lovelace", "Bob Smith"], "03-18 09:00", "10:00")]
    assert find_when("a 2h workshop") is None  # a length, not a time


def test_noon_a_bold_title_holding_its_time_and_a_weekday_without_a_date():
    body = (
        "Join us on Tuesday, March 18, at the venue.\n\n"
        "**Widgets Keynote — 11:30 am - noon**\n\n"
        "**Gadgets** | Wednesday | 9:00 - 9:30\n"
    )
    rows, _ = read(body)
    assert rows == [
        ("Widgets Keynote", [], "03-18 11:30", "12:00"),
        ("Gadgets", [], "03-19 09:00", "09:30"),
    ]


# -- found by a second review on new posts (German, French, US, agenda lines) -------------


def test_german_and_french_dates_ranges_and_clock_words():
    german = (
        "## Samstag, 16. August\n\n- 🕙 10:00–10:45 Uhr: **Nextcloud Hub 10**\n- 11:15 bis 12:45 Uhr: **Workshop**\n"
    )
    rows, _ = read(german, front="date: 2025-07-01\ntimezone: Europe/Berlin")
    assert rows == [("Nextcloud Hub 10", [], "08-16 10:00", "10:45"), ("Workshop", [], "08-16 11:15", "12:45")]
    french = "## Le jeudi 5 juin\n\n- 10h30 - 11h : *Migrer à Linux* — par Claire Dubois (Ville de Rezé)\n- 12h - 13h30 : pause déjeuner\n"
    rows, _ = read(french, front="date: 2025-05-20\ntimezone: Europe/Paris")
    assert rows == [("Migrer à Linux", ["Claire Dubois"], "06-05 10:30", "11:00")]


def test_us_month_day_after_a_weekday_and_afternoon_hours_without_pm():
    body = "**Bootc Talk** (Colin Walters, Red Hat)\nTuesday, 10/14 @ 11:00am - 11:30am ET\n\n## Wednesday, October 15\n\n- 1:30–2:00 — *Batch Jobs* — Wei Chen & Sam Patel (Fidelity)\n"
    rows, _ = read(body, front="date: 2025-10-01\ntimezone: America/New_York")
    assert rows == [
        ("Bootc Talk", ["Colin Walters"], "10-14 11:00", "11:30"),
        ("Batch Jobs", ["Wei Chen", "Sam Patel"], "10-15 13:30", "14:00"),
    ]


def test_a_wrapped_sentence_with_hours_is_no_talk_and_a_talk_may_mention_lunch():
    body = (
        "## Friday, June 6\n\nFind us at kiosk P-14, Wednesday through Friday,\n10:30 AM–4:00 PM. See you in Seattle!\n\n"
        "### No Free Lunch: The Real Cost of Serverless\n\n**Speaker:** Ada Lovelace\n**When:** Friday, June 6 · 2:00–2:30 PM\n"
    )
    rows, _ = read(body, front="date: 2025-05-20\ntimezone: America/Los_Angeles")
    assert rows == [("No Free Lunch: The Real Cost of Serverless", ["Ada Lovelace"], "06-06 14:00", "14:30")]


def test_agenda_line_people_after_a_dash_and_the_room_after_a_dot():
    body = "## Saturday, February 1\n\n* 11:00–11:25 — **Agama Installer** — Ada Lovelace · UB4.136\n* 14:05–14:30 — Reproducible Builds — facilitated by Grace Hopper\n"
    rows, _ = read(body, front="date: 2025-01-20\ntimezone: Europe/Brussels")
    assert rows == [
        ("Agama Installer", ["Ada Lovelace"], "02-01 11:00", "11:25"),
        ("Reproducible Builds", ["Grace Hopper"], "02-01 14:05", "14:30"),
    ]
