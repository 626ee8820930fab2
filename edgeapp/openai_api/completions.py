"""A chat completion answered by the grounded assistant: the conversation read from OpenAI
messages, the answer as text deltas within the client's token limit, and the OpenAI chunks."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from edgeapp.chat.events import AnswerEvent, FinalEvent, ReplaceEvent, Source, SourcesEvent, TokenEvent, Turn
from edgeapp.errors import EdgeAppError, InvalidRequest
from edgeapp.openai_api.schemas import MODEL_ID, ChatCompletionRequest

CountTokens = Callable[[str], Awaitable[int]]


@dataclass(frozen=True)
class Conversation:
    """The question (the last user message) and the turns before it."""

    question: str
    history: list[Turn]


def read_conversation(body: ChatCompletionRequest, *, max_question_chars: int, history_turns: int) -> Conversation:
    """The assistant's view of the messages: system and tool messages carry no weight (the
    assistant's rules are its own), user and assistant messages are the history."""
    last = body.messages[-1]
    if last.role != "user":
        raise InvalidRequest(f"messages[{len(body.messages) - 1}]: the last message must be the user's question")
    question = " ".join(last.text(len(body.messages) - 1).split())
    if not question:
        raise InvalidRequest(f"messages[{len(body.messages) - 1}].content: the question is empty")
    if len(question) > max_question_chars:
        raise InvalidRequest(
            f"messages[{len(body.messages) - 1}].content: at most {max_question_chars} characters, not {len(question)}"
        )
    turns = [
        Turn(role="user" if message.role == "user" else "assistant", content=message.text(index))
        for index, message in enumerate(body.messages[:-1])
        if message.role in {"user", "assistant"}
    ]
    return Conversation(question=question, history=turns[-history_turns:] if history_turns > 0 else [])


def api_user_id(user: str | None) -> str:
    """The history id an API conversation is stored under (`api`, or `api-` and the client's user)."""
    if not user:
        return "api"
    return "api-" + re.sub(r"[^A-Za-z0-9_-]", "-", user)[:60]


class TokenBudget:
    """Cuts an answer to the client's `max_tokens`, counted by the engine's tokenizer."""

    def __init__(self, limit: int | None, count: CountTokens) -> None:
        self.limit = limit
        self.count = count

    async def fit(self, text: str) -> tuple[str, bool]:
        """`text` within the limit (whole words), and whether it was cut."""
        # A token is at least one byte, so text with no more bytes than the limit always fits.
        if self.limit is None or len(text.encode()) <= self.limit or await self.count(text) <= self.limit:
            return text, False
        words = re.findall(r"\S+\s*", text)
        low, high = 0, len(words)  # the most words that fit: binary search
        while low < high:
            middle = (low + high + 1) // 2
            if await self.count("".join(words[:middle]).rstrip()) <= self.limit:
                low = middle
            else:
                high = middle - 1
        return "".join(words[:low]).rstrip(), True


@dataclass
class Outcome:
    """What the client was sent, once the answer is over."""

    content: str = ""
    finish_reason: str = "stop"
    sources: list[Source] = field(default_factory=list)
    final: FinalEvent | None = None


_SENTENCE_END = re.compile(r"[.!?…:;](?=\s)|\n")


def through_last_sentence(text: str) -> str:
    """`text` up to and including its last finished sentence."""
    ends = [match.end() for match in _SENTENCE_END.finditer(text)]
    return text[: ends[-1]] if ends else ""


async def answer_deltas(
    events: AsyncIterator[AnswerEvent], budget: TokenBudget, outcome: Outcome, *, streaming: bool = True
) -> AsyncIterator[str]:
    """The answer as pieces to append, filling `outcome`.

    A client cannot take text back, but the assistant may replace what it streamed when a
    sentence fails the check. So pieces are sent a finished sentence at a time (the check keeps
    finished sentences), and the assistant's final answer settles the rest; should it still not
    extend what was sent, it follows as a new paragraph. Not streaming, the content is exactly
    the final answer (within the token limit).
    """
    wanted = ""
    try:
        async for event in events:
            if isinstance(event, SourcesEvent):
                outcome.sources = list(event.sources)
                continue
            final = isinstance(event, FinalEvent)
            if isinstance(event, FinalEvent):
                outcome.final = event
                outcome.sources = list(event.sources)
                wanted = event.content
            elif isinstance(event, TokenEvent):
                wanted += event.text
            elif isinstance(event, ReplaceEvent):
                wanted = event.text
            if not streaming and not final:
                continue
            target = wanted if final else through_last_sentence(wanted)
            if not target.startswith(outcome.content):
                if not final:
                    continue  # wait for the final answer
                target = f"{outcome.content}\n\n{target}" if outcome.content else target
            fitted, cut = await budget.fit(target)
            delta = fitted[len(outcome.content) :]
            if delta:
                outcome.content += delta
                yield delta
            if cut:
                outcome.finish_reason = "length"
                return  # closing `events` stops the model
            if final:
                return
        raise EdgeAppError("the assistant ended without an answer")
    finally:
        closer = getattr(events, "aclose", None)
        if closer is not None:
            await closer()


def sources_json(sources: Sequence[Source]) -> list[dict[str, str]]:
    """Sources as the `sources` extension field carries them."""
    return [asdict(source) for source in sources]


@dataclass
class Completion:
    """Ids and counts shared by every chunk of one completion."""

    id: str = field(default_factory=lambda: f"chatcmpl-{secrets.token_hex(12)}")
    created: int = field(default_factory=lambda: int(time.time()))

    def chunk(self, delta: dict[str, str], finish_reason: str | None = None, **extra: Any) -> dict[str, Any]:
        """One `chat.completion.chunk`."""
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": MODEL_ID,
            "system_fingerprint": None,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
            **extra,
        }

    def whole(self, outcome: Outcome, usage: dict[str, int]) -> dict[str, Any]:
        """The non-streamed `chat.completion`."""
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": MODEL_ID,
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": outcome.content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": outcome.finish_reason,
                }
            ],
            "usage": usage,
            "sources": sources_json(outcome.sources),
        }


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    """The `usage` object."""
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def sse_data(payload: object) -> str:
    """One `data:` event."""
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
