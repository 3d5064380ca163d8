"""Counted nouns, so no answer says "1 sessions" or "4 people" wrongly."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 session`, `3 sessions`; `plural(2, "person", "people")` -> `2 people`."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
