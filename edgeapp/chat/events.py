"""What the assistant streams to the chat service: answer events, sources and conversation turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What kind of answer the visitor got: a fact from the resume, a statement that the resume does not
# hold it, an answer to an open question, a refusal (a personal topic or an attempt to change the
# rules), or a question the assistant could not pin down (it says what it understood and offers).
Outcome = Literal["fact", "absent", "open", "refused", "unclear"]
OUTCOMES: tuple[Outcome, ...] = ("fact", "absent", "open", "refused", "unclear")


@dataclass(frozen=True)
class Topic:
    """What an answer was about: a resume entry (JSON Resume path) and the attribute asked of it."""

    path: str
    attribute: str = ""

    def as_json(self) -> dict[str, str]:
        """The topic as stored with the message."""
        return {"path": self.path, "attribute": self.attribute}


@dataclass(frozen=True)
class Turn:
    """One earlier message of the visitor's conversation (assistant turns carry what they were about)."""

    role: Literal["user", "assistant"]
    content: str
    topics: tuple[Topic, ...] = ()
    outcome: Outcome | None = None
    language: str = ""


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
    """Replace the whole answer shown so far by `text` (a sentence failed the check)."""

    text: str


@dataclass(frozen=True)
class SourcesEvent:
    """The resume entries the answer rests on."""

    sources: list[Source] = field(default_factory=list)


@dataclass(frozen=True)
class FinalEvent:
    """Always the last event: exactly the answer the visitor ended up seeing, its sources, and what
    it was about (for follow-up questions and the owner's report)."""

    content: str
    sources: list[Source] = field(default_factory=list)
    outcome: Outcome = "open"
    topics: tuple[Topic, ...] = ()
    language: str = "en"

    def meta(self) -> dict[str, object]:
        """What is stored with the answer besides its text."""
        return {
            "outcome": self.outcome,
            "topics": [topic.as_json() for topic in self.topics],
            "language": self.language,
        }


AnswerEvent = TokenEvent | ReplaceEvent | SourcesEvent | FinalEvent
