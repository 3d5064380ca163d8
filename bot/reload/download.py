"""One bounded HTTP(S) download, for SCHEDULE_URL.

The organiser's URL may be slow, huge or redirect anywhere, so:
- one deadline for the whole download (connect, headers, every byte), enforced by a
  watchdog that shuts the socket, so a server dripping a byte every few seconds cannot
  stretch it;
- a size cap, checked against Content-Length first and then while reading;
- redirects only to http(s), at most five, a loop named as one; and never to a
  loopback, private or link-local address unless the configured URL is itself of that
  kind (an organiser's own intranet is fine; a public URL bouncing to 169.254.169.254
  is not). The address is checked before connecting and again on the connected socket,
  so a DNS answer that changes in between gains nothing.
Every failure is a DownloadError with a one-line reason.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """Why a download failed, in one line."""


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0  # the whole download
    max_bytes: int = 100 * 1024 * 1024


DEFAULT_LIMITS = Limits()


def address_kind(address: str) -> str:
    """public, loopback, link-local or private (private also covers the reserved ranges)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private or ip.is_reserved or ip.is_unspecified or ip.is_multicast:
        return "private"
    return "public"


def _addresses(host: str, port: int) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except OSError as problem:
        raise DownloadError(f"cannot resolve {host} ({problem.strerror or problem})") from None


class _Deadline:
    """The whole download's time; at the end, the socket in use is shut down."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        self._socket = sock
        if self.expired:
            self._expire()

    def _expire(self) -> None:
        self.expired = True
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise DownloadError(f"not complete within {self.seconds:g} s")
        return left


def _connection(url: str, deadline: _Deadline) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    timeout = deadline.remaining()
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def _check_target(url: str, allowed: set[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(f"redirected to {url!r}, which is not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for address in _addresses(parts.hostname, port):
        if address_kind(address) not in allowed:
            raise DownloadError(f"redirected to {parts.hostname} ({address_kind(address)} address {address}): refused")


def _read_body(response: http.client.HTTPResponse, limits: Limits, deadline: _Deadline) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise DownloadError(f"{int(declared)} bytes, more than SCHEDULE_MAX_BYTES ({limits.max_bytes})")
    chunks, size = [], 0
    while chunk := response.read1(_CHUNK):
        size += len(chunk)
        if size > limits.max_bytes:
            raise DownloadError(f"more than SCHEDULE_MAX_BYTES ({limits.max_bytes}) bytes")
        chunks.append(chunk)
        deadline.remaining()
    deadline.remaining()  # a socket shut at the deadline reads as a clean end: it is not
    return b"".join(chunks)


def download(url: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The body of `url` (after redirects). Raises DownloadError."""
    first = urlsplit(url)
    if first.scheme not in ("http", "https") or not first.hostname:
        raise DownloadError(f"{url!r} is not an http(s) URL")
    first_port = first.port or (443 if first.scheme == "https" else 80)
    allowed = {"public"} | {address_kind(a) for a in _addresses(first.hostname, first_port)}
    seen = [url]
    with _Deadline(limits.seconds) as deadline:
        current = url
        while True:
            connection = _connection(current, deadline)
            try:
                try:
                    connection.connect()
                    deadline.watch(connection.sock)
                    peer = connection.sock.getpeername()[0]
                    if address_kind(peer) not in allowed:
                        raise DownloadError(f"{urlsplit(current).hostname} is at {peer}, a refused address")
                    path = urlsplit(current)._replace(scheme="", netloc="", fragment="").geturl() or "/"
                    connection.request("GET", path, headers={"User-Agent": "confbot (schedule refresh)"})
                    response = connection.getresponse()
                    deadline.remaining()
                    if response.status in _REDIRECTS and response.getheader("Location"):
                        target = urljoin(current, response.getheader("Location"))
                        if target in seen:
                            raise DownloadError(f"redirect loop: {' -> '.join([*seen, target])}")
                        if len(seen) > MAX_REDIRECTS:
                            raise DownloadError(f"more than {MAX_REDIRECTS} redirects")
                        _check_target(target, allowed)
                        seen.append(target)
                        current = target
                        continue
                    if response.status != 200:
                        raise DownloadError(f"HTTP {response.status} {response.reason}".strip())
                    return _read_body(response, limits, deadline)
                except (OSError, http.client.HTTPException) as problem:
                    deadline.remaining()  # a socket shut at the deadline says so, not "bad file descriptor"
                    reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
                    raise DownloadError(reason) from None
            finally:
                connection.close()
