"""Socket Mode: Slack's requests over a WebSocket the bot opens (no public URL needed).

The adapter is Bolt's built-in one (slack_sdk's own client, no extra dependency), chosen
by measurement against a local stand-in (`bench/bench_socket.py`): websocket-client never
notices a half-open link and, like the aiohttp and websockets adapters, drops envelopes
sent during a refresh. Three things are added to it:
- pings every second (default 10), so a lost link is noticed in seconds;
- a watchdog that reconnects when the peer has closed the TCP connection without a close
  frame (the client then spins a core on empty reads until its pings fail) or when no
  pong has come back for a few seconds (a half-open link);
- on a reconnect the old connection's pending read is cut short: the client's one reader
  thread otherwise stays on the old connection up to 3 s, holding back every envelope on
  the new one past Slack's acknowledgement deadline.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode.builtin import SocketModeClient

from bot.webapi.errors import error_code

PING_SECONDS = 1.0
WATCH_SECONDS = 0.2  # how soon a closed peer is noticed
SILENT_SECONDS = 3.5  # no pong for this long: the link is dead (a refresh stalls pongs up to 3 s)


class _Client(SocketModeClient):
    """One thread reads the current connection; it lets go of it only when a read returns
    (a 3 s timeout). Before a reconnect or a close, a short timeout and a ping make that
    read return at once, so a refresh holds no envelope back and a stop takes no 3 s."""

    def _hurry_reader(self) -> None:
        session = self.current_session
        if session is not None and session.sock is not None:
            with contextlib.suppress(OSError):
                session.sock.settimeout(0.05)
            with contextlib.suppress(OSError, SlackClientError):
                session.ping()

    def connect(self) -> None:
        self._hurry_reader()
        super().connect()

    def close(self) -> None:
        self._hurry_reader()
        super().close()


def peer_closed(sock: socket.socket | None) -> bool:
    """True when the other end closed the TCP connection (EOF waiting to be read). Peeks
    at the raw socket through a duplicate descriptor, so TLS and the reader are untouched."""
    if sock is None:
        return False
    try:
        with socket.fromfd(sock.fileno(), sock.family, sock.type) as raw:
            return raw.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False  # nothing to read: the link is alive and quiet
    except (OSError, ValueError):
        return True


class ConfSocketModeHandler(SocketModeHandler):
    """Bolt's built-in Socket Mode handler with the client and watchdog above."""

    def __init__(self, app: App, app_token: str, web_client: WebClient):
        self.app = app
        self.app_token = app_token
        self.client = _Client(
            app_token=app_token, logger=app.logger, web_client=web_client, proxy=web_client.proxy,
            ping_interval=PING_SECONDS,
        )  # fmt: skip
        self.client.socket_mode_request_listeners.append(self.handle)
        self._watchdog = threading.Thread(target=self._watch, name="socket-mode-watchdog", daemon=True)

    def connect(self) -> None:
        super().connect()
        self._watchdog.start()

    def _watch(self) -> None:
        pause, failures = WATCH_SECONDS, 0
        while not self.client.closed:
            time.sleep(pause)
            pause = WATCH_SECONDS
            session = self.client.current_session
            if session is None:
                continue
            last_pong = session.last_ping_pong_time  # time.time() of the last pong, None before the first
            silent = last_pong is not None and time.time() - last_pong > SILENT_SECONDS
            if silent or peer_closed(session.sock):
                reason = f"no pong for {time.time() - last_pong:.1f} s" if silent else "Slack closed the connection"
                self.client.logger.info("Socket Mode: %s; reconnecting", reason)
                with contextlib.suppress(OSError):  # a dead link: its reader stops waiting on it now
                    session.sock.shutdown(socket.SHUT_RDWR)
                try:
                    self.client.connect_to_new_endpoint(force=True)
                    failures = 0
                except (SlackApiError, SlackClientError, OSError) as problem:
                    failures += 1
                    pause = min(10.0, 2.0**failures)  # Slack down: try again, less and less often
                    self.client.logger.warning(
                        "Socket Mode: reconnecting failed (%s); next try in %.0f s", error_code(problem), pause
                    )


def socket_mode_handler(app: App, app_token: str, client: WebClient) -> ConfSocketModeHandler:
    return ConfSocketModeHandler(app, app_token, client)
