"""Ranked, typo-tolerant search over a schedule. Pure: built once per schedule.

Each query word is matched against the words of each field (title, speakers,
affiliations, track, abstract): exactly, as a prefix, or within a small edit distance
(rapidfuzz, against the schedule's vocabulary, so a typo costs one look-up, not one per
session). A session's score sums its best match per query word, weighted by field;
sessions that match every word come first.
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.schedule.model import Schedule, Session

FIELD_WEIGHTS = {"title": 3.0, "speaker": 3.0, "track": 2.0, "affiliation": 1.5, "abstract": 1.0}
_STOP_WORDS = {"the", "a", "an", "and", "or", "of", "in", "on", "to", "for", "with", "at", "by", "is", "are", "talk"}
_WORD = re.compile(r"[\w][\w+#.\-]*[\w+#]|[\w]")


def _accentless(text: str) -> str:
    """Lower case without accents: "Kapuścińska" is found as "kapuscinska"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l")


def words(text: str) -> list[str]:
    return _WORD.findall(_accentless(text))


@dataclass(frozen=True)
class Hit:
    session: Session
    score: float
    matched: int  # how many query words matched


RECENT_QUERIES = 256


class SearchIndex:
    def __init__(self, schedule: Schedule):
        self.schedule = schedule
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)  # word -> session index -> weight
        self._titles: list[str] = []
        for index, session in enumerate(schedule.sessions):
            self._titles.append(_accentless(session.title))
            for field_name, text in self._fields(session):
                weight = FIELD_WEIGHTS[field_name]
                for word in words(text):
                    postings = self._postings[word]
                    postings[index] = max(postings.get(index, 0.0), weight)
        self._vocabulary = sorted(self._postings)
        self._recent: dict[tuple[str, int], tuple[list[Hit], int]] = {}  # insertion order: oldest first
        self._lock = threading.Lock()  # answers are built on several threads at once

    @staticmethod
    def _fields(session: Session):
        yield "title", session.title
        for speaker in session.speakers:
            yield "speaker", speaker.name
            if speaker.affiliation:
                yield "affiliation", speaker.affiliation
        if session.track:
            yield "track", session.track
        if session.abstract:
            yield "abstract", session.abstract

    def _expand(self, query_word: str) -> dict[str, float]:
        """Vocabulary words a query word stands for, each with how well it matches."""
        matches: dict[str, float] = {}
        if query_word in self._postings:
            matches[query_word] = 1.0
        if len(query_word) >= 3:
            for word in self._prefixed(query_word):
                matches.setdefault(word, 0.8)
        if len(query_word) >= 4:
            cutoff = 80 if len(query_word) >= 6 else 75
            for word, score, _ in process.extract(
                query_word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
            ):
                matches.setdefault(word, 0.6 * score / 100)
        return matches

    def _prefixed(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self._vocabulary, prefix)
        found = []
        for word in self._vocabulary[start : start + 50]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def _scored(self, query: str) -> tuple[dict[int, float], dict[int, int], int]:
        """Each matching session's score and how many query words it matched."""
        query_words = [w for w in words(query) if w not in _STOP_WORDS] or words(query)
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for query_word in query_words:
            best: dict[int, float] = {}
            for word, quality in self._expand(query_word).items():
                for index, weight in self._postings[word].items():
                    value = quality * weight
                    if value > best.get(index, 0.0):
                        best[index] = value
            for index, value in best.items():
                scores[index] += value
                matched[index] += 1
        phrase = _accentless(query).strip()
        if len(query_words) > 1:
            for index in scores:
                if phrase in self._titles[index]:
                    scores[index] += 2.0
        return scores, matched, len(query_words)

    def top(self, query: str, limit: int) -> tuple[list[Hit], int]:
        """The `limit` best hits and how many there are in all: a common word matches
        a thousand sessions, and only the first screen is ever shown. The last few
        queries are remembered: at a conference, many people ask for the same words."""
        key = (query, limit)
        with self._lock:
            remembered = self._recent.get(key)
        if remembered is None:
            remembered = self._top(query, limit)
            with self._lock:
                if len(self._recent) >= RECENT_QUERIES:
                    self._recent.pop(next(iter(self._recent)))  # the oldest
                self._recent[key] = remembered
        hits, total = remembered
        return list(hits), total

    def _top(self, query: str, limit: int) -> tuple[list[Hit], int]:
        scores, matched, wanted = self._scored(query)
        # Sessions are in start order, so the index breaks ties by start time.
        ranked = [(-matched[i], -score, i) for i, score in scores.items()]
        # With several words, drop sessions that matched fewer than all when some matched all.
        if wanted > 1 and any(m == -wanted for m, _, _ in ranked):
            ranked = [r for r in ranked if r[0] == -wanted]
        sessions = self.schedule.sessions
        best = heapq.nsmallest(limit, ranked)
        return [Hit(sessions[i], -score, -m) for m, score, i in best], len(ranked)

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        return self.top(query, limit or len(self.schedule))[0]


def substring_search(schedule: Schedule, query: str) -> list[Session]:
    """The plain baseline the ranked search is measured against."""
    needle = query.casefold().strip()
    found = []
    for session in schedule:
        haystack = " ".join(
            [session.title, session.track or "", session.abstract]
            + [f"{s.name} {s.affiliation or ''}" for s in session.speakers]
        ).casefold()
        if needle and needle in haystack:
            found.append(session)
    return found
