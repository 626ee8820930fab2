"""The model's chat template: sandboxed, bounded in time, never a 500, and reported as it is used."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from edgeapp.app import create_app
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import make_settings

GOOD = (
    "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
SANDBOXED = "{{ ''.__class__.__mro__[1].__subclasses__() }}" + GOOD
HUGE_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}" + GOOD
RAISES_FOR_SOME = (
    "{% for m in messages %}{% if 'boom' in m.content %}{{ 1 // 0 }}{% endif %}"
    "<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}<|assistant|>"
)

QUESTION = {"content": "What kind of team suits you?", "user_id": "v1"}


@contextmanager
def app_with_template(tmp_path: Path, template: str) -> Iterator[tuple[TestClient, FakeEngine]]:
    """A started app whose engine has `template`; fails if starting takes more than a minute."""
    engine = FakeEngine(["I like small teams."], chat_template=template)
    started: dict[str, Any] = {}

    def start() -> None:
        client = TestClient(create_app(make_settings(tmp_path / "data"), engine=engine), base_url=BASE_URL)
        client.__enter__()
        started["client"] = client

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert "client" in started, "the app did not start within a minute"
    client: TestClient = started["client"]
    try:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        yield client, engine
    finally:
        client.__exit__(None, None, None)


def test_a_usable_template_is_reported_as_used(tmp_path: Path) -> None:
    with app_with_template(tmp_path, GOOD) as (client, engine):
        health = client.get("/api/health").json()
        assert (
            client.post("/api/chat", json={"content": "What kind of team suits you?", "user_id": "v1"}).status_code
            == 200
        )
    assert health["model"]["chat_template"] is True and health["model"]["chat_template_problem"] is None
    assert health["status"] == "ok", health["problems"]
    assert engine.prompts[-1].endswith("<|assistant|>")


def test_a_template_the_sandbox_refuses_is_named_and_not_reported_as_used(tmp_path: Path) -> None:
    with app_with_template(tmp_path, SANDBOXED) as (client, engine):
        health = client.get("/api/health").json()
        assert (
            client.post("/api/chat", json={"content": "What kind of team suits you?", "user_id": "v1"}).status_code
            == 200
        )
    assert health["model"]["chat_template"] is False
    problem = health["model"]["chat_template_problem"]
    assert "sandbox refused" in problem and "__class__" in problem, problem
    assert health["status"] == "degraded"
    assert engine.prompts[-1].endswith("\nA:")  # the completion format


def test_a_template_with_huge_loops_is_stopped_and_the_app_starts(tmp_path: Path) -> None:
    with app_with_template(tmp_path, HUGE_LOOPS) as (client, _engine):
        health = client.get("/api/health").json()
    assert health["status"] == "degraded"
    assert "longer than 1 s" in health["model"]["chat_template_problem"]


def test_a_template_that_raises_for_some_questions_answers_them_in_the_completion_format(tmp_path: Path) -> None:
    with app_with_template(tmp_path, RAISES_FOR_SOME) as (client, engine):
        fine = client.post("/api/chat", json={"content": "What kind of team suits you?", "user_id": "v1"})
        assert engine.prompts[-1].endswith("<|assistant|>")
        boom = client.post("/api/chat", json={"content": "What kind of team suits you, boom?", "user_id": "v2"})
        streamed = client.post(
            "/api/chat", json={"content": "What about boom projects?", "user_id": "v3", "stream": True}
        )
        health = client.get("/api/health").json()
    assert fine.status_code == 200 and boom.status_code == 200, boom.text
    assert "event: done" in streamed.text
    assert engine.prompts[-1].endswith("\nA:")
    assert health["model"]["chat_template"] is True  # still used for every other question
