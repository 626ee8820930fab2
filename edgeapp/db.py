"""SQLite through SQLModel: WAL mode, durable commits, and numbered schema migrations."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SQLEngine
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel, create_engine

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    """Now, in UTC, without microseconds noise in JSON."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class ChatMessageRow(SQLModel, table=True):
    """One chat message, a visitor's question or the assistant's answer."""

    __tablename__ = "chat_message"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(index=True, max_length=64)
    role: str = Field(max_length=16)
    content: str
    sources_json: str = Field(default="[]")
    # For answers: the outcome, the topics (entry path + attribute) and the language, as JSON.
    meta_json: str = Field(default="{}")
    timestamp: datetime = Field(default_factory=utcnow)


class TelemetryEventRow(SQLModel, table=True):
    """One usage event from the page; never an IP address or user agent."""

    __tablename__ = "telemetry_event"

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(index=True, max_length=40)
    user_id: str = Field(max_length=64)
    properties_json: str = Field(default="{}")
    timestamp: datetime = Field(default_factory=utcnow)


Migration = Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS chat_message ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " user_id VARCHAR(64) NOT NULL,"
            " role VARCHAR(16) NOT NULL,"
            " content TEXT NOT NULL,"
            " timestamp DATETIME NOT NULL)"
        )
    )
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_chat_message_user_id ON chat_message (user_id)"))
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS telemetry_event ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " event VARCHAR(40) NOT NULL,"
            " user_id VARCHAR(64) NOT NULL,"
            " properties_json TEXT NOT NULL DEFAULT '{}',"
            " timestamp DATETIME NOT NULL)"
        )
    )
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_telemetry_event_event ON telemetry_event (event)"))


def _v2_message_sources(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE chat_message ADD COLUMN sources_json TEXT NOT NULL DEFAULT '[]'"))


def _v3_message_meta(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE chat_message ADD COLUMN meta_json TEXT NOT NULL DEFAULT '{}'"))


# Append only: version N is MIGRATIONS[N-1]. Never edit a released step; add a new one.
MIGRATIONS: tuple[Migration, ...] = (_v1_initial, _v2_message_sources, _v3_message_meta)
SCHEMA_VERSION = len(MIGRATIONS)


class DatabaseTooNew(RuntimeError):
    """The database was written by a newer edgeapp than this one."""

    def __init__(self, message: str, *, found: int = 0, supported: int = 0) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a kiosk may lose power; every acknowledged write must be on disk.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_db_engine(path: Path) -> SQLEngine:
    """Open (creating if needed) the SQLite file at `path` and migrate it to SCHEMA_VERSION."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    migrate(engine)
    return engine


def schema_version(engine: SQLEngine) -> int:
    """The schema version stored in the database (PRAGMA user_version)."""
    with engine.connect() as conn:
        return int(conn.execute(text("PRAGMA user_version")).scalar_one())


def migrate(engine: SQLEngine) -> None:
    """Apply every migration newer than the database's version, each in its own transaction."""
    current = schema_version(engine)
    if current > SCHEMA_VERSION:
        raise DatabaseTooNew(
            f"database schema v{current} is newer than this edgeapp (v{SCHEMA_VERSION}); upgrade edgeapp",
            found=current,
            supported=SCHEMA_VERSION,
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with engine.begin() as conn:
            MIGRATIONS[version - 1](conn)
            conn.execute(text(f"PRAGMA user_version = {version}"))
        logger.info("database migrated", extra={"schema_version": version})
