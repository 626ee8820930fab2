"""The owner's side: sign in with the operator PIN, the report, events, exports, forgetting."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Cookie, Depends, Query, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import owner_events, visitor_data
from edgeapp.api.deps import StateDep
from edgeapp.api.schemas import EventStartRequest, ForgetRequest, OwnerSignInRequest
from edgeapp.errors import Forbidden, InvalidRequest, NotFound, OwnerOnly
from edgeapp.owner_auth import COOKIE
from edgeapp.report import Report, Span, build_report, day_span
from edgeapp.report_export import leads_csv, leads_vcard, report_csv, report_json
from edgeapp.state import AppState

router = APIRouter(prefix="/owner", tags=["owner"])

OwnerCookie = Annotated[str | None, Cookie(alias=COOKIE)]


def require_owner(state: StateDep, token: OwnerCookie = None) -> AppState:
    """The app's state, for a request from a signed-in owner; 401 otherwise."""
    if not state.owner_sessions.check(token):
        raise OwnerOnly("sign in with the operator PIN to see the owner's report")
    return state


OwnerDep = Annotated[AppState, Depends(require_owner)]
EventQuery = Annotated[int | None, Query(description="An event's id (see `events` in the report).")]
DayQuery = Annotated[date | None, Query(description="A day, YYYY-MM-DD, in the owner's time zone.")]


@router.post("/session")
def sign_in(body: OwnerSignInRequest, state: StateDep, response: Response) -> dict[str, bool]:
    """Open an owner session with the operator PIN (wrong PINs back off like the kiosk exit's)."""
    expected = (state.kiosk_pin or "").encode()
    if not expected:
        raise NotFound("no operator PIN is set: set KIOSK_PIN, or run `edgeapp report`")
    if not state.limits.check_kiosk_pin(lambda: secrets.compare_digest(body.pin.encode(), expected)):
        raise Forbidden("wrong PIN")
    response.set_cookie(
        COOKIE,
        state.owner_sessions.open(),
        httponly=True,
        samesite="strict",
        path="/",
        max_age=state.settings.owner_session_idle_seconds,
    )
    return {"signed_in": True}


@router.delete("/session", status_code=204)
def sign_out(state: StateDep, token: OwnerCookie = None) -> Response:
    """End the owner session."""
    state.owner_sessions.close(token)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


def _span(session: Session, event: int | None, day: date | None) -> Span:
    if event is not None and day is not None:
        raise InvalidRequest("ask for an event or a day, not both")
    return day_span(day) if day is not None else owner_events.span_of(session, event)


def _report(state: AppState, event: int | None, day: date | None) -> Report:
    visitor_data.forget_older_than(state.db, days=state.settings.report_retention_days)
    entries = state.assistant.index.entries if state.assistant is not None else ()
    with Session(state.db) as session:
        return build_report(session, _span(session, event, day), entries=entries)


@router.get("/report")
async def get_report(state: OwnerDep, event: EventQuery = None, day: DayQuery = None) -> dict[str, Any]:
    """The report for an event or a day (default: the running or latest event, else today), the
    events, the retention setting and, once, a generated operator PIN."""
    report = await run_in_threadpool(_report, state, event, day)

    def events() -> list[dict[str, Any]]:
        with Session(state.db) as session:
            return owner_events.listing(session)

    return {
        "report": report.as_json(),
        "events": await run_in_threadpool(events),
        "retention_days": state.settings.report_retention_days,
        "generated_pin": state.pin_notice(),
        "kiosk": state.settings.kiosk,
    }


ExportName = Literal["leads.csv", "leads.vcf", "report.csv", "report.json"]
_MEDIA = {
    "leads.csv": "text/csv; charset=utf-8",
    "leads.vcf": "text/vcard; charset=utf-8",
    "report.csv": "text/csv; charset=utf-8",
    "report.json": "application/json",
}


@router.get("/export/{name}", response_class=Response)
async def get_export(name: ExportName, state: OwnerDep, event: EventQuery = None, day: DayQuery = None) -> Response:
    """One export of the report: leads as CSV or vCard, the report as CSV or JSON."""
    report = await run_in_threadpool(_report, state, event, day)
    writers = {"leads.csv": lambda: leads_csv(report.leads), "leads.vcf": lambda: leads_vcard(report.leads)}
    writers |= {"report.csv": lambda: report_csv(report), "report.json": lambda: report_json(report)}
    return Response(
        writers[name]().encode("utf-8"),
        media_type=_MEDIA[name],
        headers={"Content-Disposition": f'attachment; filename="edgeapp-{name}"', "Cache-Control": "no-store"},
    )


@router.post("/events", status_code=201)
def post_event(body: EventStartRequest, state: OwnerDep) -> dict[str, Any]:
    """Start a named event now (the running one stops)."""
    with Session(state.db) as session:
        event = owner_events.start(session, name=body.name)
        return {"id": event.id, "name": event.name}


@router.post("/events/stop")
def post_event_stop(state: OwnerDep) -> dict[str, Any]:
    """Stop the running event."""
    with Session(state.db) as session:
        event = owner_events.stop(session)
        return {"stopped": event.id if event is not None else None}


@router.post("/forget")
async def post_forget(body: ForgetRequest, state: OwnerDep) -> dict[str, int]:
    """Forget all visitor data: chat messages, report entries, usage events and leads."""
    del body  # its only field is the confirmation, checked by the schema
    return await run_in_threadpool(visitor_data.forget_everyone, state.db)
