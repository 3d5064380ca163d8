"""Slack's error answers: which are final, and the code of any failure."""

from __future__ import annotations

# Retrying these cannot help: the row fails, logged once.
PERMANENT_ERRORS = {
    "user_not_found",
    "users_not_found",
    "cannot_dm_bot",
    "account_inactive",
    "user_disabled",
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "messages_tab_disabled",
    "restricted_action",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "missing_scope",
    "invalid_blocks",
    "invalid_metadata_format",
    "msg_too_long",
    "no_text",
}


def error_code(problem: Exception) -> str:
    """Slack's error code (`user_not_found`), else the HTTP status or the exception's name."""
    response = getattr(problem, "response", None)
    if response is not None:
        try:
            return str(response.get("error") or f"http_{response.status_code}")
        except AttributeError:
            pass
    return type(problem).__name__
