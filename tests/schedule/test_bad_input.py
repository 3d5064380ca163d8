"""Schedules that cannot be used say exactly where and why; edge-case posts invent nothing."""

from __future__ import annotations

import pytest

from bot.schedule import ScheduleError, load_schedule, parse_schedule
from tests.conftest import SEED, shared_file

SEED_TEXT = SEED.read_text(encoding="utf-8")
KEYNOTE_TIME = " Monday, October 24 • 9:15am - 9:20am"
KEYNOTE_LINE = SEED_TEXT.splitlines().index(KEYNOTE_TIME) + 1


def problems_of(text: str, zone: str | None = None) -> list[tuple[int, str]]:
    with pytest.raises(ScheduleError) as raised:
        parse_schedule("talks.md", text, zone)
    return [(p.line, p.message) for p in raised.value.problems]


def test_weekday_that_does_not_match_the_date_is_an_error_on_its_line():
    text = SEED_TEXT.replace(KEYNOTE_TIME, "Monday, October 24, 2023 • 9:15am - 9:20am")
    assert problems_of(text) == [(KEYNOTE_LINE, "Monday does not match 2023-10-24, which is a Tuesday")]


def test_weekday_that_fits_neither_this_year_nor_next_is_an_error():
    text = SEED_TEXT.replace(KEYNOTE_TIME, "Friday, October 24 • 9:15am - 9:20am")
    [(line, message)] = problems_of(text)
    assert line == KEYNOTE_LINE
    assert message.startswith("Friday does not match 2022-10-24")


def test_zone_abbreviation_must_agree_with_the_venue_zone():
    text = SEED_TEXT.replace(KEYNOTE_TIME, "Monday, October 24 • 9:15am - 9:20am CEST")
    [(line, message)] = problems_of(text)
    assert line == KEYNOTE_LINE
    assert message.startswith("CEST does not match the venue zone America/Detroit (UTC-04:00 on 2022-10-24)")


def test_matching_zone_abbreviation_is_accepted():
    text = SEED_TEXT.replace(KEYNOTE_TIME, "Monday, October 24 • 9:15am - 9:20am EDT")
    schedule, _ = parse_schedule("talks.md", text)
    assert schedule.get("1Auye").start.isoformat() == "2022-10-24T09:15:00-04:00"


@pytest.mark.parametrize(
    ("time_line", "message"),
    [
        ("Monday, October 24 • 25:00 - 26:00", "hour 25 is not a time"),
        ("Monday, October 24 • 13:00pm - 14:00pm", "13 pm is not a time"),
        ("Monday, October 24 • 10:00 - 09:00", "ends (09:00) before it starts (10:00)"),
        ("Monday, October 24 • 10:75 - 11:00", "minute 75 is not a time"),
        ("Monday, February 30 • 10:00 - 11:00", "there is no day 30 in month 2"),
    ],
)
def test_impossible_times_are_errors_on_their_line(time_line, message):
    assert problems_of(SEED_TEXT.replace(KEYNOTE_TIME, time_line)) == [(KEYNOTE_LINE, message)]


def test_every_problem_is_reported_in_line_order():
    text = SEED_TEXT.replace(KEYNOTE_TIME, "Monday, October 24 • 25:00 - 26:00").replace(
        "Thursday, October 27 • 3:25pm - 4:00pm", "Thursday, October 27 • 3:25pm - 4:00pm PST"
    )
    problems = problems_of(text)
    assert [line for line, _ in problems] == sorted(line for line, _ in problems)
    assert len(problems) == 2


def test_unknown_front_matter_zone_names_the_line():
    text = SEED_TEXT.replace("timezone: America/Detroit", "timezone: Mars/Olympus_Mons")
    [(line, message)] = problems_of(text)
    assert line == 5
    assert "unknown time zone 'Mars/Olympus_Mons'" in message


def test_broken_yaml_names_its_line():
    text = SEED_TEXT.replace("isPopular: true", "isPopular: [true")
    [(line, message)] = problems_of(text)
    assert line >= 6
    assert message.startswith("front matter is not valid YAML")


def test_no_date_in_front_matter_takes_the_year_from_the_text_and_says_so():
    text = SEED_TEXT.replace("date: '2022-10-17T17:00:00.000Z'\n", "")
    schedule, warnings = parse_schedule("seed.md", text)
    assert {d.year for d in schedule.days} == {2022}
    assert (1, "no `date:` in the front matter: dates without a year are read in 2022") in [
        (w.line, w.message) for w in warnings
    ]


