"""The bundled schedule: all 13 sessions, fully checked against the post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.schedule import load_schedule
from tests.conftest import SEED, shared_file

# id, local start, local end, title, [(name, affiliation)], track
EXPECTED = [
    ("1Auye", "2022-10-24 09:15", "09:20", "Keynote: eBPF - Everything You Need to Know in 5 Minutes",
     [("Thomas Graf", "CTO, Isovalent")], "Cloud Native eBPF Day"),
    ("1AOie", "2022-10-24 10:25", "10:55", "Verifiable eBPF Traces For Supply Chain Artifacts with Witness and Tetragon",
     [("Cole Kennedy", "TestifySec")], "Cloud Native SecurityCon"),
    ("1Auyq", "2022-10-24 10:40", "11:10", "Extending Cilium with eBPF for Exposing HTTP/1 Golden Metrics",
     [("Aidan Carson", "Solo.io")], "Cloud Native eBPF Day"),
    ("1Auz2", "2022-10-24 13:15", "13:45",
     "You and Your Security Profiles; Generating Security Policies with the Help of eBPF",
     [("John Fastabend", "Isovalent"), ("Natalia Reka Ivanko", "Isovalent")], "Cloud Native eBPF Day"),
    ("1AuzH", "2022-10-24 14:25", "14:55", "Simplifying and Making the Network Programmable with Kubernetes and SRv6",
     [("Daniel Bernier", "Bell Canada"), ("Louis De Los Santos", "Isovalent")], "Cloud Native eBPF Day"),
    ("1AuzK", "2022-10-24 16:20", "17:00",
     "Panel Disucssion: Is There Actually a Byte Behind All the Buzz? eBPF in Production!",
     [("Frederic Lardinois", "TechCrunch"), ("Andrew Sauber", "The New York Times"), ("Daniel Bernier", "Bell"),
      ("Purvi Desai", "Google"), ("James McShane", "SuperOrbital")], "Cloud Native eBPF Day"),
    ("1Avqp", "2022-10-24 16:25", "16:55",
     "“Are These Things Talking to Each Other?” - Observing Kubernetes Networking with Cilium, Hubble and Grafana",
     [("Anna Kapuścińska", "Isovalent")], "Open Observability Day"),
    ("1BaT3", "2022-10-25 08:00", "12:00", "Cilium Project Meeting", [], "KubeCon + CloudNativeCon"),
    ("1ARMh", "2022-10-25 11:45", "11:55", "⚡ Which Edge Are You on? Service Affinity with Cilium Cluster Mesh",
     [("Raymond de Jong", "Isovalent")], "Kubernetes on Edge Day"),
    ("1AOju", "2022-10-25 12:55", "14:05", "Hands-on Workshop: Network Policies - The Not-So-Hard Way",
     [("Raymond de Jong", "Isovalent")], "Cloud Native SecurityCon"),
    ("182NR", "2022-10-26 17:25", "18:00", "Cilium Updates, News And Roadmap",
     [("Thomas Graf", "Isovalent"), ("Bill Mulligan", "Isovalent"), ("Liz Rice", "Isovalent"),
      ("Purvi Desai", "Google")], "KubeCon + CloudNativeCon"),
    ("182Ej", "2022-10-27 15:25", "16:00", "Hack Back; Let’s Learn Security With CTFs!",
     [("Lewis Denham-Parry", "Control Plane"), ("Natalia Reka Ivanko", "Isovalent")], "KubeCon + CloudNativeCon"),
    ("182DB", "2022-10-27 16:30", "17:05", "100Gbit/S Clusters With Cilium: Building Tomorrow’s Networking Data Plane",
     [("Daniel Borkmann", "Isovalent"), ("Nikolay Aleksandrov", "Isovalent")], "KubeCon + CloudNativeCon"),
]  # fmt: skip


def summary(session):
    return (
        session.id,
        session.start.strftime("%Y-%m-%d %H:%M"),
        session.end.strftime("%H:%M"),
        session.title,
        [(p.name, p.affiliation) for p in session.speakers],
        session.track,
    )


def test_bundled_seed_reads_all_13_sessions_exactly():
    schedule, warnings = load_schedule(SEED)
    assert [summary(s) for s in schedule] == EXPECTED
    assert warnings == []


def test_seed_times_are_detroit_with_offset_minus_four():
    schedule, _ = load_schedule(SEED)
    assert getattr(schedule.zone, "key", None) == "America/Detroit"
    for session in schedule:
        assert session.start.utcoffset() == timedelta(hours=-4)
        assert session.start.isoformat().endswith("-04:00")
        assert session.end.isoformat().endswith("-04:00")


def test_seed_urls_abstracts_and_days():
    schedule, _ = load_schedule(SEED)
    keynote = schedule.get("1auye")
    assert keynote.url == "https://sched.co/1Auye"
    assert keynote.abstract.startswith("eBPF has become the key technology")
    meeting = schedule.get("1BaT3")
    # Links in an abstract become their text: plain text, no Markdown.
    assert meeting.abstract == (
        "Join us to discuss the future of the Cilium project! Sign up for what you are interested here"
    )
    assert [d.isoformat() for d in schedule.days] == ["2022-10-24", "2022-10-25", "2022-10-26", "2022-10-27"]
    assert schedule.title == "Cilium Talks at KubeCon NA 2022"


def test_shared_seed_reads_the_same_given_the_zone():
    """The reference copy has no `timezone:`; with --tz it gives the same sessions."""
    path = shared_file("seed/kubecon-na-2022.md")
    reference, warnings = load_schedule(path, "America/Detroit")
    bundled, _ = load_schedule(SEED)
    assert [s.as_dict() for s in reference] == [s.as_dict() for s in bundled]
    assert warnings == []


@pytest.mark.parametrize("leading", [" ", "   ", "\t"])
def test_time_line_with_leading_space_is_read(leading, tmp_path):
    text = SEED.read_text(encoding="utf-8").replace(
        " Monday, October 24 • 9:15am", leading + "Monday, October 24 • 9:15am"
    )
    path = tmp_path / "seed.md"
    path.write_text(text, encoding="utf-8")
    schedule, _ = load_schedule(path)
    assert schedule.get("1Auye").start.strftime("%H:%M") == "09:15"
