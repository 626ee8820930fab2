"""Chat answers as the API shows them: JSON bodies and server-sent events."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict

from edgeapp import store
from edgeapp.api.schemas import ChatMessage, ChatResponse, SourceOut
from edgeapp.chat.events import ReplaceEvent, SourcesEvent, TokenEvent
from edgeapp.conversation import Answered, ChatEvent
from edgeapp.db import ChatMessageRow
from edgeapp.errors import EdgeAppError

logger = logging.getLogger(__name__)


def to_message(row: ChatMessageRow) -> ChatMessage:
    """A database row as the API's ChatMessage."""
    return ChatMessage(
        id=row.id,
        content=row.content,
        timestamp=store.as_utc(row.timestamp),
        user_id=row.user_id,
        role="assistant" if row.role == "assistant" else "user",
    )


def answered_response(answered: Answered) -> ChatResponse:
    """The complete answer as the JSON body of a non-streamed chat."""
    sources = [SourceOut(path=s.path, title=s.title, snippet=s.snippet) for s in answered.final.sources]
    return ChatResponse(message=to_message(answered.row), sources=sources)


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
                body = answered_response(event)
                yield sse(
                    "done",
                    {
                        "message": body.message.model_dump(mode="json"),
                        "sources": [s.model_dump() for s in body.sources],
                    },
                )
    except EdgeAppError as exc:
        yield sse("error", exc.payload())
    except Exception:
        logger.exception("chat stream failed")
        yield sse("error", EdgeAppError("the answer failed").payload())
