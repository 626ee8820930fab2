"""The resume as the web page reads it: sections by their UI names, each entry tagged with its path.

Entry dicts keep JSON Resume's own keys (`startDate`, `studyType` ...) plus `path`, the JSON path
the chat cites in its sources (`work[0]`), so the page can jump from a source to the entry, and
`dates`, the entry's dates written as the app writes them everywhere (`March 2019 – present`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edgeapp.resume.models import Resume, ResumeModel

JsonObject = dict[str, Any]


class ResumeData(BaseModel):
    """GET /api/resume_data: every resume section, each entry carrying its JSON Resume `path`."""

    model_config = ConfigDict(extra="forbid")

    personal_info: JsonObject = Field(description="`basics` with `path`; each profile carries `path` too")
    experience: list[JsonObject] = Field(default_factory=list, description="`work` entries")
    projects: list[JsonObject] = Field(default_factory=list, description="`projects` entries")
    skills: list[JsonObject] = Field(default_factory=list, description="`skills` entries")
    education: list[JsonObject] = Field(default_factory=list, description="`education` entries")
    volunteer: list[JsonObject] = Field(default_factory=list, description="`volunteer` entries")
    awards: list[JsonObject] = Field(default_factory=list, description="`awards` entries")
    certificates: list[JsonObject] = Field(default_factory=list, description="`certificates` entries")
    publications: list[JsonObject] = Field(default_factory=list, description="`publications` entries")
    languages: list[JsonObject] = Field(default_factory=list, description="`languages` entries")
    interests: list[JsonObject] = Field(default_factory=list, description="`interests` entries")
    references: list[JsonObject] = Field(default_factory=list, description="`references` entries")
    meta: JsonObject | None = Field(default=None, description="`meta` with `path`, when present")


def _tagged(item: ResumeModel, path: str) -> JsonObject:
    # `path` goes first so it reads naturally in the JSON; an unknown key of the same name in
    # the resume cannot override `path` or `dates`.
    tagged = {"path": path, **{k: v for k, v in item.to_json().items() if k not in {"path", "dates"}}}
    dates = item.dates()
    if dates:
        tagged["dates"] = dates
    return tagged


def _section(items: Sequence[ResumeModel] | None, name: str) -> list[JsonObject]:
    return [_tagged(item, f"{name}[{index}]") for index, item in enumerate(items or [])]


def _personal_info(resume: Resume) -> JsonObject:
    if resume.basics is None:
        return {"path": "basics"}
    info = _tagged(resume.basics, "basics")
    if resume.basics.profiles is not None:
        info["profiles"] = _section(resume.basics.profiles, "basics.profiles")
    return info


def to_resume_data(resume: Resume) -> ResumeData:
    """Build the API view of a resume."""
    return ResumeData(
        personal_info=_personal_info(resume),
        experience=_section(resume.work, "work"),
        projects=_section(resume.projects, "projects"),
        skills=_section(resume.skills, "skills"),
        education=_section(resume.education, "education"),
        volunteer=_section(resume.volunteer, "volunteer"),
        awards=_section(resume.awards, "awards"),
        certificates=_section(resume.certificates, "certificates"),
        publications=_section(resume.publications, "publications"),
        languages=_section(resume.languages, "languages"),
        interests=_section(resume.interests, "interests"),
        references=_section(resume.references, "references"),
        meta=None if resume.meta is None else _tagged(resume.meta, "meta"),
    )
