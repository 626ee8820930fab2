"""Request and response bodies of the API; requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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

    id: int
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
