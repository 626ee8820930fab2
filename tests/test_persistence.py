"""Nothing written is lost: history survives a clean restart and a kill -9."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from tests.serve_process import serve_process, token_for


def ask(url: str, question: str, user_id: str) -> None:
    """Post one question with the server's token."""
    response = httpx.post(
        f"{url}/api/chat",
        json={"content": question, "user_id": user_id},
        headers={"X-EdgeApp-Token": token_for(url)},
        timeout=60,
    )
    assert response.status_code == 200, response.text


def history(url: str, user_id: str) -> list[str]:
    """The contents of a visitor's messages."""
    body = httpx.get(f"{url}/api/chat/history", params={"user_id": user_id}).json()
    return [m["content"] for m in body["messages"]]


def test_history_survives_restart(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--no-model") as (_, url):
        ask(url, "What is your email?", "visitor-a")
    with serve_process(tmp_path, "--no-model") as (_, url):
        messages = history(url, "visitor-a")
    assert len(messages) == 2 and messages[0] == "What is your email?"


def test_history_survives_kill_9(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--no-model") as (process, url):
        ask(url, "Where do you work?", "visitor-b")
        ask(url, "What languages do you speak?", "visitor-b")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    with serve_process(tmp_path, "--no-model") as (_, url):
        messages = history(url, "visitor-b")
    assert len(messages) == 4
    assert messages[2] == "What languages do you speak?"
