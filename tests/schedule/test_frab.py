"""The frab `schedule.xml` loader: three real exports, then errors, warnings and zones."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.schedule.frab import load_frab, plain_text
from bot.schedule.problems import ScheduleError
from bot.schedule.text import parse_duration
from tests.conftest import session_row, shared_file

FOSDEM = "frab/confclerk_fosdem2010_schedule.en.xml"
DEBCONF = "frab/giggity_debconf23_wafer.xml"
DEMOCON = "frab/pretalx_democon_schedule.xml"

_CACHE: dict[tuple[str, str | None], tuple] = {}


def load(relative: str, zone: str | None = None):
    """Load a reference file once per zone (the files are large enough to matter)."""
    path = shared_file(relative)
    key = (relative, zone)
    if key not in _CACHE:
        _CACHE[key] = load_frab(str(path), path.read_text("utf-8-sig"), zone)
    return _CACHE[key]


row = session_row


# -- the reference files --------------------------------------------------------------


def test_fosdem_2010_all_events_no_zone_means_utc_with_a_warning():
    schedule, warnings = load(FOSDEM)
    assert len(schedule) == 300  # 300 <event> elements, every one complete
    assert schedule.title == "FOSDEM 2010"
    assert str(schedule.zone) == "UTC"
    assert [(w.line, "no <time_zone_name>" in w.message) for w in warnings] == [(1, True)]
    assert row(schedule.get("819")) == (
        "Welcome",
        ["FOSDEM Staff"],
        "2010-02-06T10:00:00+00:00",
        "2010-02-06T10:45:00+00:00",
        "Keynotes",
        "Janson",
    )
    assert row(schedule.get("829")) == (
        "RepRap - Manufacturing for the Masses",
        ["Adrian Bowyer"],
        "2010-02-07T10:00:00+00:00",
        "2010-02-07T10:45:00+00:00",
        "Various",
        "Janson",
    )
    assert row(schedule.get("1075")) == (
        "Hackability",
        ["Paul Rouget", "Tristan Nitot"],
        "2010-02-06T15:00:00+00:00",
        "2010-02-06T15:30:00+00:00",
        "Mozilla",
        "H.1301",
    )
    assert schedule.days == [d.day for d in (schedule.get("819"), schedule.get("829"))]


def test_fosdem_2010_with_the_venue_zone_given():
    schedule, warnings = load(FOSDEM, "Europe/Brussels")
    assert warnings == []
    assert len(schedule) == 300
    assert schedule.get("819").start.isoformat() == "2010-02-06T10:00:00+01:00"


def test_fosdem_abstract_is_plain_text_without_repeats():
    schedule, _ = load(FOSDEM)
    welcome = schedule.get("819").abstract
    assert welcome.startswith("FOSDEM Opening Talk\n\nFOSDEM was started under the name OSDEM")
    # The abstract is part of the description: kept once.
    promoting = schedule.get("803").abstract
    assert promoting.startswith("At the Aerospace corporation") and promoting.count("This talk will") == 1
    # HTML list in the description (escaped in the XML): tags gone, items kept.
    orm = schedule.get("853").abstract
    assert "<li>" not in orm and "\n- Automatic schema creation\n- Mapping of 1-N and M-N relations\n" in orm


def test_debconf23_wafer_dates_win_over_day_dates_in_utc():
    schedule, warnings = load(DEBCONF)
    assert len(schedule) == 117  # 117 <event> elements
    assert warnings == []
    assert (schedule.title, str(schedule.zone)) == ("DebConf 23", "Asia/Kolkata")
    # <day date="2023-09-09"> starts at 21:30 UTC, i.e. 03:00 on the 10th in Kolkata.
    assert row(schedule.get("35")) == (
        "Opening Ceremony",
        ["Sruthi Chandran"],
        "2023-09-10T10:30:00+05:30",
        "2023-09-10T10:50:00+05:30",
        "Community, diversity, local outreach and social context",
        "Anamudi",
    )
    assert row(schedule.get("4")) == (
        "Dinner",
        [],
        "2023-09-10T19:00:00+05:30",
        "2023-09-10T22:30:00+05:30",
        "No Track",
        "Elsewhere",
    )
    assert row(schedule.get("87")) == (
        "Closing Ceremony",
        ["Sruthi Chandran"],
        "2023-09-17T18:00:00+05:30",
        "2023-09-17T18:45:00+05:30",
        "Community, diversity, local outreach and social context",
        "Anamudi",
    )
    assert schedule.get("87").url == "https://debconf23.debconf.org/talks/25-closing-ceremony/"
    assert sum(1 for s in schedule if not s.speakers) == 32
    assert schedule.days[0].isoformat() == "2023-09-10" and schedule.days[-1].isoformat() == "2023-09-17"


def test_debconf23_without_event_dates_reads_the_same_from_day_bounds():
    path = shared_file(DEBCONF)
    stripped = re.sub(r"<date>[^<]*</date>", "", path.read_text("utf-8"))
    with_dates, _ = load(DEBCONF)
    without, warnings = load_frab(str(path), stripped)
    assert warnings == []
    assert [s.as_dict() for s in without] == [s.as_dict() for s in with_dates]


def test_democon_pretalx():
    schedule, warnings = load(DEMOCON, "America/New_York")  # the file's zone wins
    assert warnings == []
    assert len(schedule) == 35  # 35 <event> elements
    assert (schedule.title, str(schedule.zone)) == ("DemoCon", "Europe/Berlin")
    # Before the day's 04:00 start, but its <date> says the 6th: the <date> wins.
    assert row(schedule.get("XFUR3C")) == (  # pretalx's talk code: the same id as the JSON and ICS exports
        "Persevering cohesive concept",
        ["Susan Martinez"],
        "2022-09-06T01:50:00+02:00",
        "2022-09-06T03:20:00+02:00",
        "Organic",
        "Dark Red Room",
    )
    assert row(schedule.get("PDXGKB")) == (
        "Self-enabling disintermediate core",
        ["Haley Holder"],
        "2022-09-08T14:00:00+02:00",
        "2022-09-08T15:30:00+02:00",
        "Multi-lateral",
        "Dark Red Room",
    )
    assert schedule.get("PDXGKB").url == "http://localhost/democon/talk/PDXGKB/"
    assert schedule.get("XFUR3C").abstract.startswith("Reinvent one-to-one info-mediaries!\n\nLay baby")


# -- small documents -------------------------------------------------------------------


def doc(events: str, conference: str = "<title>Test</title>", day: str = 'date="2024-05-04"') -> str:
    return f"""<?xml version="1.0"?>
