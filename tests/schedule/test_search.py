"""Ranked, typo-tolerant search: a query set with the talk people want first."""

from __future__ import annotations

import pytest

from bench.search_queries import QUERIES
from bot.schedule import load_schedule
from bot.schedule.search import SearchIndex, substring_search
from tests.conftest import SEED


@pytest.fixture(scope="module")
def index():
    schedule, _ = load_schedule(SEED)
    return SearchIndex(schedule)


def top_ids(index: SearchIndex, query: str, n: int = 3) -> list[str]:
    return [hit.session.id for hit in index.search(query, n)]


@pytest.mark.parametrize(("query", "wanted"), QUERIES)
def test_wanted_talk_is_in_the_top_three(index, query, wanted):
    assert wanted in top_ids(index, query)


def test_hit_rate_beats_plain_substring_matching(index):
    first = sum(top_ids(index, q, 1) == [w] for q, w in QUERIES) / len(QUERIES)
    ranked_top3 = sum(w in top_ids(index, q) for q, w in QUERIES) / len(QUERIES)
    substring = sum(w in [s.id for s in substring_search(index.schedule, q)[:3]] for q, w in QUERIES) / len(QUERIES)
    assert ranked_top3 == 1.0
    assert first >= 0.8
    assert substring < 0.7
    assert ranked_top3 > substring


def test_typos_find_the_right_talks(index):
    assert top_ids(index, "tetragn", 1) == ["1AOie"]
    assert top_ids(index, "hubbel", 1) == ["1Avqp"]
    assert "1Avqp" in top_ids(index, "obsrvability")


def test_accents_and_case_do_not_matter(index):
    assert top_ids(index, "KAPUŚCIŃSKA", 1) == top_ids(index, "kapuscinska", 1) == ["1Avqp"]


def test_nothing_for_nonsense_and_empty(index):
    assert index.search("zzqqxx") == []
    assert index.search("   ") == []
    # A query of stop words only still looks for them: every hit really holds the word.
    hits = index.search("the")
    assert hits and all(" the " in f" {h.session.title} {h.session.abstract} ".lower() for h in hits)
