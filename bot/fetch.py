"""SCHEDULE_URL: the schedule fetched over http(s) into a local copy, then read like a file.

The copy lives beside the database, named by the format (`.md`, `.ics`, `.json`, `.xml`,
from the URL or the Content-Type). A refresh rewrites it only when the content changed,
so the file watcher reloads only then; a failed fetch keeps the last good copy.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

log = logging.getLogger(__name__)
KNOWN = (".md", ".markdown", ".ics", ".json", ".xml")
_BY_CONTENT_TYPE = {"text/calendar": ".ics", "application/json": ".json", "application/xml": ".xml", "text/xml": ".xml"}


class FetchError(Exception):
    pass


def _suffix(url: str, content_type: str) -> str:
    suffix = Path(urlparse(url).path).suffix.lower()
    if suffix in KNOWN:
        return suffix
    return _BY_CONTENT_TYPE.get(content_type.split(";")[0].strip().lower(), ".md")


def cached_copy(url: str, folder: Path) -> Path | None:
    """The local copy of an earlier fetch of `url`, if any."""
    for suffix in KNOWN:
        candidate = folder / f"schedule-from-url{suffix}"
        if candidate.exists():
            return candidate
    return None


def fetch_schedule(url: str, folder: Path, timeout: float = 20.0) -> Path:
    """Download `url` into `folder`; returns the local copy. Raises FetchError."""
    request = urllib.request.Request(url, headers={"User-Agent": "confbot (schedule refresh)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError, ValueError) as problem:
        raise FetchError(f"SCHEDULE_URL: could not fetch {url}: {problem}") from None
    target = folder / f"schedule-from-url{_suffix(url, content_type)}"
    if target.exists() and target.read_bytes() == body:
        return target  # unchanged: leave the file (and its mtime) alone
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".schedule-", suffix=target.suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, target)  # readers see the old copy or the new one, never half
    log.info("fetched %s (%d bytes) into %s", url, len(body), target)
    return target
