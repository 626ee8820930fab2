"""Health, metrics, the page's launch configuration and the kiosk's operator exit."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlmodel import func, select

from edgeapp import __version__, store
from edgeapp.api.deps import SessionDep, StateDep
from edgeapp.api.schemas import KioskExitRequest
from edgeapp.db import ChatMessageRow
from edgeapp.errors import Forbidden, NotFound
from edgeapp.health import health_report
from edgeapp.leads import consent_text

router = APIRouter(tags=["system"])


@router.get("/health")
def get_health(state: StateDep) -> JSONResponse:
    """200 when ready (or degraded, with each problem named); 503 while the model loads."""
    code, body = health_report(state)
    return JSONResponse(body, status_code=code)


@router.get("/metrics")
def get_metrics(state: StateDep, session: SessionDep) -> dict[str, Any]:
    """Request counts and latency percentiles, model speed, and anonymous usage analytics."""
    stats = state.engine.stats
    first_tokens = sorted(stats.first_token_seconds)
    messages = session.exec(select(func.count()).select_from(ChatMessageRow)).one()
    return {
        "requests": state.metrics.snapshot(),
        "model": {
            "status": state.engine.state.status.value,
            "generations": stats.generations,
            "tokens_generated": stats.tokens_generated,
            "tokens_per_second": round(stats.tokens_per_second, 2),
            "first_token_p50_ms": round(first_tokens[len(first_tokens) // 2] * 1000, 1) if first_tokens else None,
        },
        "queue": state.model_queue.snapshot(),
        "usage": {
            "events": store.event_counts(session),
            "visitors": store.visitor_count(session),
            "chat_messages": int(messages),
        },
    }


@router.get("/client_config")
def get_client_config(state: StateDep) -> dict[str, Any]:
    """What the page needs at launch: the CSRF token and the kiosk settings."""
    return {
        "csrf_token": state.csrf_token,
        "kiosk": {
            "enabled": state.settings.kiosk,
            "idle_seconds": state.settings.kiosk_idle_seconds,
        },
        "lead_consent": consent_text(state.resume.resume),
        "owner_sign_in": state.kiosk_pin is not None,
        "version": __version__,
    }


@router.post("/kiosk/exit")
def post_kiosk_exit(body: KioskExitRequest, state: StateDep) -> dict[str, bool]:
    """Leave kiosk mode when the operator's PIN is right."""
    if not state.settings.kiosk:
        raise NotFound("kiosk mode is not on")
    expected = (state.kiosk_pin or "").encode()
    if not expected or not state.limits.check_kiosk_pin(lambda: secrets.compare_digest(body.pin.encode(), expected)):
        raise Forbidden("wrong PIN")
    if state.on_kiosk_exit is not None:
        state.on_kiosk_exit()
    return {"exited": True}
