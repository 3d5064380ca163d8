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
from urllib.parse import quote, urljoin, urlsplit

from bot.config import DEFAULT_MAX_BYTES

MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


class DownloadError(Exception):
    """Why a download failed, in one line."""


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0  # the whole download
    max_bytes: int = DEFAULT_MAX_BYTES


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


class _Deadline:
    """The whole download's time; at the end, the socket in use is shut down."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        self._socket = sock
        if self.expired:
            self.expire()

    def expire(self) -> None:
        self.expired = True
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise DownloadError(f"not complete within {self.seconds:g} s")
        return left


def _addresses(host: str, port: int, deadline: _Deadline) -> set[str]:
    """The host's addresses, looked up within the deadline (getaddrinfo has no timeout of
    its own, so it runs on a helper thread that is abandoned at the deadline)."""
    found: list[set[str]] = []
    failed: list[str] = []

    def look_up() -> None:
        try:
            found.append({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
        except (OSError, UnicodeError) as problem:
            failed.append(getattr(problem, "strerror", None) or str(problem))

    lookup = threading.Thread(target=look_up, name="resolve", daemon=True)
    lookup.start()
    lookup.join(deadline.remaining())
    if failed:
        raise DownloadError(f"cannot resolve {host} ({failed[0]})")
    if not found:
        deadline.expire()
        deadline.remaining()  # raises: the deadline passed while resolving
    return found[0]


def _connection(url: str, deadline: _Deadline) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    timeout = deadline.remaining()
    if parts.scheme == "https":
        return http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def _host_and_port(url: str) -> tuple[str, int]:
    """The URL's host and port; DownloadError for anything that is not an http(s) URL."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError
        return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port that is no number or out of range, a broken host
        raise DownloadError(f"{url!r} is not an http(s) URL") from None


def _check_target(url: str, allowed: set[str], deadline: _Deadline) -> None:
    try:
        host, port = _host_and_port(url)
    except DownloadError:
        raise DownloadError(f"redirected to {url!r}, which is not an http(s) URL") from None
    for address in _addresses(host, port, deadline):
        if address_kind(address) not in allowed:
            raise DownloadError(f"redirected to {host} ({address_kind(address)} address {address}): refused")


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
    host, port = _host_and_port(url)
    seen = [url]
    with _Deadline(limits.seconds) as deadline:
        allowed = {"public"} | {address_kind(a) for a in _addresses(host, port, deadline)}
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
                    path = quote(path, safe="/%?=&:@!$'()*+,;~-._")  # non-ASCII as a browser sends it
                    connection.request("GET", path, headers={"User-Agent": "confbot (schedule refresh)"})
                    response = connection.getresponse()
                    deadline.remaining()
                    if response.status in _REDIRECTS and response.getheader("Location"):
                        target = urljoin(current, response.getheader("Location"))
                        if target in seen:
                            raise DownloadError(f"redirect loop: {' -> '.join([*seen, target])}")
                        if len(seen) > MAX_REDIRECTS:
                            raise DownloadError(f"more than {MAX_REDIRECTS} redirects")
                        _check_target(target, allowed, deadline)
                        seen.append(target)
                        current = target
                        continue
                    if response.status != 200:
                        raise DownloadError(f"HTTP {response.status} {response.reason}".strip())
                    return _read_body(response, limits, deadline)
                except (OSError, http.client.HTTPException, ValueError) as problem:  # ValueError: bad URL text
                    deadline.remaining()  # a socket shut at the deadline says so, not "bad file descriptor"
                    reason = getattr(problem, "strerror", None) or str(problem) or type(problem).__name__
                    raise DownloadError(reason) from None
            finally:
                connection.close()
