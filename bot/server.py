"""HTTP mode: every Slack request at POST /slack/events, GET /healthz and the agenda
feeds at GET /calendar/TOKEN.ics; Socket Mode keeps /healthz and the feeds on $PORT
(and /slack/events only when a signing secret is set).

Served by waitress, a production WSGI server, in this one process, so the reminder and
digest jobs run exactly once per process. SIGTERM (and Ctrl-C) stop it in order: no new
connections, in-flight requests and the current job run finish (bounded), then the
scheduler and the database close, and one line says so.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.bootstrap import Bot
from bot.slack.request_guard import MAX_BODY_BYTES, guarded
from bot.words import plural

log = logging.getLogger(__name__)
_CALENDAR = re.compile(r"^/calendar/([A-Za-z0-9_-]{8,128})\.ics$")
DRAIN_SECONDS = 10.0  # how long a stop waits for requests in flight

# Waitress parses requests in its event loop, so a slow client holds a connection, not a
# thread; these keep a few hundred of them from shutting the door on Slack.
WAITRESS_SETTINGS = {
    "connection_limit": 1000,  # default 100: ~100 idle sockets took the bot offline
    "channel_timeout": 30,  # seconds an idle connection is kept (default 120)
    "cleanup_interval": 10,
    "max_request_body_size": MAX_BODY_BYTES,  # 413 from the Content-Length, before reading
    "asyncore_use_poll": True,  # select() stops at 1,024 descriptors
    "ident": "confbot",
}


def make_wsgi_app(bot: Bot) -> Callable:
    secret = bot.config.signing_secret
    slack = guarded(SlackRequestHandler(bot.app, path="/slack/events"), secret) if secret else None

    def plain(start_response: Callable, status: str, body: str) -> Iterable[bytes]:
        data = body.encode()
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))])
        return [data]

    def agenda_feed(start_response: Callable, token: str) -> Iterable[bytes]:
        user_id = bot.store.feed_user(token)
        if user_id is None:
            return plain(start_response, "404 Not Found", "unknown calendar\n")
        schedule = bot.catalog.current.schedule
        mine = sorted((s for i in bot.store.subscriptions(user_id) if (s := schedule.get(i))), key=lambda s: s.start)
        from bot.schedule.export import to_ics  # icalendar, imported when a feed is first asked for

        name = f"My agenda: {schedule.title}" if schedule.title else "My agenda"
        data = to_ics(mine, schedule.zone, name, stamp=bot.clock.now()).encode()
        headers = [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(len(data)))]
        start_response("200 OK", [*headers, ("Cache-Control", "private, max-age=300")])
        return [data]

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            loaded = len(bot.catalog.current.schedule) > 0
            writable = bot.store.writable()  # never waits on another process's lock
            if loaded and writable:
                return plain(start_response, "200 OK", "ok\n")
            problems = [] if loaded else ["schedule not loaded"]
            problems += [] if writable else ["database not writable"]
            return plain(start_response, "503 Service Unavailable", "; ".join(problems) + "\n")
        feed = _CALENDAR.match(path)
        if feed and method in ("GET", "HEAD"):
            return agenda_feed(start_response, feed.group(1))
        if path == "/slack/events" and slack is not None:
            return slack(environ, start_response)
        return plain(start_response, "404 Not Found", "not found\n")

    return application


def create_http_server(bot: Bot, host: str, port: int, threads: int = 8):
    import waitress

    return waitress.create_server(make_wsgi_app(bot), host=host, port=port, threads=threads, **WAITRESS_SETTINGS)


class HttpServing:
    """A waitress server on its own thread, and its orderly stop."""

    def __init__(self, server):
        self.server = server
        self.thread = threading.Thread(target=server.run, name="http", daemon=True)

    def start(self) -> HttpServing:
        self.thread.start()
        return self

    def _in_loop(self, action: Callable[[], None]) -> None:
        """Run `action` on the server's own thread: its socket map is not thread-safe."""
        self.server.trigger.pull_trigger(action)

    def _close_listener(self) -> None:
        """New connections are refused; the open ones are served to the end."""
        self.server.del_channel()
        self.server.socket.close()

    def _busy(self) -> bool:
        tasks = self.server.task_dispatcher
        channels = list(self.server.active_channels.values())
        return bool(tasks.queue) or tasks.active_count > 0 or any(c.requests or c.total_outbufs_len for c in channels)

    def stop(self, drain_seconds: float = DRAIN_SECONDS) -> int:
        """Refuse new connections, wait (at most `drain_seconds`) for the requests in
        flight, end the loop. Returns how many were still unfinished then."""
        self._in_loop(self._close_listener)
        deadline = time.monotonic() + drain_seconds
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.02)
        unfinished = self.server.task_dispatcher.active_count + len(self.server.task_dispatcher.queue)
        self._in_loop(self.server._map.clear)  # an empty map ends waitress's loop
        self.thread.join(timeout=0.5)
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=0.2)
        return unfinished


def _wait_for_stop_signal() -> str:
    """Block until SIGTERM or SIGINT; returns which."""
    received: list[str] = []
    stop = threading.Event()

    def on_signal(number, _frame) -> None:
        received.append(signal.Signals(number).name)
        stop.set()

    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, on_signal)
    while not stop.wait(1.0):  # a timed wait: Python runs signal handlers between waits
        pass
    return received[0]


def _stopped(bot: Bot, why: str, started: float, unfinished: int) -> None:
    """The current job run finishes, then the scheduler and database close, all within
    what is left of DRAIN_SECONDS since the signal; a run still going then is left to the
    next process (its claimed reminders are taken over after the lease)."""
    closing = threading.Thread(target=bot.close, name="close", daemon=True)
    closing.start()
    closing.join(max(0.5, DRAIN_SECONDS - (time.monotonic() - started)))
    dropped = f", {plural(unfinished, 'request')} unfinished" if unfinished else ""
    if closing.is_alive():
        log.warning("confbot stopped (%s) with a job still running after %.0f s%s", why, DRAIN_SECONDS, dropped)
        logging.shutdown()
        os._exit(0)  # the job's non-daemon threads would otherwise hold the exit
    log.info("confbot stopped (%s) in %.1f s%s", why, time.monotonic() - started, dropped)


def serve_http(bot: Bot, host: str = "0.0.0.0") -> None:
    serving = HttpServing(create_http_server(bot, host, bot.config.port)).start()
    bot.start_jobs()
    log.info("confbot listening on http://%s:%d/slack/events", host, bot.config.port)
    why = _wait_for_stop_signal()
    started = time.monotonic()
    _stopped(bot, why, started, serving.stop(DRAIN_SECONDS - 1))


def serve_socket_mode(bot: Bot, host: str = "0.0.0.0") -> None:
    """Slack's requests come over the socket; /healthz and the agenda feeds are served
    over HTTP on $PORT (and /slack/events only with a signing secret of its own)."""
    from bot.slack.socket_mode import socket_mode_handler

    serving = HttpServing(create_http_server(bot, host, bot.config.port, threads=4)).start()
    bot.start_jobs()
    handler = socket_mode_handler(bot.app, bot.config.app_token, bot.client)
    handler.connect()
    log.info("confbot connected in Socket Mode; /healthz and /calendar on port %d", bot.config.port)
    why = _wait_for_stop_signal()
    started = time.monotonic()
    handler.close()
    _stopped(bot, why, started, serving.stop(DRAIN_SECONDS - 1 - (time.monotonic() - started)))
