"""The door of POST /slack/events: what is not a well-formed request signed by Slack is
refused before Bolt reads or parses it.

Bolt reads the whole body and parses it before it checks the signature, so an unsigned
250 MB body, a `{` sent as JSON or a timestamp `abc` used to cost memory or an HTTP 500
with a traceback. Here the size is checked from the headers, the body read only up to
the limit, the v0 signature checked (timestamp within five minutes), and the body
decoded the way Bolt will decode it; each failure is a short 4xx and one debug line.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Slack's payloads are a few kB; a big view state stays far below
MAX_CLOCK_SKEW = 5 * 60  # Slack's own rule for replayed requests
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() also takes "²"


class Refused(Exception):
    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status


def _body(environ: dict) -> bytes:
    raw_length = environ.get("CONTENT_LENGTH") or ""
    if not raw_length.isdigit():
        raise Refused("411 Length Required", "a Slack request states its length")
    length = int(raw_length)
    if length > MAX_BODY_BYTES:
        raise Refused("413 Content Too Large", f"body of {length} bytes; at most {MAX_BODY_BYTES}")
    body = environ["wsgi.input"].read(length)
    if len(body) != length:
        raise Refused("400 Bad Request", "body shorter than its Content-Length")
    return body


def _check_signature(secret: str, environ: dict, body: bytes, now: float) -> None:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not signature:
        raise Refused("401 Unauthorized", "no Slack signature")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        raise Refused("401 Unauthorized", "a stale or future timestamp")
    expected = (
        b"v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest().encode()
    )
    # WSGI headers are latin-1 strings: as bytes, any header compares without raising
    if not hmac.compare_digest(expected, signature.encode("latin-1", "replace")):
        raise Refused("401 Unauthorized", "a wrong signature")


def _check_parsable(environ: dict, body: bytes) -> None:
    """Bolt decodes JSON, or a form whose `payload` field is JSON: both must decode."""
    try:
        text = body.decode("utf-8")
        if "application/json" in environ.get("CONTENT_TYPE", "") or text.startswith("{"):
            json.loads(text)
        else:
            payload = parse_qs(text).get("payload")
            if payload:
                json.loads(payload[0])
    except (UnicodeDecodeError, ValueError):
        raise Refused("400 Bad Request", "a body that does not decode") from None


def guarded(
    slack: Callable, signing_secret: str, now: Callable[[], float] = time.time
) -> Callable[[dict, Callable], Iterable[bytes]]:
    """A WSGI app that hands Bolt only requests Slack signed with `signing_secret`."""
    if not signing_secret:
        raise ValueError("no signing secret: /slack/events must not be served")

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            if environ.get("REQUEST_METHOD") != "POST":
                raise Refused("405 Method Not Allowed", "Slack posts")
            body = _body(environ)
            _check_signature(signing_secret, environ, body, now())
            _check_parsable(environ, body)
        except Refused as refused:
            log.debug("refused a request to /slack/events: %s", refused)
            data = f"{refused.status[4:].lower()}: {refused}\n".encode()
            start_response(
                refused.status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))]
            )
            return [data]
        environ["wsgi.input"] = io.BytesIO(body)
        return slack(environ, start_response)

    return application
