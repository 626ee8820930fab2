"""A plain, printable PDF of a resume, for owners who have none of their own.

PDF 1.4 with the standard Helvetica fonts every viewer has (nothing embedded) and WinAnsi text:
characters outside it are mapped to a close equivalent (`ł` -> `l`, `→` -> `->`) or `?`. The same
resume always gives the same bytes, so the bundled sample PDF can be checked against its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from edgeapp.resume._pdfwriter import (
    ACCENT_COLOUR,
    BOLD,
    ITALIC,
    MARGIN,
    MUTED_COLOUR,
    TEXT_COLOUR,
    Block,
    Layout,
    serialise,
    to_winansi,
)
from edgeapp.resume.dates import PartialDate
from edgeapp.resume.models import Basics, Resume

__all__ = ["render_pdf", "to_winansi"]


def _when(start: PartialDate | None, end: PartialDate | None, *, ongoing: bool = True) -> str:
    if start is None:
        return "" if end is None else end.display()
    if end is None:
        return f"{start.display()} – Present" if ongoing else start.display()
    if end == start:
        return start.display()
    return f"{start.display()} – {end.display()}"


def _on(date: PartialDate | None) -> str:
    return "" if date is None else date.display()


def _join(parts: Iterable[str | None], separator: str = " · ") -> str:
    return separator.join(part for part in parts if part)


def _draw_entry(
    layout: Layout,
    title: str,
    when: str,
    subtitle: str,
    body: str | None,
    bullets: Sequence[str] | None,
    extras: Sequence[tuple[str, str]],
) -> None:
    layout.title_line(title, when)
    if subtitle:
        layout.paragraph(subtitle, font=ITALIC, size=9.0, rgb=MUTED_COLOUR)
    if body:
        layout.paragraph(body)
    for bullet in bullets or []:
        layout.paragraph(bullet, bullet=True)
    for label, value in extras:
        if value:
            layout.paragraph(value, lead=f"{label}:", size=9.0)
    layout.space(4.0)


def _entry(
    title: str,
    when: str,
    subtitle: str = "",
    body: str | None = None,
    bullets: Sequence[str] | None = None,
    extras: Sequence[tuple[str, str]] = (),
) -> Block:
    return partial(
        _draw_entry,
        title=title,
        when=when,
        subtitle=subtitle,
        body=body,
        bullets=bullets,
        extras=extras,
    )


def _labelled(label: str, text: str, *, gap: float = 0.0) -> Block:
    def draw(layout: Layout) -> None:
        layout.paragraph(text, lead=f"{label}:" if text else label)
        layout.space(gap)

    return draw


def _reference(name: str | None, quote: str | None) -> Block:
    def draw(layout: Layout) -> None:
        layout.space(3.0)
        if quote:
            layout.paragraph(f"“{quote}”", font=ITALIC)
        if name:
            layout.paragraph(f"— {name}", size=9.0, rgb=MUTED_COLOUR, indent=12.0)

    return draw


def _header(layout: Layout, basics: Basics) -> None:
    layout.new_page()
    layout.y -= 22.0
    layout.draw(MARGIN, layout.y, to_winansi(basics.name or "Resume"), BOLD, 22.0, TEXT_COLOUR)
    layout.y -= 4.0
    if basics.label:
        layout.paragraph(basics.label, size=12.0, rgb=ACCENT_COLOUR)
    layout.space(2.0)
    location = basics.location
    place = _join([location.city, location.region, location.country_code], ", ") if location else ""
    contacts = _join([basics.email, basics.phone, basics.url, place], "  ·  ")
    if contacts:
        layout.paragraph(contacts, size=9.0, rgb=MUTED_COLOUR)
    profiles = [_join([profile.network, profile.url or profile.username], ": ") for profile in basics.profiles or []]
    if any(profiles):
        layout.paragraph(_join(profiles, "  ·  "), size=9.0, rgb=MUTED_COLOUR)
    if basics.summary:
        layout.space(6.0)
        layout.paragraph(basics.summary, size=10.0)


def _career_sections(resume: Resume) -> list[tuple[str, list[Block]]]:
    experience = [
        _entry(
            _join([work.position, work.name], " — ") or "Job",
            _when(work.start_date, work.end_date),
            _join([work.description, work.location, work.url]),
            work.summary,
            work.highlights,
        )
        for work in resume.work or []
    ]
    projects = [
        _entry(
            project.name or "Project",
            _when(project.start_date, project.end_date),
            _join([", ".join(project.roles or []), project.entity, project.url]),
            project.description,
            project.highlights,
            [("Technologies", ", ".join(project.keywords or []))],
        )
        for project in resume.projects or []
    ]
    skills = [
        _labelled(
            f"{skill.name or 'Skills'} ({skill.level})" if skill.level else skill.name or "Skills",
            ", ".join(skill.keywords or []),
            gap=2.0,
        )
        for skill in resume.skills or []
    ]
    education = []
    for school in resume.education or []:
        degree = _join([school.study_type, school.area], " in ")
        education.append(
            _entry(
                degree or school.institution or "Education",
                _when(school.start_date, school.end_date, ongoing=False),
                _join([school.institution if degree else None, school.url]),
                extras=[
                    ("Score", school.score or ""),
                    ("Courses", "; ".join(school.courses or [])),
                ],
            )
        )
    volunteering = [
        _entry(
            _join([item.position, item.organization], " — ") or "Volunteering",
            _when(item.start_date, item.end_date),
            item.url or "",
            item.summary,
            item.highlights,
        )
        for item in resume.volunteer or []
    ]
    return [
        ("Experience", experience),
        ("Projects", projects),
        ("Skills", skills),
        ("Education", education),
        ("Volunteering", volunteering),
    ]


def _other_sections(resume: Resume) -> list[tuple[str, list[Block]]]:
    awards = [
        _entry(award.title or "Award", _on(award.date), award.awarder or "", award.summary)
        for award in resume.awards or []
    ]
    certificates = [
        _entry(item.name or "Certificate", _on(item.date), _join([item.issuer, item.url]))
        for item in resume.certificates or []
    ]
    publications = [
        _entry(
            item.name or "Publication",
            _on(item.release_date),
            _join([item.publisher, item.url]),
            item.summary,
        )
        for item in resume.publications or []
    ]
    languages = [_labelled(item.language or "Language", item.fluency or "") for item in resume.languages or []]
    interests = [_labelled(item.name or "Interest", ", ".join(item.keywords or [])) for item in resume.interests or []]
    references = [_reference(item.name, item.reference) for item in resume.references or []]
    return [
        ("Awards", awards),
        ("Certificates", certificates),
        ("Publications", publications),
        ("Languages", languages),
        ("Interests", interests),
        ("References", references),
    ]


def render_pdf(resume: Resume) -> bytes:
    """Render the resume as a multi-page PDF document; the same resume gives the same bytes."""
    layout = Layout()
    basics = resume.basics or Basics()
    _header(layout, basics)
    for title, blocks in _career_sections(resume) + _other_sections(resume):
        layout.section(title, blocks)
    name = basics.name or ""
    layout.footers(name)
    return serialise(layout.pages, f"{name} — Resume" if name else "Resume")
