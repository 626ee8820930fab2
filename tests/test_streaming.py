"""Streaming over a real socket: a client that disconnects stops generation."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from edgeapp.resume.loader import default_resume_path, load_resume
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings
from tests.serve_process import token_for


def resume_backed_answer() -> str:
    """A long answer the guard lets through whole: every sentence is the sample resume's own."""
    resume = load_resume(default_resume_path())
    sentences = [resume.basics.summary if resume.basics and resume.basics.summary else ""]
    for role in resume.work or []:
        sentences += [f"I {h[0].lower()}{h[1:]}." for h in role.highlights or []]
    return " ".join(sentences)


def stream_chat(url: str, user_id: str, *, leave_after_first_token: bool) -> list[str]:
    """POST a streamed question; read every line, or leave after the first token event."""
    body = {"content": "What kind of team suits you?", "user_id": user_id, "stream": True}
    lines: list[str] = []
    with httpx.stream("POST", f"{url}/api/chat", json=body, headers={"X-EdgeApp-Token": token_for(url)}) as response:
        for line in response.iter_lines():
            lines.append(line)
            if leave_after_first_token and line.startswith("event: token"):
                break
    return lines


def test_disconnect_stops_generation(tmp_path: Path) -> None:
    answer = resume_backed_answer()
    words = len(answer.split())
    assert words > 60
    engine = FakeEngine([answer], token_delay=0.02)
    with live_server(make_settings(tmp_path / "data", max_answer_tokens=words), engine=engine) as server:
        # A visitor who stays gets the whole scripted answer: nothing else ends this stream early.
        whole = stream_chat(server.url, "d0", leave_after_first_token=False)
        assert "event: done" in whole
        assert (engine.cancelled, engine.stats.tokens_generated) == (0, words)
        stream_chat(server.url, "d1", leave_after_first_token=True)
        deadline = time.monotonic() + 5
        while engine.cancelled == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert engine.cancelled == 1
    # well short of a second whole answer: generation stopped soon after the visitor left
    assert engine.stats.tokens_generated - words < words // 2


def test_other_endpoints_stay_fast_while_generating(tmp_path: Path) -> None:
    engine = FakeEngine([resume_backed_answer()], token_delay=0.01)
    with live_server(make_settings(tmp_path / "data"), engine=engine) as server:
        body = {"content": "What kind of team suits you?", "user_id": "d2", "stream": True}
        with httpx.stream(
            "POST",
            f"{server.url}/api/chat",
            json=body,
            headers={"X-EdgeApp-Token": token_for(server.url)},
        ) as response:
            lines = response.iter_lines()
            next(line for line in lines if line.startswith("event: token"))
            other = httpx.get(f"{server.url}/api/resume_data")
            assert other.status_code == 200
            assert engine.cancelled == 0 and engine.stats.tokens_generated < 60  # still generating
            assert sum(1 for line in lines if line.startswith("event: done")) == 1
