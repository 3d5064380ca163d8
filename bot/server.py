"""HTTP mode: every Slack request at POST /slack/events, GET /healthz and the agenda
feeds at GET /calendar/TOKEN.ics; Socket Mode keeps /healthz and the feeds on $PORT.

Served by waitress, a production WSGI server, in this one process, so the reminder and
digest jobs run exactly once per process.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.bootstrap import Bot
from bot.schedule.export import to_ics

log = logging.getLogger(__name__)
_CALENDAR = re.compile(r"^/calendar/([A-Za-z0-9_-]{8,128})\.ics$")


def make_wsgi_app(bot: Bot) -> Callable:
    slack = SlackRequestHandler(bot.app, path="/slack/events")

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
        name = f"My agenda: {schedule.title}" if schedule.title else "My agenda"
        data = to_ics(mine, schedule.zone, name, stamp=bot.clock.now()).encode()
        headers = [("Content-Type", "text/calendar; charset=utf-8"), ("Content-Length", str(len(data)))]
        start_response("200 OK", [*headers, ("Cache-Control", "private, max-age=300")])
        return [data]

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            loaded = len(bot.catalog.current.schedule) > 0
            writable = bot.store.writable()
            if loaded and writable:
                return plain(start_response, "200 OK", "ok\n")
            problems = [] if loaded else ["schedule not loaded"]
            problems += [] if writable else ["database not writable"]
            return plain(start_response, "503 Service Unavailable", "; ".join(problems) + "\n")
        feed = _CALENDAR.match(path)
        if feed and method in ("GET", "HEAD"):
            return agenda_feed(start_response, feed.group(1))
        if path == "/slack/events":
            return slack(environ, start_response)
        return plain(start_response, "404 Not Found", "not found\n")

    return application


def serve_http(bot: Bot, host: str = "0.0.0.0") -> None:
    import waitress

    log.info("confbot listening on http://%s:%d/slack/events", host, bot.config.port)
    bot.start_jobs()
    waitress.serve(make_wsgi_app(bot), host=host, port=bot.config.port, threads=8, ident="confbot")


def serve_socket_mode(bot: Bot, host: str = "0.0.0.0") -> None:
    """Slack's requests come over the socket; /healthz and the agenda feeds are still
    served over HTTP on $PORT (a request to /slack/events there fails its signature)."""
    import threading

    import waitress
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    log.info("confbot connecting in Socket Mode; /healthz and /calendar on port %d", bot.config.port)
    server = waitress.create_server(make_wsgi_app(bot), host=host, port=bot.config.port, threads=4, ident="confbot")
    threading.Thread(target=server.run, name="http", daemon=True).start()
    bot.start_jobs()
    SocketModeHandler(bot.app, bot.config.app_token, web_client=bot.client).start()
