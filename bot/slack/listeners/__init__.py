"""Registers Bolt listeners by kind, as Slack's starter template does."""

from slack_bolt import App

from bot.slack.listeners import actions, commands, events


def register_listeners(app: App) -> None:
    commands.register(app)
    actions.register(app)
    events.register(app)
