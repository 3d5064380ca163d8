"""The frab / pretalx schedule.json loader: the reference files, line numbers, zones, garbage."""

from __future__ import annotations

import json
import random

import pytest

from bot.schedule.problems import ScheduleError
from bot.schedule.schedule_json import load_schedule_json
from tests.conftest import session_row, shared_file

DEMOCON = "json/pretalx_democon_schedule.json"
CAMP = "json/voc_frab-camp2019.json"
RC3 = "json/voc_pretalx-rc3.json"


def load(relative: str, default_zone: str | None = None):
    path = shared_file(relative)
    return load_schedule_json(str(path), path.read_text(encoding="utf-8"), default_zone)


summary = session_row


def line_of(text: str, needle: str) -> int:
    assert text.count(needle) == 1
    return text[: text.index(needle)].count("\n") + 1


# -- the reference files --------------------------------------------------------------


def test_democon_pretalx():
    schedule, warnings = load(DEMOCON)
    assert warnings == []
    assert len(schedule) == 35
    assert (str(schedule.zone), schedule.title) == ("Europe/Berlin", "DemoCon")
    assert summary(schedule.get("XFUR3C")) == (
        "Persevering cohesive concept",
        ["Susan Martinez"],
        "2022-09-06T01:50:00+02:00",
        "2022-09-06T03:20:00+02:00",
        "Organic",
        "Dark Red Room",
    )
    assert summary(schedule.get("CAXE7R")) == (
        "Optional bifurcated attitude",
        ["Martin Baker"],
        "2022-09-06T02:40:00+02:00",
        "2022-09-06T03:25:00+02:00",
        "Organic",
        "Pale Golden Rod Room",
    )
    assert summary(schedule.get("PDXGKB")) == (
        "Self-enabling disintermediate core",
        ["Haley Holder"],
        "2022-09-08T14:00:00+02:00",
        "2022-09-08T15:30:00+02:00",
        "Multi-lateral",
        "Dark Red Room",
    )
    first = schedule.get("XFUR3C")
    assert first.url == "http://localhost/democon/talk/XFUR3C/"
    assert first.speakers[0].affiliation is None
    assert first.abstract == (
        "Reinvent one-to-one info-mediaries!\n\nLay baby democratic career thus scene seven. "
        "Challenge red item notice important quality truth question. Work color another vote upon."
    )
    assert len(schedule.get("LNNGAM").speakers) == 2  # "Up-sized optimal hardware"


def test_camp2019_frab():
    schedule, warnings = load(CAMP)
    assert warnings == []
    assert len(schedule) == 79
    assert str(schedule.zone) == "Europe/Berlin"
    assert summary(schedule.get("10386")) == (
        "Opening Ceremony",
        ["jinxx", "smtw"],
        "2019-08-21T11:00:00+02:00",
        "2019-08-21T11:30:00+02:00",
        "CCC",
        "Curie",
    )
    assert summary(schedule.get("10380")) == (
        "Lightning Talks",
        ["bigalex", "honky"],
        "2019-08-22T12:00:00+02:00",
        "2019-08-22T15:00:00+02:00",
        "CCC",
        "Meitner",
    )
    assert summary(schedule.get("10390")) == (
        "Infrastructure Review",
        [],
        "2019-08-25T17:00:00+02:00",
        "2019-08-25T17:45:00+02:00",
        "CCC",
        "Curie",
    )
    assert schedule.get("10413").speakers[1].name == "Marc-André Janizewski"


def test_camp2019_abstracts_are_plain_text():
    schedule, _ = load(CAMP)
    for session in schedule:
        assert "<" not in session.abstract and "&amp;" not in session.abstract, session.id
        assert "\r" not in session.abstract and "\n\n\n" not in session.abstract, session.id
    spispy = next(s for s in schedule if s.abstract.startswith("spispy is an open source hardware tool"))
    assert "github.com" not in spispy.abstract  # the link's target went, its text stayed


def test_rc3_without_a_zone_is_utc_with_a_warning_and_right_instants():
    schedule, warnings = load(RC3)
    assert len(schedule) == 48
    assert str(schedule.zone) == "UTC"
    assert [(w.line, "time_zone_name" in w.message) for w in warnings] == [(1, True)]
    first = schedule.get("MJA8QY")
    assert (first.start.isoformat(), first.end.isoformat()) == (
        "2020-12-27T10:30:00+00:00",
        "2020-12-27T11:10:00+00:00",
    )


