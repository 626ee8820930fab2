"""A read-only view of a resume for answering questions: each section as small typed records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from edgeapp.resume.dates import PartialDate, format_months, months_between
from edgeapp.resume.models import Resume


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _texts(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def _date(value: object) -> PartialDate | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError:
        return None


def display_date(date: PartialDate | None) -> str:
    """`March 2019`, `2019` or `14 March 2019` (full month names read better in sentences)."""
    if date is None:
        return ""
    if date.month is None:
        return str(date.year)
    month = dt.date(2000, date.month, 1).strftime("%B")
    return f"{date.day} {month} {date.year}" if date.day else f"{month} {date.year}"


def display_range(start: PartialDate | None, end: PartialDate | None, *, ongoing: bool) -> str:
    """`March 2019 to present`, `2015 to 2017`, or "" when undated."""
    if start is None and end is None:
        return ""
    if start is None:
        return f"until {display_date(end)}"
    if end is None:
        return f"{display_date(start)} to present" if ongoing else display_date(start)
    if start == end:
        return display_date(start)
    return f"{display_date(start)} to {display_date(end)}"


@dataclass(frozen=True)
class Role:
    """A job (`work[i]`) or a volunteer position (`volunteer[i]`)."""

    path: str
    organisation: str
    position: str
    start: PartialDate | None
    end: PartialDate | None
    summary: str = ""
    highlights: tuple[str, ...] = ()
    location: str = ""
    url: str = ""

    @property
    def current(self) -> bool:
        """Started and not ended."""
        return self.start is not None and self.end is None

    def dates(self) -> str:
        """The period in words."""
        return display_range(self.start, self.end, ongoing=True)

    def duration(self, today: dt.date) -> str:
        """How long the role lasted (or has lasted until `today`); "" when the start is unknown."""
        if self.start is None:
            return ""
        return format_months(months_between(self.start, self.end, today=today))


@dataclass(frozen=True)
class Study:
    """An `education[i]` entry."""

    path: str
    institution: str
    area: str
    study_type: str
    start: PartialDate | None
    end: PartialDate | None
    score: str = ""
    courses: tuple[str, ...] = ()

    def degree(self) -> str:
        """`Bachelor in Computer Science`, or whichever part is known."""
        if self.study_type and self.area:
            return f"{self.study_type} in {self.area}"
        return self.study_type or self.area


@dataclass(frozen=True)
class Item:
    """Any other entry: a name, a few detail strings, an optional date and keywords."""

    path: str
    name: str
    details: tuple[str, ...] = ()
    date: PartialDate | None = None
    end: PartialDate | None = None
    keywords: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class Profile:
    """A `basics.profiles[i]` entry."""

    path: str
    network: str
    username: str
    url: str


@dataclass
class ResumeView:
    """The resume as records for the fact answers and the prompt."""

    name: str = ""
    label: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""
    summary: str = ""
    location: str = ""
    address: str = ""
    profiles: list[Profile] = field(default_factory=list)
    work: list[Role] = field(default_factory=list)
    volunteer: list[Role] = field(default_factory=list)
    education: list[Study] = field(default_factory=list)
    skills: list[Item] = field(default_factory=list)
    languages: list[Item] = field(default_factory=list)
    projects: list[Item] = field(default_factory=list)
    certificates: list[Item] = field(default_factory=list)
    awards: list[Item] = field(default_factory=list)
    publications: list[Item] = field(default_factory=list)
    interests: list[Item] = field(default_factory=list)
    references: list[Item] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def first_name(self) -> str:
        """The owner's first name, or "the owner" when the resume has no name."""
        return self.name.split()[0] if self.name.strip() else "the owner"

    @property
    def possessive(self) -> str:
        """`Jane's` (or `the owner's`)."""
        first = self.first_name
        return f"{first}'" if first.endswith("s") else f"{first}'s"

    def work_by_start(self) -> list[Role]:
        """Jobs oldest first (undated ones last, in resume order)."""
        dated = sorted((r for r in self.work if r.start), key=lambda r: r.start or PartialDate(1))
        return dated + [r for r in self.work if not r.start]


