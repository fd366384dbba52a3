"""Keep secrets out of every error text: configured API keys and anything shaped like a bearer token.

Backends :func:`remember` the key they send; :func:`redact` is applied where error texts are built
(``BackendError``, ``LLMError``), before summaries are stored (``Store.finish_run``) and by the log filter
the CLI installs (:class:`RedactFilter`), so an echoed key is never printed, logged or saved.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[redacted]"
_known: set[str] = set()
_SHAPES = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:sk|pk|rk|hf|gsk|xai)[-_][A-Za-z0-9_\-*.]{6,}"  # provider keys: sk-..., hf_...
    r"|(?i:bearer)\s+(?=[A-Za-z0-9._~+/=\-*]*[0-9._~+/=\-*])[A-Za-z0-9._~+/=\-*]{6,}"  # Bearer <token>
    r"|(?i:basic)\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}"  # Basic <base64>, not "basic words"
    r"|(?i:api[_-]?key|access[_-]?token|secret|password)([\"']?\s*[=:]\s*[\"']?)[^\s\"'&,;]{4,}"
)


def remember(secret: str | None) -> None:
    """Add a secret (e.g. the configured API key) to those :func:`redact` removes; short values are ignored."""
    if secret and len(secret) >= 6 and secret != "no-key":
        _known.add(secret)


def redact(text: Any) -> str:
    """``text`` with every remembered secret and every token-shaped string replaced by ``[redacted]``."""
    s = str(text)
    for secret in sorted(_known, key=len, reverse=True):
        if secret in s:
            s = s.replace(secret, MASK)
    return _SHAPES.sub(_mask, s)


def _mask(m: re.Match[str]) -> str:
    text = m.group(0)
    if m.group(1) is not None:  # key=value: keep the key name
        return text[: m.start(1) - m.start(0)] + m.group(1) + MASK
    head = re.match(r"(?i)(bearer|basic)\s+", text)
    return (head.group(0) if head else "") + MASK


def redact_data(value: Any) -> Any:
    """:func:`redact` applied to every string inside nested dicts/lists (keys kept)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v) for v in value]
    return value


class RedactFilter(logging.Filter):
    """A logging filter that redacts each record's formatted message (and drops its args)."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        try:
            msg = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        clean = redact(msg)
        if clean != msg or record.args:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
