"""edgeapp on a real OpenAI-compatible server: `python -m llama_cpp.server` on the default model."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from benchmarks.inference_servers import MODEL_ALIAS, llama_cpp_server
from edgeapp.chat.assistant import MODEL_UNAVAILABLE_NOTE, Assistant
from edgeapp.chat.engine import EngineStatus, GenerationRequest
from edgeapp.chat.openai_engine import OpenAIEngine, Timeouts
from edgeapp.resume.loader import default_resume_path, load_resume
from tests.helpers import live_server, make_settings, parse_sse, require_model

pytestmark = pytest.mark.model

OPEN_QUESTION = "Tell me about the robotics work."


def wait_for_health(url: str, timeout: float = 120) -> dict[str, object]:
    """Health once the engine is no longer loading."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = httpx.get(f"{url}/api/health").json()
        if body["status"] != "loading":
            return body
        time.sleep(0.05)
    pytest.fail("health stayed loading")


def ask(url: str, question: str, user_id: str) -> list[tuple[str, dict[str, object]]]:
    """One streamed question; its server-sent events."""
    token = httpx.get(f"{url}/api/client_config").json()["csrf_token"]
    response = httpx.post(
        f"{url}/api/chat",
        json={"content": question, "user_id": user_id, "stream": True},
        headers={"X-EdgeApp-Token": token},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return parse_sse(response.text)


def test_edgeapp_answers_through_llama_cpp_server(tmp_path: Path, llama_cpp_server_url: str) -> None:
    settings = make_settings(
        tmp_path, model_enabled=True, engine="openai", engine_url=llama_cpp_server_url, engine_prompt="completion"
    )
    with live_server(settings) as server:
        health = wait_for_health(server.url)
        events = ask(server.url, OPEN_QUESTION, "visitor-1")
        metrics = httpx.get(f"{server.url}/api/metrics").json()
    model = health["model"]
    assert isinstance(model, dict)
    assert health["status"] == "ok", health
    assert model["backend"] == "openai" and model["reachable"] is True and model["name"] == MODEL_ALIAS
    assert isinstance(model["latency_ms"], float)
    names = [name for name, _ in events]
    assert names[0] in {"token", "replace"} and names[-1] == "done"
    assert metrics["model"]["generations"] == 1 and metrics["model"]["tokens_generated"] > 0
    done = events[-1][1]["message"]
    assert isinstance(done, dict) and done["content"]


def test_chat_completions_stream_from_the_real_server(llama_cpp_server_url: str) -> None:
    # A new prompt for the server (its cache holds the completion prompt): give it time on a busy machine.
    engine = OpenAIEngine(llama_cpp_server_url, prompt_style="chat", timeouts=Timeouts(first_token=240))
    assistant = Assistant(load_resume(default_resume_path()), engine)
    engine.start()
    try:
        deadline = time.monotonic() + 60
        while engine.state.status is not EngineStatus.READY:
            assert time.monotonic() < deadline, engine.state
            time.sleep(0.05)
        prompt = assistant.prompts().build(OPEN_QUESTION, [], fits=lambda _t: True)
        assert prompt is not None and engine.framing.framed(prompt.text)
        # A base model through a chat template often ends its turn at once; a story opening it continues.
        story = (
            ImmutableSandboxedEnvironment()
            .from_string(engine.framing.template)
            .render(
                messages=[
                    {"role": "system", "content": "You write stories."},
                    {"role": "user", "content": "Once upon a time"},
                ]
            )
        )

        async def collect(text: str) -> list[str]:
            return [piece async for piece in engine.stream(GenerationRequest(text, max_tokens=12))]

        asyncio.run(collect(prompt.text))  # the resume prompt is accepted (no error)
        pieces = asyncio.run(collect(story))
    finally:
        engine.close()
    assert "".join(pieces).strip()
    assert engine.stats.generations == 2 and engine.stats.first_token_seconds


@pytest.mark.timeout(400)
def test_server_killed_mid_session_degrades_to_data_answers_and_recovers(tmp_path: Path) -> None:
    model = require_model()
    with llama_cpp_server(model) as first:
        settings = make_settings(
            tmp_path,
            model_enabled=True,
            engine="openai",
            engine_url=first.url,
            engine_prompt="completion",
            engine_probe_seconds=0.5,
            engine_connect_timeout=1.0,
        )
        with live_server(settings) as server:
            assert wait_for_health(server.url)["status"] == "ok"
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=30)
            events = ask(server.url, OPEN_QUESTION, "visitor-1")
            done = events[-1][1]["message"]
            assert isinstance(done, dict) and str(done["content"]).startswith(MODEL_UNAVAILABLE_NOTE)
            health = httpx.get(f"{server.url}/api/health").json()
            assert health["status"] == "degraded" and health["model"]["reachable"] is False
            # The same server back on the same port is found again by the probes.
            with llama_cpp_server(model, port=first.port):
                deadline = time.monotonic() + 60
                while httpx.get(f"{server.url}/api/health").json()["status"] != "ok":
                    assert time.monotonic() < deadline, "the restarted server was not found again"
                    time.sleep(0.1)
                events = ask(server.url, OPEN_QUESTION, "visitor-2")
                metrics = httpx.get(f"{server.url}/api/metrics").json()
    assert events[-1][0] == "done"
    assert metrics["model"]["tokens_generated"] > 0
