"""Every endpoint against the real app and a real SQLite file (fake engine for speed)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from edgeapp.config import Settings
from tests.conftest import BASE_URL
from tests.helpers import parse_sse


def count_rows(settings: Settings, table: str) -> int:
    """Rows in a table of the app's SQLite file, read with plain sqlite3."""
    with sqlite3.connect(settings.database_path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_resume_data_has_every_section_with_paths(client: TestClient) -> None:
    body = client.get("/api/resume_data").json()
    for section in ("personal_info", "experience", "projects", "skills", "education", "languages"):
        assert body[section], section
    assert body["personal_info"]["path"] == "basics"
    assert body["experience"][0]["path"] == "work[0]"
    assert body["skills"][1]["path"] == "skills[1]"


def test_resume_pdf_is_an_attachment_with_clean_name(client: TestClient) -> None:
    response = client.get("/api/resume")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    name = client.get("/api/resume_file_name").json()["file_name"]
    assert name and name.endswith(".pdf")
    assert response.headers["content-disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"


def test_generated_pdf_download_keeps_the_owner_name_in_any_script(settings: Settings, tmp_path: Path) -> None:
    from edgeapp.app import create_app

    own = tmp_path / "me.json"
    own.write_text(json.dumps({"basics": {"name": "Łukasz Żółkiewski-王"}}), encoding="utf-8")
    with TestClient(create_app(settings.model_copy(update={"resume_data": own})), base_url=BASE_URL) as test_client:
        name = test_client.get("/api/resume_file_name").json()["file_name"]
        assert name == "Łukasz-Żółkiewski-王-Resume.pdf"
        response = test_client.get("/api/resume")
        assert response.status_code == 200
        header = response.headers["content-disposition"]
        # An ASCII fallback that mangles no letter, and the exact name (RFC 6266) for browsers.
        assert header.startswith("attachment; filename=\"resume.pdf\"; filename*=UTF-8''")
        assert unquote(header.split("''", 1)[1]) == name
        health = test_client.get("/api/health").json()
        assert health["pdf"]["status"] == "generated"


def test_resume_pdf_missing_is_json_404_and_health_degraded(tmp_path: object, settings: Settings) -> None:
    from edgeapp.app import create_app
    from tests.fakes import FakeEngine

    broken = settings.model_copy(update={"resume_file": settings.data_dir / "nope.pdf"})
    with TestClient(create_app(broken, engine=FakeEngine()), base_url="http://127.0.0.1") as c:
        response = c.get("/api/resume")
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "not_found"
        assert c.get("/api/resume_file_name").json() == {"file_name": None}
        health = c.get("/api/health")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        assert any("nope.pdf" in p for p in health.json()["problems"])
        assert c.get("/api/resume_data").status_code == 200


def test_chat_answers_and_stores_both_messages(client: TestClient, settings: Settings) -> None:
    response = client.post("/api/chat", json={"content": "What is your email?", "user_id": "v1"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"]["role"] == "assistant"
    assert body["message"]["user_id"] == "v1"
    assert body["message"]["content"]
    assert body["sources"] and body["sources"][0]["path"].startswith("basics")
    assert count_rows(settings, "chat_message") == 2
    history = client.get("/api/chat/history", params={"user_id": "v1"}).json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"]
    assert history["messages"][0]["content"] == "What is your email?"
    assert history["total"] == 2


def test_chat_streams_tokens_sources_then_done(client: TestClient) -> None:
    response = client.post(
        "/api/chat",
        json={"content": "What kind of team suits you?", "user_id": "v2", "stream": True},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    names = [name for name, _ in events]
    assert names[-1] == "done"
    assert "token" in names
    assert names.index("sources") > names.index("token")
    streamed = ""
    for name, data in events:
        if name == "token":
            streamed += data["text"]
        elif name == "replace":
            streamed = data["text"]
    done = events[-1][1]
    assert done["message"]["content"] == streamed
    assert done["message"]["role"] == "assistant"


def test_history_is_per_visitor_and_paginated(client: TestClient) -> None:
    for question in ("Where do you work?", "What is your email?"):
        client.post("/api/chat", json={"content": question, "user_id": "alice"})
    client.post("/api/chat", json={"content": "Hello", "user_id": "bob"})
    page = client.get("/api/chat/history", params={"user_id": "alice", "limit": 3, "offset": 1}).json()
    assert page["total"] == 4 and page["limit"] == 3 and page["offset"] == 1
    assert len(page["messages"]) == 3
    assert all(m["user_id"] == "alice" for m in page["messages"])
    ids = [m["id"] for m in page["messages"]]
    assert ids == sorted(ids)


def test_delete_history_forgets_only_that_visitor(client: TestClient) -> None:
    client.post("/api/chat", json={"content": "Hi", "user_id": "alice"})
    client.post("/api/chat", json={"content": "Hi", "user_id": "bob"})
    assert client.delete("/api/chat/history", params={"user_id": "alice"}).status_code == 204
    assert client.get("/api/chat/history", params={"user_id": "alice"}).json()["total"] == 0
    assert client.get("/api/chat/history", params={"user_id": "bob"}).json()["total"] == 2


def test_telemetry_is_accepted_without_ip_or_user_agent(client: TestClient, settings: Settings) -> None:
    response = client.post(
        "/api/telemetry",
        json={"event": "page_view", "user_id": "v1", "properties": {"section": "hero", "n": 1}},
        headers={"User-Agent": "SecretBrowser/1.0"},
    )
    assert response.status_code == 202
    assert response.json() == {"accepted": True}
    with sqlite3.connect(settings.database_path) as conn:
        row = conn.execute("SELECT * FROM telemetry_event").fetchone()
    assert "SecretBrowser" not in repr(row) and "127.0.0.1" not in repr(row) and "testclient" not in repr(row)
    metrics = client.get("/api/metrics").json()
    assert metrics["usage"]["events"] == {"page_view": 1}


def test_health_ok_with_fake_engine(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok", body
    assert body["model"]["status"] == "ready"


def test_health_503_while_model_loads(settings: Settings) -> None:
    from edgeapp.app import create_app
    from edgeapp.chat.engine import EngineStatus
    from tests.fakes import FakeEngine

    with TestClient(
        create_app(settings, engine=FakeEngine(status=EngineStatus.LOADING)),
        base_url="http://127.0.0.1",
    ) as c:
        response = c.get("/api/health")
        assert response.status_code == 503
        assert response.json()["status"] == "loading"
        assert c.get("/api/resume_data").status_code == 200


def test_metrics_report_requests_and_latency(client: TestClient) -> None:
    client.get("/api/resume_data")
    client.get("/api/resume_data")
    metrics = client.get("/api/metrics").json()
    route = metrics["requests"]["routes"]["GET /api/resume_data"]
    assert route["count"] == 2
    assert route["p95_ms"] >= route["p50_ms"] > 0


def test_frontend_is_served_from_same_origin(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"


def test_answers_are_stored_with_their_outcome_and_topics(client: TestClient, settings: Settings) -> None:
    client.post("/api/chat", json={"content": "What is your email?", "user_id": "meta-1"})
    client.post("/api/chat", json={"content": "What is your salary?", "user_id": "meta-1"})
    with sqlite3.connect(settings.database_path) as conn:
        rows = conn.execute(
            "SELECT meta_json FROM chat_message WHERE user_id = 'meta-1' AND role = 'assistant' ORDER BY id"
        ).fetchall()
    metas = [json.loads(row[0]) for row in rows]
    assert metas[0]["outcome"] == "fact"
    assert {"path": "basics.email", "attribute": metas[0]["topics"][0]["attribute"]} in metas[0]["topics"]
    assert metas[1]["outcome"] in {"absent", "refused"}
    assert metas[0]["language"] == "en"


def test_chat_without_a_readable_resume_says_so(tmp_path: Path) -> None:
    import json

    from edgeapp.app import create_app
    from tests.fakes import FakeEngine
    from tests.helpers import make_settings

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"work": [{"startDate": "yesterday"}]}))
    settings = make_settings(tmp_path / "data", resume_data=bad)
    with TestClient(create_app(settings, engine=FakeEngine()), base_url="http://127.0.0.1") as c:
        token = c.get("/api/client_config").json()["csrf_token"]
        response = c.post("/api/chat", json={"content": "Hi", "user_id": "v1"}, headers={"X-EdgeApp-Token": token})
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["type"] == "resume_unavailable", error  # the model is fine; the resume is not
    assert "work[0].startDate" in error["message"]


def test_missing_pdf_fonts_degrade_health_and_name_the_package(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from edgeapp.app import create_app
    from edgeapp.resume import fonts

    own = tmp_path / "me.json"
    own.write_text(json.dumps({"basics": {"name": "Åsa Öberg"}}), encoding="utf-8")
    catalogue = fonts.load_catalogue()
    monkeypatch.setattr(fonts, "load_catalogue", lambda: replace(catalogue, search_dirs=()))
    with TestClient(create_app(settings.model_copy(update={"resume_data": own})), base_url=BASE_URL) as test_client:
        health = test_client.get("/api/health").json()
        assert health["status"] == "degraded"
        assert any("fonts-noto-core" in problem for problem in health["problems"])
        response = test_client.get("/api/resume")
        assert response.status_code == 404
        assert "fonts-noto-core" in response.json()["error"]["message"]
