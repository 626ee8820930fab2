"""Shared pieces of the benchmarks: starting servers, waiting for health, load with wrk."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


@contextmanager
def running(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT, exact_env: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """Run a server command; SIGTERM (SIGKILL after 20 s) it afterwards.

    `env` is added to this environment (with quiet logs), or used as it is with `exact_env`.
    """
    child_env = dict(env or {}) if exact_env else {**os.environ, "LOG_LEVEL": "WARNING", **(env or {})}
    process = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env, cwd=cwd
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()


def read_url(process: subprocess.Popen[str]) -> str:
    """The URL an `edgeapp serve` process prints on its first line."""
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        raise RuntimeError(f"no URL printed: {line!r}")
    return match.group(1)


def wait_for(url: str, *, status: int = 200, timeout: float = 300, interval: float = 0.005) -> float:
    """Poll `url` until it answers `status`; returns the monotonic time it did."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(url).status_code == status:
                    return time.monotonic()
            except httpx.TransportError:
                pass
            time.sleep(interval)
    raise TimeoutError(f"{url} did not answer {status} in {timeout} s")


def free_port() -> int:
    """A port that was free a moment ago."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def requests_per_second(url: str, *, seconds: int = 5, connections: int = 16) -> float:
    """Throughput of GET `url` with wrk (Debian package), or a simple threaded client without it."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if not match:
            raise RuntimeError(out)
        return float(match.group(1))
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + seconds

    def worker() -> int:
        count = 0
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                client.get(url)
                count += 1
        return count

    with ThreadPoolExecutor(connections) as pool:
        total = sum(pool.map(lambda _: worker(), range(connections)))
    return total / seconds
