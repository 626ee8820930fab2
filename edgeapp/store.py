"""Data access for chat messages and telemetry events; plain functions over a Session."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from edgeapp.db import ChatMessageRow, LeadRow, QuestionStatRow, TelemetryEventRow

TelemetryValue = str | int | float | bool


def as_utc(moment: datetime) -> datetime:
    """A stored moment in UTC (SQLite hands datetimes back naive; they were stored in UTC)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def add_message(
    session: Session,
    *,
    user_id: str,
    role: str,
    content: str,
    sources: Sequence[Mapping[str, str]] = (),
    meta: Mapping[str, object] | None = None,
) -> ChatMessageRow:
    """Store one message and return it with its id and timestamp."""
    row = ChatMessageRow(
        user_id=user_id,
        role=role,
        content=content,
        sources_json=json.dumps(list(sources)),
        meta_json=json.dumps(dict(meta or {})),
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def list_messages(session: Session, *, user_id: str, limit: int, offset: int) -> tuple[list[ChatMessageRow], int]:
    """A page of one visitor's messages, oldest first, and how many there are in all."""
    total = session.exec(
        select(func.count()).select_from(ChatMessageRow).where(ChatMessageRow.user_id == user_id)
    ).one()
    rows = session.exec(
        select(ChatMessageRow)
        .where(ChatMessageRow.user_id == user_id)
        .order_by(col(ChatMessageRow.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def recent_messages(session: Session, *, user_id: str, limit: int) -> list[ChatMessageRow]:
    """The visitor's last `limit` messages, oldest first (the context for a follow-up)."""
    if limit <= 0:
        return []
    rows = session.exec(
        select(ChatMessageRow)
        .where(ChatMessageRow.user_id == user_id)
        .order_by(col(ChatMessageRow.id).desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def delete_messages(session: Session, *, user_id: str) -> int:
    """Forget every message of one visitor; returns how many were removed."""
    result = session.exec(delete(ChatMessageRow).where(col(ChatMessageRow.user_id) == user_id))
    session.commit()
    return int(result.rowcount or 0)


def add_event(
    session: Session, *, event: str, user_id: str, properties: Mapping[str, TelemetryValue]
) -> TelemetryEventRow:
    """Store one telemetry event."""
    row = TelemetryEventRow(event=event, user_id=user_id, properties_json=json.dumps(dict(properties)))
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def event_counts(session: Session) -> dict[str, int]:
    """How many events of each name were recorded (usage analytics)."""
    rows = session.exec(select(TelemetryEventRow.event, func.count()).group_by(TelemetryEventRow.event)).all()
    return {name: int(count) for name, count in rows}


def visitor_count(session: Session) -> int:
    """Distinct anonymous visitors seen in telemetry."""
    return int(session.exec(select(func.count(func.distinct(TelemetryEventRow.user_id)))).one())


def add_question_stat(
    session: Session,
    *,
    message_id: int | None,
    outcome: str,
    topics: Sequence[Mapping[str, str]],
    language: str,
    asked_at: datetime,
) -> QuestionStatRow:
    """Store what one question was about, for the owner's report (topics are ids, never free text)."""
    from edgeapp.report import clean_topics

    row = QuestionStatRow(
        message_id=message_id,
        outcome=outcome[:16],
        topics_json=json.dumps(clean_topics(list(topics))),
        language=language[:16],
        timestamp=asked_at,
    )
    session.add(row)
    session.commit()
    return row


def add_lead(session: Session, *, name: str, email: str, phone: str, company: str, note: str, consent: str) -> LeadRow:
    """Store a contact a visitor left for the owner."""
    row = LeadRow(name=name, email=email, phone=phone, company=company, note=note, consent=consent)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row
