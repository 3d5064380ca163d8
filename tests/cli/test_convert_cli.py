"""`python -m bot convert`: never over its input, over another file only with --force."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from bot.cli import main
from tests.conftest import SEED


@pytest.fixture
def post(tmp_path):
    """A copy of the organiser's post, to be protected."""
    folder = tmp_path / "data"
    folder.mkdir()
    return shutil.copy(SEED, folder / "kubecon-na-2022.md")


def convert(capsys, *args) -> tuple[int, str, str]:
    code = main(["convert", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_convert_never_writes_over_its_input_even_when_forced(post, capsys, tmp_path):
    before = post.read_bytes()
    (tmp_path / "link").symlink_to(post.parent)
    for target in (post, post.parent / ".." / "data" / post.name, tmp_path / "link" / post.name):
        for force in ((), ("--force",)):
            code, out, err = convert(capsys, post, target, *force)
            assert code == 1 and out == ""
            assert err == f"confbot convert: {target} is the input file; write the converted schedule to another file\n"
    assert post.read_bytes() == before


def test_convert_replaces_an_existing_file_only_with_force(post, capsys, tmp_path):
    target = tmp_path / "agenda.json"
    target.write_text("keep me", encoding="utf-8")
    code, out, err = convert(capsys, post, target)
    assert code == 1 and out == ""
    assert err == f"confbot convert: {target} exists; pass --force to replace it\n"
    assert target.read_text(encoding="utf-8") == "keep me"
    code, out, err = convert(capsys, post, target, "--force")
    assert code == 0, err
    assert out == f"13 sessions written to {target}\n"
    assert target.read_text(encoding="utf-8").startswith('{\n  "schedule"')


def test_converted_ics_is_stamped_with_the_time_of_the_export(post, capsys, tmp_path):
    target = tmp_path / "agenda.ics"
    before = datetime.now(UTC).replace(microsecond=0)
    assert convert(capsys, post, target)[0] == 0
    after = datetime.now(UTC)
    stamps = {event["DTSTAMP"].dt for event in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    assert len(stamps) == 1 and before <= stamps.pop() <= after


def test_help_names_every_format_read(capsys):
    for command in ("check", "convert"):
        with pytest.raises(SystemExit) as ended:
            main([command, "--help"])
        assert ended.value.code == 0
        shown = " ".join(capsys.readouterr().out.split())
        assert all(suffix in shown for suffix in (".md", ".xml", ".json", ".ics")), shown


@pytest.mark.slow
def test_the_organisers_post_survives_convert_onto_itself(post):
    """The report's command, as a real process run where the post lives."""
    before = post.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(SEED.parents[1])}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "convert", "data/kubecon-na-2022.md", "data/kubecon-na-2022.md"],
        cwd=post.parents[1], capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "confbot convert: data/kubecon-na-2022.md is the input file; write the converted schedule to another file\n"
    )
    assert post.read_bytes() == before
