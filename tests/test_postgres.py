"""A fleet on one database: migrations on PostgreSQL from the same numbered steps, every row with
its device, two app instances writing at once, and a kiosk that loses the database and keeps
serving. Against a real PostgreSQL cluster the tests start (tests/postgres.py)."""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import Session

from edgeapp import store
from edgeapp.db import SCHEMA_VERSION, DatabaseTooNew, create_db_engine, database_url, schema_version
from tests.helpers import live_server, make_settings
from tests.postgres import Cluster, postgres_cluster
from tests.serve_process import serve_process, token_for

pytestmark = pytest.mark.postgres

_names = itertools.count()


def fresh_database(cluster: Cluster) -> str:
    """A new database in the session's cluster; its DATABASE_URL."""
    return cluster.create_database(f"t{os.getpid()}_{next(_names)}")


def wait_until(condition: Callable[[], bool], timeout: float = 90.0) -> None:
    """Poll `condition` until it holds, or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition never held")
        time.sleep(0.1)


def ask(url: str, question: str, user_id: str, token: str) -> dict[str, Any]:
    """One question to a running edgeapp; the JSON answer."""
    response = httpx.post(
        f"{url}/api/chat",
        json={"content": question, "user_id": user_id},
        headers={"X-EdgeApp-Token": token},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_urls_as_users_write_them_map_to_the_driver() -> None:
    assert database_url("postgresql://kiosk@db.local/edgeapp") == "postgresql+psycopg://kiosk@db.local/edgeapp"
    assert (
        database_url("postgres://kiosk:pw@db.local:5433/edgeapp")
        == "postgresql+psycopg://kiosk:pw@db.local:5433/edgeapp"
    )
    assert database_url(Path("/data/edgeapp.sqlite3")) == "sqlite:////data/edgeapp.sqlite3"


def test_migrations_run_on_postgres_from_the_same_steps(postgres: Cluster) -> None:
    url = fresh_database(postgres)
    name = url.rsplit("/", 1)[1]
    engine = create_db_engine(url, device_id="kiosk-a")
    try:
        assert schema_version(engine) == SCHEMA_VERSION
        columns = postgres.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'chat_message' ORDER BY 1", name
        ).split()
        assert {"id", "user_id", "role", "content", "sources_json", "meta_json", "device_id", "timestamp"} == set(
            columns
        )
        with Session(engine) as session:
            row = store.add_message(session, user_id="v1", role="user", content="hello")
            assert row.id == 1 and row.device_id == "kiosk-a"
            assert row.timestamp.utcoffset() is not None
    finally:
        engine.dispose()
    again = create_db_engine(url, device_id="kiosk-b")  # nothing left to do
    again.dispose()
    assert postgres.sql("SELECT version FROM edgeapp_schema", name) == str(SCHEMA_VERSION)


def test_a_newer_postgres_schema_is_refused(postgres: Cluster) -> None:
    url = fresh_database(postgres)
    create_db_engine(url).dispose()
    postgres.sql(f"UPDATE edgeapp_schema SET version = {SCHEMA_VERSION + 1}", url.rsplit("/", 1)[1])
    with pytest.raises(DatabaseTooNew):
        create_db_engine(url)


def test_old_sqlite_rows_are_stamped_with_this_device_and_new_ones_carry_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE chat_message (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id VARCHAR(64) NOT NULL,"
            " role VARCHAR(16) NOT NULL, content TEXT NOT NULL, timestamp DATETIME NOT NULL,"
            " sources_json TEXT NOT NULL DEFAULT '[]', meta_json TEXT NOT NULL DEFAULT '{}');"
            "CREATE TABLE telemetry_event (id INTEGER PRIMARY KEY AUTOINCREMENT, event VARCHAR(40) NOT NULL,"
            " user_id VARCHAR(64) NOT NULL, properties_json TEXT NOT NULL DEFAULT '{}', timestamp DATETIME NOT NULL);"
            "INSERT INTO chat_message (user_id, role, content, timestamp) VALUES ('v1', 'user', 'old', '2025-01-01');"
            "PRAGMA user_version = 3;"
        )
    engine = create_db_engine(path, device_id="booth-1")
    with Session(engine) as session:
        store.add_message(session, user_id="v1", role="assistant", content="new")
        devices = session.exec(text("SELECT content, device_id FROM chat_message ORDER BY id")).all()  # type: ignore[call-overload]
    engine.dispose()
    assert [tuple(row) for row in devices] == [("old", "booth-1"), ("new", "booth-1")]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_two_instances_write_to_one_database_at_once(tmp_path: Path, postgres: Cluster) -> None:
    url = fresh_database(postgres)
    name = url.rsplit("/", 1)[1]
    questions = ["What is your email?", "Where do you live?", "What languages do you speak?"] * 3

    def instance(device: str) -> Any:
        return serve_process(
            tmp_path / device,
            "--no-model",
            env={"DATABASE_URL": url, "DEVICE_ID": device, "CHAT_RATE_PER_MINUTE": "200"},
        )

    # Both start together: their migrations must not collide.
    with ThreadPoolExecutor(2) as pool:
        contexts = [instance("kiosk-a"), instance("kiosk-b")]
        (_, url_a), (_, url_b) = pool.map(lambda c: c.__enter__(), contexts)
    try:
        tokens = {url_a: token_for(url_a), url_b: token_for(url_b)}
        jobs = [
            (base, question, f"visitor-{base[-5:]}-{i}")
            for i, question in enumerate(questions)
            for base in (url_a, url_b)
        ]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda job: ask(job[0], job[1], job[2], tokens[job[0]]), jobs))
        assert all(answer["message"]["id"] for answer in answers)
        # One database: what kiosk A stored, kiosk B reads.
        visitor = f"visitor-{url_a[-5:]}-0"
        seen_from_b = httpx.get(f"{url_b}/api/chat/history", params={"user_id": visitor}).json()["messages"]
        assert seen_from_b[0]["content"] == questions[0]
        assert httpx.get(f"{url_a}/api/health").json()["status"] in {"ok", "degraded"}
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    counts = dict(
        line.split("|")
        for line in postgres.sql("SELECT device_id, count(*) FROM chat_message GROUP BY 1", name).split()
    )
    assert counts == {"kiosk-a": str(2 * len(questions)), "kiosk-b": str(2 * len(questions))}
    assert postgres.sql("SELECT version FROM edgeapp_schema", name) == str(SCHEMA_VERSION)


@pytest.mark.timeout(300)
def test_a_kiosk_that_loses_the_database_keeps_serving_and_says_so(tmp_path: Path) -> None:
    with postgres_cluster() as cluster:  # its own cluster: this test stops it
        settings = make_settings(tmp_path / "data", database_url=cluster.url, device_id="kiosk-a")
        with live_server(settings) as server:
            token = httpx.get(f"{server.url}/api/client_config").json()["csrf_token"]
            assert ask(server.url, "What is your email?", "v1", token)["message"]["id"]
            cluster.stop()
            assert httpx.get(f"{server.url}/api/resume_data").status_code == 200
            answer = ask(server.url, "What is your email?", "v1", token)
            assert "@" in answer["message"]["content"] and answer["message"]["id"] is None
            health = httpx.get(f"{server.url}/api/health").json()
            assert health["status"] == "degraded"
            assert any("database" in problem for problem in health["problems"]), health
            cluster.start()

            def healthy() -> bool:
                return bool(httpx.get(f"{server.url}/api/health").json()["status"] == "ok")

            wait_until(healthy)
            assert ask(server.url, "Where do you live?", "v1", token)["message"]["id"]
        stored = cluster.sql("SELECT count(*) FROM chat_message")
    assert stored == "4"  # before and after the outage; the answer during it was not stored


@pytest.mark.timeout(300)
def test_a_kiosk_starts_while_the_database_is_down_and_migrates_when_it_answers(tmp_path: Path) -> None:
    with postgres_cluster() as cluster:
        cluster.stop()
        settings = make_settings(tmp_path / "data", database_url=cluster.url)
        with live_server(settings) as server:
            health = httpx.get(f"{server.url}/api/health").json()
            assert health["status"] == "degraded"
            assert any("database unreachable" in problem for problem in health["problems"]), health
            cluster.start()
            wait_until(lambda: httpx.get(f"{server.url}/api/health").json()["status"] == "ok")
            token = httpx.get(f"{server.url}/api/client_config").json()["csrf_token"]
            assert ask(server.url, "What is your email?", "v1", token)["message"]["id"]
        assert cluster.sql("SELECT version FROM edgeapp_schema") == str(SCHEMA_VERSION)
