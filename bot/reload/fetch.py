"""SCHEDULE_URL: the schedule fetched over http(s) into a local copy, then read like a file.

The copy lives beside the database, one file per URL. A refresh rewrites it only when
the content changed and still loads as a schedule, so the file watcher reloads only
then; a failed fetch, or a page that is no schedule, keeps the last good copy.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from bot.reload.download import DEFAULT_LIMITS, DownloadError, Limits, download
from bot.schedule import ScheduleError, parse_schedule

log = logging.getLogger(__name__)
KNOWN = (".md", ".markdown", ".ics", ".json", ".xml")


class FetchError(Exception):
    pass


def _local_name(url: str) -> str:
    """One file per SCHEDULE_URL, whatever format it serves (the loader reads the format
    off the content), so the file watcher always watches the right file."""
    suffix = Path(urlparse(url).path).suffix.lower()
    digest = hashlib.sha1(url.encode()).hexdigest()[:10]
    return f"schedule-from-url-{digest}{suffix if suffix in KNOWN else '.md'}"


def _as_text(body: bytes) -> str:
    if body.lstrip().startswith(b"BEGIN:VCALENDAR"):
        from bot.schedule.ics import decode_ics  # icalendar only for calendars: a shorter start-up

        return decode_ics(body)
    return body.decode("utf-8-sig")


def cached_copy(url: str, folder: Path) -> Path | None:
    """The local copy of an earlier fetch of this very URL, if any."""
    candidate = folder / _local_name(url)
    return candidate if candidate.exists() else None


def fetch_schedule(url: str, folder: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Download `url` into `folder` (within `limits`) and return the local copy. The copy
    is replaced only by a download that loads as a schedule. Raises FetchError."""
    try:
        body = download(url, limits)
    except DownloadError as problem:
        raise FetchError(f"SCHEDULE_URL: could not fetch {url}: {problem}") from None
    target = folder / _local_name(url)
    if target.exists() and target.stat().st_size == len(body) and target.read_bytes() == body:
        return target  # unchanged: leave the file (and its mtime) alone
    try:
        parse_schedule(str(target), _as_text(body))
    except (ScheduleError, UnicodeDecodeError) as problem:
        first = str(problem).splitlines()[0] if str(problem) else "not text"
        raise FetchError(
            f"SCHEDULE_URL: {url} did not give a usable schedule ({first}); keeping the last good copy"
        ) from None
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".schedule-", suffix=target.suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, target)  # readers see the old copy or the new one, never half
    log.info("fetched %s (%d bytes) into %s", url, len(body), target)
    return target
