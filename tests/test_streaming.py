"""Streaming over a real socket: a client that disconnects stops generation."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings
from tests.serve_process import token_for

LONG_ANSWER = " ".join(["I enjoy working with curious people on hard problems."] * 40)


def test_disconnect_stops_generation(tmp_path: Path) -> None:
    engine = FakeEngine([LONG_ANSWER], token_delay=0.02)
    with live_server(make_settings(tmp_path / "data"), engine=engine) as server:
        body = {"content": "What kind of team suits you?", "user_id": "d1", "stream": True}
        with httpx.stream(
            "POST",
            f"{server.url}/api/chat",
            json=body,
            headers={"X-EdgeApp-Token": token_for(server.url)},
        ) as response:
            for line in response.iter_lines():
                if line.startswith("event: token"):
                    break
        deadline = time.monotonic() + 5
        while engine.cancelled == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert engine.cancelled == 1
    assert engine.stats.tokens_generated < len(LONG_ANSWER.split())


def test_other_endpoints_stay_fast_while_generating(tmp_path: Path) -> None:
    engine = FakeEngine([LONG_ANSWER], token_delay=0.01)
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
            assert sum(1 for line in lines if line.startswith("event: done")) == 1