<schedule>
 <conference>{conference}</conference>
 <day {day}>
  <room name="Main">
{events}
  </room>
 </day>
</schedule>
"""


def event(number: int, start: str = "<start>10:00</start>", title: str = "Talk", extra: str = "") -> str:
    return f"""   <event id="{number}">
    {start}
    <duration>00:30</duration>
    <title>{title}</title>
    {extra}
   </event>"""


def test_malformed_xml_names_the_line():
    broken = doc(event(1) + "\n   <event id='2'><title>Oops</titel></event>")
    with pytest.raises(ScheduleError) as raised:
        load_frab("s.xml", broken, "UTC")
    (problem,) = raised.value.problems
    assert problem.line == broken.splitlines().index("   <event id='2'><title>Oops</titel></event>") + 1
    assert str(problem).startswith(f"s.xml:{problem.line}: not valid XML: mismatched tag")


def test_event_without_start_or_title_is_a_warning_at_its_line():
    text = doc(
        event(1) + "\n" + event(2, start="") + "\n" + event(3, title="") + "\n" + event(4, start="<start>25:99</start>")
    )
    schedule, warnings = load_frab("s.xml", text, "UTC")
    assert schedule.ids == ["1"]
    lines = text.splitlines()
    assert [w.line for w in warnings] == [lines.index(f'   <event id="{n}">') + 1 for n in (2, 3, 4)]
    assert 'no usable start for "Talk"' in warnings[0].message
    assert "no <title>" in warnings[1].message


def test_no_session_at_all_is_an_error_at_line_1():
    with pytest.raises(ScheduleError) as raised:
        load_frab("s.xml", doc(""), "UTC")
    assert [(p.line, "no session" in p.message) for p in raised.value.problems] == [(1, True)]
    with pytest.raises(ScheduleError) as raised:
        load_frab("s.xml", doc(event(1, start="")), "UTC")
    assert raised.value.problems[0].line == 1 and len(raised.value.warnings) == 1


def test_zone_precedence():
    plain = doc(event(1))
    zoned = doc(event(1), conference="<title>T</title><time_zone_name>Asia/Tokyo</time_zone_name>")
    schedule, warnings = load_frab("s.xml", zoned, "Europe/Paris")
    assert (str(schedule.zone), schedule.get("1").start.isoformat(), warnings) == (
        "Asia/Tokyo",
        "2024-05-04T10:00:00+09:00",
        [],
    )
    schedule, warnings = load_frab("s.xml", plain, "Europe/Paris")
    assert (str(schedule.zone), schedule.get("1").start.isoformat(), warnings) == (
        "Europe/Paris",
        "2024-05-04T10:00:00+02:00",
        [],
    )
    schedule, warnings = load_frab("s.xml", plain)
    assert (str(schedule.zone), schedule.get("1").start.isoformat()) == ("UTC", "2024-05-04T10:00:00+00:00")
    assert [w.line for w in warnings] == [1]
    with pytest.raises(ScheduleError, match="unknown time zone"):
        load_frab("s.xml", plain, "Mars/Olympus")
    bad = doc(event(1), conference="<title>T</title>\n<time_zone_name>Nowhere</time_zone_name>")
    with pytest.raises(ScheduleError) as raised:
        load_frab("s.xml", bad)
    assert raised.value.problems[0].line == 4


def test_day_change_puts_small_hours_on_the_next_day():
    text = doc(
        event(1, start="<start>01:30</start>") + "\n" + event(2, start="<start>09:00</start>"),
        conference="<day_change>04:00</day_change>",
    )
    schedule, _ = load_frab("s.xml", text, "Europe/Brussels")
    assert schedule.get("1").start.isoformat() == "2024-05-05T01:30:00+02:00"
    assert schedule.get("2").start.isoformat() == "2024-05-04T09:00:00+02:00"


def test_event_date_forms_and_html_abstract():
    events = "\n".join(
        [
            event(1, extra="<date>2024-05-06T08:00:00Z</date>"),  # aware: converted
            event(2, extra="<date>2024-05-07T08:00:00</date>"),  # naive: venue time
            event(3, extra="<date>2024-05-08</date>"),  # a bare date: with <start>
            event(
                4,
                extra="<subtitle>Sub</subtitle><description>&lt;p&gt;A &amp;amp; B&lt;/p&gt;&lt;p&gt;C&lt;/p&gt;</description>",
            ),
        ]
    )
    schedule, _ = load_frab("s.xml", doc(events), "Europe/Berlin")
    assert [schedule.get(str(n)).start.isoformat() for n in (1, 2, 3)] == [
        "2024-05-06T10:00:00+02:00",
        "2024-05-07T08:00:00+02:00",
        "2024-05-08T10:00:00+02:00",
    ]
    assert schedule.get("4").abstract == "Sub\n\nA & B\n\nC"


def test_ids_prefer_the_event_id_and_stay_unique():
    long_id = '   <event id="a-guid-like-thing">\n    <start>11:00</start><duration>0:10</duration><title>Same</title>\n   </event>'
    schedule, _ = load_frab("s.xml", doc(event(7) + "\n" + event(7, title="Other") + "\n" + long_id), "UTC")
    assert schedule.get("7").title == "Talk"  # the first to claim the event's own id keeps it
    ids = schedule.ids
    assert len(set(ids)) == 3 and all(i.isalnum() and len(i) <= 11 for i in ids)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:45", timedelta(minutes=45)),
        ("1:30", timedelta(hours=1, minutes=30)),
        ("01:30:00", timedelta(hours=1, minutes=30)),
        ("1:02:00", timedelta(days=1, hours=2)),
        ("PT1H30M", timedelta(hours=1, minutes=30)),
        ("", None),
        ("soon", None),
        ("00:75", None),
        ("P", None),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_bad_duration_is_a_warning_not_a_crash():
    text = doc(event(1).replace("00:30", "a while"))
    schedule, warnings = load_frab("s.xml", text, "UTC")
    assert schedule.get("1").end == schedule.get("1").start
    assert "not understood" in warnings[0].message


def test_plain_text_keeps_plain_text():
    assert plain_text("  a  b \n\n\n\n c < d & e ") == "a b\n\nc < d & e"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "not xml",
        "<",
        "<schedule>",
        "<a></b>",
        "\x00\x01",
        "<?xml version='1.0'?>",
        "<schedule><event id='1'><title>x</title></event></schedule>",
        "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;&c;</x>",
        "{}",
    ],
)
def test_garbage_is_a_schedule_error(garbage):
    with pytest.raises(ScheduleError):
        load_frab("g.xml", garbage)


def test_deep_nesting_is_not_a_crash():
    deep = (
        "<schedule><day date='2024-01-01'>"
        + "<x>" * 20000
        + "<event id='1'><start>10:00</start><duration>00:10</duration><title>T</title></event>"
        + "</x>" * 20000
        + "</day></schedule>"
    )
    schedule, _ = load_frab("d.xml", deep, "UTC")
    assert schedule.get("1").end.isoformat() == "2024-01-01T10:10:00+00:00"
    with pytest.raises(ScheduleError):
        load_frab("d.xml", "<a>" * 20000 + "</a>" * 20000, "UTC")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdeventitlstart0123456789:-T&;\n")), max_size=200))
def test_random_text_never_crashes(text):
    try:
        schedule, _ = load_frab("g.xml", text, "UTC")
    except ScheduleError:
        return
    assert len(schedule) >= 1


def test_offsets_without_a_zone_name_keep_the_offset_and_say_so():
    xml = """<?xml version="1.0"?>
<schedule><conference><title>Offsets</title></conference>
<day index="1" date="2023-09-10"><room name="A">
<event guid="e1" id="1"><date>2023-09-10T10:00:00+01:00</date><start>10:00</start><duration>00:30</duration>
<title>First</title></event>
<event guid="e2" id="2"><date>2023-09-10T11:00:00+01:00</date><start>11:00</start><duration>00:30</duration>
<title>Second</title></event>
</room></day></schedule>"""
    schedule, warnings = load_frab("offsets.xml", xml)
    assert [s.start.isoformat() for s in schedule] == ["2023-09-10T10:00:00+01:00", "2023-09-10T11:00:00+01:00"]
    assert [w.message for w in warnings] == [
        "no <time_zone_name> in the file: times keep their UTC offset (UTC+01:00); "
        "pass --tz with the venue's zone to follow its clock changes"
    ]
    assert not any("read as UTC" in w.message for w in warnings)
