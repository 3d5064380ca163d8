"""A stand-in for Slack's Socket Mode endpoint: a real WebSocket server on 127.0.0.1.

Stdlib only (RFC 6455 handshake and framing by hand) so tests need no extra package.
It behaves like Slack: a `hello` on every new connection, envelopes the client must ack
by `envelope_id`, a `disconnect` warning before a connection is replaced, and it can close
or drop a connection so tests can time the client's reconnect.

    with SocketModeStandIn() as sm:      # serve `sm.url` from apps.connections.open
        ...start the Bolt SocketModeHandler...
        sm.wait_for_connections(1, timeout=5)
        eid = sm.send_envelope("slash_commands", {"command": "/conf", "text": "today"})
        ack, seconds = sm.wait_for_ack(eid, timeout=3)
        sm.drop_current()                # no close frame: the client must notice by itself
        sm.wait_for_connections(2, timeout=15)

All times are `time.monotonic()` seconds.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


@dataclass
class Link:
    """One WebSocket connection; `ended_by` is "server-close", "server-drop", "client-close" or "eof"."""

    number: int
    sock: socket.socket = field(repr=False)
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None
    ended_by: str = ""
    pings: int = 0  # pings from the client: shows its keep-alive is running
    muted: bool = False  # see mute_current()
    send_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def open(self) -> bool:
        return self.closed_at is None


class SocketModeStandIn:
    def __init__(self, refresh_grace: float = 10.0, app_id: str = "A1"):
        # Slack keeps a connection it asked to refresh open for a while (about 10 s)
        # so the client can overlap the old and the new one; tests may shorten that.
        self.refresh_grace = refresh_grace
        self.app_id = app_id
        self.links: list[Link] = []
        self.received: list[dict] = []  # every JSON text frame from clients, acks included
        self.sent_at: dict[str, float] = {}  # envelope_id -> when it was sent
        self.acks: dict[str, tuple[dict, float, int]] = {}  # envelope_id -> (ack, when, link number)
        self._cond = threading.Condition()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stopped = False

    # -- lifecycle -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """What `apps.connections.open` should answer as `url`."""
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link"

    def start(self) -> SocketModeStandIn:
        threading.Thread(target=self._accept_loop, name="socketmode-standin", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
        self._listener.close()
        for link in list(self.links):
            if link.open:
                self._end(link, "server-close", close_frame=True)

    def __enter__(self) -> SocketModeStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- scripting -------------------------------------------------------------------

    @property
    def current(self) -> Link | None:
        """The newest open connection: where Slack would deliver."""
        with self._cond:
            return next((link for link in reversed(self.links) if link.open and not link.muted), None)

    def send_envelope(self, payload_type: str, payload: dict, accepts_response_payload: bool | None = None) -> str:
        """Send an envelope ("slash_commands", "events_api", "interactive") to the current connection."""
        link = self._require_current()
        envelope_id = str(uuid.uuid4())
        if accepts_response_payload is None:  # Slack: commands and interactions may answer in the ack
            accepts_response_payload = payload_type != "events_api"
        envelope = {"envelope_id": envelope_id, "type": payload_type, "payload": payload}
        envelope["accepts_response_payload"] = accepts_response_payload
        if payload_type == "events_api":  # Slack numbers its redeliveries of events
            envelope.update(retry_attempt=0, retry_reason="")
        with self._cond:
            self.sent_at[envelope_id] = time.monotonic()
        self._send(link, TEXT, json.dumps(envelope).encode())
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 3.0) -> tuple[dict, float]:
        """The ack's JSON and the seconds from send to ack; TimeoutError if none came in time."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self.acks, timeout):
                raise TimeoutError(f"no ack for {envelope_id} within {timeout} s")
            ack, at, _ = self.acks[envelope_id]
            return ack, at - self.sent_at[envelope_id]

    def request_refresh(self, reason: str = "refresh_requested") -> Link:
        """Warn the current connection it will be replaced; close it after `refresh_grace` s."""
        link = self._require_current()
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
        self._send(link, TEXT, json.dumps(message).encode())
        _later(self.refresh_grace, self._end, link, "server-close", True)
        return link

    def close_current(self, code: int = 1000) -> Link:
        """A clean close: close frame, then the TCP close."""
        link = self._require_current()
        self._end(link, "server-close", close_frame=True, code=code)
        return link

    def drop_current(self, reset: bool = True) -> Link:
        """An abrupt end without close frame: RST (reset=True) or a bare FIN (reset=False)."""
        link = self._require_current()
        if reset:  # linger 0: close() sends RST, like a dead load balancer
            link.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._end(link, "server-drop", close_frame=False)
        return link

    def mute_current(self) -> Link:
        """A silent death (NAT timeout, half-open TCP): the link stays open, nothing is answered or sent."""
        link = self._require_current()
        link.muted = True
        return link

    def wait_for_connections(self, n: int, timeout: float = 10.0) -> list[Link]:
        """Block until `n` connections have been opened in all; TimeoutError otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.links) >= n, timeout):
                raise TimeoutError(f"{len(self.links)} connection(s), not {n}, within {timeout} s")
            return list(self.links)

    # -- the server ------------------------------------------------------------------

    def _require_current(self) -> Link:
        link = self.current
        if link is None:
            raise RuntimeError("no open Socket Mode connection")
        return link

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        # This thread owns the socket: it alone closes it, once the peer is done or we woke it.
        reader, link = sock.makefile("rb"), None
        try:
            request = b""
            while not request.endswith(b"\r\n\r\n"):
                line = reader.readline()
                if not line:
                    return
                request += line
            key = re.search(rb"(?im)^sec-websocket-key:\s*(\S+)", request)
            digest = hashlib.sha1((key.group(1) if key else b"") + _GUID).digest()
            sock.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: " + base64.b64encode(digest) + b"\r\n\r\n"
            )
            with self._cond:
                link = Link(len(self.links) + 1, sock)
                self.links.append(link)
                self._cond.notify_all()
                live = sum(1 for x in self.links if x.open)
            hello = {
                "type": "hello",
                "num_connections": live,
                "debug_info": {"host": "applink-standin", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": self.app_id},
            }
            self._send(link, TEXT, json.dumps(hello).encode())
            self._read_frames(link, reader)
        except (OSError, ValueError, struct.error):
            pass  # reset, or woken by drop_current(): the end is recorded below or already was
        finally:
            if link is not None:
                self._end(link, "eof", close_frame=False)
            reader.close()
            sock.close()

    def _read_frames(self, link: Link, reader) -> None:
        while True:
            head = reader.read(2)
            if len(head) < 2:
                return
            opcode, masked, length = head[0] & 0x0F, head[1] & 0x80, head[1] & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", reader.read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", reader.read(8))
            mask = reader.read(4) if masked else b"\0\0\0\0"  # RFC 6455: clients always mask
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(reader.read(length)))
            if link.muted:
                continue
            if opcode == CLOSE:  # the client's close, or its echo of ours: echo if it began, then done
                self._end(link, "client-close", close_frame=True)
                return
            if opcode == PING:
                link.pings += 1
                self._send(link, PONG, data)
            elif opcode == TEXT:
                self._on_text(link, data)

    def _on_text(self, link: Link, data: bytes) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            return
        with self._cond:
            self.received.append(message)
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            if envelope_id in self.sent_at and envelope_id not in self.acks:  # Slack takes the first ack
                self.acks[envelope_id] = (message, time.monotonic(), link.number)
            self._cond.notify_all()

    def _send(self, link: Link, opcode: int, data: bytes) -> None:
        # Server frames are never masked; FIN set, no fragmentation.
        n = len(data)
        head = bytes([0x80 | opcode]) + (
            bytes([n]) if n < 126 else struct.pack("!BH", 126, n) if n < 65536 else struct.pack("!BQ", 127, n)
        )
        with link.send_lock:
            link.sock.sendall(head + data)

    def _end(self, link: Link, ended_by: str, close_frame: bool, code: int = 1000) -> None:
        with self._cond:
            if not link.open:
                return
            link.closed_at, link.ended_by = time.monotonic(), ended_by
            self._cond.notify_all()
        with contextlib.suppress(OSError):
            if ended_by == "server-drop":  # sends nothing, wakes the reader, whose close() sends RST/FIN
                link.sock.shutdown(socket.SHUT_RD)
                return
            if close_frame:
                self._send(link, CLOSE, struct.pack("!H", code))
            link.sock.shutdown(socket.SHUT_WR)  # FIN; the reader drains the client's close echo
            if ended_by == "server-close":  # stop waiting for an echo that may never come
                _later(2.0, link.sock.shutdown, socket.SHUT_RD)


def _later(seconds: float, function, *args) -> None:
    def run() -> None:
        with contextlib.suppress(OSError):  # the socket may be long gone
            function(*args)

    timer = threading.Timer(seconds, run)
    timer.daemon = True  # never hold up interpreter exit
    timer.start()
