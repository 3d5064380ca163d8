"""How faithfully the loaders read the reference schedules in ../shared/schedules/.

For every file there: talks loaded vs expected and, where hand-checked expectations exist
(tests/data/*_expected.json), the share of talks with the right title, the right start and
end, and exactly the right speakers, plus invented sessions (loaded, matching no expected
talk). Posts listed in HELD_OUT were set aside while the reader was built and are
reported apart. Run: python -m bench.fidelity
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from bot.schedule import ScheduleError, load_schedule

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "schedules"
EXPECTED = [ROOT / "tests" / "data" / "listings_expected.json", ROOT / "tests" / "data" / "posts_expected.json"]
HELD_OUT = (
    "posts/knative_knative-at-kubecon-seattle.md",
    "posts/helm_2025-11-04-helm-at-kubecon-na-25.md",
    "posts/k8s-contributor-site_kcscn-schedule.md",
    "posts/pyopensci_2024-05-14-pyos-guide-to-pyconus-2024.md",
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@dataclass
class Score:
    expected: int = 0
    loaded: int = 0
    matched: int = 0
    title: int = 0
    times: int = 0
    title_and_times: int = 0
    speakers: int = 0
    invented: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "loaded", "matched", "title", "times", "title_and_times", "speakers", "invented"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def loaded_talks(path: Path, zone: str | None) -> list[dict]:
    try:
        schedule, _ = load_schedule(path, zone)
    except ScheduleError:
        return []
    return [
        {
            "title": s.title,
            "speakers": [p.name for p in s.speakers],
            "start": s.start.strftime("%Y-%m-%dT%H:%M"),
            "end": s.end.strftime("%Y-%m-%dT%H:%M"),
        }
        for s in schedule
    ]


def score(expected: list[dict], loaded: list[dict]) -> Score:
    """Pairs each expected talk with the loaded talk most like it (same start first)."""
    result = Score(expected=len(expected), loaded=len(loaded))
    free = list(loaded)
    for want in expected:
        best, best_ratio = None, 0.0
        for got in free:
            ratio = fuzz.token_set_ratio(fold(want["title"]), fold(got["title"])) + (
                20 if got["start"] == want["start"] else 0
            )
            if ratio > best_ratio:
                best, best_ratio = got, ratio
        if best is None or best_ratio < 80:
            result.misses.append(f"not loaded: {want['title']}")
            continue
        free.remove(best)
        result.matched += 1
        title_ok = fold(best["title"]) == fold(want["title"])
        times_ok = (best["start"], best["end"]) == (want["start"], want["end"])
        speakers_ok = sorted(map(fold, best["speakers"])) == sorted(map(fold, want["speakers"]))
        result.title += title_ok
        result.times += times_ok
        result.title_and_times += title_ok and times_ok
        result.speakers += speakers_ok
        for name, ok in (("title", title_ok), ("times", times_ok), ("speakers", speakers_ok)):
            if not ok:
                result.misses.append(
                    f"{name}: {want['title'][:50]}: want {_field(want, name)}, got {_field(best, name)}"
                )
    result.invented = len(free)
    result.misses.extend(f"invented: {got['title']}" for got in free)
    return result


def _field(talk: dict, name: str) -> str:
    if name == "times":
        return f"{talk['start']}–{talk['end'][11:]}"
    return json.dumps(talk[name], ensure_ascii=False)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    —"


def main(argv: list[str]) -> int:
    if not SHARED.is_dir():
        print(f"no reference schedules at {SHARED}", file=sys.stderr)
        return 1
    verbose = "-v" in argv
    expectations = {}
    for path in EXPECTED:
        expectations.update(json.loads(path.read_text(encoding="utf-8")))
    groups: dict[str, Score] = {}
    print(f"{'file':<72} {'exp':>4} {'got':>4} {'title':>6} {'times':>6} {'both':>6} {'spk':>6} {'inv':>4}")
    for path in sorted(SHARED.rglob("*")):
        if path.suffix not in (".md", ".xml", ".json", ".ics") or path.name in ("README.md",):
            continue
        key = str(path.relative_to(SHARED))
        want = expectations.get(key)
        if want is None:
            got = loaded_talks(path, None)
            print(f"{key:<72} {'—':>4} {len(got):>4}   (no hand-checked expectations)")
            continue
        result = score(want["talks"], loaded_talks(path, want["zone"]))
        group = "posts (held out)" if key in HELD_OUT else key.split("/")[0]
        groups.setdefault(group, Score()).add(result)
        print(
            f"{key:<72} {result.expected:>4} {result.loaded:>4} {_percent(result.title, result.expected)}"
            f" {_percent(result.times, result.expected)} {_percent(result.title_and_times, result.expected)}"
            f" {_percent(result.speakers, result.expected)} {result.invented:>4}"
        )
        if verbose:
            for miss in result.misses:
                print(f"    {miss}")
    print("\ntotals (share of expected talks)")
    for name, total in sorted(groups.items()):
        share = {name: _percent(getattr(total, name), total.expected) for name in ("title", "times", "speakers")}
        print(
            f"  {name:<18} talks {total.loaded}/{total.expected}  title {share['title']}  times {share['times']}"
            f"  title+times {_percent(total.title_and_times, total.expected)}"
            f"  exact speakers {share['speakers']}  invented {total.invented}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