def test_rc3_with_the_default_zone():
    schedule, warnings = load(RC3, "Europe/Berlin")
    assert warnings == []
    assert len(schedule) == 48
    assert summary(schedule.get("MJA8QY")) == (
        "Der faule Admin automatisiert: Gluon auf echter Hardware testen",
        ["Chris Fiege", "Kasa"],
        "2020-12-27T11:30:00+01:00",
        "2020-12-27T12:10:00+01:00",
        "MON r3s Rhein VHS",
        "r3s - Monheim/Rhein",
    )
    assert summary(schedule.get("BBKRHF")) == (
        "Ethical Hackers + Investigative Journos… GAME OVER?",
        [],
        "2020-12-30T10:00:00+01:00",
        "2020-12-30T10:40:00+01:00",
        "MON r3s Rhein VHS",
        "r3s - Monheim/Rhein",
    )
    assert summary(schedule.get("7HXULT")) == (
        "Chaostrawler test",
        ["omky"],
        "2020-12-28T11:20:00+01:00",
        "2020-12-28T13:30:00+01:00",
        "HH ChaosTrawler",
        "ChaosTrawler Stubnitz/Gängeviertel Hamburg",
    )
    listing = schedule.get("KMVBDB").abstract  # an HTML list in the description
    assert "In particular, we'll discuss\n\n- IBM i, with emphasis" in listing
    assert "[pytest](" not in schedule.get("MJA8QY").abstract  # Markdown links become their text


# -- problems and their lines -------------------------------------------------------


def test_malformed_json_gives_its_line():
    text = '{"schedule": {\n  "conference": {\n    "title": "X",\n    "days": [\n      {"date": "2024-01-01",,}\n    ]\n  }\n}\n'
    with pytest.raises(ScheduleError) as caught:
        load_schedule_json("s.json", text)
    assert [(p.path, p.line) for p in caught.value.problems] == [("s.json", 5)]
    assert "not valid JSON" in str(caught.value)


def test_event_without_a_date_takes_its_day_and_start_as_frab_0_8_wrote_them():
    path = shared_file(CAMP)
    text = path.read_text(encoding="utf-8")
    dated = (
        '"date": "2019-08-22T12:00:00+02:00",\n                "start": "12:00",\n                "duration": "03:00"'
    )
    assert text.count(dated) == 1
    original, _ = load_schedule_json("camp.json", text, None)
    text = text.replace(dated, dated.split("\n", 1)[1].lstrip())
    schedule, warnings = load_schedule_json("camp.json", text, None)
    assert [s.as_dict() for s in schedule] == [s.as_dict() for s in original]
    assert warnings == []


def test_event_without_a_date_or_start_is_a_warning_at_its_line():
    path = shared_file(CAMP)
    text = path.read_text(encoding="utf-8")
    dated = (
        '"date": "2019-08-22T12:00:00+02:00",\n                "start": "12:00",\n                "duration": "03:00"'
    )
    text = text.replace(dated, '"duration": "03:00"')
    schedule, warnings = load_schedule_json("camp.json", text, None)
    assert len(schedule) == 78
    assert schedule.get("10380") is None
    assert [(w.line, w.message) for w in warnings] == [
        (line_of(text, "117f530f-a20b-4071-b208-39e989a42408"), 'event "Lightning Talks": no "date", skipped')
    ]


def _event(**fields) -> dict:
    event = {
        "guid": "g-1",
        "id": 1,
        "date": "2024-05-01T10:00:00+02:00",
        "duration": "00:30",
        "room": "Hall",
        "title": "Talk",
        "track": None,
        "persons": [{"public_name": "Ada"}],
        "abstract": "",
        "description": "",
    }
    event.update(fields)
    return event


def _schedule_text(events: list[dict], zone: str | None = "Europe/Paris") -> str:
    conference = {"title": "Test", "days": [{"date": "2024-05-01", "rooms": {"Hall": events}}]}
    if zone is not None:
        conference["time_zone_name"] = zone
    return json.dumps({"schedule": {"conference": conference}}, indent=2)


