"""The database through SQLModel: the SQLite file by default (WAL mode, durable commits), or one
PostgreSQL for a fleet of kiosks; every row says which device wrote it. Migrations: migrations.py."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SQLEngine
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel, create_engine

from edgeapp.migrations import MIGRATIONS, SCHEMA_VERSION, DatabaseTooNew, migrate, schema_version

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ChatMessageRow",
    "DatabaseTooNew",
    "LeadRow",
    "OwnerEventRow",
    "QuestionStatRow",
    "TelemetryEventRow",
    "create_db_engine",
    "database_url",
    "migrate",
    "schema_version",
]

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
    device_id: str = Field(default="", max_length=64, index=True)  # the kiosk that wrote it
    timestamp: datetime = Field(default_factory=utcnow)


class TelemetryEventRow(SQLModel, table=True):
    """One usage event from the page; never an IP address or user agent."""

    __tablename__ = "telemetry_event"

    id: int | None = Field(default=None, primary_key=True)
    event: str = Field(index=True, max_length=40)
    user_id: str = Field(max_length=64)
    properties_json: str = Field(default="{}")
    device_id: str = Field(default="", max_length=64, index=True)  # the kiosk that wrote it
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
    device_id: str = Field(default="", max_length=64, index=True)  # the kiosk that wrote it
    timestamp: datetime = Field(default_factory=utcnow, index=True)


class OwnerEventRow(SQLModel, table=True):
    """A named time span the owner started (a job fair day); open while `ended` is null."""

    __tablename__ = "owner_event"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    started: datetime = Field(default_factory=utcnow)
    ended: datetime | None = Field(default=None)
    device_id: str = Field(default="", max_length=64, index=True)  # the kiosk that wrote it


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
    device_id: str = Field(default="", max_length=64, index=True)  # the kiosk that wrote it
    timestamp: datetime = Field(default_factory=utcnow, index=True)


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


def database_url(target: str | Path) -> str:
    """The SQLAlchemy URL for a DATABASE_URL as users write it (postgresql://user@host/db,
    postgres://…), or for the path of a SQLite file."""
    if isinstance(target, Path):
        return f"sqlite:///{target}"
    for scheme in ("postgresql://", "postgres://"):
        if target.startswith(scheme):
            return "postgresql+psycopg://" + target[len(scheme) :]
    return target


class _ConnectBreaker:
    """After a failed connection, fail new ones at once for a few seconds: a database that went
    away must not cost every visitor's question a connect timeout."""

    def __init__(self, seconds: float = 5.0) -> None:
        self.seconds = seconds
        self._failed_at = -seconds
        self._reason = ""

    def before(self) -> None:
        left = self._failed_at + self.seconds - time.monotonic()
        if left > 0:
            import psycopg

            raise psycopg.OperationalError(f"{self._reason} (next try in {left:.0f} s)")

    def failed(self, reason: str) -> None:
        self._failed_at, self._reason = time.monotonic(), reason


def _postgres_engine(url: str, device_id: str) -> SQLEngine:
    engine = create_engine(
        url,
        # Bounded waits: a kiosk whose database went away answers from data, it never hangs.
        connect_args={
            "connect_timeout": 3,
            "application_name": f"edgeapp {device_id}"[:63],
            # Moments without a time zone are UTC wall time, as on SQLite, whatever the server's zone.
            "options": "-c timezone=UTC",
        },
        pool_pre_ping=True,
        pool_timeout=5,
        pool_recycle=1800,
    )
    breaker = _ConnectBreaker()

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        breaker.before()
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as exc:
            breaker.failed(f"cannot connect to the database: {str(exc).strip().splitlines()[0]}")
            raise

    return engine


def create_db_engine(target: str | Path, *, device_id: str = "", migrate_now: bool = True) -> SQLEngine:
    """Open (creating if needed) the database, SQLite file or PostgreSQL URL, and migrate it to
    SCHEMA_VERSION; every row written through it carries `device_id`."""
    url = database_url(target)
    if url.startswith("sqlite"):
        if isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _set_pragmas)
    else:
        engine = _postgres_engine(url, device_id)
    event.listen(engine, "connect", lambda _conn, record: record.info.__setitem__("device_id", device_id))
    if migrate_now:
        try:
            migrate(engine, device_id=device_id)
        except BaseException:
            engine.dispose()
            raise
    return engine


def _stamp_device(_mapper: Any, connection: Connection, target: Any) -> None:
    """Rows say which device wrote them (the id rides on each pooled connection)."""
    if not target.device_id:
        target.device_id = connection.info.get("device_id", "")


for _row_class in (ChatMessageRow, TelemetryEventRow, LeadRow, OwnerEventRow, QuestionStatRow):
    event.listen(_row_class, "before_insert", _stamp_device)
