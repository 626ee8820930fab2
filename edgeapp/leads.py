"""'Stay in touch': the consent a visitor gives, and storing their contact for the owner."""

from __future__ import annotations

from edgeapp.resume.models import Resume

CONSENT = "I agree that {owner} may keep these details to get back in touch with me."
THANKS = "Thank you{name}: {owner} will be in touch."


def owner_name(resume: Resume | None) -> str:
    """The owner's name as the visitor reads it."""
    name = resume.basics.name if resume is not None and resume.basics is not None else None
    return (name or "").strip() or "the owner"


def consent_text(resume: Resume | None) -> str:
    """The consent statement the page shows beside the checkbox, and the one stored with the lead."""
    return CONSENT.format(owner=owner_name(resume))


def thanks_text(resume: Resume | None, name: str) -> str:
    """What the visitor reads after leaving their contact."""
    return THANKS.format(name=f", {name}" if name else "", owner=owner_name(resume))
