"""'Stay in touch': a visitor leaves a contact for the owner."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.api.deps import ClientDep, StateDep
from edgeapp.api.schemas import LeadRequest
from edgeapp.leads import consent_text, thanks_text

router = APIRouter(tags=["leads"])


@router.post("/leads", status_code=201)
async def post_lead(body: LeadRequest, state: StateDep, client: ClientDep) -> dict[str, str]:
    """Store a visitor's contact (validated, with their consent) for the owner's report."""
    state.limits.check_lead(client)
    consent = consent_text(state.resume.resume)

    def save() -> None:
        with Session(state.db) as session:
            store.add_lead(
                session,
                name=body.name,
                email=body.email,
                phone=body.phone,
                company=body.company,
                note=body.note,
                consent=consent,
            )

    await run_in_threadpool(save)
    return {"thanks": thanks_text(state.resume.resume, body.name)}