def test_bad_events_are_warnings_at_their_lines():
    events = [
        _event(),
        _event(guid="g-2", id=2, title=" "),
        _event(guid="g-3", id=3, title="Long", duration="1 hour"),
        _event(guid=None, id=4, title="No date", date=None),
        _event(guid="g-5", id=5, title="Day only", date="2024-05-01"),
        _event(guid="g-1", id=1, title="Talk"),  # the first again
    ]
    text = _schedule_text(events)
    schedule, warnings = load_schedule_json("t.json", text)
    assert [s.title for s in schedule] == ["Talk"]
    assert [w.line for w in warnings] == [
        line_of(text, '"g-2"'),
        line_of(text, '"g-3"'),
        line_of(text, '"id": 4'),
        line_of(text, '"g-5"'),
        text[: text.rindex('"g-1"')].count("\n") + 1,  # the repeat, not the first
    ]
    messages = [w.message for w in warnings]
    assert "no title" in messages[0] and "duration" in messages[1] and 'no "date"' in messages[2]
    assert "no time of day" in messages[3] and "appears twice" in messages[4]


def test_durations_offsets_and_ids():
    events = [
        _event(duration="1:15:30", date="2024-05-01T08:00:00Z", url="https://p.example/ev/talk/AB12CD/"),
        _event(guid="g-2", id=2, title="Naive", date="2024-05-01T14:00:00", duration="00:00"),
        _event(guid="g-3", id=3, title="Third", persons=[{"name": "Bo", "organisation": "Org"}, {"x": 1}, "Cy"]),
    ]
    schedule, warnings = load_schedule_json("t.json", _schedule_text(events))
    assert warnings == []
    first, naive, third = schedule.get("AB12CD"), schedule.get("2"), schedule.get("3")
    assert (first.id, first.start.isoformat(), first.end.isoformat()) == (
        "AB12CD",
        "2024-05-01T10:00:00+02:00",
        "2024-05-01T11:15:30+02:00",
    )
    assert (naive.id, naive.start.isoformat(), naive.end == naive.start) == ("2", "2024-05-01T14:00:00+02:00", True)
    assert [(s.name, s.affiliation) for s in third.speakers] == [("Bo", "Org"), ("Cy", None)]
    assert third.id == "3" and third.location == "Hall"


def test_abstract_joins_and_strips_markup():
    event = _event(
        abstract="<p>Short <b>bold</b> &amp; <a href='x'>linked</a>.</p>",
        description="Short bold & linked.\r\n\r\n\r\n**More** with [a link](https://x.example) and  spaces.",
    )
    (session,), _ = load_schedule_json("t.json", _schedule_text([event]))
    assert session.abstract == "Short bold & linked.\n\nMore with a link and spaces."


# -- zones --------------------------------------------------------------------------


def test_zone_precedence():
    text = _schedule_text([_event()], zone="Asia/Tokyo")
    schedule, warnings = load_schedule_json("t.json", text, "America/New_York")
    assert (str(schedule.zone), warnings) == ("Asia/Tokyo", [])  # the file's own zone wins
    assert schedule.sessions[0].start.isoformat() == "2024-05-01T17:00:00+09:00"

    text = _schedule_text([_event()], zone=None)
    schedule, warnings = load_schedule_json("t.json", text, "America/New_York")
    assert (str(schedule.zone), warnings) == ("America/New_York", [])
    assert schedule.sessions[0].start.isoformat() == "2024-05-01T04:00:00-04:00"

    schedule, warnings = load_schedule_json("t.json", text)
    assert str(schedule.zone) == "UTC"
    assert [w.line for w in warnings] == [1]
    assert schedule.sessions[0].start.isoformat() == "2024-05-01T08:00:00+00:00"


@pytest.mark.parametrize(("zone", "default"), [("Mars/Olympus", None), (None, "Europe"), (None, "x" * 300), (5, None)])
def test_unknown_zones_are_errors(zone, default):
    text = _schedule_text([_event()], zone=zone)
    with pytest.raises(ScheduleError) as caught:
        load_schedule_json("t.json", text, default)
    assert "zone" in str(caught.value)


