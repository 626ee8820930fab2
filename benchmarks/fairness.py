"""A normal visitor's wait behind a burst of heavy questions, against the same visitor alone.

`edgeapp serve` with the real default model. One visitor (the same address, like a script on the
kiosk's LAN) sends six long CJK/emoji questions at once; a normal visitor then asks an open
question, streamed. Measured: the normal visitor's time to the first token and to the whole
answer, alone (the baseline, same run) and behind the burst; what happened to the six heavy
questions. Two bursts: 1,000-character questions (refused by the per-question token budget) and
questions just inside the budget (answered, one at a time, fairly).

    .venv/bin/python -m benchmarks.fairness
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections import Counter

import httpx

from benchmarks.common import ROOT, read_url, running, wait_for

MODEL = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
NORMAL_QUESTION = "What kind of team suits you?"
HEAVY_UNIT = "你的职业生涯中最自豪的项目是什么？请详细说明🚀🎉🤖💡。"


def heavy_question(chars: int) -> str:
    """A CJK/emoji question of exactly `chars` characters."""
    return (HEAVY_UNIT * (chars // len(HEAVY_UNIT) + 1))[:chars]


def ask_streamed(url: str, token: str, question: str, user_id: str) -> dict[str, float | int | None]:
    """Post one streamed question; seconds to the first token and to the end, and the status."""
    started = time.perf_counter()
    first: float | None = None
    with (
        httpx.Client(timeout=300) as client,
        client.stream(
            "POST",
            f"{url}/api/chat",
            json={"content": question, "user_id": user_id, "stream": True},
            headers={"X-EdgeApp-Token": token},
        ) as response,
    ):
        for line in response.iter_lines():
            if first is None and line.startswith("event: token"):
                first = time.perf_counter() - started
    return {"status": response.status_code, "first_token_s": first, "total_s": time.perf_counter() - started}


def burst_then_normal(url: str, token: str, heavy: str, tag: str) -> dict[str, object]:
    """Six heavy questions at once from one visitor, then the normal visitor's question."""
    results: list[dict[str, float | int | None]] = []
    threads = [
        threading.Thread(target=lambda: results.append(ask_streamed(url, token, heavy, f"heavy-{tag}")))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # the burst is in (or refused) before the normal visitor asks
    normal = ask_streamed(url, token, NORMAL_QUESTION, f"normal-{tag}")
    for thread in threads:
        thread.join()
    answered = [r for r in results if r["status"] == 200]
    return {
        "normal": normal,
        "heavy_statuses": dict(Counter(int(r["status"] or 0) for r in results)),
        "heavy_answered_total_s": sorted(round(float(r["total_s"] or 0), 2) for r in answered),
    }


def largest_accepted(url: str, token: str) -> int:
    """The longest heavy question (in characters) the token budget still accepts."""
    low, high = 10, 1000
    with httpx.Client(timeout=120, headers={"X-EdgeApp-Token": token}) as client:
        while low < high:
            middle = (low + high + 1) // 2
            body = {"content": heavy_question(middle), "user_id": f"probe{middle}"}
            status = client.post(f"{url}/api/chat", json=body).status_code
            low, high = (middle, high) if status != 422 else (low, middle - 1)
    return low


def main() -> int:
    """Run the measurement and print one JSON report."""
    with tempfile.TemporaryDirectory() as data_dir:
        command = [
            sys.executable,
            "-m",
            "edgeapp",
            "serve",
            "--port",
            "0",
            "--data-dir",
            data_dir,
            "--model",
            str(MODEL),
        ]
        limits = {"CHAT_RATE_PER_MINUTE": "1000", "CHAT_RATE_PER_ADDRESS_PER_MINUTE": "3000"}
        with running(command, env=limits) as process:
            url = read_url(process)
            wait_for(f"{url}/api/health", timeout=300)
            token = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
            ask_streamed(url, token, NORMAL_QUESTION, "warm-up")
            alone = [ask_streamed(url, token, NORMAL_QUESTION, f"alone{n}") for n in range(3)]
            refused_burst = burst_then_normal(url, token, heavy_question(1000), "1000")
            fitting = largest_accepted(url, token)
            fitting_burst = burst_then_normal(url, token, heavy_question(fitting), "fits")
            queue = httpx.get(f"{url}/api/metrics").json()["queue"]
    report = {
        "normal_alone": sorted(alone, key=lambda r: float(r["total_s"] or 0))[1],
        "behind_six_1000_char_questions": refused_burst,
        "largest_heavy_question_accepted_chars": fitting,
        f"behind_six_{fitting}_char_questions": fitting_burst,
        "queue": queue,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
