"""Wires the Bolt app: one place, nothing decided here."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.conf.service import ConfService
from bot.slack.listeners import register_listeners
from bot.webapi.home_tabs import HomeTabs


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack")
    if not any(isinstance(f, _TokenFromClient) for f in logger.filters):
        logger.addFilter(_TokenFromClient())
    return logger


class _TokenFromClient(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN from the environment is unused when it gets a
    client: the client carries that same token, so the warning only misleads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def build_app(
    service: ConfService,
    home: HomeTabs,
    client: WebClient,
    signing_secret: str,
    executor: Executor,
    verify_token: bool = False,
) -> App:
    app = App(
        client=client,
        # Socket Mode needs no secret: its requests come over the bot's own socket, and
        # the HTTP endpoint is then not served at all (see server.py).
        signing_secret=signing_secret,
        request_verification_enabled=bool(signing_secret),
        # Answer each request as soon as its listener has answered (no 10 ms polling for
        # ack()); work that must follow the answer runs in lazy listeners on `executor`.
        process_before_response=True,
        listener_executor=executor,  # owned by the caller, so shutdown can wait for work after ack()
        # True (serve): auth.test now, its answer kept for every request; False (tests,
        # console): the first request asks.
        token_verification_enabled=verify_token,
        logger=_bolt_logger(),
    )

    def provide_service(context: BoltContext, next) -> None:
        context["conf"] = service
        context["home"] = home
        next()

    app.use(provide_service)
    register_listeners(app)
    return app
