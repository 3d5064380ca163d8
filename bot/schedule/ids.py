"""Short, typeable, stable session ids.

A talk on Sched keeps Sched's own event id (`https://sched.co/1Auye` -> `1Auye`), which
people may already know. Anything else gets five letters derived from its normalised
title, so the id survives reloads and edits of the abstract.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator

_SCHED_ID = re.compile(r"(?:\bsched\.co/|\.sched\.com/event/)([A-Za-z0-9]{3,12})\b")
# No 0/o, 1/l/i: ids are read off a screen and typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


_PRETALX_TALK = re.compile(r"/talk/([A-Za-z0-9]{3,8})/?(?:[?#].*)?$")


def pretalx_code(url: str | None) -> str | None:
    """pretalx's talk code (`…/talk/XFUR3C/`): the same talk, the same id, in every export."""
    found = _PRETALX_TALK.search(url or "")
    return found.group(1) if found else None


def sched_event_id(url: str | None) -> str | None:
    if not url:
        return None
    found = _SCHED_ID.search(url)
    return found.group(1) if found else None


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def title_id(title: str, salt: str = "", length: int = 5) -> str:
    digest = int.from_bytes(hashlib.sha1(f"{normalise_title(title)}|{salt}".encode()).digest(), "big")
    letters = []
    for _ in range(length):
        digest, index = divmod(digest, len(_ALPHABET))
        letters.append(_ALPHABET[index])
    return "".join(letters)


class IdAllocator:
    """Hands out ids unique within one schedule (case-insensitively)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, title: str, url: str | None, salt: str, preferred: str | None = None) -> str:
        """The first free of: `preferred` (a format's own short event id), Sched's id
        from the URL, the title's id, then the title's with `salt` (start time)."""
        for candidate in self._candidates(title, url, salt, preferred):
            if candidate and candidate.casefold() not in self._taken:
                self._taken.add(candidate.casefold())
                return candidate
        raise RuntimeError(f"no free id for {title!r}")  # 2**50 titles would be needed

    @staticmethod
    def _candidates(title: str, url: str | None, salt: str, preferred: str | None) -> Iterator[str | None]:
        if preferred and preferred.isalnum() and len(preferred) <= 8:
            yield preferred
        yield sched_event_id(url)
        yield title_id(title)
        for length in range(5, 12):
            yield title_id(title, salt, length)
