"""Events: named time spans the owner starts and stops (a job fair day), one running at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from edgeapp.db import OwnerEventRow, utcnow
from edgeapp.errors import NotFound
from edgeapp.report import Span, day_span, event_span, local_zone
from edgeapp.store import as_utc


def running(session: Session) -> OwnerEventRow | None:
    """The event that has started and not stopped, if any."""
    return session.exec(select(OwnerEventRow).where(col(OwnerEventRow.ended).is_(None))).first()


def stop(session: Session, *, now: datetime | None = None) -> OwnerEventRow | None:
    """Stop the running event; returns it (None when none was running)."""
    event = running(session)
    if event is not None:
        event.ended = now or utcnow()
        session.add(event)
        session.commit()
        session.refresh(event)
    return event


def start(session: Session, *, name: str, now: datetime | None = None) -> OwnerEventRow:
    """Start an event now, stopping the one running."""
    moment = now or utcnow()
    stop(session, now=moment)
    event = OwnerEventRow(name=name, started=moment)
    session.add(event)
    session.commit()
    session.refresh(event)
    return event


def listing(session: Session) -> list[dict[str, Any]]:
    """Every event, newest first."""
    events = session.exec(select(OwnerEventRow).order_by(col(OwnerEventRow.started).desc())).all()
    return [
        {
            "id": event.id,
            "name": event.name,
            "started": as_utc(event.started).isoformat(),
            "ended": as_utc(event.ended).isoformat() if event.ended else None,
        }
        for event in events
    ]


def by_name(session: Session, name: str) -> OwnerEventRow:
    """The latest event called `name`; NotFound otherwise."""
    event = session.exec(
        select(OwnerEventRow).where(OwnerEventRow.name == name).order_by(col(OwnerEventRow.started).desc())
    ).first()
    if event is None:
        raise NotFound(f"no event named {name!r}")
    return event


def span_of(session: Session, event_id: int | None) -> Span:
    """The span of event `event_id`; by default the running or latest event, else today."""
    if event_id is not None:
        event = session.get(OwnerEventRow, event_id)
        if event is None:
            raise NotFound(f"no event {event_id}")
        return event_span(event)
    latest = running(session) or session.exec(select(OwnerEventRow).order_by(col(OwnerEventRow.started).desc())).first()
    if latest is not None:
        return event_span(latest)
    return day_span(datetime.now(local_zone()).date())
