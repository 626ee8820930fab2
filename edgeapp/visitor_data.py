"""Forgetting visitors: one visitor at the kiosk's idle reset, everyone on the owner's word, and
whatever is older than the retention period.

Nothing forgotten stays readable in the database file or its write-ahead log: SQLite runs with
`secure_delete` (freed content is overwritten with zeros, see db.py), and each forget ends with a
checkpoint that copies the zeroed pages into the file and truncates the log. What the owner's
report keeps of a forgotten visitor is only what their questions were about (resume entry and
attribute ids) and how they were answered, unlinked from the visitor: never their words.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine as SQLEngine
from sqlalchemy import delete, text, update
from sqlmodel import Session, col, select

from edgeapp.db import ChatMessageRow, LeadRow, QuestionStatRow, TelemetryEventRow, utcnow

logger = logging.getLogger(__name__)


def checkpoint(db: SQLEngine) -> None:
    """Copy the log into the database file and empty it (SQLite; other databases need nothing)."""
    if db.dialect.name != "sqlite":
        return
    with db.connect() as conn:
        busy, _log_frames, _moved = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
        if busy:
            logger.warning("write-ahead log checkpoint was blocked by a reader; it completes on the next one")


def forget_visitor(db: SQLEngine, *, user_id: str) -> int:
    """Forget one visitor: their messages go, their report entries and usage events lose the link.

    The events keep counting as one anonymous session (a fresh random key), so the report still
    knows how many sessions there were and how long they lasted. Returns the messages removed.
    """
    with Session(db) as session:
        message_ids = list(session.exec(select(ChatMessageRow.id).where(ChatMessageRow.user_id == user_id)).all())
        if message_ids:
            session.exec(
                update(QuestionStatRow).where(col(QuestionStatRow.message_id).in_(message_ids)).values(message_id=None)
            )
        removed = session.exec(delete(ChatMessageRow).where(col(ChatMessageRow.user_id) == user_id))
        session.exec(
            update(TelemetryEventRow)
            .where(col(TelemetryEventRow.user_id) == user_id)
            .values(user_id=f"session-{secrets.token_hex(8)}")
        )
        session.commit()
    checkpoint(db)
    return int(removed.rowcount or 0)


def forget_everyone(db: SQLEngine) -> dict[str, int]:
    """Forget all visitor data: messages, report entries, usage events and leads."""
    counts = {}
    with Session(db) as session:
        for name, row in (
            ("messages", ChatMessageRow),
            ("questions", QuestionStatRow),
            ("events", TelemetryEventRow),
            ("leads", LeadRow),
        ):
            counts[name] = int(session.exec(delete(row)).rowcount or 0)
        session.commit()
    checkpoint(db)
    return counts


def forget_older_than(db: SQLEngine, *, days: int, now: datetime | None = None) -> int:
    """Forget questions, messages and usage events older than `days` days (0: keep them until the
    owner forgets them). Leads are the owner's contacts, kept until the owner forgets them."""
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    removed = 0
    with Session(db) as session:
        for row in (ChatMessageRow, QuestionStatRow, TelemetryEventRow):
            removed += int(session.exec(delete(row).where(col(row.timestamp) < cutoff)).rowcount or 0)
        session.commit()
    if removed:
        checkpoint(db)
    return removed
