"""What the assistant streams to the chat service: answer events, sources and conversation turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Turn:
    """One earlier message of the visitor's conversation."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Source:
    """A resume entry an answer rests on: its JSON Resume path, a title and a short snippet."""

    path: str
    title: str
    snippet: str


@dataclass(frozen=True)
class TokenEvent:
    """More answer text to append to what the visitor sees."""

    text: str


@dataclass(frozen=True)
class ReplaceEvent:
    """Replace the whole answer shown so far by `text` (the guard rejected model text)."""

    text: str


@dataclass(frozen=True)
class SourcesEvent:
    """The resume entries the answer rests on."""

    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class FinalEvent:
    """Always the last event: exactly the answer the visitor ended up seeing, and its sources."""

    content: str
    sources: list[Source] = field(default_factory=list)


AnswerEvent = TokenEvent | ReplaceEvent | SourcesEvent | FinalEvent
