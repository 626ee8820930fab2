"""One visitor's question through the assistant: store the question, answer, store the answer."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass

from sqlalchemy import Engine as SQLEngine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.chat.assistant import Assistant
from edgeapp.chat.events import OUTCOMES, FinalEvent, ReplaceEvent, SourcesEvent, TokenEvent, Topic, Turn
from edgeapp.db import ChatMessageRow
from edgeapp.errors import EdgeAppError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answered:
    """The stored answer: the last thing a chat produces."""

    row: ChatMessageRow
    final: FinalEvent


ChatEvent = TokenEvent | ReplaceEvent | SourcesEvent | Answered


def as_turn(row: ChatMessageRow) -> Turn:
    """A stored message as a conversation turn (answers keep what they were about)."""
    if row.role != "assistant":
        return Turn(role="user", content=row.content)
    try:
        meta = json.loads(row.meta_json or "{}")
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    topics = tuple(
        Topic(str(t.get("path", "")), str(t.get("attribute", "")))
        for t in meta.get("topics", [])
        if isinstance(t, dict) and t.get("path")
    )
    outcome = meta.get("outcome")
    return Turn(
        role="assistant",
        content=row.content,
        topics=topics,
        outcome=outcome if outcome in OUTCOMES else None,
        language=str(meta.get("language", "")),
    )


async def chat_events(
    assistant: Assistant, db: SQLEngine, *, user_id: str, question: str, history_turns: int
) -> AsyncIterator[ChatEvent]:
    """Answer one question, streaming the assistant's events and ending with the stored answer."""

    def save_question() -> tuple[list[Turn], ChatMessageRow | None]:
        try:
            with Session(db, expire_on_commit=False) as session:
                earlier = store.recent_messages(session, user_id=user_id, limit=history_turns)
                asked = store.add_message(session, user_id=user_id, role="user", content=question)
        except SQLAlchemyError as exc:
            # A shared database that went away (over the network) costs the visitor only the
            # follow-up context: the answer still comes; health names the database. The local
            # SQLite file failing means this device's disk is broken: that is an error (503).
            if not _shared(db):
                raise
            logger.error("question not stored; answering without history", extra={"reason": _reason(exc)})
            return [], None
        return [as_turn(m) for m in earlier], asked

    history, asked = await run_in_threadpool(save_question)
    async for event in assistant.respond(question, history):
        if isinstance(event, FinalEvent):
            row = await run_in_threadpool(_save_answer, db, user_id, event, asked)
            yield Answered(row=row, final=event)
            return
        yield event
    raise EdgeAppError("the assistant ended without an answer")


def _save_answer(db: SQLEngine, user_id: str, final: FinalEvent, asked: ChatMessageRow | None) -> ChatMessageRow:
    """The stored answer; when a shared database fails, the same answer unstored (its id None)."""
    sources = [asdict(s) for s in final.sources]
    try:
        with Session(db, expire_on_commit=False) as session:
            answer = store.add_message(
                session, user_id=user_id, role="assistant", content=final.content, sources=sources, meta=final.meta()
            )
            if asked is not None:
                # For the owner's report: what the question was about and how it went, linked to the
                # question's words only while the visitor is remembered (see visitor_data.py).
                store.add_question_stat(
                    session,
                    message_id=asked.id,
                    outcome=final.outcome,
                    topics=[topic.as_json() for topic in final.topics],
                    language=final.language,
                    asked_at=asked.timestamp,
                )
            return answer
    except SQLAlchemyError as exc:
        if not _shared(db):
            raise
        logger.error("answer not stored", extra={"reason": _reason(exc)})
        return ChatMessageRow(
            user_id=user_id,
            role="assistant",
            content=final.content,
            sources_json=json.dumps(sources),
            meta_json=json.dumps(final.meta()),
        )


def _shared(db: SQLEngine) -> bool:
    """A database on another machine (PostgreSQL), not this device's own SQLite file."""
    return db.dialect.name != "sqlite"


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
