"""The owner's side: leads, the PIN-guarded report and its exports, events, forgetting, and that a
forgotten visitor leaves nothing readable in the database file, its log or the app's logs."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from edgeapp.report_export import leads_vcard
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings

PIN = "493817"
UNANSWERABLE = "What is Avery's salary expectation?"


@pytest.fixture
def owner_settings(tmp_path: Path) -> Settings:
    """A kiosk with a known operator PIN."""
    return make_settings(tmp_path / "data", kiosk=True, kiosk_pin=PIN)


@pytest.fixture
def app_client(owner_settings: Settings) -> Iterator[TestClient]:
    """A TestClient with the page's token."""
    with TestClient(create_app(owner_settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        yield client


def ask(client: TestClient | httpx.Client, user_id: str, question: str) -> dict[str, object]:
    """One question through the real chat route."""
    response = client.post("/api/chat", json={"content": question, "user_id": user_id})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def sign_in(client: TestClient | httpx.Client, pin: str = PIN) -> int:
    """Open the owner session (the cookie stays on the client); the response's status."""
    return int(client.post("/api/owner/session", json={"pin": pin}).status_code)


LEAD = {
    "user_id": "visitor-3",
    "name": "Maja Øberg",
    "email": "maja@recruit.example",
    "phone": "+46 70 555 01 02",
    "company": "Nordic Robots AB",
    "note": "Hiring for a motion-planning lead, Q3",
    "consent": True,
}


def test_a_lead_needs_consent_and_a_way_to_reach_them(app_client: TestClient) -> None:
    consent = app_client.get("/api/client_config").json()["lead_consent"]
    assert consent == "I agree that Avery Lindqvist may keep these details to get back in touch with me."
    for bad, field in (
        ({**LEAD, "consent": False}, "consent"),
        ({**LEAD, "email": "", "phone": ""}, "email address or a phone"),
        ({**LEAD, "email": "not-an-email"}, "email"),
        ({**LEAD, "phone": "12"}, "phone"),
        ({**LEAD, "note": "x" * 501}, "note"),
        ({**LEAD, "extra": 1}, "extra"),
    ):
        response = app_client.post("/api/leads", json=bad)
        assert response.status_code == 422, bad
        assert field in response.json()["error"]["message"]
    response = app_client.post("/api/leads", json=LEAD)
    assert response.status_code == 201
    assert response.json() == {"thanks": "Thank you, Maja Øberg: Avery Lindqvist will be in touch."}
    with sqlite3.connect(app_client.app.state.edgeapp.settings.database_path) as conn:  # type: ignore[attr-defined]
        rows = conn.execute("SELECT name, email, consent FROM lead").fetchall()
    assert rows == [("Maja Øberg", "maja@recruit.example", consent)]


def test_leads_are_rate_limited_per_address(app_client: TestClient) -> None:
    codes = [app_client.post("/api/leads", json=LEAD).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]


def test_the_report_is_for_the_owner_only(app_client: TestClient) -> None:
    for path in ("/api/owner/report", "/api/owner/export/leads.csv", "/api/owner/export/report.json"):
        response = app_client.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["type"] == "owner_only"
    assert app_client.post("/api/owner/forget", json={"confirm": "FORGET"}).status_code == 401
    assert sign_in(app_client, "000000") == 403
    assert app_client.get("/api/owner/report").status_code == 401
    app_client.cookies.set("edgeapp_owner", "guess")
    assert app_client.get("/api/owner/report").status_code == 401
    app_client.cookies.clear()
    assert sign_in(app_client) == 200
    assert app_client.get("/api/owner/report").status_code == 200
    assert app_client.delete("/api/owner/session").status_code == 204
    app_client.cookies.clear()
    assert app_client.get("/api/owner/report").status_code == 401


def test_report_counts_questions_topics_unanswered_downloads_and_leads(app_client: TestClient) -> None:
    assert sign_in(app_client) == 200
    assert app_client.post("/api/owner/events", json={"name": "Robotics fair"}).status_code == 201
    for visitor in ("visitor-1", "visitor-2"):
        app_client.post("/api/telemetry", json={"event": "page_view", "user_id": visitor, "properties": {}})
    ask(app_client, "visitor-1", "Tell me about Pallet Pilot")
    ask(app_client, "visitor-1", UNANSWERABLE)
    ask(app_client, "visitor-2", UNANSWERABLE)
    app_client.post("/api/telemetry", json={"event": "resume_download", "user_id": "visitor-2", "properties": {}})
    app_client.post("/api/telemetry", json={"event": "qr_shown", "user_id": "visitor-2", "properties": {}})
    assert app_client.post("/api/leads", json=LEAD).status_code == 201
    body = app_client.get("/api/owner/report").json()
    report = body["report"]
    assert report["label"] == "Robotics fair"
    assert report["visitors"] == 2 and report["questions"] == 3
    assert report["pdf_downloads"] == 1 and report["qr_shows"] == 1
    assert report["outcomes"]["absent"] == 2
    assert report["unanswered_total"] == 2
    assert report["unanswered"][0]["text"] == UNANSWERABLE and report["unanswered"][0]["count"] == 2
    assert sum(hour["count"] for hour in report["questions_per_hour"]) == 3
    assert {"path": "projects[0]", "attribute": "", "label": report["topics"][0]["label"], "count": 1} in report[
        "topics"
    ]
    assert [lead["email"] for lead in report["leads"]] == ["maja@recruit.example"]
    assert [event["name"] for event in body["events"]] == ["Robotics fair"]

    exported = app_client.get("/api/owner/export/leads.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows == [
        {
            "name": "Maja Øberg",
            "email": "maja@recruit.example",
            "phone": "'+46 70 555 01 02",  # a leading + would make a spreadsheet formula
            "company": "Nordic Robots AB",
            "note": "Hiring for a motion-planning lead, Q3",
            "left_at": report["leads"][0]["timestamp"],
            "consent": report["leads"][0]["consent"],
        }
    ]
    card = app_client.get("/api/owner/export/leads.vcf").text
    assert (
        "FN:Maja Øberg\r\n" in card and "EMAIL:maja@recruit.example\r\n" in card and "ORG:Nordic Robots AB\r\n" in card
    )
    assert json.loads(app_client.get("/api/owner/export/report.json").text)["questions"] == 3
    report_rows = list(csv.reader(io.StringIO(app_client.get("/api/owner/export/report.csv").text)))
    assert ["summary", "questions", "3"] in report_rows and ["unanswered", UNANSWERABLE, "2"] in report_rows


def test_a_forgotten_visitor_keeps_only_topics_and_outcomes_in_the_report(app_client: TestClient) -> None:
    sign_in(app_client)
    ask(app_client, "visitor-9", UNANSWERABLE)
    app_client.post("/api/telemetry", json={"event": "page_view", "user_id": "visitor-9", "properties": {}})
    assert app_client.delete("/api/chat/history", params={"user_id": "visitor-9"}).status_code == 204
    report = app_client.get("/api/owner/report").json()["report"]
    assert report["questions"] == 1 and report["visitors"] == 1  # still counted, no longer linked
    assert report["unanswered"] == [
        {"text": None, "about": report["unanswered"][0]["about"], "outcome": "absent", "count": 1}
    ]
    assert UNANSWERABLE not in json.dumps(report)
    with sqlite3.connect(app_client.app.state.edgeapp.settings.database_path) as conn:  # type: ignore[attr-defined]
        assert conn.execute("SELECT count(*) FROM telemetry_event WHERE user_id = 'visitor-9'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM chat_message").fetchone()[0] == 0
        assert conn.execute("SELECT message_id FROM question_stat").fetchall() == [(None,)]


def test_forget_everything_needs_the_word_and_leaves_nothing(app_client: TestClient) -> None:
    sign_in(app_client)
    ask(app_client, "visitor-1", UNANSWERABLE)
    app_client.post("/api/leads", json=LEAD)
    assert app_client.post("/api/owner/forget", json={"confirm": "yes"}).status_code == 422
    counts = app_client.post("/api/owner/forget", json={"confirm": "FORGET"}).json()
    assert counts == {"messages": 2, "questions": 1, "events": 0, "leads": 1}
    report = app_client.get("/api/owner/report").json()["report"]
    assert report["questions"] == 0 and report["leads"] == []


def test_a_generated_pin_is_shown_once_in_the_owner_view(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin=None)
    with TestClient(create_app(settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        pin = (settings.data_dir / "kiosk-pin").read_text().strip()
        assert sign_in(client, pin) == 200
        assert client.get("/api/owner/report").json()["generated_pin"] == pin
        assert client.get("/api/owner/report").json()["generated_pin"] is None


def test_retention_forgets_old_questions_but_keeps_leads(app_client: TestClient) -> None:
    from datetime import timedelta

    from edgeapp.db import utcnow
    from edgeapp.visitor_data import forget_older_than

    state = app_client.app.state.edgeapp  # type: ignore[attr-defined]
    ask(app_client, "visitor-1", UNANSWERABLE)
    app_client.post("/api/leads", json=LEAD)
    assert forget_older_than(state.db, days=0) == 0  # 0: keep until the owner forgets
    assert forget_older_than(state.db, days=30, now=utcnow() + timedelta(days=31)) == 3
    with sqlite3.connect(state.settings.database_path) as conn:
        assert conn.execute("SELECT count(*) FROM lead").fetchone()[0] == 1


def test_leads_vcard_folds_and_escapes() -> None:
    from edgeapp.report import Lead

    card = leads_vcard([Lead(1, "Ann, Jr.", "ann@example.com", "", "A;B", "n" * 200, "c", "2026-01-02T03:04:05+00:00")])
    assert "FN:Ann\\, Jr.\r\n" in card and "ORG:A\\;B\r\n" in card and "REV:20260102T030405Z\r\n" in card
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))


CANARY = "zebra-canary-7Q3X"


def _raw_files(data_dir: Path) -> dict[str, bytes]:
    files = {path.name: path.read_bytes() for path in data_dir.glob("edgeapp.sqlite3*")}
    files |= {f"logs/{path.name}": path.read_bytes() for path in (data_dir / "logs").glob("*") if path.is_file()}
    return files


def test_a_wiped_visitors_canary_is_nowhere_while_the_server_runs(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin=PIN, log_level="DEBUG")
    engine = FakeEngine([f"I can't say; you asked about {CANARY}."])
    with live_server(settings, engine=engine) as server, httpx.Client(base_url=server.url) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        for _ in range(3):
            ask(client, f"visitor-{CANARY[-4:]}", f"Does Avery know {CANARY}?")
        client.post("/api/telemetry", json={"event": "page_view", "user_id": "canary-visitor", "properties": {}})
        before = _raw_files(settings.data_dir)
        assert any(CANARY.encode() in content for content in before.values()), "the test would prove nothing"
        assert client.delete("/api/chat/history", params={"user_id": f"visitor-{CANARY[-4:]}"}).status_code == 204
        after = _raw_files(settings.data_dir)
        for name, content in after.items():
            assert CANARY.encode() not in content, f"the canary is still readable in {name}"
            assert CANARY[-4:].encode() not in content or name.startswith("logs/"), name
        history = client.get("/api/chat/history", params={"user_id": f"visitor-{CANARY[-4:]}"}).json()
        assert history["total"] == 0
        sign_in(client)
        assert CANARY not in client.get("/api/owner/report").text
        for export in ("report.csv", "report.json", "leads.csv"):
            assert CANARY not in client.get(f"/api/owner/export/{export}").text


def test_report_command_prints_the_summary_and_writes_the_exports(owner_settings: Settings, tmp_path: Path) -> None:
    from tests.test_cli import run_cli

    with TestClient(create_app(owner_settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        sign_in(client)
        client.post("/api/owner/events", json={"name": "Spring fair"})
        ask(client, "visitor-1", UNANSWERABLE)
        client.post("/api/leads", json=LEAD)
    out = tmp_path / "exports"
    result = run_cli("report", "--event", "Spring fair", "--out", str(out), "--data-dir", str(owner_settings.data_dir))
    assert result.returncode == 0, result.stderr
    assert "Report: Spring fair" in result.stdout
    assert "questions 1 · unanswered 1 · leads 1" in result.stdout
    assert UNANSWERABLE in result.stdout and "Maja Øberg" in result.stdout
    assert sorted(path.name for path in out.iterdir()) == ["leads.csv", "leads.vcf", "report.csv", "report.json"]
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["leads"][0]["name"] == "Maja Øberg"
    missing = run_cli("report", "--event", "No such fair", "--data-dir", str(owner_settings.data_dir))
    assert missing.returncode == 1 and "no event named 'No such fair'" in missing.stderr
