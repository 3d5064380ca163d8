"""Telling a talk's title from its speakers, and splitting speaker lists.

Real listings write `Title - Thomas Graf, CTO, Isovalent`, `Title - John Fastabend &
Natalia Reka Ivanko, Isovalent`, `Title - A, Org; B, Org & C, Org`, titles that contain
` - ` themselves, and talks with no speaker at all. The rule used here: a run of names
is followed by the affiliation they share; `;` and `&` start a new person; after a
comma comes the affiliation, unless the document names that text as a person elsewhere.
Pure functions, no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from .model import Speaker

_PARTICLES = {
    "de", "van", "von", "der", "den", "da", "di", "del", "della", "la", "le", "du",
    "dos", "das", "do", "bin", "al", "y", "ter", "ten", "zu", "af", "st",
}  # fmt: skip
# Words that mark a title fragment or an organisation rather than a person's name.
_NOT_NAME_WORDS = {
    "the", "a", "an", "and", "or", "of", "with", "for", "in", "on", "to", "from", "by",
    "your", "you", "our", "my", "we", "how", "why", "what", "when", "is", "are", "not",
    "it", "its", "this", "that", "beyond", "into", "using", "vs", "via", "at",
    "inc", "llc", "ltd", "gmbh", "corp", "corporation", "co", "labs", "lab",
    "university", "universität", "université", "universiteit", "institute",
    "technologies", "technology", "systems", "group", "networks", "software",
    "security", "foundation", "canada", "times", "markets", "studios", "games",
    "cloud", "ab", "sa", "lp", "ag", "bv", "plc", "io",
    "engineer", "advocate", "maintainer", "maintainers", "developer", "architect",
    "manager", "director", "officer", "lead", "founder", "co-founder", "chair",
    "chairs", "co-chairs", "co-chair", "committee", "program", "team", "core",
    "staff", "senior", "principal", "vp", "cto", "ceo", "ambassador", "author",
    "kubernetes", "cilium", "ebpf", "linux", "keynote", "panel", "talk", "day",
    "project", "projects", "updates", "meeting", "remarks", "welcome", "opening",
    "closing", "introduction", "workshop", "tutorial", "session", "network",
    "networking", "service", "mesh", "data", "observability", "production",
}  # fmt: skip
_NAME_WORD = re.compile(r"^[^\W\d_][\w.'’\-]*$")
_TITLE_MARKS = re.compile(r"[:?!\"“”()\[\]|/+#@]|\d")
_SEPARATOR = re.compile(r"(?:\s+|`)?[-–—]\s+")
_TRAILING_PARENS = re.compile(r"^(?P<title>.*\w.*?)\s*\((?P<names>[^()]+)\)$")
HANDLE = re.compile(r"\s*\(@[^)]*\)")
_NICKNAME = re.compile(r"\s+[\"“][^\"”]{1,20}[\"”]\s+")
_PAREN_AFFILIATION = re.compile(r"\s*\(([^()@]{2,60})\)\s*(?=,|&|;|\band\b|$)")
_ITEM_SPLIT = re.compile(r"\s*(,|&|;)\s*")


class FoldedNames(frozenset):
    """People's names, casefolded once for many look-ups."""

    @classmethod
    def of(cls, names: Collection[str]) -> FoldedNames:
        return names if isinstance(names, cls) else cls(name.casefold() for name in names)


