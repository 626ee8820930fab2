"""The ASGI middleware on its own, driven with plain ASGI messages: body limit edges, headers per
path, request log and metrics, and crashes before or after a response started."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message, Receive, Scope, Send

from edgeapp.metrics import RequestMetrics
from edgeapp.middleware.request_log import RequestLogMiddleware, route_label
from edgeapp.middleware.security import BodyLimitMiddleware, HostCheckMiddleware, SecurityHeadersMiddleware


def http_scope(path: str = "/api/x", *, headers: list[tuple[bytes, bytes]] | None = None, **extra: Any) -> Scope:
    """An HTTP request scope."""
    return {"type": "http", "method": "POST", "path": path, "headers": headers or [(b"host", b"127.0.0.1")], **extra}


def call(app: Any, scope: Scope, chunks: Sequence[bytes] = ()) -> list[Message]:
    """Run `app` on one request whose body arrives in `chunks`; the messages it sent."""
    sent: list[Message] = []
    pending = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


async def read_all_then_ok(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that reads the whole body and answers 200 with its length."""
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


def status_of(messages: list[Message]) -> int:
    """The status of the (only) response."""
    starts = [m for m in messages if m["type"] == "http.response.start"]
    assert len(starts) == 1, messages
    return int(starts[0]["status"])


@pytest.mark.parametrize(("size", "status"), [(100, 200), (101, 413)])
def test_declared_body_at_the_limit_passes_and_one_byte_more_is_413(size: int, status: int) -> None:
    app = BodyLimitMiddleware(read_all_then_ok, max_bytes=100)
    scope = http_scope(headers=[(b"host", b"127.0.0.1"), (b"content-length", str(size).encode())])
    assert status_of(call(app, scope, [b"x" * size])) == status


@pytest.mark.parametrize(("chunks", "status"), [([50, 50], 200), ([50, 51], 413), ([101], 413)])
def test_streamed_body_is_counted_across_chunks(chunks: list[int], status: int) -> None:
    app = BodyLimitMiddleware(read_all_then_ok, max_bytes=100)
    messages = call(app, http_scope(), [b"y" * n for n in chunks])
    assert status_of(messages) == status
    if status == 413:
        assert json.loads(messages[-1]["body"])["error"]["type"] == "payload_too_large"


def test_an_app_reading_the_body_is_told_the_client_left_after_the_413() -> None:
    async def reads_body(scope: Scope, receive: Receive, send: Send) -> None:
        await Request(scope, receive).body()  # raises ClientDisconnect once the limit is hit
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"never"})

    messages = call(BodyLimitMiddleware(reads_body, max_bytes=100), http_scope(), [b"z" * 60, b"z" * 60])
    assert status_of(messages) == 413
    assert b"never" not in b"".join(m.get("body", b"") for m in messages)


def test_a_real_client_disconnect_is_not_swallowed() -> None:
    async def disconnected(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        raise ClientDisconnect()

    with pytest.raises(ClientDisconnect):
        call(BodyLimitMiddleware(disconnected, max_bytes=100), http_scope(), [b"small"])


def test_non_http_scopes_pass_every_check_untouched() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    for middleware in (
        HostCheckMiddleware(inner),
        BodyLimitMiddleware(inner, max_bytes=1),
        SecurityHeadersMiddleware(inner),
        RequestLogMiddleware(inner, metrics=RequestMetrics()),
    ):
        call(middleware, {"type": "lifespan"})
    assert seen == ["lifespan"] * 4


async def ok(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 200 at once."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-own", b"1")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_api_responses_are_never_cached_and_pages_may_be() -> None:
    app = SecurityHeadersMiddleware(ok)
    api = dict(call(app, http_scope("/api/health"))[0]["headers"])
    page = dict(call(app, http_scope("/index.html"))[0]["headers"])
    assert api[b"cache-control"] == b"no-store" and b"cache-control" not in page
    for headers in (api, page):
        assert headers[b"x-own"] == b"1" and headers[b"x-frame-options"] == b"DENY"
        assert b"frame-ancestors 'none'" in headers[b"content-security-policy"]


def test_request_log_times_the_request_and_labels_routes(caplog: pytest.LogCaptureFixture) -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(0.05)
        scope["route"] = object()  # what the router sets on a match
        await ok(scope, receive, send)

    metrics = RequestMetrics()
    with caplog.at_level(logging.INFO, logger="edgeapp.request"):
        started = time.perf_counter()
        call(RequestLogMiddleware(slow, metrics=metrics), http_scope("/api/health", method="GET"))
        wall_ms = (time.perf_counter() - started) * 1000
    (record,) = [r for r in caplog.records if r.getMessage() == "request"]
    assert (record.method, record.path, record.status) == ("GET", "/api/health", 200)  # type: ignore[attr-defined]
    assert 50 <= record.duration_ms <= wall_ms  # type: ignore[attr-defined]
    assert "GET /api/health" in json.dumps(metrics.snapshot())


def test_routes_without_a_match_share_one_metrics_label() -> None:
    assert route_label({"path": "/api/nope-1"}) == "/api/<unmatched>"
    assert route_label({"path": "/css/app.css"}) == "<static>"
    assert route_label({"path": "/api/health", "route": object()}) == "/api/health"


def test_a_crash_before_the_response_is_a_json_500_with_an_error_id(caplog: pytest.LogCaptureFixture) -> None:
    async def crash(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    metrics = RequestMetrics()
    with caplog.at_level(logging.INFO, logger="edgeapp.request"):
        messages = call(RequestLogMiddleware(crash, metrics=metrics), http_scope("/api/x", method="GET"))
    assert status_of(messages) == 500
    error = json.loads(messages[-1]["body"])["error"]
    assert len(error["id"]) == 12 and error["id"] in error["message"]
    logged = [r for r in caplog.records if getattr(r, "error_id", None) == error["id"]]
    assert logged and logged[0].exc_info is not None
    (request,) = [r for r in caplog.records if r.getMessage() == "request"]
    assert request.status == 500  # type: ignore[attr-defined]


def test_an_app_that_never_answers_is_logged_as_500(caplog: pytest.LogCaptureFixture) -> None:
    async def silent(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    metrics = RequestMetrics()
    with caplog.at_level(logging.INFO, logger="edgeapp.request"):
        call(RequestLogMiddleware(silent, metrics=metrics), http_scope("/api/x", method="GET"))
    (request,) = [r for r in caplog.records if r.getMessage() == "request"]
    assert request.status == 500  # type: ignore[attr-defined]


def test_a_crash_after_the_response_started_sends_nothing_more() -> None:
    async def crash_midway(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("boom")

    started = time.perf_counter()
    messages = call(RequestLogMiddleware(crash_midway, metrics=RequestMetrics()), http_scope(method="GET"))
    assert [m["type"] for m in messages] == ["http.response.start"]
    assert time.perf_counter() - started < 5
