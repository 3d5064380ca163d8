"""SCHEDULE_URL downloads against a misbehaving real HTTP server on 127.0.0.1: slow
drips, huge bodies, redirects to other schemes, to internal addresses and in loops."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.config import ConfigError
from bot.reload.download import DownloadError, Limits, address_kind, download
from tests.conftest import SEED
from tests.slackkit import make_bot

SCHEDULE = SEED.read_bytes()


class Misbehaving(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # one branch per misbehaviour, read top to bottom
        try:
            if self.path == "/schedule.md":
                self.send_response(200)
                self.send_header("Content-Length", str(len(SCHEDULE)))
                self.end_headers()
                self.wfile.write(SCHEDULE)
            elif self.path == "/drip":  # a byte every 0.3 s, for ever
                self.send_response(200)
                self.end_headers()
                while True:
                    self.wfile.write(b"#")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path == "/drip-headers":  # even the headers never end
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while True:
                    self.wfile.write(b"X: y\r\n")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif self.path == "/huge-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(300 * 1024 * 1024))
                self.end_headers()
                self.wfile.write(b"x" * 1024)
            elif self.path == "/huge-streamed":  # no length said: counted while read
                self.send_response(200)
                self.end_headers()
                for _ in range(64):
                    self.wfile.write(b"x" * 65536)
            elif self.path == "/to-schedule":
                self.redirect("/schedule.md")
            elif self.path == "/to-ftp":
                self.redirect("ftp://files.example/schedule.md")
            elif self.path == "/to-metadata":
                self.redirect("http://169.254.169.254/latest/meta-data/")
            elif self.path == "/to-private":
                self.redirect("http://10.1.2.3/schedule.md")
            elif self.path == "/to-bad-port":
                self.redirect("http://127.0.0.1:99999/x")
            elif self.path == "/to-accented":
                self.redirect("/\u00e9t\u00e9")
            elif self.path == "/to-bad-host":
                self.redirect("http://a..b/x")
            elif self.path in ("/loop-a", "/loop-b"):
                self.redirect("/loop-b" if self.path == "/loop-a" else "/loop-a")
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot hung up on us: that is the point


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


SMALL = Limits(seconds=5, max_bytes=1024 * 1024)


def failure(url: str, limits: Limits = SMALL) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(DownloadError) as raised:
        download(url, limits)
    return str(raised.value), time.monotonic() - started


def test_a_good_schedule_comes_through_a_redirect_on_the_same_host(server):
    assert download(f"{server}/to-schedule") == SCHEDULE


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_slow_drip_ends_at_the_whole_download_deadline(server, path):
    reason, took = failure(f"{server}{path}", Limits(seconds=1.0))
    assert reason == "not complete within 1 s"
    assert took < 1.8


def test_a_body_over_the_cap_is_refused_from_its_length_or_while_read(server):
    assert failure(f"{server}/huge-declared")[0] == "314572800 bytes, more than SCHEDULE_MAX_BYTES (1048576)"
    assert failure(f"{server}/huge-streamed")[0] == "more than SCHEDULE_MAX_BYTES (1048576) bytes"


def test_redirects_go_only_to_http_and_never_inward(server):
    assert (
        failure(f"{server}/to-ftp")[0] == "redirected to 'ftp://files.example/schedule.md', which is not an http(s) URL"
    )
    reason, took = failure(f"{server}/to-metadata")
    assert reason == "redirected to 169.254.169.254 (link-local address 169.254.169.254): refused" and took < 1
    assert failure(f"{server}/to-private")[0] == "redirected to 10.1.2.3 (private address 10.1.2.3): refused"


def test_a_redirect_to_a_broken_url_is_one_line_not_a_traceback(server):
    assert (
        failure(f"{server}/to-bad-port")[0] == "redirected to 'http://127.0.0.1:99999/x', which is not an http(s) URL"
    )
    assert failure(f"{server}/to-bad-host")[0].startswith("cannot resolve a..b (")
    assert failure(f"{server}/to-accented")[0] == "HTTP 404 Not Found"  # asked for as /%C3%A9t%C3%A9


def test_a_redirect_loop_is_one_line(server):
    reason, _ = failure(f"{server}/loop-a")
    assert reason == f"redirect loop: {server}/loop-a -> {server}/loop-b -> {server}/loop-a"
    assert "\n" not in reason


def test_address_kinds():
    kinds = [address_kind(a) for a in ("8.8.8.8", "127.0.0.1", "::1", "10.0.0.1", "192.168.1.1", "169.254.169.254")]
    assert kinds == ["public", "loopback", "loopback", "private", "private", "link-local"]
    assert address_kind("::ffff:127.0.0.1") == "loopback" and address_kind("fe80::1") == "link-local"


def test_a_dripping_url_delays_start_up_only_to_its_deadline(tmp_path, server, standin):
    started = time.monotonic()
    with pytest.raises(ConfigError) as raised:
        make_bot(tmp_path, standin, schedule_url=f"{server}/drip", schedule_fetch_seconds=1)
    assert time.monotonic() - started < 2.5
    assert str(raised.value) == f"SCHEDULE_URL: could not fetch {server}/drip: not complete within 1 s"


def test_a_dripping_refresh_returns_at_its_deadline_keeping_the_schedule(tmp_path, server, standin):
    bot, _ = make_bot(tmp_path, standin, schedule_url=f"{server}/schedule.md", schedule_fetch_seconds=1)
    try:
        bot.config = replace(bot.config, schedule_url=f"{server}/drip")  # the organiser's server turns slow
        started = time.monotonic()
        assert bot.refresh_from_url() is None
        assert time.monotonic() - started < 1.8
        assert len(bot.catalog.current.schedule) > 0
    finally:
        bot.close()
