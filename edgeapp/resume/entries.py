"""The resume cut into small, citable entries: one per job, project, skill group, contact detail ...

Each entry has the JSON path it came from (`work[0]`, `basics.email`), so an answer can cite it and
the UI can scroll to it. `text` is the full plain-text fact sheet for retrieval and prompts;
`title` and `snippet` are short labels for showing a source. Entry text never depends on today's
date, so the same resume always produces the same entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from edgeapp.resume.dates import period_sentence
from edgeapp.resume.models import (
    Award,
    Basics,
    Certificate,
    Education,
    Interest,
    Language,
    Project,
    Publication,
    Reference,
    Resume,
    ResumeModel,
    Skill,
    Volunteer,
    Work,
)

SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Entry:
    """One citable piece of the resume.

    `section` is the JSON Resume section it belongs to ("basics", "work", "projects" ...).
    """

    path: str
    section: str
    title: str
    snippet: str
    text: str


def shorten(text: str, limit: int = SNIPPET_CHARS) -> str:
    """Collapse whitespace and cut `text` to at most `limit` characters at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"


def _join(parts: Iterable[str | None], separator: str = ", ") -> str:
    return separator.join(part for part in parts if part)


def _sentence(label: str, value: str | None) -> str:
    return f"{label}: {value}." if value else ""


def _list_sentence(label: str, values: list[str] | None) -> str:
    return f"{label}: {'; '.join(values)}." if values else ""


def _with_period(title: str, period: str) -> str:
    return f"{title} ({period})" if period else title


def _entry(
    path: str,
    section: str,
    title: str,
    snippet_sources: Iterable[str | None],
    text_parts: list[str],
) -> Entry | None:
    text = " ".join(part for part in text_parts if part)
    if not text:
        return None
    snippet = next((source for source in snippet_sources if source), text)
    return Entry(path, section, shorten(title, 160), shorten(snippet), text)


def _role_title(position: str | None, organisation: str | None, fallback: str) -> str:
    if position and organisation:
        return f"{position} at {organisation}"
    return position or organisation or fallback


def _basics_entries(basics: Basics) -> Iterator[Entry | None]:
    headline = _join([basics.name, basics.label], " — ") or "About"
    yield _entry(
        "basics",
        "basics",
        headline,
        [basics.summary, basics.label],
        [_sentence("Name", basics.name), _sentence("Title", basics.label), basics.summary or ""],
    )
    contacts = (("email", "Email", basics.email), ("phone", "Phone", basics.phone))
    for key, label, value in (*contacts, ("url", "Website", basics.url)):
        if value:
            yield _entry(f"basics.{key}", "basics", f"{label}: {value}", [value], [f"{label}: {value}."])
    location = basics.location
    if location is not None:
        place = _join([location.city, location.region, location.country_code])
        full = _join([location.address, location.postal_code, place])
        if full:
            yield _entry(
                "basics.location",
                "basics",
                f"Location: {place or full}",
                [full],
                [f"Location: {full}."],
            )
    for index, profile in enumerate(basics.profiles or []):
        network = profile.network or "Profile"
        handle = profile.username or profile.url or ""
        yield _entry(
            f"basics.profiles[{index}]",
            "basics",
            f"{network}: {handle}" if handle else network,
            [profile.url, profile.username],
            [f"{network} profile:", _join([profile.username, profile.url]) + "."],
        )


def _work_entry(path: str, work: Work) -> Entry | None:
    period = work.dates()
    title = _role_title(work.position, work.name, "Job")
    return _entry(
        path,
        "work",
        _with_period(title, period),
        [work.summary, *(work.highlights or []), work.description],
        [
            f"Job: {title}.",
            _sentence("About the company", work.description),
            _sentence("Location", work.location),
            period_sentence(work.start_date, work.end_date, ongoing=work.open_end_is_present),
            work.summary or "",
            _list_sentence("Highlights", work.highlights),
            _sentence("Website", work.url),
        ],
    )


def _volunteer_entry(path: str, volunteer: Volunteer) -> Entry | None:
    period = volunteer.dates()
    title = _role_title(volunteer.position, volunteer.organization, "Volunteering")
    return _entry(
        path,
        "volunteer",
        _with_period(title, period),
        [volunteer.summary, *(volunteer.highlights or [])],
        [
            f"Volunteering: {title}.",
            period_sentence(volunteer.start_date, volunteer.end_date, ongoing=volunteer.open_end_is_present),
            volunteer.summary or "",
            _list_sentence("Highlights", volunteer.highlights),
            _sentence("Website", volunteer.url),
        ],
    )


