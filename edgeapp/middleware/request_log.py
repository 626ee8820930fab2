"""One JSON log line per request, request metrics, and a 500 with an error id for the unexpected."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edgeapp.errors import EdgeAppError
from edgeapp.metrics import RequestMetrics
from edgeapp.middleware.common import send_error

logger = logging.getLogger("edgeapp.request")


def route_label(scope: Scope) -> str:
    """The matched route, so metrics do not grow per URL (API routes have no path parameters)."""
    if scope.get("route") is None:
        return "/api/<unmatched>" if scope["path"].startswith("/api/") else "<static>"
    return str(scope["path"])


class RequestLogMiddleware:
    """Outermost layer: times the request, logs it, and turns crashes into JSON 500s."""

    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap one HTTP request."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = int(message["status"])
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            error_id = uuid.uuid4().hex[:12]
            logger.exception("unhandled error", extra={"error_id": error_id, "path": scope["path"]})
            status = 500
            if not response_started:
                await send_error(
                    send,
                    EdgeAppError(f"internal error; quote id {error_id} when reporting it"),
                    error_id=error_id,
                )
        finally:
            seconds = time.perf_counter() - started
            self.metrics.record(f"{scope['method']} {route_label(scope)}", status, seconds)
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
