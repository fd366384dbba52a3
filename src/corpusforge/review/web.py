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


def url(path: str, params: dict[str, Any] | None = None, **more: Any) -> str:
    """``path`` with the non-empty query parameters of ``params`` and ``more``."""
    items = {**(params or {}), **more}
    qs = urlencode({k: v for k, v in items.items() if v not in (None, "")})
    return f"{path}?{qs}" if qs else path
