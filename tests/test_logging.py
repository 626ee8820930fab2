"""Structured logs: JSON lines, a rotating file, request lines without chat content, error ids."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.logs import configure_logging
from tests.fakes import FakeEngine
from tests.helpers import make_settings


@pytest.fixture
def logged_client(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    """An app logging to a file in its data dir."""
    settings = make_settings(tmp_path / "data")
    configure_logging("INFO", settings.log_dir, max_bytes=20_000, backups=2)
    app = create_app(settings, engine=FakeEngine())
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        c.headers["X-EdgeApp-Token"] = c.get("/api/client_config").json()["csrf_token"]
        yield c, settings.log_dir / "edgeapp.log"
    configure_logging("WARNING", None)


def read_lines(path: Path) -> list[dict[str, object]]:
    """Every line of a log file, parsed as JSON."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_request_is_one_json_line(logged_client: tuple[TestClient, Path]) -> None:
    client, log_file = logged_client
    client.get("/api/resume_data")
    requests = [line for line in read_lines(log_file) if line.get("msg") == "request"]
    assert any(r["path"] == "/api/resume_data" and r["status"] == 200 and r["method"] == "GET" for r in requests)
    assert all(isinstance(r["duration_ms"], float) for r in requests)


def test_chat_content_is_not_logged_at_info(logged_client: tuple[TestClient, Path]) -> None:
    client, log_file = logged_client
    secret = "my-very-private-question-4711"
    client.post("/api/chat", json={"content": secret, "user_id": "v1"})
    assert secret not in log_file.read_text()


def test_log_file_rotates(logged_client: tuple[TestClient, Path]) -> None:
    client, log_file = logged_client
    for _ in range(200):
        client.get("/api/health")
    assert (log_file.parent / "edgeapp.log.1").exists()


def test_unexpected_error_is_500_with_an_id_that_is_logged(
    logged_client: tuple[TestClient, Path],
) -> None:
    client, log_file = logged_client
    app = client.app
    assert isinstance(app, FastAPI)

    @app.get("/api/crash-for-test")
    def crash() -> None:
        raise RuntimeError("boom")

    app.router.routes.insert(0, app.router.routes.pop())  # before the static mount
    response = client.get("/api/crash-for-test")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["type"] == "internal_error" and error["id"]
    logged = [line for line in read_lines(log_file) if line.get("error_id") == error["id"]]
    assert logged and "boom" in str(logged[0]["exc"])


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_short_lines_and_the_file_keeps_json(tmp_path: Path) -> None:
    terminal = Terminal()
    configure_logging("INFO", tmp_path, stream=terminal)
    try:
        logging.getLogger("edgeapp.chat.llama_engine").info("model loaded", extra={"load_seconds": 0.61})
        logging.getLogger("edgeapp.request").info("request", extra={"path": "/api/health", "status": 200})
        logging.getLogger("llama_cpp.native").info("llama_kv_cache_iswa: using full-size SWA cache")
        logging.getLogger("uvicorn.error").info("Started server process [1]")
        logging.getLogger("edgeapp.db").warning("database is read-only")
    finally:
        configure_logging("WARNING", None)
    shown = terminal.getvalue().splitlines()
    assert len(shown) == 2, shown
    assert re.fullmatch(r"\d\d:\d\d:\d\d model loaded \(load_seconds=0\.61\)", shown[0])
    assert re.fullmatch(r"\d\d:\d\d:\d\d warning: database is read-only", shown[1])
    logged = [json.loads(line)["msg"] for line in (tmp_path / "edgeapp.log").read_text().splitlines()]
    assert logged == [
        "model loaded",
        "request",
        "llama_kv_cache_iswa: using full-size SWA cache",
        "Started server process [1]",
        "database is read-only",
    ]


def test_stderr_that_is_not_a_terminal_gets_json_lines(tmp_path: Path) -> None:
    pipe = io.StringIO()
    configure_logging("INFO", None, stream=pipe)
    try:
        logging.getLogger("edgeapp.request").info("request", extra={"status": 200})
    finally:
        configure_logging("WARNING", None)
    assert json.loads(pipe.getvalue())["status"] == 200
