"""Signing requests exactly as Slack signs them (v0 HMAC-SHA256), for console mode,
tests and benchmarks that drive the real endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlencode


def signature_headers(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = f"v0:{stamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def slash_command_body(text: str, user_id: str, response_url: str, command: str = "/conf") -> str:
    return urlencode(
        {
            "token": "unused-verification-token",
            "team_id": "T0CONF",
            "team_domain": "conf",
            "channel_id": "C0CONSOLE",
            "channel_name": "console",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0CONFBOT",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def event_callback_body(event: dict) -> str:
    """An Events API callback carrying `event`, as Slack posts it (JSON)."""
    return json.dumps(
        {
            "token": "unused-verification-token",
            "team_id": "T0CONF",
            "api_app_id": "A0CONFBOT",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
    )


def json_headers(secret: str, body: str) -> dict[str, str]:
    return {**signature_headers(secret, body), "Content-Type": "application/json"}
