"""`python -m bot convert IN OUT`: every format written reads back to the same sessions."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.schedule import load_schedule, parse_schedule
from bot.schedule.export import to_ics, to_json, to_markdown
from tests.conftest import REPO, SEED, shared_file


def dicts(schedule):
    return [s.as_dict() for s in schedule]


@pytest.mark.parametrize("suffix", [".md", ".json", ".ics"])
def test_bundled_schedule_round_trips_through_every_format(suffix):
    schedule, _ = load_schedule(SEED)
    writers = {".md": to_markdown, ".json": to_json, ".ics": lambda s: to_ics(s.sessions, s.zone, s.title)}
    again, warnings = parse_schedule(f"out{suffix}", writers[suffix](schedule))
    assert dicts(again) == dicts(schedule)  # ids, speakers with affiliations, times, abstracts
    assert warnings == []


def test_a_listing_post_round_trips_through_json_and_ics():
    schedule, _ = load_schedule(shared_file("cilium/2023-10-30-cilium-at-kubecon-na.md"), "America/Chicago")
    for name, text in (("out.json", to_json(schedule)), ("out.ics", to_ics(schedule.sessions, schedule.zone))):
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
