"""OpenAI-compatible inference servers for tests and benchmarks: llama-cpp-python's own server
(`python -m llama_cpp.server`, the `[server]` extra) and native llama.cpp `llama-server`, each on
127.0.0.1 and a port it picks itself, stopped afterwards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.common import ROOT

DEFAULT_MODEL = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
MODEL_ALIAS = "gemma-3-270m"


@dataclass(frozen=True)
class InferenceServer:
    """A running server: its OpenAI base URL (…/v1), port and process."""

    url: str
    port: int
    process: subprocess.Popen[str]


@contextmanager
def _server_process(
    command: Sequence[str], *, port_pattern: str, ready_path: str, timeout: float, api_key: str = ""
) -> Iterator[InferenceServer]:
    """Start `command`, read the port it prints (it listens on port 0), wait until `ready_path`
    answers 200, and yield the server; SIGTERM (then SIGKILL) it afterwards."""
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            list(command),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            port = _wait_for_port(process, log, port_pattern, timeout)
            url = f"http://127.0.0.1:{port}"
            _wait_ready(process, f"{url}{ready_path}", log, time.monotonic() + timeout, api_key)
            yield InferenceServer(url=f"{url}/v1", port=port, process=process)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _log_text(log: object) -> str:
    assert hasattr(log, "seek") and hasattr(log, "read")
    log.seek(0)
    text: str = log.read()
    return text


def _wait_for_port(process: subprocess.Popen[str], log: object, pattern: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, _log_text(log))
        if match:
            return int(match.group(1))
        if process.poll() is not None:
            raise RuntimeError(f"inference server exited ({process.returncode}):\n{_log_text(log)[-3000:]}")
        time.sleep(0.05)
    raise TimeoutError(f"inference server printed no port in {timeout} s:\n{_log_text(log)[-3000:]}")


def _wait_ready(process: subprocess.Popen[str], url: str, log: object, deadline: float, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with httpx.Client(timeout=5, headers=headers) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"inference server exited ({process.returncode}):\n{_log_text(log)[-3000:]}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer in time")


@contextmanager
def llama_cpp_server(
    model: Path = DEFAULT_MODEL,
    *,
    n_ctx: int = 4096,
    threads: int = 0,
    api_key: str = "",
    port: int = 0,
    timeout: float = 300,
) -> Iterator[InferenceServer]:
    """`python -m llama_cpp.server` on `model` (port 0: one it picks)."""
    threads = threads or (os.cpu_count() or 1)
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(threads),
        "--n_threads_batch",
        str(threads),
    ]
    if api_key:
        command += ["--api_key", api_key]
    with _server_process(
        command,
        port_pattern=r"Uvicorn running on http://127\.0\.0\.1:(\d+)",
        ready_path="/v1/models",
        timeout=timeout,
        api_key=api_key,
    ) as server:
        yield server


@contextmanager
def native_llama_server(
    binary: Path, model: Path = DEFAULT_MODEL, *, n_ctx: int = 4096, threads: int = 0, timeout: float = 300
) -> Iterator[InferenceServer]:
    """Native llama.cpp `llama-server` on `model` (one slot, prompt cache on, full SWA cache so the
    resume prefix is reused)."""
    threads = threads or (os.cpu_count() or 1)
    command = [
        str(binary),
        "--model",
        str(model),
        "--alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--ctx-size",
        str(n_ctx),
        "--threads",
        str(threads),
        "--parallel",
        "1",
        "--swa-full",
    ]
    with _server_process(
        command, port_pattern=r"listening on http://127\.0\.0\.1:(\d+)", ready_path="/health", timeout=timeout
    ) as server:
        yield server
