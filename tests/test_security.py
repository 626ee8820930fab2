"""Security rules: Host check, CSRF token, Origin, CORS allow-list, body limit, rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from tests.fakes import FakeEngine
from tests.helpers import make_settings
from tests.test_api import count_rows

CHAT = {"content": "What is your email?", "user_id": "v1"}


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:8765", "localhost.evil.com"])
def test_foreign_host_header_is_refused(client: TestClient, host: str) -> None:
    response = client.get("/api/resume_data", headers={"Host": host})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "bad_host"


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "localhost"])
def test_local_host_headers_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"Host": host}).status_code == 200


def test_state_change_without_token_is_refused(client: TestClient, settings: Settings) -> None:
    del client.headers["X-EdgeApp-Token"]
    assert client.post("/api/chat", json=CHAT).status_code == 403
    assert client.post("/api/telemetry", json={"event": "page_view", "user_id": "v1"}).status_code == 403
    assert client.delete("/api/chat/history", params={"user_id": "v1"}).status_code == 403
    response = client.post("/api/chat", json=CHAT, headers={"X-EdgeApp-Token": "guess"})
    assert response.status_code == 403
    assert response.json()["error"]["type"] == "forbidden"
    assert count_rows(settings, "chat_message") == 0


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example.com", "http://0.0.0.0:9", "http://127.0.0.1:8766", "tauri://localhost"],
)
def test_cross_site_origin_is_refused_even_with_token(client: TestClient, settings: Settings, origin: str) -> None:
    response = client.post("/api/chat", json=CHAT, headers={"Origin": origin})
    assert response.status_code == 403
    assert count_rows(settings, "chat_message") == 0


def test_same_origin_post_with_token_is_accepted(client: TestClient) -> None:
    response = client.post("/api/chat", json=CHAT, headers={"Origin": "http://127.0.0.1:8765"})
    assert response.status_code == 200


@pytest.fixture
def cors_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app that allows one development origin."""
    settings = make_settings(tmp_path / "data", allowed_origins="http://localhost:5173")
    with TestClient(create_app(settings, engine=FakeEngine()), base_url="http://127.0.0.1:8765") as c:
        yield c


def test_cors_allows_only_the_allow_list(cors_client: TestClient) -> None:
    allowed = cors_client.get("/api/resume_data", headers={"Origin": "http://localhost:5173"})
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    other = cors_client.get("/api/resume_data", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers
    preflight = cors_client.options(
        "/api/chat",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-edgeapp-token",
        },
    )
    assert preflight.status_code == 200
    assert "x-edgeapp-token" in preflight.headers["access-control-allow-headers"].lower()


def test_allowed_origin_can_post_with_token(cors_client: TestClient) -> None:
    token = cors_client.get("/api/client_config").json()["csrf_token"]
    response = cors_client.post(
        "/api/chat",
        json=CHAT,
        headers={"Origin": "http://localhost:5173", "X-EdgeApp-Token": token},
    )
    assert response.status_code == 200


def test_allowed_origins_default_to_none(settings: Settings) -> None:
    assert settings.allowed_origins == []


def test_oversized_body_is_413_and_writes_nothing(client: TestClient, settings: Settings) -> None:
    body = {"content": "x" * 20_000, "user_id": "v1"}
    response = client.post("/api/chat", json=body)
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"content": "'
        for _ in range(40):
            yield b"y" * 1000
        yield b'", "user_id": "v1"}'

    streamed = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert count_rows(settings, "chat_message") == 0


def test_chat_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", chat_rate_per_minute=3)
    with TestClient(create_app(settings, engine=FakeEngine()), base_url="http://127.0.0.1") as c:
        c.headers["X-EdgeApp-Token"] = c.get("/api/client_config").json()["csrf_token"]
        codes = [c.post("/api/chat", json=CHAT).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = c.post("/api/chat", json=CHAT)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.json()["error"]["type"] == "rate_limited"
        assert count_rows(settings, "chat_message") == 6


def test_telemetry_rate_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", telemetry_rate_per_minute=2)
    with TestClient(create_app(settings, engine=FakeEngine()), base_url="http://127.0.0.1") as c:
        c.headers["X-EdgeApp-Token"] = c.get("/api/client_config").json()["csrf_token"]
        event = {"event": "page_view", "user_id": "v1"}
        codes = [c.post("/api/telemetry", json=event).status_code for _ in range(3)]
        assert codes == [202, 202, 429]


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/api/resume_data", "/api/nothing"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_csrf_token_differs_per_launch(settings: Settings) -> None:
    tokens = set()
    for _ in range(2):
        with TestClient(create_app(settings, engine=FakeEngine()), base_url="http://127.0.0.1") as c:
            tokens.add(c.get("/api/client_config").json()["csrf_token"])
    assert len(tokens) == 2


def test_server_binds_loopback_by_default(settings: Settings) -> None:
    assert settings.host == "127.0.0.1"
