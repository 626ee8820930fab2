"""Chat routes: ask a question (JSON or streamed), read and forget a visitor's history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.api.deps import ClientDep, SessionDep, StateDep
from edgeapp.api.schemas import ChatRequest, ChatResponse, HistoryResponse, UserId
from edgeapp.api.sse import answered_response, sse_stream, to_message
from edgeapp.chat.fair_queue import queue_client
from edgeapp.conversation import Answered, chat_events
from edgeapp.errors import EdgeAppError, InvalidRequest, ResumeUnavailable
from edgeapp.visitor_data import forget_visitor

router = APIRouter(tags=["chat"])

MAX_OFFSET = 1_000_000_000  # far past any history; SQLite's integers end at 2**63 - 1


@router.post("/chat", response_model=None, responses={200: {"content": {"text/event-stream": {}}}})
async def post_chat(
    body: ChatRequest, state: StateDep, client: ClientDep, request: Request
) -> ChatResponse | StreamingResponse:
    """Answer a visitor's question from the resume; `stream: true` answers as server-sent events."""
    if len(body.content) > state.settings.max_question_chars:
        raise InvalidRequest(f"content: at most {state.settings.max_question_chars} characters")
    if state.assistant is None:
        raise ResumeUnavailable(f"no resume to answer from: {state.resume.problem}")
    state.limits.check_chat(client, body.user_id)
    await state.model_queue.check_question(body.content)
    # A place in the fair model queue (per address, then per visitor), refused now with Retry-After
    # when the queue is full, before anything is stored.
    queue_client(client, body.user_id)
    place = state.model_queue.reserve()
    events = place.holding(
        chat_events(
            state.assistant,
            state.db,
            user_id=body.user_id,
            question=body.content,
            history_turns=state.settings.history_turns,
        )
    )
    if body.stream:
        return StreamingResponse(
            sse_stream(events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
    try:
        async for event in events:
            if isinstance(event, Answered):
                return answered_response(event)
    finally:
        await events.aclose()
    raise EdgeAppError("the assistant ended without an answer")


@router.get("/chat/history")
def get_history(
    session: SessionDep,
    user_id: Annotated[UserId, Query(description="The visitor whose messages to list.")],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HistoryResponse:
    """A visitor's messages, oldest first, a page at a time."""
    rows, total = store.list_messages(session, user_id=user_id, limit=limit, offset=offset)
    return HistoryResponse(messages=[to_message(r) for r in rows], total=total, limit=limit, offset=offset)


@router.delete("/chat/history", status_code=204)
async def delete_history(
    state: StateDep, user_id: Annotated[UserId, Query(description="The visitor to forget.")]
) -> Response:
    """Forget a visitor (the kiosk does this between visitors): their messages are deleted and
    overwritten, their usage events and report entries lose the link to them."""
    await run_in_threadpool(lambda: forget_visitor(state.db, user_id=user_id))
    return Response(status_code=204)
