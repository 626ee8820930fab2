"""Chat speed: time to first token and tokens/s through POST /api/chat (streaming) beside raw
llama-cpp-python on the same model, prompt and machine, in the same run; and the first question
after start-up with and without the persisted prompt prefix."""

from __future__ import annotations

import json
import os
import queue
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import ROOT, VENV_BIN, read_url, running, wait_for
from edgeapp.chat.assistant import Assistant
from edgeapp.chat.engine import NullEngine
from edgeapp.config import Settings
from edgeapp.resume.loader import default_resume_path, load_resume

QUESTIONS = [
    "What kind of team suits Avery?",
    "Tell me about the robotics work.",
    "What is Avery proud of?",
    "How does Avery approach mentoring?",
    "What would Avery bring to a startup?",
    "Describe the warehouse robot projects.",
]
MODEL = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"


def build_prompts(settings: Settings) -> tuple[str, list[tuple[str, tuple[str, ...]]]]:
    """The assistant's prefix and the exact prompts (with stop sequences) it sends for QUESTIONS."""
    assistant = Assistant(
        load_resume(default_resume_path()), NullEngine(), max_answer_tokens=settings.max_answer_tokens
    )
    prompts = []
    for question in QUESTIONS:
        built = assistant.prompts().build(question, [], fits=lambda _text: True)
        assert built is not None
        prompts.append((built.text, built.stop))
    return assistant.prefix(), prompts


def on_one_thread(work: Callable[[], Any]) -> Any:
    """Run `work` on a fresh dedicated thread (as the app's engine does) and return its result."""
    results: queue.Queue[Any] = queue.Queue()
    thread = threading.Thread(target=lambda: results.put(work()))
    thread.start()
    thread.join()
    return results.get()


def raw_llama(settings: Settings, prefix: str, prompts: list[tuple[str, tuple[str, ...]]]) -> list[dict[str, float]]:
    """TTFT and tokens/s of raw llama-cpp-python, prefix already in the KV cache."""

    def work() -> list[dict[str, float]]:
        from llama_cpp import Llama

        llm = Llama(
            model_path=str(MODEL),
            n_ctx=settings.n_ctx,
            n_threads=os.cpu_count(),
            n_threads_batch=os.cpu_count(),
            n_batch=settings.n_batch,
            n_ubatch=min(settings.n_batch, 128),
            swa_full=True,
            verbose=False,
        )
        llm.eval(llm.tokenize(prefix.encode(), add_bos=True, special=True))
        runs = []
        for prompt, stop in prompts:
            started = time.perf_counter()
            first = last = 0.0
            count = 0
            for _chunk in llm.create_completion(
                prompt, max_tokens=settings.max_answer_tokens, stop=list(stop), temperature=0.0, stream=True
            ):
                now = time.perf_counter()
                count += 1
                if count == 1:
                    first = now
                last = now
            runs.append({"ttft": first - started, "tokens": count, "decode_s": last - first})
        return runs

    result: list[dict[str, float]] = on_one_thread(work)
    return result


def api_stream(url: str, token: str, question: str, user_id: str) -> dict[str, float]:
    """Stream one answer; TTFT of the first token event and the span of token events."""
    metrics_before = httpx.get(f"{url}/api/metrics").json()["model"]["tokens_generated"]
    # TCP_NODELAY as browsers set it: httpx writes headers and body separately, and with Nagle the
    # body would wait for the server's delayed ACK (~40 ms), which is the client's cost, not ours.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    with httpx.Client(transport=transport, timeout=120) as client:
        client.get(f"{url}/api/health")  # connect outside the timed part, as a page already has
        started = time.perf_counter()
        first = last = 0.0
        replaced = False
        with client.stream(
            "POST",
            f"{url}/api/chat",
            json={"content": question, "user_id": user_id, "stream": True},
            headers={"X-EdgeApp-Token": token},
        ) as response:
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "token":
                    now = time.perf_counter()
                    first = first or now
                    last = now
                elif event == "replace":
                    replaced = True
    generated = httpx.get(f"{url}/api/metrics").json()["model"]["tokens_generated"] - metrics_before
    return {"ttft": first - started, "tokens": generated, "decode_s": last - first, "replaced": float(replaced)}


def through_api(data_dir: Path) -> list[dict[str, float]]:
    """Every question through `edgeapp serve`, one visitor each (the shared prefix stays cached)."""
    with running([str(VENV_BIN / "edgeapp"), "serve", "--port", "0", "--data-dir", str(data_dir)]) as proc:
        url = read_url(proc)
        wait_for(f"{url}/api/health", timeout=600)
        token = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
        api_stream(url, token, "Hello there", "warmup")
        return [api_stream(url, token, q, f"bench{i}") for i, q in enumerate(QUESTIONS)]


def first_question_after_start(data_dir: Path) -> dict[str, float]:
    """Launch, wait for health 200, ask at once: seconds to ready and ready -> first token."""
    started = time.perf_counter()
    with running([str(VENV_BIN / "edgeapp"), "serve", "--port", "0", "--data-dir", str(data_dir)]) as proc:
        url = read_url(proc)
        wait_for(f"{url}/api/health", timeout=600, interval=0.002)
        ready = time.perf_counter()
        token = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
        run = api_stream(url, token, QUESTIONS[0], f"first-{time.time_ns()}")  # no earlier history
        source = httpx.get(f"{url}/api/health").json()["model"]["prefix_source"]
    return {"to_ready_s": ready - started, "ready_to_first_token_s": run["ttft"], "prefix": source}


def rate(run: dict[str, float]) -> float:
    """Decoding tokens/s of one run (the first token's time is prompt time)."""
    return (run["tokens"] - 1) / run["decode_s"] if run["decode_s"] > 0 and run["tokens"] > 1 else 0.0


def main() -> int:
    """Print the chat benchmark."""
    settings = Settings(_env_file=None)
    prefix, prompts = build_prompts(settings)
    raw = raw_llama(settings, prefix, prompts)
    with tempfile.TemporaryDirectory() as tmp:
        api = through_api(Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        cold = first_question_after_start(Path(tmp))
        restored = first_question_after_start(Path(tmp))
    raw_ttft = statistics.median(r["ttft"] for r in raw)
    api_ttft = statistics.median(r["ttft"] for r in api)
    raw_rate = statistics.median(rate(r) for r in raw if r["tokens"] > 1)
    api_rates = [rate(r) for r in api if r["tokens"] > 1 and not r["replaced"]]
    api_rate = statistics.median(api_rates) if api_rates else 0.0
    print("== chat streaming (median over questions) ==")
    print(f"raw llama-cpp-python  TTFT {raw_ttft * 1000:6.1f} ms   {raw_rate:5.1f} tokens/s")
    print(f"POST /api/chat (SSE)  TTFT {api_ttft * 1000:6.1f} ms   {api_rate:5.1f} tokens/s")
    print(f"TTFT difference {(api_ttft - raw_ttft) * 1000:+.1f} ms; tokens/s ratio {api_rate / raw_rate:.2f}")
    print(f"answers the guard replaced: {sum(int(r['replaced']) for r in api)}/{len(api)}")
    print("== first question after start-up ==")
    for label, run in (("no persisted prefix", cold), ("persisted prefix", restored)):
        print(
            f"{label:20s} launch->ready {run['to_ready_s']:.2f} s, ready->first token "
            f"{run['ready_to_first_token_s'] * 1000:.0f} ms (prefix {run['prefix']})"
        )
    print(json.dumps({"raw": raw, "api": api, "cold": cold, "restored": restored}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