# -- garbage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "null",
        "5",
        '"schedule"',
        "[]",
        "{}",
        '{"schedule": 5}',
        '{"schedule": {"conference": []}}',
        '{"schedule": {"conference": {"days": 5}}}',
        '{"schedule": {"conference": {"days": []}}}',
        '{"schedule": {"conference": {"days": [5, null, [], {"rooms": 5}, {"rooms": []}]}}}',
        '{"schedule": {"conference": {"days": [{"rooms": {"A": 5, "B": [5, null, [], "x", {}]}}]}}}',
        '{"schedule": {"conference": {"time_zone_name": [], "days": [{"rooms": {"A": [{"title": 5, "date": 5}]}}]}}}',
        '{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", "date": "0001-01-01T00:00:00+05:00", "duration": "00:30"}]}}]}}}',
        '{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", "date": "9999-12-31T23:59:00-05:00", "duration": "999:00"}]}}]}}}',
        '{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", "date": "2024-13-45T99:00:00Z", "duration": "00:30"}]}}]}}}',
        '{"schedule": {"conference": {"days": [{"rooms": {"A": [{"title": "T", "date": "2024-05-01T10:00Z", "duration": 30}]}}]}}}',
        "[" * 50_000,
        "1" * 5_000,
        '{"schedule": {"conference": {"days": [',
        '{"a": "\\ud800"}',
        "\ufeff{}",
    ],
)
def test_garbage_is_a_schedule_error(text):
    with pytest.raises(ScheduleError) as caught:
        load_schedule_json("g.json", text)
    assert caught.value.problems and all(p.path == "g.json" and p.line >= 1 for p in caught.value.problems)


def test_mangled_reference_file_never_raises_anything_else():
    path = shared_file(DEMOCON)
    original = json.loads(path.read_text(encoding="utf-8"))
    values = [None, 5, -1, 1.5, True, "", "x", [], {}, [1], {"a": 1}, "25:99", "2022-09-06", "Europe", "<b>", "["]
    rng = random.Random(20240501)

    def slots(node, out):
        if isinstance(node, dict):
            out.extend((node, key) for key in node)
            for child in node.values():
                slots(child, out)
        elif isinstance(node, list):
            out.extend((node, index) for index in range(len(node)))
            for child in node:
                slots(child, out)
        return out

    for _ in range(60):
        data = json.loads(json.dumps(original))
        places = slots(data, [])
        for _ in range(rng.randint(1, 12)):
            parent, key = rng.choice(places)
            parent[key] = rng.choice(values)
        text = json.dumps(data, indent=1)
        if rng.random() < 0.3:
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + rng.randint(1, 40) :]
        try:
            schedule, _ = load_schedule_json("m.json", text, rng.choice([None, "Europe/Berlin"]))
        except ScheduleError:
            continue
        assert len(schedule) <= 35
        assert all(s.title and s.start.tzinfo for s in schedule)


def test_frab_0_8_events_after_midnight_belong_to_the_night_after_their_day():
    """frab 0.8 wrote no per-event date: the day's date plus `start`; a talk at 01:00
    listed under 21 August runs in the night after it."""
    document = {
        "schedule": {
            "version": "0.8",
            "conference": {
                "title": "Old Camp",
                "time_zone_name": "Europe/Berlin",
                "days": [
                    {
                        "index": 1,
                        "date": "2019-08-21",
                        "day_start": "2019-08-21T10:00:00+02:00",
                        "rooms": {
                            "Tent": [
                                {"id": 1, "guid": "a", "title": "Evening", "start": "22:00", "duration": "01:00"},
                                {"id": 2, "guid": "b", "title": "Late night", "start": "01:00", "duration": "00:30"},
                            ]
                        },
                    }
                ],
            },
        }
    }
    schedule, warnings = load_schedule_json("old.json", json.dumps(document, indent=2), None)
    assert warnings == []
    assert [(s.title, s.start.isoformat(), s.end.isoformat()) for s in schedule] == [
        ("Evening", "2019-08-21T22:00:00+02:00", "2019-08-21T23:00:00+02:00"),
        ("Late night", "2019-08-22T01:00:00+02:00", "2019-08-22T01:30:00+02:00"),
    ]
