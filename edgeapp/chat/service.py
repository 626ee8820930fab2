"""The chat pipeline between HTTP and the assistant: store the question, answer, store the answer."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.api.schemas import ChatMessage, SourceOut
from edgeapp.chat.events import FinalEvent, ReplaceEvent, Source, SourcesEvent, TokenEvent, Turn
from edgeapp.db import ChatMessageRow
from edgeapp.errors import EdgeAppError, ModelUnavailable
from edgeapp.state import AppState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answered:
    """The stored answer: the last thing a chat produces."""

    message: ChatMessage
    sources: list[SourceOut]


ChatEvent = TokenEvent | ReplaceEvent | SourcesEvent | Answered


def to_message(row: ChatMessageRow) -> ChatMessage:
    """A database row as the API's ChatMessage."""
    assert row.id is not None
    return ChatMessage(
        id=row.id,
        content=row.content,
        timestamp=store.as_utc(row.timestamp),
        user_id=row.user_id,
        role="assistant" if row.role == "assistant" else "user",
    )


def _sources_out(sources: list[Source]) -> list[SourceOut]:
    return [SourceOut(path=s.path, title=s.title, snippet=s.snippet) for s in sources]


async def chat_events(state: AppState, *, user_id: str, question: str) -> AsyncIterator[ChatEvent]:
    """Answer one question, streaming the assistant's events and ending with the stored answer."""
    assistant = state.assistant
    if assistant is None:
        raise ModelUnavailable(f"no resume to answer from: {state.resume.problem}")
    history_limit = state.settings.history_turns

    def save_question() -> list[Turn]:
        with Session(state.db, expire_on_commit=False) as session:
            earlier = store.recent_messages(session, user_id=user_id, limit=history_limit)
            store.add_message(session, user_id=user_id, role="user", content=question)
        return [Turn(role="assistant" if m.role == "assistant" else "user", content=m.content) for m in earlier]

    history = await run_in_threadpool(save_question)
    async for event in assistant.respond(question, history):
        if isinstance(event, FinalEvent):
            row = await run_in_threadpool(_save_answer, state, user_id, event)
            yield Answered(message=to_message(row), sources=_sources_out(event.sources))
            return
        yield event
    raise EdgeAppError("the assistant ended without an answer")


def _save_answer(state: AppState, user_id: str, final: FinalEvent) -> ChatMessageRow:
    with Session(state.db, expire_on_commit=False) as session:
        return store.add_message(
            session,
            user_id=user_id,
            role="assistant",
            content=final.content,
            sources=[asdict(s) for s in final.sources],
        )


def sse(event: str, data: object) -> str:
    """One server-sent event."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def sse_stream(events: AsyncIterator[ChatEvent]) -> AsyncIterator[str]:
    """Render chat events as text/event-stream; errors become an `error` event."""
    try:
        async for event in events:
            if isinstance(event, TokenEvent):
                yield sse("token", {"text": event.text})
            elif isinstance(event, ReplaceEvent):
                yield sse("replace", {"text": event.text})
            elif isinstance(event, SourcesEvent):
                yield sse("sources", {"sources": [asdict(s) for s in event.sources]})
            else:
                yield sse(
                    "done",
                    {
                        "message": event.message.model_dump(mode="json"),
                        "sources": [s.model_dump() for s in event.sources],
                    },
                )
    except EdgeAppError as exc:
        yield sse("error", {"error": {"type": exc.error_type, "message": exc.message}})
    except Exception:
        logger.exception("chat stream failed")
        yield sse("error", {"error": {"type": "internal_error", "message": "the answer failed"}})
