"""The owner's contact card offered to visitors: the vCard file and its QR code as SVG."""

from __future__ import annotations

import io
from dataclasses import dataclass

from edgeapp.documents import attachment_header, clean_file_name
from edgeapp.resume.models import Resume
from edgeapp.resume.vcard import build_vcard
from edgeapp.state import AppState

QUIET_ZONE = 4
"""Modules of white around the symbol, as the QR specification asks."""


@dataclass(frozen=True)
class ContactCard:
    """The vCard text (UTF-8) and the QR code that carries it."""

    vcard: bytes
    qr_svg: bytes
    name: str

    def content_disposition(self) -> str:
        """The attachment header: the owner's name as the file name, in any script."""
        return attachment_header(clean_file_name(self.name, ".vcf", "contact"), "contact.vcf")


def qr_svg(text: str) -> bytes:
    """A QR code (error correction M, UTF-8 bytes) for `text` as a scalable black-on-white SVG."""
    import segno

    symbol = segno.make(text, error="m", encoding="utf-8", micro=False)
    buffer = io.BytesIO()
    symbol.save(
        buffer,
        kind="svg",
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",  # opaque: a transparent code on a dark theme would not scan
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue().replace(b"<svg ", b'<svg shape-rendering="crispEdges" ', 1)


def build_card(resume: Resume | None) -> ContactCard | None:
    """The card for a resume, or None when it has no name, email or phone."""
    if resume is None or resume.basics is None:
        return None
    text = build_vcard(resume.basics)
    if text is None:
        return None
    return ContactCard(text.encode("utf-8"), qr_svg(text), (resume.basics.name or "").strip())


def contact_card(state: AppState) -> ContactCard | None:
    """The card for the loaded resume (built once), or None when it has no name, email or phone."""
    resume = state.resume.resume
    return state.resume.contact_card.get(lambda: build_card(resume))
