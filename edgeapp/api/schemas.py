"""Request and response bodies of the API; requests forbid unknown fields."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
PropertyValue = Annotated[str, StringConstraints(max_length=200)] | int | float | bool

TelemetryName = Literal[
    "page_view",
    "section_view",
    "question_asked",
    "suggestion_clicked",
    "source_clicked",
    "resume_download",
    "qr_shown",
    "contact_download",
    "theme_changed",
    "kiosk_reset",
    "kiosk_attract_shown",
    "kiosk_start",
]
TELEMETRY_EVENTS: tuple[str, ...] = get_args(TelemetryName)


class StrictBody(BaseModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ChatRequest(StrictBody):
    """A visitor's question."""

    content: str = Field(min_length=1, description="The question.")
    user_id: UserId = Field(description="Anonymous visitor id.")
    stream: bool = Field(False, description="Answer as text/event-stream.")

    @field_validator("content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class TelemetryRequest(StrictBody):
    """One usage event; properties are small scalars only."""

    event: TelemetryName
    user_id: UserId
    properties: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")], PropertyValue] = Field(
        default_factory=dict, max_length=10
    )


class KioskExitRequest(StrictBody):
    """The operator's PIN."""

    pin: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ChatMessage(BaseModel):
    """A stored chat message as the API returns it."""

    id: int | None = Field(description="The message's id; null when the database could not store it.")
    content: str
    timestamp: datetime
    user_id: str
    role: Literal["user", "assistant"]


class SourceOut(BaseModel):
    """A resume entry an answer draws on, by JSON Resume path."""

    path: str
    title: str
    snippet: str


class ChatResponse(BaseModel):
    """A complete (non-streamed) answer."""

    message: ChatMessage
    sources: list[SourceOut]


class HistoryResponse(BaseModel):
    """A page of a visitor's messages, oldest first."""

    messages: list[ChatMessage]
    total: int
    limit: int
    offset: int


class FileNameResponse(BaseModel):
    """The resume PDF's download name, or null when there is none."""

    file_name: str | None


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ().\-/]{6,40}$")


class LeadRequest(StrictBody):
    """A visitor's contact for the owner ("Stay in touch"), with their explicit consent."""

    user_id: UserId = Field(description="Anonymous visitor id (rate limits only; never stored with the lead).")
    name: Annotated[str, StringConstraints(max_length=100, strip_whitespace=True)] = ""
    email: Annotated[str, StringConstraints(max_length=254, strip_whitespace=True)] = ""
    phone: Annotated[str, StringConstraints(max_length=40, strip_whitespace=True)] = ""
    company: Annotated[str, StringConstraints(max_length=100, strip_whitespace=True)] = ""
    note: Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)] = ""
    consent: bool = Field(description="The visitor ticked the consent box naming the owner.")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise ValueError("is not an email address")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and (not _PHONE.match(value) or sum(char.isdigit() for char in value) < 6):
            raise ValueError("is not a phone number")
        return value

    @model_validator(mode="after")
    def _reachable_and_agreed(self) -> LeadRequest:
        if not (self.email or self.phone):
            raise ValueError("leave an email address or a phone number")
        if not self.consent:
            raise ValueError("consent: tick the box to agree that the owner keeps these details")
        return self


class OwnerSignInRequest(StrictBody):
    """The operator PIN, to open the owner's report."""

    pin: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class EventStartRequest(StrictBody):
    """Start a named event (stops the running one)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class ForgetRequest(StrictBody):
    """Forget all visitor data: the owner types FORGET to confirm."""

    confirm: Literal["FORGET"]
