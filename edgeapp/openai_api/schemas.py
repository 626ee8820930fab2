"""The requests the OpenAI-compatible API accepts: what clients send, leniently (unknown fields are
ignored, as every OpenAI-compatible server does), with the fields that matter checked."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from edgeapp.errors import InvalidRequest

MODEL_ID = "edgeapp-resume"


class StreamOptions(BaseModel):
    """`stream_options`: only `include_usage` means something here."""

    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class Message(BaseModel):
    """One message of the conversation; `content` is a string or a list of parts."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self, index: int) -> str:
        """The message's text: a string as is, text parts joined; other parts are refused."""
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        texts = []
        for part_index, part in enumerate(self.content):
            kind = part.get("type")
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                raise InvalidRequest(
                    f"messages[{index}].content[{part_index}]: only text parts are supported, not {kind!r}"
                )
        return "".join(texts)


class ChatCompletionRequest(BaseModel):
    """`POST /v1/chat/completions`."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(description=f"The model: {MODEL_ID}.")
    messages: list[Message] = Field(description="The conversation; the last message is the question.")
    stream: bool = Field(False, description="Answer as server-sent chunks.")
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(None, ge=1, description="Most tokens in the answer (older name).")
    max_completion_tokens: int | None = Field(None, ge=1, description="Most tokens in the answer.")
    n: int | None = Field(None, ge=1, le=1, description="Only one answer is made.")
    user: str | None = Field(None, max_length=256, description="The end user, for the owner's history.")

    @field_validator("messages")
    @classmethod
    def _not_empty(cls, messages: list[Message]) -> list[Message]:
        if not messages:
            raise ValueError("at least one message is required")
        return messages

    @property
    def token_limit(self) -> int | None:
        """The answer's token limit, whichever name the client used (the smaller if both)."""
        limits = [limit for limit in (self.max_tokens, self.max_completion_tokens) if limit is not None]
        return min(limits) if limits else None
