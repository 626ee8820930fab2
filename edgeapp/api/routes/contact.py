"""The owner's contact card: a vCard file and its QR code."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from edgeapp.api.deps import StateDep
from edgeapp.contact import ContactCard, contact_card
from edgeapp.errors import NotFound

router = APIRouter(tags=["contact"])


async def _card(state: StateDep) -> ContactCard:
    card = await run_in_threadpool(contact_card, state)
    if card is None:
        raise NotFound("no contact card: the resume has no name, email or phone")
    return card


@router.get("/contact.vcf", response_class=Response, responses={200: {"content": {"text/vcard": {}}}})
async def get_contact_vcard(state: StateDep) -> Response:
    """The owner's contact card as a vCard 4.0 file (RFC 6350)."""
    card = await _card(state)
    return Response(
        card.vcard,
        media_type="text/vcard; charset=utf-8",
        headers={"Content-Disposition": card.content_disposition()},
    )


@router.get("/contact-qr.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
async def get_contact_qr(state: StateDep) -> Response:
    """A QR code carrying the same vCard, as SVG: a phone camera scans it into its contacts."""
    card = await _card(state)
    return Response(card.qr_svg, media_type="image/svg+xml")
