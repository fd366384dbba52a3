"""Turn an LLM reply into JSON: strict parse, then repair, and complete items from a truncated list.

A reply cut off by the token budget (``finish_reason == "length"``) is never repaired wholesale, since
repairing would close the last half-written item and keep it. Instead the complete items of the first
list are decoded one by one and the partial tail is dropped; the caller asks again for the rest with a
larger budget.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?\s*(```\s*)?$", re.S)
_DECODER = json.JSONDecoder()


@dataclass(slots=True)
class JSONReply:
    """A parsed reply.

    Attributes:
        data: the parsed JSON value, or None when nothing could be read.
        items: the complete items of the reply's list (a top-level list, the list under ``key``, or the
            first list-valued field of an object); empty when there is none.
        truncated: the reply was cut off (``finish_reason == "length"``); more items may be missing.
        repaired: json-repair had to fix the text.
        error: why nothing could be read ('' when ``data`` is set).
    """

    data: Any = None
    items: list[Any] = field(default_factory=list)
    truncated: bool = False
    repaired: bool = False
    error: str = ""


def _strip_fence(text: str) -> str:
    m = _FENCE.match(text)
    return m.group(1) if m else text


def _list_of(data: Any, key: str | None) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if key is not None:
            v = data.get(key)
            return v if isinstance(v, list) else []
        for v in data.values():
            if isinstance(v, list):
                return v
    return []


def _first_list_start(text: str, key: str | None) -> tuple[int, str | None]:
    """Index of the '[' opening the wanted list (outside strings) and the key it belongs to, or -1."""
    in_str, esc, last_str_start, last_str = False, False, -1, None
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
                last_str = text[last_str_start + 1 : i]
            continue
        if ch == '"':
            in_str, last_str_start = True, i
        elif ch == "[" and (key is None or last_str == key or i == len(text) - len(text.lstrip())):
            return i, (None if i == len(text) - len(text.lstrip()) else last_str)
    return -1, None


def complete_items(text: str, key: str | None = None) -> tuple[list[Any], str | None]:
    """The complete JSON items of the first list in a (possibly cut off) text, and that list's key."""
    text = _strip_fence(text)
    start, found_key = _first_list_start(text, key)
    if start < 0:
        return [], None
    items: list[Any] = []
    pos = start + 1
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n or text[pos] == "]":
            break
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        items.append(value)
    return items, found_key


def parse_json_reply(text: str, finish_reason: str = "stop", key: str | None = None) -> JSONReply:
    """Parse an LLM reply as JSON.

    Args:
        text: the reply text (code fences are stripped).
        finish_reason: the backend's finish reason; ``"length"`` means the reply was cut off.
        key: the field holding the list of items (default: a top-level list or the first list field).

    Returns:
        A :class:`JSONReply`; never raises on bad text.
    """
    body = _strip_fence(text or "").strip()
    if finish_reason == "length":
        try:  # a cut-off reply that happens to be complete JSON is fine as it is
            data = json.loads(body)
            return JSONReply(data=data, items=_list_of(data, key), truncated=True)
        except json.JSONDecodeError:
            pass
        items, found_key = complete_items(body, key)
        if not items:
            return JSONReply(truncated=True, error="reply cut off before the first complete item")
        data = {found_key: items} if found_key else items
        return JSONReply(data=data, items=items, truncated=True)
    if not body:
        return JSONReply(error="empty reply")
    try:
        data = json.loads(body)
        return JSONReply(data=data, items=_list_of(data, key))
    except json.JSONDecodeError:
        pass
    import json_repair

    try:
        data = json_repair.loads(body)
    except Exception as e:  # json-repair raises assorted errors on garbage
        return JSONReply(error=f"not JSON and not repairable: {type(e).__name__}")
    if data in ("", None, [], {}) and body not in ("[]", "{}"):
        return JSONReply(error="not JSON and not repairable")
    return JSONReply(data=data, items=_list_of(data, key), repaired=True)
