"""SCHEDULE_URL: fetched at start from a real HTTP server on 127.0.0.1, refreshed, cached."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.config import ConfigError
from tests.conftest import SEED, shared_file
from tests.slackkit import all_text, make_bot


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "kubecon.md").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/kubecon.md"
    server.shutdown()
    server.server_close()


def test_schedule_is_fetched_at_start_and_refreshed_on_change(tmp_path, site, standin):
    folder, url = site
    bot, _ = make_bot(tmp_path, standin, schedule_url=url)
    assert len(bot.catalog.current.schedule) == 13
    status = all_text(bot.service.handle("U1", "status").as_ephemeral())
    assert f"`{url.removeprefix('http://')}`" in status  # host and path
    assert str(tmp_path) not in status  # never the copy's place on the server
    assert bot.refresh_from_url() is None  # unchanged: nothing to reload
    page = folder / "kubecon.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("Cilium Project Meeting", "Cilium Project Meetup"), encoding="utf-8"
    )
    summary = bot.refresh_from_url()
    assert summary and summary.startswith("Reloaded")
    assert bot.catalog.current.schedule.get("1BaT3").title == "Cilium Project Meetup"


def test_unreachable_url_keeps_the_schedule_and_the_last_copy_serves_a_restart(tmp_path, site, standin):
    folder, url = site
    bot, _ = make_bot(tmp_path, standin, schedule_url=url)
    (folder / "kubecon.md").unlink()  # the site now answers 404
    assert bot.refresh_from_url() is None
    assert len(bot.catalog.current.schedule) == 13
    admin_status = all_text(bot.service.handle("UADMIN", "status").as_ephemeral())
    assert "SCHEDULE_URL refresh" in admin_status and "404" in admin_status  # the admins see why
    restarted, _ = make_bot(tmp_path, standin, schedule_url=url)
    assert len(restarted.catalog.current.schedule) == 13


def test_unreachable_url_with_no_copy_stops_the_start_naming_the_setting(tmp_path, standin):
    with pytest.raises(ConfigError, match=r"^SCHEDULE_URL: could not fetch http://127\.0\.0\.1:9/none\.md"):
        make_bot(tmp_path, standin, schedule_url="http://127.0.0.1:9/none.md")


def test_a_page_that_is_no_schedule_never_replaces_the_good_copy(tmp_path, site, standin):
    folder, url = site
    bot, _ = make_bot(tmp_path, standin, schedule_url=url)
    (folder / "kubecon.md").write_text("<html>Down for maintenance</html>", encoding="utf-8")
    assert bot.refresh_from_url() is None
    assert len(bot.catalog.current.schedule) == 13
    admin_status = all_text(bot.service.handle("UADMIN", "status").as_ephemeral())
    assert "SCHEDULE_URL refresh" in admin_status and "no session with a date and time" in admin_status
    restarted, _ = make_bot(tmp_path, standin, schedule_url=url)  # the copy on disk is still the good one
    assert len(restarted.catalog.current.schedule) == 13


def test_a_calendar_served_without_a_telling_name_is_read_as_one(tmp_path, site, standin):
    folder, _ = site
    (folder / "feed").write_text(
        shared_file("ics/pretalx_democon_schedule.ics").read_text(encoding="utf-8"), encoding="utf-8"
    )
    url = site[1].replace("kubecon.md", "feed")
    bot, _ = make_bot(tmp_path, standin, schedule_url=url)
    assert len(bot.catalog.current.schedule) == 36
