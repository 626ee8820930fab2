"""Scenarios run by tests/isolated_disk.py inside a private mount namespace: the app on a small disk.

`python -m tests.disk_scenarios NAME DATA_DIR` runs one and prints its findings as a JSON line.
"""

from __future__ import annotations

import errno
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from edgeapp.logs import configure_logging
from tests.fakes import FakeEngine
from tests.helpers import MODEL_FILE, make_settings


def _client(settings: Settings, **kwargs: Any) -> TestClient:
    return TestClient(create_app(settings, **kwargs), base_url="http://127.0.0.1:8765")


def _wait_ready(client: TestClient, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/api/health")
        if response.status_code == 200 or time.monotonic() > deadline:
            body: dict[str, Any] = response.json()
            return body
        time.sleep(0.1)


def fill_disk(folder: Path) -> None:
    """Write a filler file until the disk under `folder` is full."""
    with (folder / "filler.bin").open("wb", buffering=0) as handle:
        chunk = b"\0" * (1 << 20)
        try:
            while True:
                handle.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        chunk = b"\0" * 4096
        try:
            while True:
                handle.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise


def prompt_cache(data_dir: Path) -> dict[str, Any]:
    """The real model on a disk too small for its prompt cache."""
    settings = make_settings(data_dir, model_enabled=True, model_path=MODEL_FILE, min_free_disk_mb=1)
    with _client(settings) as client:
        health = _wait_ready(client)
    return {"health": health, "cache_files": sorted(p.name for p in settings.cache_dir.glob("*"))}


def full_disk(data_dir: Path) -> dict[str, Any]:
    """The app with a working database, then the disk fills up."""
    settings = make_settings(
        data_dir, chat_rate_per_minute=100, chat_rate_per_address_per_minute=100, min_free_disk_mb=8
    )
    configure_logging("INFO", settings.log_dir)
    with _client(settings, engine=FakeEngine(["I like small teams."])) as client:
        headers = {"X-EdgeApp-Token": client.get("/api/client_config").json()["csrf_token"]}
        before = [
            client.post("/api/chat", json={"content": f"Team {n}?", "user_id": "v1"}, headers=headers).status_code
            for n in range(3)
        ]
        health_before = client.get("/api/health").json()
        fill_disk(data_dir)
        chats = []
        for number in range(10):
            question = {"content": f"What kind of team suits you {number}? " + "x" * 500, "user_id": f"v{number}"}
            response = client.post("/api/chat", json=question, headers=headers)
            chats.append({"status": response.status_code, "error": response.json().get("error", {}).get("type")})
        health_after = client.get("/api/health").json()
    configure_logging("WARNING", None)
    return {"before": before, "health_before": health_before, "chats": chats, "health_after": health_after}


SCENARIOS: dict[str, Callable[[Path], dict[str, Any]]] = {"prompt_cache": prompt_cache, "full_disk": full_disk}


if __name__ == "__main__":
    name, folder = sys.argv[1], Path(sys.argv[2])
    print(json.dumps(SCENARIOS[name](folder)), flush=True)
