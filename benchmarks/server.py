"""Server start-up and throughput: `edgeapp serve` to health 200, model load, and requests/s of
GET /api/resume_data beside a bare FastAPI hello-world, both under one uvicorn process, same run."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.common import VENV_BIN, free_port, read_url, requests_per_second, running, wait_for


def startup(data_dir: Path, *extra: str) -> dict[str, float]:
    """Seconds from launching `edgeapp serve` to first answer, and to health 200."""
    started = time.monotonic()
    with running([str(VENV_BIN / "edgeapp"), "serve", "--port", "0", "--data-dir", str(data_dir), *extra]) as proc:
        url = read_url(proc)
        answered = wait_for(f"{url}/api/client_config")
        healthy = wait_for(f"{url}/api/health")
        health = httpx.get(f"{url}/api/health").json()
    return {
        "to_first_answer_s": answered - started,
        "to_health_200_s": healthy - started,
        "model_load_s": float(health["model"].get("load_seconds") or 0.0),
    }


def throughput(seconds: int) -> dict[str, float]:
    """Requests/s of /api/resume_data and of the hello-world, one after the other."""
    results: dict[str, float] = {}
    command = [str(VENV_BIN / "edgeapp"), "serve", "--port", "0", "--no-model", "--data-dir"]
    with tempfile.TemporaryDirectory() as tmp, running([*command, tmp]) as proc:
        url = read_url(proc)
        wait_for(f"{url}/api/health")
        results["resume_data_rps"] = requests_per_second(f"{url}/api/resume_data", seconds=seconds)
    port = free_port()
    hello = [sys.executable, "-m", "uvicorn", "benchmarks.hello_app:app", "--port", str(port), "--log-level", "warning"]
    with running(hello):
        wait_for(f"http://127.0.0.1:{port}/")
        results["hello_world_rps"] = requests_per_second(f"http://127.0.0.1:{port}/", seconds=seconds)
    return results


def main() -> int:
    """Print the server benchmark."""
    with tempfile.TemporaryDirectory() as fresh:
        cold = startup(Path(fresh))
        warm = startup(Path(fresh))
    with tempfile.TemporaryDirectory() as nomodel:
        bare = startup(Path(nomodel), "--no-model")
    rates = throughput(seconds=5)
    print("== server (edgeapp serve) ==")
    print(f"launch -> first answer          {cold['to_first_answer_s']:.2f} s")
    print(f"launch -> health 200, no cache  {cold['to_health_200_s']:.2f} s (model load {cold['model_load_s']:.2f} s)")
    print(f"launch -> health 200, cached    {warm['to_health_200_s']:.2f} s (model load {warm['model_load_s']:.2f} s)")
    print(f"launch -> health 200, no model  {bare['to_health_200_s']:.2f} s")
    ratio = rates["resume_data_rps"] / rates["hello_world_rps"]
    print(
        f"GET /api/resume_data {rates['resume_data_rps']:.0f} req/s vs hello-world "
        f"{rates['hello_world_rps']:.0f} req/s: ratio {ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
