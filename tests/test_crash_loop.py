"""A short crash loop: kill -9 while visitors chat, restart, again; nothing acknowledged is lost.

Each cycle starts `edgeapp serve`, lets three visitors ask questions concurrently, kills the server
with SIGKILL in the middle of their traffic (once enough answers were acknowledged), and checks on
the next start that every acknowledged exchange is in the history, and that health is ok.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.serve_process import serve_process, token_for

CYCLES = 5
ANSWERS_BEFORE_KILL = 6


def _visitor(url: str, token: str, user_id: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Ask until the server dies; remember each question whose answer came back (acknowledged)."""
    number = 0
    with httpx.Client(base_url=url, headers={"X-EdgeApp-Token": token}, timeout=10) as http:
        while not stop.is_set():
            question = f"What kind of team suits you, {user_id} question {number}?"
            try:
                response = http.post("/api/chat", json={"content": question, "user_id": user_id})
            except httpx.HTTPError:
                return  # killed mid-request: not acknowledged
            if response.status_code == 200:
                acknowledged.append(question)
            number += 1


def test_acknowledged_chats_survive_a_kill_9_loop(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    acknowledged: dict[str, list[str]] = {}
    limits = {"CHAT_RATE_PER_MINUTE": "1000", "CHAT_RATE_PER_ADDRESS_PER_MINUTE": "3000"}
    for cycle in range(CYCLES):
        with serve_process(data_dir, "--no-model", env=limits) as (process, url):
            health = httpx.get(f"{url}/api/health").json()
            assert health["status"] == "ok", (cycle, health["problems"])
            for user_id, questions in acknowledged.items():  # everything acknowledged before
                stored = httpx.get(f"{url}/api/chat/history", params={"user_id": user_id, "limit": 200}).json()
                contents = [m["content"] for m in stored["messages"]]
                missing = [q for q in questions if q not in contents]
                assert not missing, (cycle, user_id, missing)
            token = token_for(url)
            stop = threading.Event()
            users: dict[str, list[str]] = {f"c{cycle}v{n}": [] for n in range(3)}
            with ThreadPoolExecutor(3) as pool:
                for user_id, questions in users.items():
                    pool.submit(_visitor, url, token, user_id, questions, stop)
                while sum(len(q) for q in users.values()) < ANSWERS_BEFORE_KILL:
                    assert process.poll() is None
                    threading.Event().wait(0.01)
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                stop.set()
            acknowledged.update(users)
    with serve_process(data_dir, "--no-model") as (_process, url):
        for user_id, questions in acknowledged.items():
            stored = httpx.get(f"{url}/api/chat/history", params={"user_id": user_id, "limit": 200}).json()
            contents = [m["content"] for m in stored["messages"]]
            assert all(q in contents for q in questions), user_id
        assert httpx.get(f"{url}/api/health").json()["status"] == "ok"
    assert sum(len(q) for q in acknowledged.values()) >= CYCLES * ANSWERS_BEFORE_KILL
