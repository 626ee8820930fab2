"""Integration with the real default model: answers through the API, and the persisted prefix."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from edgeapp.resume.loader import alt_resume_path
from tests.helpers import make_settings, parse_sse, require_model

pytestmark = pytest.mark.model


def wait_ready(client: TestClient, timeout: float = 180) -> dict[str, object]:
    """Poll health until the model is ready; fail with the last body otherwise."""
    deadline = time.monotonic() + timeout
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        response = client.get("/api/health")
        body = response.json()
        if response.status_code == 200:
            return body
        time.sleep(0.1)
    pytest.fail(f"model not ready in {timeout} s: {body}")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir for the module, so the prefix cache carries from test to test."""
    return tmp_path_factory.mktemp("model-data")


def model_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings that load the real default model."""
    return make_settings(data_dir, model_enabled=True, model_path=require_model(), **overrides)


@pytest.fixture
def model_client(data_dir: Path) -> Iterator[TestClient]:
    """The app with the real model, ready."""
    with TestClient(create_app(model_settings(data_dir)), base_url="http://127.0.0.1") as c:
        wait_ready(c)
        c.headers["X-EdgeApp-Token"] = c.get("/api/client_config").json()["csrf_token"]
        yield c


def test_real_model_answers_open_question(model_client: TestClient) -> None:
    response = model_client.post("/api/chat", json={"content": "Tell me about your robotics work.", "user_id": "m1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["message"]["content"]) > 10
    assert body["sources"], "an answer always cites resume entries"
    deadline = time.monotonic() + 10  # the model thread counts a generation as it winds down
    while model_client.get("/api/metrics").json()["model"]["generations"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    metrics = model_client.get("/api/metrics").json()["model"]
    assert metrics["generations"] >= 1 and metrics["tokens_generated"] >= 1


def test_visitors_in_turn_keep_the_shared_prefix_cached(model_client: TestClient) -> None:
    questions = ["What kind of team suits you?", "What are you proud of?", "How do you approach mentoring?"]
    for number, question in enumerate(questions):
        response = model_client.post("/api/chat", json={"content": question, "user_id": f"turn{number}"})
        assert response.status_code == 200
        deadline = time.monotonic() + 10  # the model thread counts the generation as it winds down
        while model_client.get("/api/metrics").json()["model"]["generations"] <= number:
            assert time.monotonic() < deadline, "the model was not used"
            time.sleep(0.05)
        model = model_client.get("/api/health").json()["model"]
        assert model["prefix_in_cache"] is True, (question, model)


def test_real_model_streams_an_answer(model_client: TestClient) -> None:
    response = model_client.post(
        "/api/chat",
        json={"content": "What kind of team suits you?", "user_id": "m2", "stream": True},
    )
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert "token" in names and names[-1] == "done", names
    assert events[-1][1]["message"]["content"]
    history = model_client.get("/api/chat/history", params={"user_id": "m2"}).json()
    assert history["total"] == 2


def test_prefix_state_is_persisted_and_restored(data_dir: Path) -> None:
    with TestClient(create_app(model_settings(data_dir)), base_url="http://127.0.0.1") as c:
        first = wait_ready(c)["model"]
    assert isinstance(first, dict) and first["prefix_tokens"] > 100
    assert list((data_dir / "cache").glob("prefix-*.state"))
    with TestClient(create_app(model_settings(data_dir)), base_url="http://127.0.0.1") as c:
        second = wait_ready(c)["model"]
    assert isinstance(second, dict) and second["prefix_source"] == "restored"


def test_changed_resume_invalidates_the_prefix_cache(data_dir: Path) -> None:
    settings = model_settings(data_dir, resume_data=alt_resume_path())
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        model = wait_ready(c)["model"]
    assert isinstance(model, dict) and model["prefix_source"] == "computed"
