"""The remote engine: time to first token and tokens/s through edgeapp (ENGINE=openai) beside the
same OpenAI-compatible server called directly with the same prompts, in the same run; the
openai client beside plain httpx streaming; and p95 time to first token for 5 edgeapp instances
sharing one server. Servers: `python -m llama_cpp.server`, and native `llama-server` built from the
llama.cpp sources llama-cpp-python vendors (scripts/build-llama-server.sh) when it builds."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from benchmarks.chat import QUESTIONS, api_stream, build_prompts, rate
from benchmarks.common import ROOT, VENV_BIN, read_url, running, wait_for
from benchmarks.inference_servers import MODEL_ALIAS, InferenceServer, llama_cpp_server, native_llama_server
from edgeapp.config import Settings

Prompts = list[tuple[str, tuple[str, ...]]]
INSTANCES = 5


def direct_httpx(url: str, prompt: str, stop: tuple[str, ...], max_tokens: int) -> dict[str, float]:
    """One streamed /v1/completions straight to the server; TTFT and the span of text chunks."""
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    payload = {"model": MODEL_ALIAS, "prompt": prompt, "stop": list(stop), "max_tokens": max_tokens, "stream": True}
    payload["temperature"] = 0.0
    with httpx.Client(transport=transport, timeout=300) as client:
        client.get(f"{url}/models")  # connected before the timed part
        started = time.perf_counter()
        first = last = 0.0
        count = 0
        with client.stream("POST", f"{url}/completions", json=payload) as response:
            for line in response.iter_lines():
                if not line.startswith("data:") or line.strip() == "data: [DONE]":
                    continue
                if json.loads(line[5:])["choices"][0].get("text"):
                    now = time.perf_counter()
                    count += 1
                    first = first or now
                    last = now
    return {"ttft": first - started, "tokens": count, "decode_s": last - first}


def direct_openai(url: str, prompt: str, stop: tuple[str, ...], max_tokens: int) -> dict[str, float]:
    """The same request through the openai client."""
    from openai import OpenAI

    client = OpenAI(base_url=url, api_key="none", max_retries=0, timeout=300)
    client.models.list()
    started = time.perf_counter()
    first = last = 0.0
    count = 0
    for chunk in client.completions.create(
        model=MODEL_ALIAS, prompt=prompt, stop=list(stop), max_tokens=max_tokens, temperature=0.0, stream=True
    ):
        if chunk.choices and chunk.choices[0].text:
            now = time.perf_counter()
            count += 1
            first = first or now
            last = now
    client.close()
    return {"ttft": first - started, "tokens": count, "decode_s": last - first}


@contextmanager
def edgeapp_on(server_url: str, data_dir: Path) -> Iterator[str]:
    """`edgeapp serve` with the remote engine on `server_url`; yields its URL once healthy."""
    env = {"ENGINE": "openai", "ENGINE_URL": server_url, "ENGINE_PROMPT": "completion", "CHAT_RATE_PER_MINUTE": "600"}
    command = [str(VENV_BIN / "edgeapp"), "serve", "--port", "0", "--data-dir", str(data_dir)]
    with running(command, env=env) as process:
        url = read_url(process)
        wait_for(f"{url}/api/health", timeout=600, interval=0.05)
        yield url


def median_figures(runs: list[dict[str, float]]) -> tuple[float, float]:
    """Median TTFT (s) and median tokens/s of runs that produced more than one token."""
    rates = [rate(run) for run in runs if run["tokens"] > 1]
    return statistics.median(run["ttft"] for run in runs), statistics.median(rates) if rates else 0.0


def compare(server: InferenceServer, label: str, prompts: Prompts, settings: Settings) -> dict[str, object]:
    """Direct (httpx, openai client) vs through edgeapp, on one server; prints the comparison."""
    tokens = settings.max_answer_tokens
    direct: list[dict[str, float]] = []
    client: list[dict[str, float]] = []
    through: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp, edgeapp_on(server.url, Path(tmp)) as url:
        token = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
        api_stream(url, token, "Hello there", "warmup")
        direct_httpx(server.url, *prompts[0], tokens)
        # Interleaved, question by question, so a change in the machine's load touches all three alike.
        for i, (question, (prompt, stop)) in enumerate(zip(QUESTIONS, prompts, strict=True)):
            direct.append(direct_httpx(server.url, prompt, stop, tokens))
            client.append(direct_openai(server.url, prompt, stop, tokens))
            through.append(api_stream(url, token, question, f"bench{i}"))
    kept = [run for run in through if not run["replaced"]] or through
    d_ttft, d_rate = median_figures(direct)
    c_ttft, c_rate = median_figures(client)
    e_ttft, e_rate = median_figures(kept)
    print(f"== remote engine on {label} (median over {len(QUESTIONS)} questions) ==")
    print(f"direct, httpx stream        TTFT {d_ttft * 1000:7.1f} ms   {d_rate:5.1f} tokens/s")
    print(f"direct, openai client       TTFT {c_ttft * 1000:7.1f} ms   {c_rate:5.1f} tokens/s")
    print(f"edgeapp POST /api/chat SSE  TTFT {e_ttft * 1000:7.1f} ms   {e_rate:5.1f} tokens/s")
    ratio = e_rate / d_rate if d_rate else 0.0
    print(
        f"through edgeapp: TTFT {(e_ttft - d_ttft) * 1000:+.1f} ms (goal <= +25), tokens/s x{ratio:.2f} (goal >= 0.95)"
    )
    client_ratio = c_rate / d_rate if d_rate else 0.0
    print(f"openai client vs httpx: TTFT {(c_ttft - d_ttft) * 1000:+.1f} ms, tokens/s x{client_ratio:.2f}")
    print(f"answers the check replaced: {sum(int(r['replaced']) for r in through)}/{len(through)}")
    return {"direct": direct, "openai_client": client, "edgeapp": through}


def fleet(server: InferenceServer, label: str) -> dict[str, object]:
    """INSTANCES edgeapp instances on one server, each asking every question at once with the others."""
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        with ThreadPoolExecutor(INSTANCES) as pool:
            urls = list(
                pool.map(
                    lambda i: stack.enter_context(edgeapp_on(server.url, Path(tmp) / f"kiosk{i}")), range(INSTANCES)
                )
            )
        tokens = [httpx.get(f"{url}/api/client_config").json()["csrf_token"] for url in urls]
        runs: list[dict[str, float]] = []
        for round_number, question in enumerate(QUESTIONS):
            jobs = [(urls[i], tokens[i], question, f"fleet{round_number}-{i}") for i in range(INSTANCES)]
            with ThreadPoolExecutor(INSTANCES) as pool:
                runs += pool.map(lambda job: api_stream(*job), jobs)
    ttfts = sorted(run["ttft"] for run in runs)
    p95 = ttfts[min(len(ttfts) - 1, round(0.95 * (len(ttfts) - 1)))]
    print(f"== {INSTANCES} edgeapp instances sharing {label} ({len(runs)} questions, {INSTANCES} at a time) ==")
    p50 = statistics.median(ttfts)
    print(f"TTFT p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   max {ttfts[-1] * 1000:7.1f} ms")
    return {"fleet": runs, "p95": p95}


def native_binary() -> Path | None:
    """Native llama-server: LLAMA_SERVER if set, else built by scripts/build-llama-server.sh (None if it fails)."""
    configured = os.environ.get("LLAMA_SERVER")
    if configured:
        return Path(configured)
    built = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-llama-server.sh"), sys.executable], capture_output=True, text=True
    )
    if built.returncode != 0:
        print(f"native llama-server not built: {built.stderr.strip().splitlines()[-1:]}")
        return None
    return ROOT / built.stdout.strip().splitlines()[-1]


def main() -> int:
    """Print the remote-engine benchmark."""
    settings = Settings(_env_file=None)
    _prefix, prompts = build_prompts(settings)
    results: dict[str, object] = {}
    with llama_cpp_server() as server:
        results["llama_cpp.server"] = compare(server, "python -m llama_cpp.server", prompts, settings)
        results["llama_cpp.server fleet"] = fleet(server, "python -m llama_cpp.server")
    binary = native_binary()
    if binary is not None:
        with native_llama_server(binary) as server:
            results["llama-server"] = compare(server, "native llama-server", prompts, settings)
            results["llama-server fleet"] = fleet(server, "native llama-server")
    print(json.dumps(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
