"""Every test here runs twice: against the stand-in answering at once, and against one
that enforces Slack's rate tiers (429 with Retry-After past them)."""

from __future__ import annotations

import pytest

from bot.console.standin import SlackStandIn


@pytest.fixture(params=[False, True], ids=["instant", "tiers"])
def standin(request):
    with SlackStandIn(tiers=request.param) as server:
        yield server
