"""The subscribe / unsubscribe buttons, and the Home tab's controls.

A button inside a `/conf` reply re-runs the command that made the reply (kept in the
block id) and replaces the message through its `response_url`, so the button flips. A
button in the Home tab publishes the tab again. A button anywhere else (a digest in a
channel) leaves the message alone and confirms to the clicker only.
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond

from bot.conf.service import ConfService
from bot.slack.respond import respond_or_log
from bot.store.errors import StoreUnavailable
from bot.views.blocks import SUBSCRIBE, UNSUBSCRIBE
from bot.views.home import LEAD_TIME, UNFOLLOW
from bot.webapi.home_tabs import HomeTabs

log = logging.getLogger(__name__)


def _command_of(block_id: str) -> str | None:
    """`conf:sub 1Auye` or `s3:search cilium` -> the command text, else None."""
    prefix, colon, text = block_id.partition(":")
    if colon and (prefix == "conf" or (prefix.startswith("s") and prefix[1:].isdigit())):
        return text
    return None


def acknowledge(ack: Ack) -> None:
    ack()  # at once: the work below talks to Slack (response_url)


def _toggle(body: dict, context: BoltContext, respond: Respond, subscribe: bool) -> None:
    service: ConfService = context["conf"]
    action = body["actions"][0]
    user_id = body["user"]["id"]
    confirmation = service.toggle(user_id, action.get("value", ""), subscribe)
    if _in_home_tab(body):
        _home(context).publish(user_id)
        return
    command_text = _command_of(action.get("block_id", ""))
    if command_text is not None:
        reply = service.handle(user_id, command_text)
        respond_or_log(respond, replace_original=True, text=reply.text, blocks=reply.blocks)
    else:
        respond_or_log(
            respond,
            response_type="ephemeral",
            replace_original=False,
            text=confirmation.text,
            blocks=confirmation.blocks,
        )


def _in_home_tab(body: dict) -> bool:
    return (body.get("container") or {}).get("type") == "view" or (body.get("view") or {}).get("type") == "home"


def _home(context: BoltContext) -> HomeTabs:
    return context["home"]


def lead_time_chosen(body: dict, context: BoltContext) -> None:
    """The Home tab's reminder select: the same as `/conf remind MINUTES|off`."""
    service: ConfService = context["conf"]
    user_id = body["user"]["id"]
    chosen = (body["actions"][0].get("selected_option") or {}).get("value", "")
    service.handle(user_id, f"remind {chosen}")
    _home(context).publish(user_id)


def unfollow_clicked(body: dict, context: BoltContext) -> None:
    """The Home tab's "Stop following": the same as `/conf unfollow …`."""
    service: ConfService = context["conf"]
    user_id = body["user"]["id"]
    kind, _, value = body["actions"][0].get("value", "").partition(":")
    try:
        service.stop_following(user_id, kind, value)
    except StoreUnavailable as problem:
        log.warning("Stop following for %s not done: %s", user_id, problem)  # the tab still shows it
    _home(context).publish(user_id)


def subscribe_clicked(body: dict, context: BoltContext, respond: Respond) -> None:
    _toggle(body, context, respond, subscribe=True)


def unsubscribe_clicked(body: dict, context: BoltContext, respond: Respond) -> None:
    _toggle(body, context, respond, subscribe=False)


def register(app: App) -> None:
    app.action(SUBSCRIBE)(ack=acknowledge, lazy=[subscribe_clicked])
    app.action(UNSUBSCRIBE)(ack=acknowledge, lazy=[unsubscribe_clicked])
    app.action(LEAD_TIME)(ack=acknowledge, lazy=[lead_time_chosen])
    app.action(UNFOLLOW)(ack=acknowledge, lazy=[unfollow_clicked])
