"""Slack's Block Kit limits, applied to every message the bot builds. Pure.

Slack refuses a whole message (`invalid_blocks`) when one field is too long, so a long
conference title would cost a day's digest. Every Reply passes through `fit_blocks`:
texts are clipped (never inside a `<link|label>` or an `&amp;` escape), ids shortened
and made unique, and the block count capped.
"""

from __future__ import annotations

import re

MAX_BLOCKS = 50  # a message; a Home tab view allows 100
MAX_TEXT = 3000  # a section's or context element's text
MAX_HEADER = 150  # a header block's plain text
MAX_FIELD = 2000  # one of a section's fields
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_VALUE = 2000  # a button's value
MAX_ID = 255  # block_id, action_id
MAX_URL = 3000
MAX_FALLBACK = 3000  # the message's `text`: shown in notifications, where shorter is better

_OPEN_MARKUP = re.compile(r"<[^>]*$|&[a-z]*$")  # a link or escape the cut would break


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """`text` within `limit` characters, ending in `…` when cut; a cut never splits a
    `<url|label>` link or an `&lt;` escape, which would show as markup or ping nobody knows."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    kept = _OPEN_MARKUP.sub("", kept)
    return kept.rstrip() + "…"


def _fit_text(obj: dict, limit: int) -> dict:
    if isinstance(obj.get("text"), str) and len(obj["text"]) > limit:
        return {**obj, "text": clip(obj["text"], limit)}
    return obj


def _fit_element(element: dict, limit: int = MAX_TEXT) -> dict:
    element = dict(element)
    if element.get("type") in ("mrkdwn", "plain_text"):
        return _fit_text(element, limit)
    if isinstance(element.get("text"), dict):
        text_limit = MAX_BUTTON_TEXT if element.get("type") == "button" else limit
        element["text"] = _fit_text(element["text"], text_limit)
    if isinstance(element.get("value"), str):
        element["value"] = element["value"][:MAX_VALUE]
    if isinstance(element.get("action_id"), str):
        element["action_id"] = element["action_id"][:MAX_ID]
    if isinstance(element.get("url"), str) and len(element["url"]) > MAX_URL:
        del element["url"]  # a cut URL leads nowhere; the button still works without it
    if isinstance(element.get("options"), list):
        element["options"] = [_fit_element(option, MAX_BUTTON_TEXT) for option in element["options"][:100]]
    return element


def _fit_block(block: dict) -> dict:
    block = dict(block)
    kind = block.get("type")
    if isinstance(block.get("text"), dict):
        block["text"] = _fit_text(block["text"], MAX_HEADER if kind == "header" else MAX_TEXT)
    if isinstance(block.get("fields"), list):
        block["fields"] = [_fit_text(f, MAX_FIELD) for f in block["fields"][:MAX_FIELDS]]
    if isinstance(block.get("accessory"), dict):
        block["accessory"] = _fit_element(block["accessory"])
    if isinstance(block.get("elements"), list):
        cap = MAX_CONTEXT_ELEMENTS if kind == "context" else 25
        block["elements"] = [_fit_element(e) for e in block["elements"][:cap]]
    return block


def _unique_block_ids(blocks: list[dict]) -> list[dict]:
    """Slack refuses two blocks with one block_id; the later ones get a numbered suffix."""
    seen: set[str] = set()
    for block in blocks:
        block_id = block.get("block_id")
        if not isinstance(block_id, str):
            continue
        block_id = block_id[:MAX_ID]
        number = 1
        while block_id in seen:
            suffix = f"~{number}"
            block_id = block["block_id"][: MAX_ID - len(suffix)] + suffix
            number += 1
        seen.add(block_id)
        block["block_id"] = block_id
    return blocks


def fit_blocks(blocks: list[dict], max_blocks: int = MAX_BLOCKS) -> list[dict]:
    """Blocks Slack accepts: each field within its limit, unique ids, at most `max_blocks`."""
    return _unique_block_ids([_fit_block(block) for block in blocks[:max_blocks]])