def _education_entry(path: str, education: Education) -> Entry | None:
    degree = _join([education.study_type, education.area], " in ")
    title = _join([degree, education.institution]) or "Education"
    period = education.dates()
    return _entry(
        path,
        "education",
        _with_period(title, period),
        [_join([degree, education.institution]), education.score],
        [
            f"Education: {title}.",
            period_sentence(education.start_date, education.end_date, ongoing=education.open_end_is_present),
            _sentence("Score", education.score),
            _list_sentence("Courses", education.courses),
            _sentence("Website", education.url),
        ],
    )


def _dated_entry(
    path: str, section: str, kind: str, title: str, *, date_word: str, dates: str, summary: str | None, link: str | None
) -> Entry | None:
    """An entry that is one thing on one date (an award, a certificate, a publication)."""
    text = [f"{kind}: {title}.", _sentence(date_word, dates), summary or "", _sentence("Link", link)]
    return _entry(path, section, _with_period(title, dates), [summary, title], text)


def _award_entry(path: str, award: Award) -> Entry | None:
    title = _join([award.title, award.awarder], " from ") or "Award"
    return _dated_entry(
        path, "awards", "Award", title, date_word="Date", dates=award.dates(), summary=award.summary, link=None
    )


def _certificate_entry(path: str, item: Certificate) -> Entry | None:
    title = _join([item.name, item.issuer], " from ") or "Certificate"
    return _dated_entry(
        path, "certificates", "Certificate", title, date_word="Date", dates=item.dates(), summary=None, link=item.url
    )


def _publication_entry(path: str, item: Publication) -> Entry | None:
    title = _join([item.name, item.publisher], " in ") or "Publication"
    return _dated_entry(
        path, "publications", "Publication", title, date_word="Published", dates=item.dates(), summary=item.summary,
        link=item.url,
    )  # fmt: skip


def _skill_entry(path: str, skill: Skill) -> Entry | None:
    name = skill.name or "Skills"
    title = f"{name} ({skill.level})" if skill.level else name
    keywords = ", ".join(skill.keywords or [])
    return _entry(
        path,
        "skills",
        title,
        [keywords, skill.level],
        [f"Skill: {title}.", f"Includes: {keywords}." if keywords else ""],
    )


def _language_entry(path: str, language: Language) -> Entry | None:
    name = language.language or "Language"
    title = f"{name} ({language.fluency})" if language.fluency else name
    return _entry(path, "languages", title, [language.fluency], [f"Speaks {title}."])


def _interest_entry(path: str, interest: Interest) -> Entry | None:
    name = interest.name or "Interest"
    keywords = ", ".join(interest.keywords or [])
    return _entry(
        path,
        "interests",
        f"Interest: {name}",
        [keywords, name],
        [f"Interest: {name}.", f"Including: {keywords}." if keywords else ""],
    )


def _reference_entry(path: str, reference: Reference) -> Entry | None:
    title = f"Reference from {reference.name}" if reference.name else "Reference"
    return _entry(
        path,
        "references",
        title,
        [reference.reference],
        [f"{title}:", f"“{reference.reference}”" if reference.reference else ""],
    )


def _project_entry(path: str, project: Project) -> Entry | None:
    name = project.name or "Project"
    period = project.dates()
    return _entry(
        path,
        "projects",
        _with_period(name, period),
        [project.description, *(project.highlights or [])],
        [
            f"Project: {name}.",
            _sentence("Kind", project.type),
            _sentence("For", project.entity),
            _sentence("Roles", ", ".join(project.roles or [])),
            period_sentence(project.start_date, project.end_date, ongoing=project.open_end_is_present),
            project.description or "",
            _list_sentence("Highlights", project.highlights),
            _sentence("Technologies", ", ".join(project.keywords or [])),
            _sentence("Link", project.url),
        ],
    )


_SECTION_BUILDERS: tuple[tuple[str, Callable[[str, Any], Entry | None]], ...] = (
    ("work", _work_entry),
    ("projects", _project_entry),
    ("skills", _skill_entry),
    ("education", _education_entry),
    ("volunteer", _volunteer_entry),
    ("awards", _award_entry),
    ("certificates", _certificate_entry),
    ("publications", _publication_entry),
    ("languages", _language_entry),
    ("interests", _interest_entry),
    ("references", _reference_entry),
)


def build_entries(resume: Resume) -> list[Entry]:
    """Every citable entry of the resume, basics first; items with no content are skipped."""
    candidates: list[Entry | None] = []
    if resume.basics is not None:
        candidates.extend(_basics_entries(resume.basics))
    for section, build in _SECTION_BUILDERS:
        items: list[ResumeModel] = getattr(resume, section) or []
        candidates.extend(build(f"{section}[{index}]", item) for index, item in enumerate(items) if item.to_json())
    return [entry for entry in candidates if entry is not None]
