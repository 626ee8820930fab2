"""Run `python -m edgeapp serve` as a child process on a free port, for restart and kill tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def serve_process(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, ready_timeout: float = 60
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `edgeapp serve --port 0` and yield (process, base URL); SIGTERM it afterwards."""
    child_env = {**os.environ, "LOG_LEVEL": "WARNING", **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edgeapp",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=child_env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        assert match, f"no URL printed: {line!r}"
        url = match.group(1)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/client_config", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield process, url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


def token_for(url: str) -> str:
    """The per-launch CSRF token of a running server."""
    token: str = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
    return token
