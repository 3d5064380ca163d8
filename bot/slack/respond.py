"""Answers that go through a command's `response_url` after the ack: a failure there
(Slack unreachable, the URL expired) is one log line, not a listener traceback."""

from __future__ import annotations

import logging

from slack_bolt import Respond
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.webapi.errors import error_code

log = logging.getLogger(__name__)


def respond_or_log(respond: Respond, **message) -> bool:
    try:
        response = respond(**message)
    except (SlackApiError, SlackClientError, OSError) as problem:
        log.warning("could not answer through response_url: %s", error_code(problem))
        return False
    if response is not None and getattr(response, "status_code", 200) >= 400:
        log.warning("response_url refused the answer: HTTP %s %s", response.status_code, response.body[:200])
        return False
    return True
