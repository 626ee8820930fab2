"""Helpers shared by the middleware: header lookup and JSON error responses in ASGI terms."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import Scope, Send

from edgeapp.errors import EdgeAppError

ErrorRenderer = Callable[[EdgeAppError], dict[str, Any]]


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header, decoded as latin-1 (per HTTP)."""
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def error_body(error: EdgeAppError, *, error_id: str | None = None) -> bytes:
    """`error` as the JSON body of a response."""
    return json.dumps(error.payload(error_id=error_id)).encode()


async def send_error(
    send: Send, error: EdgeAppError, *, error_id: str | None = None, render: ErrorRenderer | None = None
) -> None:
    """Send `error` as a complete JSON response (in another API's shape with `render`)."""
    body = json.dumps(render(error)).encode() if render is not None else error_body(error, error_id=error_id)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in error.headers().items()),
    ]
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
