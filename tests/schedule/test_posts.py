"""Talk-list posts of other projects (../shared/schedules/posts/), read as a careful human
reads them: every talk's title, start, end and speakers, and nothing invented.

The expectations are hand-checked, one talk to a line, in tests/data/posts_expected.json
(the cilium listings and the seed in listings_expected.json). KNOWN_GAPS names the fields
the reader does not get yet, each with why; everything else must be exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.fidelity import loaded_talks
from tests.conftest import shared_file

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTED = {
    **json.loads((DATA / "listings_expected.json").read_text(encoding="utf-8")),
    **json.loads((DATA / "posts_expected.json").read_text(encoding="utf-8")),
}
KNOWN_GAPS = {
    # Speakers named only in running prose about the talk, not beside it.
    ("posts/dapr_daprcon-main.md", "Keynote"): "speakers",  # "We'll also hear from *A (Org)*, *B (Org)*"
    ("posts/dapr_daprcon-main.md", "Dapr workshops"): "speakers",  # named in a later section's prose
    ("posts/opensuse_2007-11-16-open-source-event-in-chile-valparaiso-2.md", "*"): "speakers",  # the intro
    # Organisers of a summit and a talk inside it, linked in its abstract, read as its speakers.
    ("posts/pyopensci_2024-05-14-pyos-guide-to-pyconus-2024.md", "Maintainers Summit"): "speakers",
    ("posts/pyopensci_2024-05-14-pyos-guide-to-pyconus-2024.md", "Documentation Summit"): "speakers",
    # A venue after an en dash reads as part of the title.
    ("posts/inspektor-gadget_2024-10-31-inspektor-gadget-kubeconNA.md", "Integrating eBPF Superpowers"): "title",
}


def _gap(post: str, title: str, field: str) -> bool:
    return any(
        key[0] == post and (key[1] == "*" or title.startswith(key[1])) and gap == field
        for key, gap in KNOWN_GAPS.items()
    )


def _loaded(post: str) -> list[dict]:
    return loaded_talks(shared_file(post), EXPECTED[post]["zone"])


@pytest.mark.parametrize("post", sorted(EXPECTED))
def test_every_talk_and_nothing_invented(post):
    expected = EXPECTED[post]["talks"]
    loaded = _loaded(post)
    assert len(loaded) == len(expected), [t["title"] for t in loaded]
    by_start: dict[str, list[dict]] = {}
    for talk in loaded:
        by_start.setdefault(talk["start"], []).append(talk)
    for want in expected:
        candidates = by_start.get(want["start"], [])
        assert candidates, f"nothing starts at {want['start']} ({want['title']})"
        got = next((c for c in candidates if c["title"] == want["title"]), candidates[0])
        if not _gap(post, want["title"], "title"):
            assert got["title"] == want["title"]
        assert got["end"] == want["end"], want["title"]
        if not _gap(post, want["title"], "speakers"):
            assert got["speakers"] == want["speakers"], want["title"]


def test_prose_only_posts_invent_nothing():
    prose_only = [post for post, data in EXPECTED.items() if data.get("prose_only")]
    assert prose_only
    for post in prose_only:
        assert _loaded(post) == []


def test_known_gaps_are_few():
    """The fidelity targets: ≥ 95% of talks with the right title and times, ≥ 90% with
    exactly the right speakers (bench/fidelity.py prints the same shares)."""
    talks = [(post, t["title"]) for post, data in EXPECTED.items() if post.startswith("posts/") for t in data["talks"]]
    title_gaps = sum(_gap(post, title, "title") for post, title in talks)
    speaker_gaps = sum(_gap(post, title, "speakers") for post, title in talks)
    assert title_gaps <= 0.05 * len(talks)
    assert speaker_gaps <= 0.10 * len(talks)
