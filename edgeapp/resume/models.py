"""Pydantic models of a JSON Resume (https://jsonresume.org/schema), strict where the schema is.

Every field is optional, but a field that is present must have the schema's type: `null` is
rejected (the schema has no nullable fields), numbers are never turned into strings, and dates must
be `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Attributes are snake_case; aliases carry the JSON Resume
keys (`startDate`, `postalCode`, `$schema`), which is what `model_dump()` emits. Unknown keys are
kept and re-emitted, so a resume survives a round trip through these models.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from edgeapp.resume.dates import PartialDate, format_date, format_months, format_range, months_between

__all__ = [
    "Award",
    "Basics",
    "Certificate",
    "Education",
    "Interest",
    "Language",
    "Location",
    "Meta",
    "PartialDate",
    "Profile",
    "Project",
    "Publication",
    "Reference",
    "Resume",
    "ResumeModel",
    "Skill",
    "Text",
    "Volunteer",
    "Work",
    "format_months",
    "format_range",
    "months_between",
]

Text = Annotated[str, Strict()]
"""A JSON string; numbers and booleans are rejected rather than converted."""


class ResumeModel(BaseModel):
    """Base of every JSON Resume object: JSON Resume keys as aliases, unknown keys kept."""

    model_config = ConfigDict(
        extra="allow",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _reject_null(cls, value: Any) -> Any:
        # The schema declares no field nullable; an explicit null is a mistake worth naming.
        if value is None:
            raise PydanticCustomError("null_value", "must not be null")
        return value

    def to_json(self) -> dict[str, Any]:
        """The object as JSON Resume data: aliased keys, absent fields out, unknown keys kept."""
        # exclude_unset rather than exclude_none: fields can never be null, but unknown keys can,
        # and they must come back out exactly as they went in.
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    open_end_is_present: ClassVar[bool] = True  # for entries with a start and end date

    def dates(self) -> str:
        """When it happened, as the app writes dates everywhere (`March 2019 – present`); "" if undated.

        Entries with `start_date`/`end_date` give a range, ongoing unless `open_end_is_present`
        says a missing end date is only unknown; entries with one date give that date.
        """
        fields = vars(self)
        if "start_date" in type(self).model_fields:
            return format_range(fields["start_date"], fields["end_date"], ongoing=self.open_end_is_present)
        return format_date(fields.get("date") or fields.get("release_date"))


class Location(ResumeModel):
    """Where the owner lives."""

    address: Text | None = None
    postal_code: Text | None = None
    city: Text | None = None
    country_code: Text | None = None
    region: Text | None = None


class Profile(ResumeModel):
    """An account on a network (GitHub, LinkedIn ...)."""

    network: Text | None = None
    username: Text | None = None
    url: Text | None = None


class Basics(ResumeModel):
    """Name, contact details, summary, location and profiles."""

    name: Text | None = None
    label: Text | None = None
    image: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    url: Text | None = None
    summary: Text | None = None
    location: Location | None = None
    profiles: list[Profile] | None = None


class Work(ResumeModel):
    """A job."""

    name: Text | None = None
    location: Text | None = None
    description: Text | None = None
    position: Text | None = None
    url: Text | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    summary: Text | None = None
    highlights: list[Text] | None = None


class Volunteer(ResumeModel):
    """Unpaid work for an organisation."""

    organization: Text | None = None
    position: Text | None = None
    url: Text | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    summary: Text | None = None
    highlights: list[Text] | None = None


class Education(ResumeModel):
    """A course of study at an institution."""

    open_end_is_present: ClassVar[bool] = False  # an unknown end is not "present"

    institution: Text | None = None
    url: Text | None = None
    area: Text | None = None
    study_type: Text | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    score: Text | None = None
    courses: list[Text] | None = None


class Award(ResumeModel):
    """An award received."""

    title: Text | None = None
    date: PartialDate | None = None
    awarder: Text | None = None
    summary: Text | None = None


class Certificate(ResumeModel):
    """A certificate earned."""

    name: Text | None = None
    date: PartialDate | None = None
    url: Text | None = None
    issuer: Text | None = None


class Publication(ResumeModel):
    """A published work."""

    name: Text | None = None
    publisher: Text | None = None
    release_date: PartialDate | None = None
    url: Text | None = None
    summary: Text | None = None


class Skill(ResumeModel):
    """A skill area with its keywords (e.g. "Languages": Python, Rust)."""

    name: Text | None = None
    level: Text | None = None
    keywords: list[Text] | None = None


class Language(ResumeModel):
    """A spoken language and how well."""

    language: Text | None = None
    fluency: Text | None = None


class Interest(ResumeModel):
    """A personal interest."""

    name: Text | None = None
    keywords: list[Text] | None = None


class Reference(ResumeModel):
    """A reference from someone the owner worked with."""

    name: Text | None = None
    reference: Text | None = None


class Project(ResumeModel):
    """A project, at work or on the side."""

    name: Text | None = None
    description: Text | None = None
    highlights: list[Text] | None = None
    keywords: list[Text] | None = None
    start_date: PartialDate | None = None
    end_date: PartialDate | None = None
    url: Text | None = None
    roles: list[Text] | None = None
    entity: Text | None = None
    type: Text | None = None


class Meta(ResumeModel):
    """Schema version and tooling settings."""

    canonical: Text | None = None
    version: Text | None = None
    last_modified: Text | None = None


class Resume(ResumeModel):
    """A whole JSON Resume document."""

    schema_: Text | None = Field(default=None, alias="$schema")
    basics: Basics | None = None
    work: list[Work] | None = None
    volunteer: list[Volunteer] | None = None
    education: list[Education] | None = None
    awards: list[Award] | None = None
    certificates: list[Certificate] | None = None
    publications: list[Publication] | None = None
    skills: list[Skill] | None = None
    languages: list[Language] | None = None
    interests: list[Interest] | None = None
    references: list[Reference] | None = None
    projects: list[Project] | None = None
    meta: Meta | None = None
