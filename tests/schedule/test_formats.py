"""Every reference schedule, in every format, through `load_schedule` and `check`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.schedule import load_schedule, parse_schedule
from tests.conftest import REPO, shared_file

# file: (zone to pass when the file names none, sessions)
FILES = {
    "frab/confclerk_fosdem2010_schedule.en.xml": ("Europe/Brussels", 300),
    "frab/giggity_debconf23_wafer.xml": (None, 117),
    "frab/pretalx_democon_schedule.xml": (None, 35),
    "json/pretalx_democon_schedule.json": (None, 35),
    "json/voc_frab-camp2019.json": (None, 79),
    "json/voc_pretalx-rc3.json": ("Europe/Berlin", 48),
    "ics/giggity_jres_2022.ics": (None, 120),
    "ics/giggity_kielux_2020.ics": ("Europe/Berlin", 24),
    "ics/giggity_linux_conf_au_2020.ics": (None, 262),
    "ics/pretalx_democon_schedule.ics": (None, 36),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_reference_file_loads_every_session(name):
    zone, count = FILES[name]
    schedule, warnings = load_schedule(shared_file(name), zone)
    assert len(schedule) == count
    assert warnings == []
    assert all(s.start <= s.end and s.start.tzinfo is not None for s in schedule)


def test_the_same_pretalx_talk_has_the_same_id_in_every_export():
    ids = {fmt: set(load_schedule(shared_file(f"{fmt}/pretalx_democon_schedule.{ext}"))[0].ids)
           for fmt, ext in (("frab", "xml"), ("json", "json"), ("ics", "ics"))}  # fmt: skip
    assert ids["frab"] == ids["json"]
    assert ids["frab"] <= ids["ics"]  # the calendar export has one talk more


def test_format_is_told_by_content_when_the_name_does_not_say():
    text = shared_file("ics/pretalx_democon_schedule.ics").read_text(encoding="utf-8")
    schedule, _ = parse_schedule("export.txt", text)
    assert len(schedule) == 36


def test_check_json_for_an_ics_file():
    path = shared_file("ics/giggity_kielux_2020.ics")
    result = subprocess.run([sys.executable, "-m", "bot", "check", str(path), "--tz", "Europe/Berlin", "--json"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sessions = json.loads(result.stdout)
    assert len(sessions) == 24
    assert set(sessions[0]) == {"id", "title", "speakers", "track", "start", "end", "url", "abstract", "location"}
