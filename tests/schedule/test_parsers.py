"""The date/time line parser and the speaker splitter: examples and properties."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.schedule.clocks import find_when
from bot.schedule.front_matter import date_resolver
from bot.schedule.problems import LineError
from bot.schedule.speakers import looks_like_name, parse_speakers, split_title
from bot.schedule.timelines import DateParts, localize

# -- date/time lines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "start", "end", "ymd", "zone"),
    [
        ("Monday May 16, 2022 10:45 - 11:15 CEST", "10:45", "11:15", (2022, 5, 16), "CEST"),
        ("Tuesday, May 17 2022 16:05 - 17:05 CEST", "16:05", "17:05", (2022, 5, 17), "CEST"),
        ("Monday, November 6, 2023 • 12:15pm - 12:40pm", "12:15", "12:40", (2023, 11, 6), None),
        ("Thursday, November 9 • 2:55 pm - 3:30pm", "14:55", "15:30", (None, 11, 9), None),
        ("Tuesday, November 12, 2024, 09:00 am - 09:10 am MST", "09:00", "09:10", (2024, 11, 12), "MST"),
        ("Friday November 15, 2024 2:00pm - 2:35pm MST", "14:00", "14:35", (2024, 11, 15), "MST"),
        ("Monday, 23 March • 9.30–10.00", "09:30", "10:00", (None, 3, 23), None),
        ("09:00 - 09:05 AM", "09:00", "09:05", None, None),
        ("11:50 AM - 12:15 PM", "11:50", "12:15", None, None),
        ("12:20 - 12:30 PM", "12:20", "12:30", None, None),
        ("11:30 - 1:00 PM", "11:30", "13:00", None, None),
        ("Wed 2024-03-20 10:00 to 11:00", "10:00", "11:00", (2024, 3, 20), None),
        ("11:00 ~ 12:30 am", "11:00", "12:30", None, None),  # 12 o'clock's am/pm slip: noon
    ],
)
def test_time_lines(line, start, end, ymd, zone):
    when = find_when(line)
    assert when is not None
    assert (f"{when.start:%H:%M}", f"{when.end:%H:%M}", when.zone) == (start, end, zone)
    got = None if when.date is None else (when.date.year, when.date.month, when.date.day)
    assert got == ymd


def test_evening_event_may_run_past_midnight():
    when = find_when("Tuesday, October 25 • 20:00 - 01:00")
    assert when.overnight and f"{when.end:%H:%M}" == "01:00"
    assert find_when("Tuesday, October 25 • 10:00 - 09:00").problem == "ends (09:00) before it starts (10:00)"


def test_time_in_a_dst_gap_moves_forward_like_a_wall_clock():
    start = localize(date(2026, 3, 29), time(2, 30), ZoneInfo("Europe/Amsterdam"))
    assert start.isoformat() == "2026-03-29T03:30:00+02:00"


def test_year_rules():
    monday_23_march = DateParts(3, 23, None, 0)
    # The front matter says 2025 (a Sunday there); the file name says 2026, where it fits.
    resolve = date_resolver([date(2025, 1, 23), date(2026, 1, 23)])
    assert resolve(monday_23_march) == date(2026, 3, 23)
    with pytest.raises(LineError):
        date_resolver([date(2027, 1, 1)])(monday_23_march)  # never moved a year to fit a weekday
    assert date_resolver([date(2025, 12, 10)])(DateParts(1, 5, None, 0)) == date(2026, 1, 5)  # December → January
    assert date_resolver([date(2007, 11, 16)])(DateParts(0, 21, None, 2)) == date(2007, 11, 21)  # "Wednesday 21"
    assert date_resolver([], today=date(2026, 11, 25))(monday_23_march) == date(2026, 3, 23)


# Property tests: whatever text arrives, the clock reader answers or says what is wrong.

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
    lambda d, sep, a, dash, b, zone: f"{d}{sep}{a}{dash}{b}{zone}",
    day_text,
    st.sampled_from([" • ", ", ", " ", " | "]),
    clock,
    st.sampled_from([" - ", "-", " – ", " to ", "--", " ~ "]),
    clock,
    st.sampled_from(["", " CET", " EDT", " UTC", " XYZ"]),
)


@settings(max_examples=400, deadline=None)
@given(time_line)
def test_clock_reader_never_crashes_and_never_ends_before_start(text):
    when = find_when(text)
    if when is None or when.problem or when.end is None or when.overnight:
        return
    assert when.start <= when.end


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_clock_reader_on_arbitrary_text(text):
    when = find_when(text)
    if when is not None and when.start is not None and when.end is not None and not when.problem:
        assert when.overnight or when.start <= when.end


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
