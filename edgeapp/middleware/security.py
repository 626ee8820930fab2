"""Security middleware: Host check (DNS rebinding), body size limit, CSRF token, security headers."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgeapp.errors import BadHost, Forbidden, PayloadTooLarge
from edgeapp.middleware.common import ErrorRenderer, header, send_error

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = b"x-edgeapp-token"


def host_is_local_or_ip(host_header: str, extra_hosts: Iterable[str] = ()) -> bool:
    """True for `localhost`, IP literals and configured names: a DNS-rebound name is none of these."""
    host = urlsplit(f"//{host_header}").hostname or ""
    if host in {"localhost", *extra_hosts} or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class HostCheckMiddleware:
    """Refuse requests whose Host header names a foreign domain (400)."""

    def __init__(self, app: ASGIApp, *, extra_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.extra_hosts = frozenset(extra_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request."""
        if scope["type"] == "http":
            host = header(scope, b"host")
            if host is None or not host_is_local_or_ip(host, self.extra_hosts):
                await send_error(send, BadHost(f"host {host!r} is not served here"))
                return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Answer 413 when a body is larger than `max_bytes`, declared or streamed."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        skip_prefixes: tuple[str, ...] = (),
        render: ErrorRenderer | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.skip_prefixes = skip_prefixes  # paths served by a sub-app with a limit of its own
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request's body."""
        if scope["type"] != "http" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        error = PayloadTooLarge(f"request body is over {self.max_bytes} bytes")
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_error(send, error, render=self.render)
            return
        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not too_large:
                    # Answer 413 now and tell the app the client left, so it stops reading.
                    too_large = True
                    await send_error(send, error, render=self.render)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not too_large:
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except ClientDisconnect:
            if not too_large:
                raise


class CSRFMiddleware:
    """State-changing /api requests need the per-launch token; foreign Origins are refused."""

    def __init__(self, app: ASGIApp, *, token: str, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.token = token
        self.allowed_origins = frozenset(allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request."""
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS and scope["path"].startswith("/api/"):
            origin = header(scope, b"origin")
            if origin is not None and origin != "null" and not self._origin_allowed(origin, scope):
                await send_error(send, Forbidden(f"requests from {origin} are not allowed"))
                return
            supplied = header(scope, TOKEN_HEADER) or ""
            if not secrets.compare_digest(supplied.encode(), self.token.encode()):
                await send_error(send, Forbidden("missing or wrong X-EdgeApp-Token header"))
                return
        await self.app(scope, receive, send)

    def _origin_allowed(self, origin: str, scope: Scope) -> bool:
        if origin.rstrip("/") in self.allowed_origins:
            return True
        own_host = header(scope, b"host") or ""
        return urlsplit(origin).netloc == own_host


class SecurityHeadersMiddleware:
    """Add CSP and friends to every response; API responses are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Decorate one response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"].startswith("/api/")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if is_api:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)
