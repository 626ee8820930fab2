"""A printable PDF of a resume, for owners who have none of their own.

Rendered with fpdf2 in embedded Unicode fonts (see `fonts.json`), subset to the glyphs used, so
every name prints in its own script. The sections come in the page's order with the page's
headings; links are clickable. The same resume always gives the same bytes: the creation date is
the resume's `meta.lastModified`, or a fixed date when it has none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from edgeapp.errors import PdfFontsMissing
from edgeapp.resume.fonts import FontPlan, font_dirs, missing_body_fonts, needs_glyph, plan_fonts
from edgeapp.resume.models import Basics, Resume
from edgeapp.resume.pdf_layout import (
    ACCENT_COLOUR,
    MUTED_COLOUR,
    Entry,
    Item,
    Paragraph,
    PdfLayout,
    TitleLine,
)

__all__ = ["SECTION_TITLES", "RenderedPdf", "all_sections", "render_pdf", "render_resume_pdf"]

logger = logging.getLogger(__name__)

FIXED_CREATION_DATE = datetime(2000, 1, 1, tzinfo=UTC)

SECTION_TITLES = (
    "Experience",
    "Projects",
    "Skills",
    "Education",
    "Volunteering",
    "Awards",
    "Certificates",
    "Publications",
    "Languages",
    "Interests",
    "References",
)
"""The page's section headings, in the page's order (`SECTIONS` in frontend_dist/js/render.js)."""


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _join(parts: Iterable[str | None], separator: str = " · ") -> str:
    return separator.join(_clean(part) for part in parts if _clean(part))


def _display_url(url: str | None) -> str:
    value = _clean(url)
    for prefix in ("https://", "http://"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.rstrip("/")


def _entry(
    title: str,
    aside: str = "",
    subtitle: str = "",
    url: str | None = None,
    paragraphs: Sequence[str | None] = (),
    bullets: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
) -> Entry:
    items: list[Item] = [TitleLine(_clean(title), _clean(aside))]
    if subtitle:
        items.append(Paragraph(subtitle, size=9.0, style="I", colour=MUTED_COLOUR))
    if _display_url(url):
        items.append(Paragraph(_display_url(url), size=9.0, colour=ACCENT_COLOUR, link=url))
    items += [Paragraph(_clean(text), space_before=1.0) for text in paragraphs if _clean(text)]
    items += [Paragraph(_clean(text), bullet=True) for text in bullets or [] if _clean(text)]
    tag_line = _join(tags or [])
    if tag_line:
        items.append(Paragraph(tag_line, size=9.0, colour=MUTED_COLOUR, space_before=1.0))
    return tuple(items)


def _career(resume: Resume) -> Iterator[tuple[str, list[Entry]]]:
    work = []
    for job in resume.work or []:
        organisation = _clean(job.name) or _clean(str((job.model_extra or {}).get("company") or ""))
        work.append(
            _entry(
                _clean(job.position) or organisation or "Role",
                job.dates(),
                _join([organisation, job.location]) if _clean(job.position) else _clean(job.location),
                job.url,
                [job.description, job.summary],
                job.highlights,
            )
        )
    yield "Experience", work
    projects = [
        _entry(
            project.name or "Project",
            project.dates(),
            _join([project.entity, project.type, ", ".join(project.roles or [])]),
            project.url,
            [project.description],
            project.highlights,
            project.keywords,
        )
        for project in resume.projects or []
    ]
    yield "Projects", projects
    skills = [_entry(skill.name or "Skill", skill.level or "", tags=skill.keywords) for skill in resume.skills or []]
    yield "Skills", skills
    education = []
    for school in resume.education or []:
        degree = _join([school.study_type, school.area])
        education.append(
            _entry(
                school.institution or degree or "Education",
                school.dates(),
                degree if _clean(school.institution) else "",
                school.url,
                [f"Score: {school.score}" if _clean(school.score) else None],
                school.courses,
            )
        )
    yield "Education", education
    volunteering = [
        _entry(
            _clean(item.position) or _clean(item.organization) or "Volunteer",
            item.dates(),
            _clean(item.organization) if _clean(item.position) else "",
            item.url,
            [item.summary],
            item.highlights,
        )
        for item in resume.volunteer or []
    ]
    yield "Volunteering", volunteering


def _reference(name: str | None, quote: str | None) -> Entry:
    items: list[Item] = []
    if _clean(quote):
        items.append(Paragraph(f"“{_clean(quote)}”", style="I", space_before=3.0))
    items.append(Paragraph(_clean(name) or "Reference", style="B", size=9.0))
    return tuple(items)


def _other(resume: Resume) -> Iterator[tuple[str, list[Entry]]]:
    awards = [
        _entry(award.title or "Award", award.dates(), _clean(award.awarder), paragraphs=[award.summary])
        for award in resume.awards or []
    ]
    yield "Awards", awards
    yield (
        "Certificates",
        [_entry(c.name or "Certificate", c.dates(), _clean(c.issuer), c.url) for c in resume.certificates or []],
    )
    publications = [
        _entry(p.name or "Publication", p.dates(), _clean(p.publisher), p.url, [p.summary])
        for p in resume.publications or []
    ]
    yield "Publications", publications
    yield "Languages", [_entry(item.language or "Language", item.fluency or "") for item in resume.languages or []]
    yield "Interests", [_entry(item.name or "Interest", tags=item.keywords) for item in resume.interests or []]
    yield "References", [_reference(item.name, item.reference) for item in resume.references or []]


def all_sections(resume: Resume) -> list[tuple[str, list[Entry]]]:
    """Every section in page order, empty ones included."""
    return [*_career(resume), *_other(resume)]


def _sections(resume: Resume) -> list[tuple[str, list[Entry]]]:
    return [(title, entries) for title, entries in all_sections(resume) if entries]


@dataclass(frozen=True)
class Header:
    """The top of the first page: name, label, contacts, profiles and summary."""

    name: str
    label: str
    contacts: list[tuple[str, str | None]]
    profiles: list[tuple[str, str | None]]
    summary: str


def _header(basics: Basics) -> Header:
    location = basics.location
    place = _join([location.city, location.region, location.country_code], ", ") if location else ""
    phone = _clean(basics.phone)
    dial = "".join(char for char in phone if char.isdigit() or char == "+")
    contacts: list[tuple[str, str | None]] = [
        (_clean(basics.email), f"mailto:{_clean(basics.email)}" if _clean(basics.email) else None),
        (phone, f"tel:{dial}" if dial else None),
        (_display_url(basics.url), basics.url),
        (place, None),
    ]
    profiles: list[tuple[str, str | None]] = []
    for profile in basics.profiles or []:
        shown = _clean(profile.username) or _display_url(profile.url)
        profiles.append((_join([profile.network, shown], ": "), profile.url))
    return Header(_clean(basics.name) or "Resume", _clean(basics.label), contacts, profiles, _clean(basics.summary))


def _header_text(header: Header) -> Iterator[str]:
    yield from (header.name, header.label, header.summary)
    yield from (text for text, _ in header.contacts + header.profiles)


def _item_text(item: Item) -> Iterator[str]:
    if isinstance(item, TitleLine):
        yield from (item.title, item.aside)
    else:
        yield item.text


def _creation_date(resume: Resume) -> datetime:
    stamp = resume.meta.last_modified if resume.meta else None
    if stamp:
        try:
            parsed = datetime.fromisoformat(stamp)
        except ValueError:
            return FIXED_CREATION_DATE
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return FIXED_CREATION_DATE


@dataclass(frozen=True)
class RenderedPdf:
    """The PDF's bytes and the characters that no bundled font could draw (left out)."""

    content: bytes
    uncovered: frozenset[str]


