"""Synthetic schedules in the seed's format (for benchmarks only)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

FIRST_NAMES = ["Liz", "Thomas", "Anna", "Raymond", "Natalia", "John", "Daniel", "Purvi", "Bill", "Hemanth"]
LAST_NAMES = ["Rice", "Graf", "Kapuścińska", "de Jong", "Ivanko", "Fastabend", "Borkmann", "Desai", "Mulligan"]
ORGS = ["Isovalent", "Google", "Microsoft", "Datadog", "Bell Canada", "The New York Times", "Solo.io"]
TOPICS = ["eBPF", "Cilium", "Hubble", "Tetragon", "Service Mesh", "Network Policy", "Observability", "IPv6"]
VERBS = ["Scaling", "Securing", "Debugging", "Observing", "Migrating to", "Building", "Understanding"]
TRACKS = ["Cloud Native eBPF Day", "Open Observability Day", "Cloud Native SecurityCon", "KubeCon + CloudNativeCon"]
SCHED_LETTERS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _clock(moment: datetime) -> str:
    return moment.strftime("%I:%M%p").lstrip("0").lower()


def seed_format_schedule(sessions: int, first_day: date = date(2022, 10, 24), seed: int = 7) -> str:
    """A Markdown schedule of `sessions` talks written the way the bundled seed is."""
    rng = random.Random(seed)
    lines = [
        "---",
        "title: 'Synthetic conference'",
        "date: '2022-10-17T17:00:00.000Z'",
        "timezone: America/Detroit",
        "---",
        "",
    ]
    per_track = sessions // len(TRACKS) + 1
    made = 0
    for track in TRACKS:
        lines += [f"## {track}", ""]
        for index in range(per_track):
            if made == sessions:
                break
            day = first_day + timedelta(days=index % 4)
            start = datetime(day.year, day.month, day.day, 8) + timedelta(minutes=5 * (index // 4 % 140))
            end = start + timedelta(minutes=rng.choice([5, 25, 30, 35, 70]))
            people = " & ".join(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 2)))
            title = f"{rng.choice(VERBS)} {rng.choice(TOPICS)} #{made}: Lessons - Part {index % 3 + 1}"
            event = "1" + "".join(rng.choice(SCHED_LETTERS) for _ in range(5))
            lines += [
                f"### [{title} - {people}, {rng.choice(ORGS)}](https://sched.co/{event})",
                "",
                f"{day:%A}, {day:%B} {day.day} • {_clock(start)} - {_clock(end)}",
                "",
                f"In this talk we look at {rng.choice(TOPICS)} in production. " * rng.randint(2, 8),
                "",
            ]
            made += 1
    return "\n".join(lines) + "\n"
