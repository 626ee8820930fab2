"""Bad input on every endpoint: a clear 4xx JSON error, and nothing written."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from edgeapp.config import Settings
from tests.test_api import count_rows

BAD_CHAT_BODIES = [
    {},
    {"content": "", "user_id": "v1"},
    {"content": "   ", "user_id": "v1"},
    {"content": "hi"},
    {"content": "hi", "user_id": ""},
    {"content": "hi", "user_id": "../../etc/passwd"},
    {"content": "hi", "user_id": "x" * 65},
    {"content": 5, "user_id": "v1"},
    {"content": "hi", "user_id": "v1", "stream": "maybe"},
    {"content": "hi", "user_id": "v1", "admin": True},
    {"content": "x" * 1001, "user_id": "v1"},
]


@pytest.mark.parametrize("body", BAD_CHAT_BODIES)
def test_chat_rejects_bad_body_and_writes_nothing(client: TestClient, settings: Settings, body: object) -> None:
    response = client.post("/api/chat", json=body)
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert error["type"] and error["message"]
    assert count_rows(settings, "chat_message") == 0


def test_chat_rejects_malformed_json(client: TestClient, settings: Settings) -> None:
    response = client.post("/api/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"
    assert count_rows(settings, "chat_message") == 0


BAD_TELEMETRY = [
    {"event": "drop_table", "user_id": "v1"},
    {"event": "page_view"},
    {"event": "page_view", "user_id": "v1", "properties": {"ip": {"nested": 1}}},
    {"event": "page_view", "user_id": "v1", "properties": {"Bad Key": 1}},
    {"event": "page_view", "user_id": "v1", "properties": {f"k{i}": i for i in range(11)}},
    {"event": "page_view", "user_id": "v1", "properties": {"text": "x" * 201}},
    {"event": "page_view", "user_id": "v1", "extra": 1},
]


@pytest.mark.parametrize("body", BAD_TELEMETRY)
def test_telemetry_rejects_bad_body_and_writes_nothing(client: TestClient, settings: Settings, body: object) -> None:
    response = client.post("/api/telemetry", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["type"] == "invalid_request"
    assert count_rows(settings, "telemetry_event") == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"user_id": "bad id!"},
        {"user_id": "v1", "limit": 0},
        {"user_id": "v1", "limit": 1000},
        {"user_id": "v1", "offset": -1},
    ],
)
def test_history_rejects_bad_query(client: TestClient, params: dict[str, str | int]) -> None:
    response = client.get("/api/chat/history", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"


def test_delete_history_rejects_bad_user_id(client: TestClient, settings: Settings) -> None:
    client.post("/api/chat", json={"content": "Hi", "user_id": "v1"})
    response = client.delete("/api/chat/history", params={"user_id": "*"})
    assert response.status_code == 422
    assert count_rows(settings, "chat_message") == 2


def test_resume_takes_no_path_from_the_request(client: TestClient) -> None:
    response = client.get("/api/resume", params={"file": "../../../etc/passwd"})
    assert response.content.startswith(b"%PDF-")
    assert client.get("/api/resume/../../etc/passwd").status_code == 404


def test_wrong_method_is_json_405(client: TestClient) -> None:
    response = client.put("/api/chat", json={})
    assert response.status_code == 405
    assert response.json()["error"]["type"] == "method_not_allowed"


def test_kiosk_exit_off_when_not_kiosk(client: TestClient) -> None:
    response = client.post("/api/kiosk/exit", json={"pin": "2468"})
    assert response.status_code == 404


@pytest.mark.parametrize("offset", [9223372036854775808, 10**30, 1_000_000_001])
def test_history_offset_past_any_integer_is_422_not_500(client: TestClient, offset: int) -> None:
    response = client.get("/api/chat/history", params={"user_id": "v1", "offset": offset})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"


def test_history_offset_past_the_end_is_an_empty_page(client: TestClient) -> None:
    response = client.get("/api/chat/history", params={"user_id": "v1", "offset": 1_000_000_000})
    assert response.status_code == 200 and response.json()["messages"] == []
