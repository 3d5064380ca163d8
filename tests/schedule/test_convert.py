"""`python -m bot convert IN OUT`: every format written reads back to the same sessions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.schedule import Schedule, Session, load_schedule, parse_schedule
from bot.schedule.export import to_ics, to_json, to_markdown
from tests.conftest import REPO, SEED, shared_file

STAMP = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def dicts(schedule):
    return [s.as_dict() for s in schedule]


def ics(schedule: Schedule, stamp: datetime = STAMP) -> str:
    return to_ics(schedule.sessions, schedule.zone, schedule.title, stamp=stamp)


@pytest.mark.parametrize("suffix", [".md", ".json", ".ics"])
def test_bundled_schedule_round_trips_through_every_format(suffix):
    schedule, _ = load_schedule(SEED)
    writers = {".md": to_markdown, ".json": to_json, ".ics": ics}
    again, warnings = parse_schedule(f"out{suffix}", writers[suffix](schedule))
    assert dicts(again) == dicts(schedule)  # ids, speakers with affiliations, times, abstracts
    assert warnings == []


def test_a_listing_post_round_trips_through_json_and_ics():
    schedule, _ = load_schedule(shared_file("cilium/2023-10-30-cilium-at-kubecon-na.md"), "America/Chicago")
    for name, text in (("out.json", to_json(schedule)), ("out.ics", ics(schedule))):
        assert dicts(parse_schedule(name, text)[0]) == dicts(schedule)


def test_talks_without_a_page_keep_their_id_in_markdown():
    text = SEED.read_text(encoding="utf-8").replace("(https://sched.co/1BaT3)", "()")
    schedule, _ = parse_schedule("talks.md", text)
    meeting = next(s for s in schedule if s.title == "Cilium Project Meeting")
    again, _ = parse_schedule("out.md", to_markdown(schedule))
    assert again.get(meeting.id).title == "Cilium Project Meeting"
    assert again.get(meeting.id).url is None


def test_convert_command(tmp_path):
    target = tmp_path / "agenda.ics"
    result = subprocess.run([sys.executable, "-m", "bot", "convert", str(SEED), str(target)],
                            cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"13 sessions written to {target}"
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    bad = subprocess.run([sys.executable, "-m", "bot", "convert", str(SEED), str(tmp_path / "x.pdf")],
                         cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "use .md, .ics or .json" in bad.stderr
    unwritable = subprocess.run([sys.executable, "-m", "bot", "convert", str(SEED), "/nonexistent/dir/x.md"],
                                cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr
    assert unwritable.stderr.startswith("confbot convert: cannot write /nonexistent/dir/x.md")
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: x\n---\n\nnothing\n", encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "bot", "convert", str(broken), str(tmp_path / "y.json")],
                            cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert failed.returncode == 1 and failed.stderr.startswith(f"{broken}:")


def talk(session_id: str, start: datetime, room: str | None = None) -> Session:
    return Session(session_id, f"Talk {session_id}", start, start + timedelta(minutes=30), location=room)


def test_ics_time_zone_is_made_for_the_years_of_the_schedule_even_past_2038():
    berlin = ZoneInfo("Europe/Berlin")
    winter, summer = datetime(2040, 1, 15, 10, tzinfo=berlin), datetime(2041, 7, 1, 10, tzinfo=berlin)
    schedule = Schedule((talk("w", winter), talk("s", summer)), berlin, title="Far ahead")
    text = ics(schedule)
    calendar = Calendar.from_ical(text)
    timezone = calendar.subcomponents[0]  # before the events that name it
    assert timezone.name == "VTIMEZONE" and str(timezone["TZID"]) == "Europe/Berlin"
    assert "COMMENT" not in timezone and "1970" not in text and "2038" not in text
    rules = timezone.to_ical().decode()
    assert set(re.findall(r"^(?:DTSTART|RDATE):(\d{4})", rules, re.MULTILINE)) == {"2040", "2041"}
    own_rules = timezone.to_tz(lookup_tzid=False)  # what a calendar app without the IANA zone computes
    for session in schedule:
        assert session.start.replace(tzinfo=own_rules).utcoffset() == session.start.utcoffset()
    assert dicts(parse_schedule("out.ics", text)[0]) == dicts(schedule)


def test_ics_dtstamp_is_the_time_of_the_export_in_utc():
    schedule, _ = load_schedule(SEED)
    new_york = datetime(2026, 3, 4, 0, 6, 7, tzinfo=ZoneInfo("America/New_York"))
    events = Calendar.from_ical(ics(schedule, stamp=new_york)).walk("VEVENT")
    assert len(events) == 13
    assert {event["DTSTAMP"].to_ical().decode() for event in events} == {"20260304T050607Z"}


CONTRACT_FIELDS = ("id", "title", "start", "end", "speakers", "track", "location", "url")


def fields(schedule):
    return [{key: session.as_dict()[key] for key in CONTRACT_FIELDS} for session in schedule]


@pytest.mark.parametrize("relative", ["frab/pretalx_democon_schedule.xml", "ics/giggity_linux_conf_au_2020.ics"])
def test_reference_schedules_read_back_from_ics_and_json(relative):
    schedule, _ = load_schedule(shared_file(relative))
    assert any(s.location for s in schedule)  # rooms, which the bundled schedule has none of
    for name, text in (("out.ics", ics(schedule)), ("out.json", to_json(schedule))):
        again, _ = parse_schedule(name, text)
        assert fields(again) == fields(schedule), name


def test_json_lists_sessions_without_a_room_under_a_named_room():
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2024, 5, 1, 10, tzinfo=berlin)
    schedule = Schedule((talk("a", start, "Hall 1"), talk("b", start), talk("c", start + timedelta(days=1))), berlin)
    days = json.loads(to_json(schedule))["schedule"]["conference"]["days"]
    assert [sorted(day["rooms"]) for day in days] == [["(no room)", "Hall 1"], ["(no room)"]]
    again, _ = parse_schedule("out.json", to_json(schedule))
    assert {s.id: s.location for s in again} == {"a": "Hall 1", "b": None, "c": None}
    bundled, _ = load_schedule(SEED)  # no rooms at all
    assert all("" not in day["rooms"] for day in json.loads(to_json(bundled))["schedule"]["conference"]["days"])