class Knowledge:
    """Asks "is this a person's name?" of no one, and remembers what was asked: a reading
    made without knowledge holds for any document that knows none of the asked names."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __contains__(self, folded_name: object) -> bool:
        self.asked.add(str(folded_name))
        return False


def _known(names: Collection[str]) -> Collection[str]:
    return names if isinstance(names, Knowledge) else FoldedNames.of(names)


@functools.lru_cache(maxsize=8192)  # the same names and organisations recur all through a schedule
def looks_like_name(text: str) -> bool:
    """A person's name as listings write it: 1–5 capitalised words (particles such as
    `de` allowed inside), no digits, no title or organisation words."""
    words = text.split()
    if not 1 <= len(words) <= 5 or _TITLE_MARKS.search(text):
        return False
    for position, word in enumerate(words):
        if position and word in _PARTICLES:
            continue
        if not _NAME_WORD.match(word) or word.casefold().strip(".") in _NOT_NAME_WORDS:
            return False
        if not word[0].isupper():
            return False
    return True


def _items(text: str) -> list[tuple[str, str]]:
    """`A, B & C; D` as [('', 'A'), (',', 'B'), ('&', 'C'), (';', 'D')]."""
    parts = _ITEM_SPLIT.split(text.strip())
    items = [("", parts[0].strip())]
    for delimiter, item in zip(parts[1::2], parts[2::2], strict=True):
        items.append((delimiter, item.strip()))
    return items


def normalised(text: str) -> str:
    """`Mauricio "Salaboy" Salatino`, `Iacopo Rozzo (Sysdig), Aldo Lacuku (Kong Inc.)`,
    `(Colin Walters, Red Hat)`: written the way `parse_speakers` reads (`Name, Org; Name, Org`)."""
    text = " ".join(text.split())
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    text = _NICKNAME.sub(" ", HANDLE.sub("", text))
    if _PAREN_AFFILIATION.search(text):
        text = _PAREN_AFFILIATION.sub(r", \1;", text)
        text = re.sub(r";\s*(?:,|&|\band\b)\s*", "; ", text).strip(" ;")
    return text


def parse_speakers(text: str, known_people: Collection[str] = ()) -> tuple[Speaker, ...] | None:
    """The speakers `text` lists, or None when it does not read as a speaker list."""
    if "(" in text or '"' in text or "“" in text:
        text = normalised(text)
    text = " ".join(text.split()).strip(" ,;&")
    if not text or len(text) > 400:
        return None
    known = _known(known_people)
    items = _items(text)
    if any(not item for _, item in items):
        return None
    speakers: list[Speaker] = []
    pending: list[str] = []  # people still waiting for their affiliation
    affiliation: list[str] = []

    def flush() -> None:
        shared = ", ".join(affiliation) or None
        speakers.extend(Speaker(name, shared) for name in pending)
        pending.clear()
        affiliation.clear()

    previous = None
    for delimiter, item in items:
        if previous is None or delimiter == ";":
            kind = "person"
        elif delimiter == "&":
            carries_on_org = previous == "affiliation" and len(item.split()) == 1 and item.casefold() not in known
            kind = "affiliation" if carries_on_org or not looks_like_name(item) else "person"
        elif previous == "person" and item.casefold() in known:
            kind = "person"
        else:
            kind = "affiliation"
        if kind == "person":
            if not looks_like_name(item):
                return None
            if affiliation:
                flush()
            pending.append(item)
        else:
            if re.search(r"[?!:\"“”]", item):
                return None
            affiliation.append(item)
        previous = kind
    flush()
    # A lone one-word "name" with no affiliation is more likely a word of a title.
    lone = speakers[0] if len(speakers) == 1 else None
    if lone and len(lone.name.split()) == 1 and not lone.affiliation and lone.name.casefold() not in known:
        return None
    return tuple(speakers) or None


def split_title(text: str, known_people: Collection[str] = ()) -> tuple[str, tuple[Speaker, ...]]:
    """`Title - Speakers` into its parts; the whole text is the title when no tail of
    it reads as a speaker list."""
    text = " ".join(text.split())
    known = _known(known_people)
    for separator in reversed(list(_SEPARATOR.finditer(text))):
        title = text[: separator.start()].strip()
        speakers = parse_speakers(text[separator.end() :], known)
        if title and speakers and _credible(speakers, known):
            return title, speakers
    # `Scaling Widgets (Ada Lovelace, Acme & Bob Smith, Initech)`: people in parentheses.
    bracketed = _TRAILING_PARENS.match(text)
    if bracketed:
        speakers = parse_speakers(bracketed.group("names"), known)
        if speakers and _credible(speakers, known):
            return bracketed.group("title").strip(), speakers
    # `CiliumCon Sponsored Keynote: Liz Rice, Isovalent at Cisco`: only when the
    # document names these people elsewhere, so a subtitle is never taken for a name.
    head, colon, tail = text.rpartition(": ")
    if colon and head:
        speakers = parse_speakers(tail, known)
        if speakers and all(s.name.casefold() in known for s in speakers):
            return text, speakers
    return text, ()


def _credible(speakers: tuple[Speaker, ...], known: Collection[str]) -> bool:
    """A title's tail is its speakers when it names an affiliation, several people, or
    someone the document names elsewhere: "Cloud Native - Everything Else" is a title."""
    if len(speakers) > 1 or any(s.affiliation for s in speakers):
        return True
    return any(s.name.casefold() in known for s in speakers)


def names_in(text: str) -> list[str]:
    """People a speaker text certainly names (first of each group, and after `&`)."""
    people = []
    for delimiter, item in _items(text):
        if delimiter in ("", ";", "&") and looks_like_name(item) and len(item.split()) > 1:
            people.append(item)
    return people
