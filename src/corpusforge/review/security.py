"""Guards of the review app: bind check, access token, host check, cross-site POST refusal, CSRF tokens.

- Loopback only by default: binding another address needs a token (:func:`check_bind`).
- Without a token, only loopback ``Host`` headers are served (defeats DNS rebinding).
- A token has at least :data:`MIN_TOKEN` characters (``auto`` generates one: :func:`resolve_token`).
- With a token, every page needs it: ``?token=`` once (then an HttpOnly, SameSite=Strict cookie holding an
  HMAC of the token under the workspace's secret, so it survives restarts), or ``Authorization: Bearer``.
- Every POST must come from this origin (``Sec-Fetch-Site``/``Origin``) and carry the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


MIN_TOKEN = 16
#: what ``--token`` takes to generate a token
AUTO_TOKEN = "auto"


class BindError(ValueError):
    """The server may not bind this address as asked (one-line message)."""


class TokenError(BindError):
    """The access token is too short to guard the app (one-line message)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` names and loopback IPv4/IPv6 addresses."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> None:
    """Refuse a token shorter than :data:`MIN_TOKEN` characters (None: no token, allowed).

    Raises:
        TokenError: naming the length and how to get a good token.
    """
    if token is not None and len(token) < MIN_TOKEN:
        raise TokenError(
            f"the review token (--token or CORPUSFORGE_REVIEW_TOKEN) has {len(token)} characters: "
            f"use at least {MIN_TOKEN}, or --token {AUTO_TOKEN} to generate one"
        )


def resolve_token(token: str | None) -> str | None:
    """The token to serve with: None for none (or empty), a fresh one for ``auto``, else ``token`` checked.

    Raises:
        TokenError: a token shorter than :data:`MIN_TOKEN` characters.
    """
    if not token:
        return None
    if token == AUTO_TOKEN:
        return secrets.token_urlsafe(24)  # 32 characters, 192 bits
    check_token(token)
    return token


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve a non-loopback address without a token, and any address with a short token.

    Raises:
        BindError: naming the address and how to pass a token.
        TokenError: the token is shorter than :data:`MIN_TOKEN` characters.
    """
    check_token(token or None)
    if not is_loopback(host) and not token:
        raise BindError(
            f"refusing to bind {host}: any address but 127.0.0.1 needs a token "
            f"(--token or CORPUSFORGE_REVIEW_TOKEN; --token {AUTO_TOKEN} generates one)"
        )


def load_secret(path: Path) -> bytes:
    """The app's CSRF key from ``path`` (created 0600 with 32 random bytes when missing)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
        path.unlink()
        return load_secret(path)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
    return path.read_bytes()


def _same(a: str, b: str) -> bool:
    """Constant-time equality of two strings (any characters: ``compare_digest`` takes only ASCII str)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


class Guard:
    """Per-app secrets and the checks the HTTP middleware runs on every request.

    Args:
        token: access token required on every request (None: loopback-only, no token).
        secret: key of the CSRF tokens and of the login cookie; keep it across restarts so open tabs can
            still save and logged-in browsers stay logged in.

    Raises:
        TokenError: ``token`` is shorter than :data:`MIN_TOKEN` characters.
    """

    def __init__(self, token: str | None = None, secret: bytes | None = None):
        check_token(token or None)
        self.token = token or None
        self._secret = secret or secrets.token_bytes(32)
        # a key of its own for the login cookie, so no CSRF token can ever equal a login cookie
        self._auth_key = hmac.new(self._secret, b"corpusforge review login", hashlib.sha256).digest()
        self._auth_value = self.auth_cookie(self.token) if self.token is not None else ""

    def auth_cookie(self, token: str) -> str:
        """The login cookie's value for ``token``: HMAC-SHA256 under the workspace's secret (hex)."""
        return hmac.new(self._auth_key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def _token_ok(self, sent: str) -> bool:
        # both sides are 64 hex digits: the comparison takes the same time whatever was sent
        return _same(self.auth_cookie(sent), self._auth_value)

    def _suffix(self, request: Request) -> str:
        # cookies are not separated by port: name them per port so two servers on one host do not clash
        return str(request.url.port or 0)

    def csrf_token(self, session: str) -> str:
        """The CSRF token bound to one browser session."""
        return hmac.new(self._secret, session.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def check_csrf(self, request: Request, form: Any) -> bool:
        """True when the form (or ``X-CSRF-Token`` header) carries this session's token."""
        sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
        return bool(sent) and _same(sent, request.state.csrf)

    def _authorised(self, request: Request) -> bool:
        if self.token is None:
            return True
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._token_ok(auth[7:].strip()):
            return True
        cookie = request.cookies.get(f"cfr_auth_{self._suffix(request)}", "")
        return _same(cookie, self._auth_value)

    def refuse(self, request: Request) -> Response | None:
        """A 400/401/403 response when the request must not be served, else None."""
        if self.token is None and not is_loopback(request.url.hostname or ""):
            return PlainTextResponse(
                "host not allowed: this review server only answers to 127.0.0.1/localhost", status_code=400
            )
        qtoken = request.query_params.get("token")
        if self.token is not None and qtoken is not None and request.method in SAFE_METHODS:
            if not self._token_ok(qtoken):
                return PlainTextResponse("wrong token", status_code=401)
            rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
            resp = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
            resp.set_cookie(
                f"cfr_auth_{self._suffix(request)}",
                self._auth_value,
                httponly=True,
                samesite="strict",
            )
            return resp
        if not self._authorised(request) and not request.url.path.startswith("/static/"):
            return PlainTextResponse(
                "this review server needs its token: open the URL printed by "
                "`corpusforge review` (it ends with ?token=...)",
                status_code=401,
            )
        if request.method not in SAFE_METHODS:
            site = request.headers.get("sec-fetch-site")
            if site is not None and site not in ("same-origin", "none"):
                return PlainTextResponse(
                    f"cross-site request refused (Sec-Fetch-Site: {site})", status_code=403
                )
            origin = request.headers.get("origin")
            expected = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin is not None and origin != expected:
                return PlainTextResponse(
                    "cross-site request refused (Origin does not match)", status_code=403
                )
        return None

    async def middleware(self, request: Request, call_next: Any) -> Response:
        """HTTP middleware: refuse, else attach session + CSRF token and add security headers."""
        response = self.refuse(request)
        if response is None:
            cookie = f"cfr_session_{self._suffix(request)}"
            session = request.cookies.get(cookie, "")
            new = len(session) < 32
            if new:
                session = secrets.token_urlsafe(32)
            request.state.csrf = self.csrf_token(session)
            response = await call_next(request)
            if new:
                response.set_cookie(cookie, session, httponly=True, samesite="strict")
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response