def _roles(items: object, section: str, name_key: str) -> list[Role]:
    roles = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        roles.append(
            Role(
                path=f"{section}[{i}]",
                organisation=_text(item.get(name_key)) or _text(item.get("company")),
                position=_text(item.get("position")),
                start=_date(item.get("startDate")),
                end=_date(item.get("endDate")),
                summary=_text(item.get("summary")) or _text(item.get("description")),
                highlights=tuple(_texts(item.get("highlights"))),
                location=_text(item.get("location")),
                url=_text(item.get("url")),
            )
        )
    return roles


def _items(
    data: dict[str, Any],
    section: str,
    name_key: str,
    detail_keys: tuple[str, ...],
    date_key: str = "",
    end_key: str = "",
    keyword_key: str = "keywords",
) -> list[Item]:
    items = []
    raw = data.get(section)
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        details = tuple(_text(item.get(key)) for key in detail_keys if _text(item.get(key)))
        items.append(
            Item(
                path=f"{section}[{i}]",
                name=_text(item.get(name_key)),
                details=details,
                date=_date(item.get(date_key)) if date_key else None,
                end=_date(item.get(end_key)) if end_key else None,
                keywords=tuple(_texts(item.get(keyword_key))),
                url=_text(item.get("url")),
            )
        )
    return items


def resume_json(resume: Resume) -> dict[str, Any]:
    """The resume as JSON Resume data (what the owner wrote, dates as text)."""
    data: dict[str, Any] = resume.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def build_view(resume: Resume) -> ResumeView:
    """Read a resume into records."""
    data = resume_json(resume)
    basics = data.get("basics") if isinstance(data.get("basics"), dict) else {}
    assert isinstance(basics, dict)
    location = basics.get("location") if isinstance(basics.get("location"), dict) else {}
    assert isinstance(location, dict)
    place = ", ".join(
        part
        for part in (_text(location.get("city")), _text(location.get("region")), _text(location.get("countryCode")))
        if part
    )
    address = ", ".join(part for part in (_text(location.get("address")), _text(location.get("postalCode"))) if part)
    profiles = [
        Profile(f"basics.profiles[{i}]", _text(p.get("network")), _text(p.get("username")), _text(p.get("url")))
        for i, p in enumerate(basics.get("profiles") or [])
        if isinstance(p, dict)
    ]
    projects = []
    for i, item in enumerate(data.get("projects") or []):
        if not isinstance(item, dict):
            continue
        details = tuple(part for part in [_text(item.get("description")), *_texts(item.get("highlights"))] if part)
        projects.append(
            Item(
                path=f"projects[{i}]",
                name=_text(item.get("name")),
                details=details,
                date=_date(item.get("startDate")),
                end=_date(item.get("endDate")),
                keywords=tuple(_texts(item.get("keywords"))),
                url=_text(item.get("url")),
            )
        )
    return ResumeView(
        name=_text(basics.get("name")),
        label=_text(basics.get("label")),
        email=_text(basics.get("email")),
        phone=_text(basics.get("phone")),
        url=_text(basics.get("url")),
        summary=_text(basics.get("summary")),
        location=place,
        address=address,
        profiles=profiles,
        work=_roles(data.get("work"), "work", "name"),
        volunteer=_roles(data.get("volunteer"), "volunteer", "organization"),
        education=[
            Study(
                path=f"education[{i}]",
                institution=_text(item.get("institution")),
                area=_text(item.get("area")),
                study_type=_text(item.get("studyType")),
                start=_date(item.get("startDate")),
                end=_date(item.get("endDate")),
                score=_text(item.get("score")),
                courses=tuple(_texts(item.get("courses"))),
            )
            for i, item in enumerate(data.get("education") or [])
            if isinstance(item, dict)
        ],
        skills=_items(data, "skills", "name", ("level",)),
        languages=_items(data, "languages", "language", ("fluency",)),
        projects=projects,
        certificates=_items(data, "certificates", "name", ("issuer",), date_key="date"),
        awards=_items(data, "awards", "title", ("awarder", "summary"), date_key="date"),
        publications=_items(data, "publications", "name", ("publisher", "summary"), date_key="releaseDate"),
        interests=_items(data, "interests", "name", ()),
        references=_items(data, "references", "name", ("reference",)),
        raw=data,
    )