def _drop(text: str, uncovered: frozenset[str]) -> str:
    return "".join(char for char in text if char not in uncovered) if uncovered else text


def _without(items: Entry, uncovered: frozenset[str]) -> Entry:
    if not uncovered:
        return items
    cleaned: list[Item] = []
    for item in items:
        if isinstance(item, TitleLine):
            cleaned.append(TitleLine(_drop(item.title, uncovered), _drop(item.aside, uncovered), item.size))
        else:
            cleaned.append(
                Paragraph(
                    _drop(item.text, uncovered),
                    item.size,
                    item.style,
                    item.colour,
                    item.indent,
                    item.bullet,
                    item.link,
                    item.space_before,
                )
            )
    return tuple(cleaned)


def _lay_out(resume: Resume, plan: FontPlan) -> bytes:
    basics = resume.basics or Basics()
    header = _header(basics)
    drop = plan.uncovered
    layout = PdfLayout(
        plan,
        title=f"{header.name} — Resume",
        author=_drop(header.name, drop),
        created=_creation_date(resume),
    )
    try:
        layout.draw(Paragraph(_drop(header.name, drop), size=22.0, style="B"))
        if header.label:
            layout.draw(Paragraph(_drop(header.label, drop), size=12.0, colour=ACCENT_COLOUR))
        layout.space(3.0)
        layout.links([(_drop(text, drop), link) for text, link in header.contacts])
        layout.links([(_drop(text, drop), link) for text, link in header.profiles])
        if header.summary:
            layout.draw(Paragraph(_drop(header.summary, drop), size=10.0, space_before=6.0))
        for title, entries in _sections(resume):
            layout.section(title, [_without(entry, drop) for entry in entries])
        return layout.finish(_drop(header.name, drop) if _clean(basics.name) else "")
    finally:
        layout.close()


def render_resume_pdf(resume: Resume, *, extra_font_dirs: Sequence[Path] = ()) -> RenderedPdf:
    """Render the resume; raises PdfFontsMissing when the body font cannot be found."""
    dirs = font_dirs(extra_font_dirs)
    header = _header(resume.basics or Basics())
    texts = [*_header_text(header), *SECTION_TITLES, "•“”– Page of 0123456789"]
    for _title, entries in _sections(resume):
        texts += [text for entry in entries for item in entry for text in _item_text(item)]
    plan = plan_fonts("".join(texts), dirs)
    if plan is None:
        raise PdfFontsMissing(
            "the PDF fonts are not installed: " + ", ".join(missing_body_fonts(dirs)) + "; or set PDF_FONT_DIRS"
        )
    if plan.uncovered:
        shown = ", ".join(f"U+{ord(char):04X}" for char in sorted(plan.uncovered) if needs_glyph(char))
        logger.warning("resume characters without a font are left out of the PDF", extra={"characters": shown})
    return RenderedPdf(_lay_out(resume, plan), plan.uncovered)


def render_pdf(resume: Resume, *, extra_font_dirs: Sequence[Path] = ()) -> bytes:
    """Render the resume as a multi-page PDF document; the same resume gives the same bytes."""
    return render_resume_pdf(resume, extra_font_dirs=extra_font_dirs).content
