"""Shared test helpers: the shared/ reference folder, settings, live servers and SSE parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from edgeapp.app import create_app
from edgeapp.chat.engine import Engine
from edgeapp.config import Settings
from edgeapp.server import BackgroundServer, bind_socket
from tests.prerequisites import SHARED_HINT, require_file

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODEL_FILE = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"


def shared_path(*parts: str) -> Path:
    """A file in ../shared; skipped (failed under CI=true) when this clone has none beside it."""
    return require_file(SHARED.joinpath(*parts), SHARED_HINT)


def require_model() -> Path:
    """The default model file; its absence is a failure, since `make test` assembles it."""
    if not MODEL_FILE.is_file():
        pytest.fail(f"{MODEL_FILE} is missing: run `make test`, which assembles the default model")
    return MODEL_FILE


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test: no config files, a temporary data dir, the model off unless asked."""
    values: dict[str, Any] = {"data_dir": data_dir, "model_enabled": False}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextmanager
def live_server(settings: Settings, *, engine: Engine | None = None) -> Iterator[BackgroundServer]:
    """A real uvicorn server for `create_app(settings)` on 127.0.0.1 and a free port, stopped after."""
    sock = bind_socket("127.0.0.1", 0)
    server = BackgroundServer(create_app(settings, engine=engine), sock, log_level="warning")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Split a text/event-stream body into (event, data) pairs."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", ""
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
        events.append((name, json.loads(data) if data else {}))
    return events
