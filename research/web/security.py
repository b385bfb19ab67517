"""Guards of the local server: the Host header, CSRF tokens, and headers every response carries.

The server binds to the loopback address; the Host check stops DNS-rebinding pages from
reaching it through a browser. Every form post and API write carries the CSRF token that
the server set in a SameSite=Strict cookie (the double-submit pattern): as the form field
`csrf_token` or the `X-CSRF-Token` header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from fastapi import Request
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "research_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# Scripts and styles come from this server only; highlight colours are inline styles, so
# style attributes are allowed, scripts inline are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Never to other sites; same-origin keeps the Origin header of form posts meaningful.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class CsrfError(Exception):
    """A write came without the CSRF token this browser was given."""


def host_name(host_header: str) -> str:
    """The host part of a Host header, without port; IPv6 brackets removed."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class HostCheckMiddleware:
    """Answer 400 to requests whose Host header names another host than the server's own."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {host.lower().strip("[]") for host in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("host", "")
        if host_name(header) not in self.allowed:
            allowed = ", ".join(sorted(self.allowed))
            response = JSONResponse(
                {
                    "detail": f"Host header {header!r} is not allowed; this server answers "
                    f"only to {allowed}"
                },
                status_code=400,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class TokenSigner:
    """CSRF tokens signed with a key of this server process.

    Cookies are not separated by port: a page served on another local port could plant its
    own `research_csrf` cookie and send the same value as the form field. A token this
    process did not sign is refused, and the browser is given a new one.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def new_token(self) -> str:
        """A fresh random token with its signature."""
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._signature(nonce)}"

    def is_valid(self, token: str | None) -> bool:
        """Whether `token` was signed by this process."""
        if not token or token.count(".") != 1:
            return False
        nonce, signature = token.split(".")
        return secrets.compare_digest(signature, self._signature(nonce))

    def _signature(self, nonce: str) -> str:
        digest = hmac.new(self.key, nonce.encode("ascii", "replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class SecurityHeadersMiddleware:
    """Add the security headers, and a signed CSRF cookie to a browser that has no valid one."""

    def __init__(self, app: ASGIApp, *, signer: TokenSigner) -> None:
        self.app = app
        self.signer = signer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = cookie_parser(Headers(scope=scope).get("cookie", "")).get(CSRF_COOKIE)
        cookie = existing if self.signer.is_valid(existing) else None
        token = cookie or self.signer.new_token()
        state = scope.setdefault("state", {})
        state["csrf_token"] = token
        state["csrf_signer"] = self.signer

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.decode("latin-1").lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name not in present:
                        headers.append((name.encode(), value.encode()))
                if cookie is None:
                    headers.append(
                        (
                            b"set-cookie",
                            f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode(),
                        )
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The token this browser must send back with its writes."""
    return str(request.state.csrf_token)


def _same_origin(request: Request) -> bool:
    """Whether a browser says the request comes from a page of this very server.

    Browsers send Origin with every POST and fetch write; scripts and command-line clients
    send none and rely on the token alone. Another port of the same host is another origin.
    """
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        host = request.headers.get("host", "")
        return origin in (f"http://{host}", f"https://{host}")
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


async def require_csrf(request: Request) -> None:
    """Refuse a write from another origin, or whose token is missing, forged or not ours."""
    if request.method in SAFE_METHODS:
        return
    if not _same_origin(request):
        raise CsrfError(
            f"cross-origin write refused (Origin {request.headers.get('origin')!r}); "
            "use the pages of this server"
        )
    signer: TokenSigner = request.state.csrf_signer
    expected = request.cookies.get(CSRF_COOKIE)
    if not signer.is_valid(expected):
        expected = None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent:
        raise CsrfError(
            "missing CSRF token: reload the page, or send the token from GET /api/session "
            "as the X-CSRF-Token header"
        )
    if not secrets.compare_digest(expected, sent):
        raise CsrfError("wrong CSRF token: reload the page and try again")
