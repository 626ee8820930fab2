"""No chat content (question or answer text) reaches the log at INFO, through the real app."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.logs import configure_logging
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import make_settings

CANARY_NAME = "Zyxwvut Quillfeather"
CANARY_WORD = "Frobnicatorium"


def _chat_through_the_app(tmp_path: Path, outputs: list[str], questions: list[str]) -> str:
    settings = make_settings(tmp_path / "data", log_level="INFO")
    configure_logging("INFO", settings.log_dir)
    try:
        with TestClient(create_app(settings, engine=FakeEngine(outputs)), base_url=BASE_URL) as client:
            client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
            for number, question in enumerate(questions):
                for stream in (False, True):
                    body = {"content": question, "user_id": f"canary{number}", "stream": stream}
                    assert client.post("/api/chat", json=body).status_code == 200
    finally:
        for handler in logging.getLogger().handlers:
            handler.flush()
        configure_logging("WARNING", None)
    return (settings.log_dir / "edgeapp.log").read_text(encoding="utf-8")


def test_questions_and_plain_answers_are_not_logged(tmp_path: Path) -> None:
    log = _chat_through_the_app(
        tmp_path,
        [f"I enjoy the {CANARY_WORD.lower()} approach to teams."],
        [f"What kind of team suits you, {CANARY_WORD}?", "Where do you work? " + CANARY_WORD],
    )
    assert "POST" in log  # the requests themselves are logged
    assert CANARY_WORD.lower() not in log.lower()


@pytest.mark.xfail(
    strict=True,
    reason="the guard logs the word it rejected at INFO (chat/assistant.py); the rewrite of the guard in #13 "
    "removes this; delete this mark then",
)
def test_words_the_guard_rejects_are_not_logged(tmp_path: Path) -> None:
    # A visitor gives their name; the model repeats it; the guard rejects the unknown name.
    log = _chat_through_the_app(
        tmp_path,
        [f"Nice to meet you, {CANARY_NAME}. Avery worked at {CANARY_NAME} Industries since 1987."],
        [f"My name is {CANARY_NAME}. What kind of team suits you?"],
    )
    assert '"path": "/api/chat"' in log
    for part in CANARY_NAME.split():
        assert part not in log, part
