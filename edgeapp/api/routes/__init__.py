"""One router per resource, combined in `api_router`."""

from fastapi import APIRouter

from edgeapp.api.routes import chat, contact, leads, owner, resume, system, telemetry

api_router = APIRouter(prefix="/api")
api_router.include_router(resume.router)
api_router.include_router(contact.router)
api_router.include_router(chat.router)
api_router.include_router(telemetry.router)
api_router.include_router(system.router)
api_router.include_router(leads.router)
api_router.include_router(owner.router)
