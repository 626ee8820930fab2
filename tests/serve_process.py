"""Run `python -m edgeapp serve` as a child process on a free port, for restart and kill tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.common import read_url, running, wait_for


@contextmanager
def serve_process(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, ready_timeout: float = 60
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `edgeapp serve --port 0`, wait until it answers, and yield (process, base URL)."""
    command = [sys.executable, "-m", "edgeapp", "serve", "--port", "0", "--data-dir", str(data_dir), *args]
    with running(command, env=env) as process:
        url = read_url(process)
        wait_for(f"{url}/api/client_config", timeout=ready_timeout, interval=0.05)
        yield process, url


def token_for(url: str) -> str:
    """The per-launch CSRF token of a running server."""
    token: str = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
    return token
