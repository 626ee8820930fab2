"""SQLite through SQLModel: WAL mode, durable commits, and numbered schema migrations."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, event, text
from sqlalchemy import Engine as SQLEngine
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


class LeadRow(SQLModel, table=True):
    """A contact a visitor chose to leave for the owner, with the consent they gave."""

    __tablename__ = "lead"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    company: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)
    consent: str = Field(max_length=300)  # the statement the visitor agreed to, as shown
    timestamp: datetime = Field(default_factory=utcnow, index=True)


class OwnerEventRow(SQLModel, table=True):
    """A named time span the owner started (a job fair day); open while `ended` is null."""

    __tablename__ = "owner_event"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    started: datetime = Field(default_factory=utcnow)
    ended: datetime | None = Field(default=None)


class QuestionStatRow(SQLModel, table=True):
    """What one question was about and how it was answered, for the owner's report.

    Holds no words of the visitor: the question's text stays in its chat message, linked by
    `message_id` until the visitor is forgotten (then the link is cleared and the text is gone).
    """

    __tablename__ = "question_stat"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int | None = Field(default=None, index=True)
    outcome: str = Field(max_length=16)
    topics_json: str = Field(default="[]")
    language: str = Field(default="", max_length=16)
    timestamp: datetime = Field(default_factory=utcnow, index=True)


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


def _v4_owner_report(conn: Connection) -> None:
    # Written with SQLAlchemy's portable DDL (the shapes frozen here, not taken from the models).
    meta = MetaData()
    Table(
        "lead",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False, server_default=""),
        Column("email", String(254), nullable=False, server_default=""),
        Column("phone", String(40), nullable=False, server_default=""),
        Column("company", String(100), nullable=False, server_default=""),
        Column("note", String(500), nullable=False, server_default=""),
        Column("consent", String(300), nullable=False),
        Column("timestamp", DateTime, nullable=False, index=True),
    )
    Table(
        "owner_event",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False),
        Column("started", DateTime, nullable=False),
        Column("ended", DateTime, nullable=True),
    )
    Table(
        "question_stat",
        meta,
        Column("id", Integer, primary_key=True),
        Column("message_id", Integer, nullable=True, index=True),
        Column("outcome", String(16), nullable=False),
        Column("topics_json", Text, nullable=False, server_default="[]"),
        Column("language", String(16), nullable=False, server_default=""),
        Column("timestamp", DateTime, nullable=False, index=True),
    )
    meta.create_all(conn)
    # The report reads usage events by time (CREATE INDEX IF NOT EXISTS: SQLite and PostgreSQL alike).
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_telemetry_event_timestamp ON telemetry_event (timestamp)"))


# Append only: version N is MIGRATIONS[N-1]. Never edit a released step; add a new one.
MIGRATIONS: tuple[Migration, ...] = (_v1_initial, _v2_message_sources, _v3_message_meta, _v4_owner_report)
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
    # Deleted content is overwritten with zeros, so a forgotten visitor's words are not left
    # readable in free pages of the file (see visitor_data.py for the log's part).
    cursor.execute("PRAGMA secure_delete=ON")
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
