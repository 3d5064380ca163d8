"""Block Kit to readable terminal text, for console mode. Pure."""

from __future__ import annotations

import re

_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)>")  # a channel mention without its name


def mrkdwn_to_text(text: str) -> str:
    text = _LINK.sub(r"\2", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _CHANNEL.sub(r"#\1", text)
    text = text.replace("*", "").replace("`", "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _select_text(select: dict) -> str:
    """`[Off | 5 minutes before | *10 minutes before* …]`: the chosen option starred."""
    chosen = (select.get("initial_option") or {}).get("value")
    labels = [
        f"*{o['text']['text']}*" if o.get("value") == chosen else o["text"]["text"] for o in select.get("options", [])
    ]
    return "[" + " | ".join(labels) + "]"


def _element_text(element: dict) -> str:
    if element.get("type") == "static_select":
        return _select_text(element)
    if element.get("type") == "button":
        label = element.get("text", {}).get("text", "")
        return f"[{label} {element.get('value', '')}]".replace("  ", " ")
    return mrkdwn_to_text(element.get("text", "") if isinstance(element.get("text"), str) else "")


def blocks_to_text(blocks: list[dict], fallback: str = "") -> str:
    if not blocks:
        return mrkdwn_to_text(fallback)
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = mrkdwn_to_text((block.get("text") or {}).get("text", ""))
            accessory = block.get("accessory")
            if accessory:
                text += "  " + _element_text(accessory)
            lines.append(text)
        elif kind == "context":
            lines.append("  " + " ".join(mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", [])))
        elif kind == "actions":
            lines.append("  " + " ".join(_element_text(e) for e in block.get("elements", [])))
        elif kind == "divider":
            lines.append("—" * 20)
    return "\n".join(lines)
