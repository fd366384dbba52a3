"""Small helpers shared by the review app's route modules: links that keep the filters, and who is reviewing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlencode

from fastapi import Request

#: what a reviewer may call themselves (the ``/reviewer`` form and its cookie)
NAME = re.compile(r"[\w .@-]{1,40}")


def reviewer_of(request: Request) -> str:
    """The name this browser gave itself (``/reviewer``), else the app's default reviewer."""
    raw = unquote(request.cookies.get(f"cfr_name_{request.url.port or 0}", ""))
    return raw if NAME.fullmatch(raw) else str(request.app.state.reviewer)


def field(data: Any, key: str) -> str:
    """A text field of a form or query (``""`` when missing, or when an uploaded file came instead)."""
    v = data.get(key)
    return v if isinstance(v, str) else ""


def int_param(value: Any, default: int, lo: int, hi: int) -> int:
    """A whole number from a query or form field, clamped to ``[lo, hi]``; ``default`` when malformed.

    Only ASCII digits count (``str.isdigit`` also takes ``"²"``, which ``int`` refuses); a number too long
    to parse cheaply is taken as ``hi``.
    """
    s = value.strip() if isinstance(value, str) else ""
    if not (s.isascii() and s.isdigit()):
        return default
    return hi if len(s) > 18 else min(max(int(s), lo), hi)


def url(path: str, params: dict[str, Any] | None = None, **more: Any) -> str:
    """``path`` with the non-empty query parameters of ``params`` and ``more``."""
    items = {**(params or {}), **more}
    qs = urlencode({k: v for k, v in items.items() if v not in (None, "")})
    return f"{path}?{qs}" if qs else path
