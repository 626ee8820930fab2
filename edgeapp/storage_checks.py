"""Is the storage chat needs usable? A cheap database probe, the disk-space floor, and failed writes.

Health asks `StorageChecks.problems()`; the probe runs at most every `probe_seconds`, so polling
health costs a cached answer. A database write that failed for a request is reported for a while
even when the probe passes (a full disk can refuse one write and accept the next, smaller one).
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine as SQLEngine
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

MB = 1024 * 1024
RECENT_FAILURE_SECONDS = 60.0


def megabytes(size: float) -> str:
    """`12.3 MB` for a byte count."""
    return f"{size / MB:.1f} MB"


def free_bytes(path: Path) -> int | None:
    """Free space on the file system holding `path` (None when it cannot be read)."""
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def probe_database(db: SQLEngine) -> str | None:
    """Why the database cannot serve chat, or None: an integrity check and a rolled-back write.

    `PRAGMA quick_check` reads every page (garbled pages behind a valid header show here); the
    write takes the write lock and changes a page without committing (a read-only file shows here).
    """
    connection = db.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout=250")  # a busy writer is not a broken database
        try:
            verdict = [str(row[0]) for row in cursor.execute("PRAGMA quick_check(3)").fetchall()]
            if verdict != ["ok"]:
                return f"database is damaged: {'; '.join(verdict)}"
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute(
                "INSERT INTO telemetry_event (event, user_id, properties_json, timestamp)"
                " VALUES ('health_probe', 'health_probe', '{}', CURRENT_TIMESTAMP)"
            )
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return None
            return f"database cannot be written: {exc}"
        except sqlite3.DatabaseError as exc:
            return f"database is damaged: {exc}"
        finally:
            connection.rollback()
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
    finally:
        connection.close()
    return None


def probe_postgres(db: SQLEngine, label: str) -> str | None:
    """Why the shared PostgreSQL cannot serve chat, or None: a connection and a rolled-back write."""
    try:
        with db.connect() as conn, conn.begin() as transaction:
            conn.execute(
                text(
                    "INSERT INTO telemetry_event (event, user_id, properties_json, device_id, timestamp)"
                    " VALUES ('health_probe', 'health_probe', '{}', '', CURRENT_TIMESTAMP)"
                )
            )
            transaction.rollback()
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        if isinstance(exc.orig, psycopg.OperationalError):
            return f"database unreachable ({label}): {reason}; chat answers are not stored meanwhile"
        return f"database cannot be written ({label}): {reason}"
    return None


class StorageChecks:
    """The database, disk-space and failed-write checks of one app."""

    def __init__(
        self,
        db: SQLEngine,
        data_dir: Path,
        *,
        min_free_bytes: int,
        probe_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        label: str = "",
        pending_migration: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.label = label or str(db.url)
        # A shared database that was unreachable at start is migrated once it answers.
        self.pending_migration = pending_migration
        self.data_dir = data_dir
        self.min_free_bytes = min_free_bytes
        self.probe_seconds = probe_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._probed_at: float | None = None
        self._probe_result: str | None = None
        self._last_write_failure: tuple[float, str] | None = None
        event.listen(db, "handle_error", self._on_database_error)

    def _on_database_error(self, context: Any) -> None:
        """SQLAlchemy calls this for every failed statement: remember the failure for health."""
        original = getattr(context, "original_exception", None)
        if isinstance(original, sqlite3.Error | psycopg.Error):
            with self._lock:
                self._last_write_failure = (self._clock(), str(original))
                self._probed_at = None  # look again at the next health check

    def _probe(self) -> str | None:
        if self.db.dialect.name == "sqlite":
            return probe_database(self.db)
        if self.pending_migration is not None:
            try:
                self.pending_migration()
            except DBAPIError as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
                return f"database unreachable ({self.label}): {reason}; chat answers are not stored meanwhile"
            self.pending_migration = None
        return probe_postgres(self.db, self.label)

    def problems(self) -> list[str]:
        """Each storage problem as one sentence (empty when chat's storage is fine)."""
        found = []
        free = free_bytes(self.data_dir)
        if free is not None and free < self.min_free_bytes:
            found.append(
                f"disk nearly full: {megabytes(free)} free where DATA_DIR is ({self.data_dir}); "
                f"chat and logs need at least {megabytes(self.min_free_bytes)}"
            )
        with self._lock:
            now = self._clock()
            due = self._probed_at is None or now - self._probed_at >= self.probe_seconds
        if due:
            result = self._probe()
            with self._lock:
                self._probed_at, self._probe_result = now, result
        with self._lock:
            if self._probe_result is not None:
                found.append(self._probe_result)
            failure = self._last_write_failure
        if failure is not None and now - failure[0] < RECENT_FAILURE_SECONDS:
            found.append(f"a database operation failed {round(now - failure[0])} s ago: {failure[1]}")
        return found