def test_no_year_anywhere_and_no_weekday_is_an_error():
    text = SEED_TEXT.replace("date: '2022-10-17T17:00:00.000Z'\n", "").replace("2022", "")
    text = text.replace(KEYNOTE_TIME, KEYNOTE_TIME.replace("Monday, ", ""))
    problems = problems_of(text)
    assert (KEYNOTE_LINE - 1, "the date has no year and the front matter has no `date:` to take it from") in problems


def test_no_year_anywhere_takes_the_latest_year_the_weekdays_fit():
    from datetime import date

    from bot.schedule.markdown import load_markdown

    text = SEED_TEXT.replace("date: '2022-10-17T17:00:00.000Z'\n", "").replace("*October 17th, 2022*", "")
    schedule, warnings = load_markdown("seed.md", text.replace("2022", ""), today=date(2026, 11, 25))
    assert {d.year for d in schedule.days} == {2022}  # Monday 24 October: 2022, not 2033
    assert "no year anywhere: dates take the latest year in which their weekday fits" in [w.message for w in warnings]


def test_missing_and_undecodable_files(tmp_path):
    with pytest.raises(ScheduleError) as raised:
        load_schedule(tmp_path / "nope.md")
    assert str(raised.value).startswith(f"{tmp_path / 'nope.md'}:1: cannot read the file")
    latin = tmp_path / "latin.md"
    latin.write_bytes(b"---\ntitle: x\n---\n\ncaf\xe9\n")
    with pytest.raises(ScheduleError) as raised:
        load_schedule(latin)
    assert [(p.line, p.message) for p in raised.value.problems] == [(5, "not UTF-8 text")]


def test_unsupported_extension_says_which_formats_work(tmp_path):
    path = tmp_path / "talks.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"talks.txt:1: cannot tell this file's format"):
        load_schedule(path)


def test_file_with_no_talk_at_all_is_an_error():
    assert problems_of("---\ntitle: Empty\ndate: 2024-01-01\n---\n\nJust prose.\n") == [
        (5, "no session with a date and time found")
    ]


# Edge-case posts: no crash, no invented session, clear messages with line numbers.


@pytest.mark.parametrize(
    "name",
    [
        "2017-05-22-cilium-gluecon-2017-this-week.md",
        "2020-10-28-ebpf-summit-day-1.md",
        "2020-10-29-ebpf-summit-day-2-recap.md",
    ],
)
def test_posts_without_a_schedule_are_refused_clearly(name):
    path = shared_file(f"cilium/{name}")
    with pytest.raises(ScheduleError) as raised:
        load_schedule(path)
    [problem] = raised.value.problems
    assert problem.path == str(path)
    assert problem.line > 1
    assert problem.message == "no session with a date and time found"


def test_keynote_list_without_times_warns_for_each_talk():
    path = shared_file("cilium/2020-10-20-ebpf-summit-2020.md")
    with pytest.raises(ScheduleError) as raised:
        load_schedule(path, "UTC")
    assert [(p.line, p.message) for p in raised.value.problems] == [
        (16, "no session with a date and time found (10 talks without one)")
    ]
    untimed = [(w.line, w.message) for w in raised.value.warnings]
    assert untimed[0] == (55, 'no date/time for "A beginner’s guide to eBPF programming"')
    assert untimed[-1] == (84, 'no date/time for "The Future of eBPF Networking and Security"')
    assert len(untimed) == 10


def test_announcement_post_with_one_timed_talk():
    path = shared_file("cilium/2024-03-20-kubecon-eu.md")
    schedule, warnings = load_schedule(path, "Europe/Paris")
    [session] = schedule
    assert session.id == "1Yhfl"
    assert session.start.isoformat() == "2024-03-20T15:25:00+01:00"
    assert [p.name for p in session.speakers] == ["Liz Rice", "Maartje Eyskens", "Nico Meisenzahl", "Vlad Ungureanu"]
    assert warnings == []


def test_announcement_post_read_as_utc_disagrees_with_its_cet():
    path = shared_file("cilium/2024-03-20-kubecon-eu.md")
    with pytest.raises(ScheduleError) as raised:
        load_schedule(path)
    [problem] = raised.value.problems
    assert problem.line == 26
    assert problem.message.startswith("CET does not match the venue zone UTC")
    assert [w.message for w in raised.value.warnings] == [
        "no `timezone:` in the front matter and no --tz/CONFERENCE_TZ: times are read as UTC"
    ]


def test_a_folder_of_zones_is_not_a_zone():
    text = SEED_TEXT.replace("timezone: America/Detroit\n", "")
    [(line, message)] = problems_of(text, "Europe")
    assert line == 1 and "unknown time zone 'Europe'" in message
