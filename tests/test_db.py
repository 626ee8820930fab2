"""The SQLite layer: WAL, schema versions, migrations of old databases, durability."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import Session

from edgeapp import store
from edgeapp.db import SCHEMA_VERSION, DatabaseTooNew, create_db_engine, schema_version


def test_new_database_is_wal_and_current(tmp_path: Path) -> None:
    engine = create_db_engine(tmp_path / "db.sqlite3")
    assert schema_version(engine) == SCHEMA_VERSION
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    engine.dispose()


def test_version_1_database_is_migrated_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE chat_message (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id VARCHAR(64) NOT NULL,"
            " role VARCHAR(16) NOT NULL, content TEXT NOT NULL, timestamp DATETIME NOT NULL);"
            "CREATE TABLE telemetry_event (id INTEGER PRIMARY KEY AUTOINCREMENT, event VARCHAR(40) NOT NULL,"
            " user_id VARCHAR(64) NOT NULL, properties_json TEXT NOT NULL DEFAULT '{}', timestamp DATETIME NOT NULL);"
            "INSERT INTO chat_message (user_id, role, content, timestamp)"
            " VALUES ('v1', 'user', 'old question', '2025-01-01 10:00:00');"
            "PRAGMA user_version = 1;"
        )
    engine = create_db_engine(path)
    assert schema_version(engine) == SCHEMA_VERSION
    with Session(engine) as session:
        rows, total = store.list_messages(session, user_id="v1", limit=10, offset=0)
        assert total == 1 and rows[0].content == "old question" and rows[0].sources_json == "[]"
        store.add_message(session, user_id="v1", role="assistant", content="new", sources=[{"path": "work[0]"}])
    engine.dispose()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DatabaseTooNew):
        create_db_engine(path)


def test_messages_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    engine = create_db_engine(path)
    with Session(engine) as session:
        store.add_message(session, user_id="v1", role="user", content="kept")
    engine.dispose()
    reopened = create_db_engine(path)
    with Session(reopened) as session:
        assert [m.content for m in store.recent_messages(session, user_id="v1", limit=5)] == ["kept"]
    reopened.dispose()
