"""Events: a mention of the bot gets a pointer to `/conf`, in a thread; opening the
bot's Home tab publishes that person's tab."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Say

from bot.webapi.home_tabs import HomeTabs


def app_mentioned(event: dict, say: Say) -> None:
    say(
        text="Hi! Ask me with `/conf`: `/conf now`, `/conf next`, `/conf search cilium`, `/conf help`.",
        thread_ts=event.get("thread_ts") or event.get("ts"),
    )


def home_opened(event: dict, context: BoltContext) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab, or nobody: nothing to publish
    home: HomeTabs = context["home"]
    home.opened(event["user"])


def acknowledge(ack: Ack) -> None:
    ack()  # at once: the answer is a Web API call


def register(app: App) -> None:
    app.event("app_mention")(ack=acknowledge, lazy=[app_mentioned])
    app.event("app_home_opened")(ack=acknowledge, lazy=[home_opened])
