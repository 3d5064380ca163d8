"""The Slack app manifest asks for what the bot uses: the Home tab and its event, and
the scopes of the Web API methods it calls."""

from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def test_the_home_tab_is_enabled_and_its_event_subscribed():
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) >= {"app_mention", "app_home_opened"}


def test_scopes_cover_the_methods_the_bot_calls():
    scopes = set(yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["oauth_config"]["scopes"]["bot"])
    # chat.postMessage, conversations.open/history, users.info, conversations.list
    assert scopes >= {"commands", "chat:write", "im:write", "im:history", "users:read", "channels:read"}
