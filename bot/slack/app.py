"""Wires the Bolt app: one place, nothing decided here."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.conf.service import ConfService
from bot.slack.listeners import register_listeners


def build_app(service: ConfService, client: WebClient, signing_secret: str, executor: Executor) -> App:
    app = App(
        client=client,
        signing_secret=signing_secret,
        listener_executor=executor,  # owned by the caller, so shutdown can wait for work after ack()
        token_verification_enabled=False,  # no auth.test at import time; the first request checks
        logger=logging.getLogger("bot.slack"),
    )

    def provide_service(context: BoltContext, next) -> None:
        context["conf"] = service
        next()

    app.use(provide_service)
    register_listeners(app)
    return app
