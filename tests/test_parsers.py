"""The date/time line parser and the speaker splitter: examples and properties."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule.problems import LineError
from bot.schedule.speakers import looks_like_name, parse_speakers, split_title
from bot.schedule.timelines import find_prose_date, parse_time_line, resolve_date, session_times

# -- date/time lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "start", "end", "ymd", "zone"),
    [
        ("Monday May 16, 2022 10:45 - 11:15 CEST", "10:45", "11:15", (2022, 5, 16), "CEST"),
        ("Tuesday, May 17 2022 16:05 - 17:05 CEST", "16:05", "17:05", (2022, 5, 17), "CEST"),
        ("**Monday, November 6, 2023 • 12:15pm - 12:40pm**", "12:15", "12:40", (2023, 11, 6), None),
        ("**Thursday, November 9 • 2:55 pm - 3:30pm**", "14:55", "15:30", (None, 11, 9), None),
        ("Tuesday, November 12, 2024, 09:00 am - 09:10 am MST", "09:00", "09:10", (2024, 11, 12), "MST"),
        ("Friday November 15, 2024 2:00pm - 2:35pm MST", "14:00", "14:35", (2024, 11, 15), "MST"),
        ("_Monday, 23 March • 9.30–10.00_", "09:30", "10:00", (None, 3, 23), None),
        ("09:00 - 09:05 AM", "09:00", "09:05", None, None),
        ("11:50 AM - 12:15 PM", "11:50", "12:15", None, None),
        ("12:20 - 12:30 PM", "12:20", "12:30", None, None),
        ("11:30 - 1:00 PM", "11:30", "13:00", None, None),
        ("Wed 2024-03-20 10:00 to 11:00", "10:00", "11:00", (2024, 3, 20), None),
    ],
)
def test_time_lines(line, start, end, ymd, zone):
    parsed = parse_time_line(line)
    assert parsed is not None
    assert (f"{parsed.start:%H:%M}", f"{parsed.end:%H:%M}", parsed.zone) == (start, end, zone)
    got = None if parsed.date is None else (parsed.date.year, parsed.date.month, parsed.date.day)
    assert got == ymd


def test_track_and_speakers_before_the_time():
    line = parse_time_line("Cloud Native University - Monday, November 10, 10:40 - 11:05 AM")
    assert (line.track, line.speakers, line.start) == ("Cloud Native University", None, time(10, 40))
    line = parse_time_line("*Bill Mulligan, Cilium Maintainer | Monday, 23 March | 09:52 - 09:57*")
    assert (line.track, line.speakers, line.date.day) == (None, "Bill Mulligan, Cilium Maintainer", 23)
    line = parse_time_line("*Mereta Degutyte & Anubhab Majumdar, Microsoft | 13:35 - 14:00*")
    assert (line.speakers, line.date) == ("Mereta Degutyte & Anubhab Majumdar, Microsoft", None)


@pytest.mark.parametrize(
    "prose",
    [
        "We will be presenting on **Wed from 2:50-3:20pm** .  Come on by!",
        "virtual office hours on Wednesday 18th May 12:30-13:15 CEST. See you there!",
        "The talk I liked most ran from 10:00 - 11:00",
        "Version 1.10 - 1.12 of Cilium",
        "",
    ],
)
def test_prose_is_not_a_time_line(prose):
    assert parse_time_line(prose) is None


def test_evening_event_may_run_past_midnight():
    line = parse_time_line("Tuesday, October 25 • 20:00 - 01:00")
    start, end = session_times(date(2022, 10, 25), line, ZoneInfo("America/Detroit"))
    assert (start.isoformat(), end.isoformat()) == ("2022-10-25T20:00:00-04:00", "2022-10-26T01:00:00-04:00")


def test_time_in_a_dst_gap_moves_forward_like_a_wall_clock():
    line = parse_time_line("Sunday, March 29, 2026 02:30 - 03:30")
    start, end = session_times(date(2026, 3, 29), line, ZoneInfo("Europe/Amsterdam"))
    assert start.isoformat() == "2026-03-29T03:30:00+02:00"
    assert end.isoformat() == "2026-03-29T03:30:00+02:00"


def test_prose_dates_and_year_resolution():
    assert find_prose_date("Join us on **Monday, 23 March**, for an afternoon").day == 23
    assert find_prose_date("Join us in March for talks") is None
    parts = find_prose_date("Join us on Monday, 23 March")
    assert resolve_date(parts, 2025) == date(2026, 3, 23)  # 2025-03-23 is a Sunday
    with pytest.raises(LineError):
        resolve_date(parts, 2027)  # neither 2027 nor 2028 has a Monday 23 March


# Property tests: whatever text arrives, the parser answers or refuses cleanly.

clock = st.builds(
    lambda h, m, ap, sep: f"{h}{sep}{m:02d}{ap}",
    st.integers(0, 30),
    st.integers(0, 70),
    st.sampled_from(["", "am", "pm", " AM", " p.m."]),
    st.sampled_from([":", "."]),
)
day_text = st.builds(
    lambda wd, month, d, year: f"{wd}{month} {d}{year}",
    st.sampled_from(["", "Monday, ", "Tue ", "Sunday "]),
    st.sampled_from(["January", "Feb", "March", "October", "Dec"]),
    st.integers(0, 35),
    st.sampled_from(["", ", 2024", " 2025", ", 1999"]),
)
time_line = st.builds(
    lambda d, sep, a, dash, b, zone, wrap: f"{wrap}{d}{sep}{a}{dash}{b}{zone}{wrap}",
    day_text,
    st.sampled_from([" • ", ", ", " ", " | "]),
    clock,
    st.sampled_from([" - ", "-", " – ", " to "]),
    clock,
    st.sampled_from(["", " CET", " EDT", " UTC", " XYZ"]),
    st.sampled_from(["", "**", "_", "*"]),
)
zones = st.sampled_from(["UTC", "America/Detroit", "Europe/Amsterdam", "Australia/Sydney", "Asia/Kolkata"])


@settings(max_examples=400, deadline=None)
@given(time_line, st.integers(1990, 2030), zones)
def test_time_line_parser_never_crashes_and_never_ends_before_start(text, year, zone_name):
    try:
        parsed = parse_time_line(text)
        if parsed is None or parsed.date is None:
            return
        day = resolve_date(parsed.date, year)
        start, end = session_times(day, parsed, ZoneInfo(zone_name))
    except LineError:
        return
    assert start <= end
    assert start.tzinfo is not None and end.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_time_line_parser_on_arbitrary_text(text):
    try:
        parsed = parse_time_line(text)
    except LineError:
        return
    if parsed is not None and not parsed.overnight:
        assert parsed.start <= parsed.end


# -- speakers -----------------------------------------------------------------------


def pairs(speakers):
    return [(s.name, s.affiliation) for s in speakers]


def test_speaker_groups_roles_and_shared_organisations():
    assert pairs(parse_speakers("Thomas Graf, CTO, Isovalent")) == [("Thomas Graf", "CTO, Isovalent")]
    assert pairs(parse_speakers("John Fastabend & Natalia Reka Ivanko, Isovalent")) == [
        ("John Fastabend", "Isovalent"),
        ("Natalia Reka Ivanko", "Isovalent"),
    ]
    assert pairs(parse_speakers("Daniel Bernier, Bell Canada & Louis De Los Santos, Isovalent")) == [
        ("Daniel Bernier", "Bell Canada"),
        ("Louis De Los Santos", "Isovalent"),
    ]
    assert pairs(parse_speakers("Liz Rice, Isovalent @ Cisco; Joe Stevens, Ascend.io")) == [
        ("Liz Rice", "Isovalent @ Cisco"),
        ("Joe Stevens", "Ascend.io"),
    ]


def test_a_name_known_elsewhere_in_the_document_is_a_person():
    text = "Thomas Graf, Bill Mulligan & Liz Rice, Isovalent"
    assert pairs(parse_speakers(text)) == [("Thomas Graf", "Bill Mulligan"), ("Liz Rice", "Isovalent")]
    assert pairs(parse_speakers(text, known_people={"Bill Mulligan"})) == [
        ("Thomas Graf", "Isovalent"),
        ("Bill Mulligan", "Isovalent"),
        ("Liz Rice", "Isovalent"),
    ]


@pytest.mark.parametrize(
    ("text", "title", "names"),
    [
        ("Documentary Film - eBPF: Unlocking the Kernel", "Documentary Film - eBPF: Unlocking the Kernel", []),
        ("Surviving Day 2 - How to Troubleshoot Kubernetes Networking - Thomas Graf, Isovalent",
         "Surviving Day 2 - How to Troubleshoot Kubernetes Networking", ["Thomas Graf"]),
        ("Cilium Project Meeting", "Cilium Project Meeting", []),
        ("Hubble Beyond Cilium - Anubhab Majumdar & Mathew Merrick, Microsoft", "Hubble Beyond Cilium",
         ["Anubhab Majumdar", "Mathew Merrick"]),
        ("Keynote: CNCF Graduated Project Updates", "Keynote: CNCF Graduated Project Updates", []),
        ("Cloud Native - Everything Else", "Cloud Native - Everything Else", []),
    ],
)  # fmt: skip
def test_title_and_speakers(text, title, names):
    got_title, speakers = split_title(text)
    assert (got_title, [s.name for s in speakers]) == (title, names)


def test_names():
    assert looks_like_name("Raymond de Jong")
    assert looks_like_name("Anna Kapuścińska")
    assert not looks_like_name("How to Troubleshoot")
    assert not looks_like_name("Bell Canada")
    assert not looks_like_name("Route 66")


words = st.sampled_from(
    ["Liz", "Rice", "Isovalent", "de", "Jong", "The", "eBPF", "Cloud", "Native", "Inc", "Anna", "Kapuścińska", "2"]
)
speaker_text = st.lists(
    st.tuples(st.lists(words, min_size=1, max_size=4).map(" ".join), st.sampled_from([", ", " & ", "; ", " - ", ","])),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(name + sep for name, sep in parts))


@settings(max_examples=400, deadline=None)
@given(speaker_text, st.sets(st.sampled_from(["Liz Rice", "Anna Kapuścińska", "Cloud Native"])))
def test_speaker_splitter_never_crashes_and_invents_no_text(text, known):
    speakers = parse_speakers(text, known)
    if speakers is not None:
        assert speakers
        for speaker in speakers:
            assert speaker.name and speaker.name in text
            assert speaker.affiliation is None or all(part in text for part in speaker.affiliation.split(", "))
    title, _ = split_title(text, known)
    assert title and title in " ".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_title_splitter_on_arbitrary_text(text):
    title, speakers = split_title(text)
    assert isinstance(title, str)
    assert all(s.name for s in speakers)
