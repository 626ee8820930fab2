"""Telemetry: anonymous usage events from the page (no IP address, no user agent)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.api.deps import ClientDep, StateDep
from edgeapp.api.schemas import TelemetryRequest

router = APIRouter(tags=["telemetry"])


@router.post("/telemetry", status_code=202)
async def post_telemetry(body: TelemetryRequest, state: StateDep, client: ClientDep) -> dict[str, Any]:
    """Record one allow-listed usage event."""
    state.limits.check_telemetry(client, body.user_id)

    def record() -> None:
        with Session(state.db) as session:
            store.add_event(session, event=body.event, user_id=body.user_id, properties=body.properties)

    await run_in_threadpool(record)
    return {"accepted": True}
