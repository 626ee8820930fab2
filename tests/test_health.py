"""Health checks what chat needs: the database, the disk, the logs and the prompt cache."""

from __future__ import annotations

import errno
import logging
import os
import random
from pathlib import Path

from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from edgeapp.logs import configure_logging
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import make_settings


def _client(settings: Settings) -> TestClient:
    client = TestClient(create_app(settings, engine=FakeEngine(["ok"])), base_url=BASE_URL)
    return client


def _chat(client: TestClient, question: str = "What kind of team suits you?") -> int:
    token = client.get("/api/client_config").json()["csrf_token"]
    response = client.post("/api/chat", json={"content": question, "user_id": "v1"}, headers={"X-EdgeApp-Token": token})
    return response.status_code


def test_health_is_ok_when_storage_is_fine(settings: Settings) -> None:
    with _client(settings) as client:
        body = client.get("/api/health").json()
    assert body["status"] == "ok", body
    assert body["problems"] == []


def garble_pages(database: Path, *, keep_bytes: int) -> None:
    """Overwrite everything after the first `keep_bytes` bytes with noise (the header stays valid)."""
    size = database.stat().st_size
    noise = random.Random(8).randbytes(size - keep_bytes)
    with database.open("r+b") as handle:
        handle.seek(keep_bytes)
        handle.write(noise)


def test_garbled_database_pages_make_health_degraded(settings: Settings) -> None:
    with _client(settings) as client:
        for _ in range(20):
            assert _chat(client) == 200
    page_size = 4096
    garble_pages(settings.database_path, keep_bytes=page_size)  # page 1: header and schema intact
    with _client(settings) as client:
        health = client.get("/api/health").json()
        assert health["status"] == "degraded", health
        assert any(p.startswith("database is damaged") for p in health["problems"]), health["problems"]
        response_code = _chat(client)
    assert response_code != 500


def test_disk_below_the_floor_makes_health_degraded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", min_free_disk_mb=10**9)  # more than any disk has
    with _client(settings) as client:
        health = client.get("/api/health").json()
    assert health["status"] == "degraded"
    assert any("disk nearly full" in p and str(settings.data_dir) in p for p in health["problems"])


class _FullDisk:
    """A stream that refuses every write, as a file on a full disk does."""

    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        """Nothing is buffered."""

    def seek(self, _offset: int, _whence: int = 0) -> int:
        """The rotating handler asks for the size; an empty file."""
        return 0

    def tell(self) -> int:
        """An empty file."""
        return 0


def test_a_log_file_that_cannot_be_written_is_named_and_requests_still_work(settings: Settings, capfd: object) -> None:
    configure_logging("INFO", settings.log_dir)
    try:
        file_handler = next(
            h
            for h in logging.getLogger().handlers
            if getattr(h, "_edgeapp_handler", False) and hasattr(h, "baseFilename")
        )
        assert isinstance(file_handler, logging.StreamHandler)
        real_file = file_handler.setStream(_FullDisk())
        try:
            with _client(settings) as client:
                assert _chat(client) == 200
                health = client.get("/api/health").json()
        finally:
            file_handler.setStream(real_file)
        assert health["status"] == "degraded"
        assert any("logs cannot be written" in p and "No space left" in p for p in health["problems"]), health[
            "problems"
        ]
        assert "Logging error" not in capfd.readouterr().err  # type: ignore[attr-defined]
    finally:
        configure_logging("WARNING", None)
