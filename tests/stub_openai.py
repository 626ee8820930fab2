"""A scripted OpenAI-compatible server for the remote engine's failure tests: it can stall, refuse,
ask for a key or go away, on demand. The real-server tests use `python -m llama_cpp.server`."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from edgeapp.server import BackgroundServer, bind_socket


@dataclass
class Script:
    """What the stub does; tests change it while it runs."""

    models: list[str] = field(default_factory=lambda: ["stub-model"])
    pieces: list[str] = field(default_factory=lambda: [" Avery", " enjoys", " robotics."])
    models_status: int = 200
    models_hang: bool = False  # /v1/models answers nothing (as llama_cpp.server while it generates)
    models_asked: int = 0
    completion_status: int = 200
    stall_after: int | None = None  # stop sending after this many pieces (and never finish)
    api_key: str = ""
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)


def stub_app(script: Script) -> FastAPI:
    """The stub's ASGI app."""
    app = FastAPI()

    def refused(request: Request) -> JSONResponse | None:
        if script.api_key and request.headers.get("authorization") != f"Bearer {script.api_key}":
            return JSONResponse({"error": {"message": "Invalid API key", "type": "auth"}}, status_code=401)
        return None

    @app.get("/v1/models")
    async def models(request: Request) -> Response:
        script.models_asked += 1
        if (refusal := refused(request)) is not None:
            return refusal
        if script.models_hang:
            await asyncio.sleep(3600)
        if script.models_status != 200:
            return JSONResponse({"error": {"message": "loading"}}, status_code=script.models_status)
        return JSONResponse({"object": "list", "data": [{"id": m, "object": "model"} for m in script.models]})

    async def pieces(chat: bool) -> AsyncIterator[str]:
        for index, piece in enumerate(script.pieces):
            if script.stall_after is not None and index >= script.stall_after:
                await asyncio.sleep(3600)
            if chat:
                choice: dict[str, Any] = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            else:
                choice = {"index": 0, "text": piece, "finish_reason": None}
            yield f"data: {json.dumps({'choices': [choice]})}\n\n"
        yield "data: [DONE]\n\n"

    async def complete(request: Request, chat: bool) -> Response:
        body = await request.json()
        script.requests.append((request.url.path, body, dict(request.headers)))
        if (refusal := refused(request)) is not None:
            return refusal
        if script.completion_status != 200:
            return JSONResponse({"error": {"message": "busy"}}, status_code=script.completion_status)
        if not body.get("stream"):
            return JSONResponse({"choices": [{"index": 0, "text": "", "message": {"content": ""}}]})
        return StreamingResponse(pieces(chat), media_type="text/event-stream")

    @app.post("/v1/completions")
    async def completions(request: Request) -> Response:
        return await complete(request, chat=False)

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        return await complete(request, chat=True)

    return app


@contextmanager
def stub_server(script: Script) -> Iterator[str]:
    """Serve the stub on 127.0.0.1 and a free port; yields its OpenAI base URL (…/v1)."""
    server = BackgroundServer(stub_app(script), bind_socket("127.0.0.1", 0), log_level="warning")
    server.start()
    try:
        yield f"{server.url}/v1"
    finally:
        server.stop()


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that accepts connections (the kernel completes them) but never answers a byte."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    finally:
        sock.close()


def closed_port_url() -> str:
    """An OpenAI base URL where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
