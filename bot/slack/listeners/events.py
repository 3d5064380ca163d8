"""Events: a mention of the bot gets a pointer to `/conf`, in a thread."""

from __future__ import annotations

from slack_bolt import Ack, App, Say


def app_mentioned(event: dict, say: Say) -> None:
    say(
        text="Hi! Ask me with `/conf`: `/conf now`, `/conf next`, `/conf search cilium`, `/conf help`.",
        thread_ts=event.get("thread_ts") or event.get("ts"),
    )


def acknowledge(ack: Ack) -> None:
    ack()  # at once: the answer is a Web API call


def register(app: App) -> None:
    app.event("app_mention")(ack=acknowledge, lazy=[app_mentioned])
