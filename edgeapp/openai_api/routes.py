"""`/v1/models` and `/v1/chat/completions`: the grounded assistant for OpenAI-compatible clients
(the openai Python client, LangChain, Open WebUI, a chat widget on the owner's site)."""

from __future__ import annotations

import ipaddress
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from edgeapp import store
from edgeapp.api.deps import ClientDep, StateDep
from edgeapp.chat.fair_queue import queue_client
from edgeapp.errors import EdgeAppError, Forbidden, ModelUnavailable
from edgeapp.openai_api.completions import (
    Completion,
    Outcome,
    TokenBudget,
    answer_deltas,
    api_user_id,
    read_conversation,
    sources_json,
    sse_data,
    usage,
)
from edgeapp.openai_api.errors import ModelNotFound, Unauthorized, openai_payload
from edgeapp.openai_api.schemas import MODEL_ID, ChatCompletionRequest
from edgeapp.state import AppState

logger = logging.getLogger(__name__)


def is_loopback(address: str) -> bool:
    """Whether `address` is this machine (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def require_access(request: Request, state: StateDep, client: ClientDep) -> None:
    """With API_KEY set, the Bearer key; without it, only clients on this machine."""
    key = state.settings.api_key.get_secret_value()
    if key:
        scheme, _, supplied = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(supplied.strip().encode(), key.encode()):
            raise Unauthorized("a valid API key is needed: Authorization: Bearer <API_KEY>")
    elif not is_loopback(client):
        raise Forbidden("the /v1 API answers only this machine; set API_KEY to open it to other clients")


router = APIRouter(dependencies=[Depends(require_access)])

_MODEL = {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "edgeapp"}


@router.get("/models")
def list_models() -> dict[str, Any]:
    """The one model: the assistant on the owner's resume."""
    return {"object": "list", "data": [_MODEL]}


@router.get("/models/{model}")
def get_model(model: str) -> dict[str, Any]:
    """One model by id."""
    if model != MODEL_ID:
        raise ModelNotFound(f"the model {model!r} does not exist; this server has {MODEL_ID!r}")
    return _MODEL


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    body: ChatCompletionRequest, state: StateDep, client: ClientDep
) -> JSONResponse | StreamingResponse:
    """Answer the conversation's last question from the resume, streamed or not."""
    if body.model != MODEL_ID:
        raise ModelNotFound(f"the model {body.model!r} does not exist; use {MODEL_ID!r}")
    assistant = state.assistant
    if assistant is None:
        raise ModelUnavailable(f"no resume to answer from: {state.resume.problem}")
    conversation = read_conversation(
        body, max_question_chars=state.settings.max_question_chars, history_turns=state.settings.history_turns
    )
    user_id = api_user_id(body.user)
    state.limits.check_chat(client, user_id)
    queue = state.model_queue
    await queue.check_question(conversation.question)
    queue_client(client, user_id)
    place = queue.reserve()  # refused now (429/503 with Retry-After) when the queue is full

    async def count(text: str) -> int:
        return await run_in_threadpool(queue.count_tokens, text)

    budget = TokenBudget(body.token_limit, count)
    outcome = Outcome()
    completion = Completion()
    deltas = answer_deltas(
        place.holding(assistant.respond(conversation.question, conversation.history)), budget, outcome
    )

    async def finish() -> dict[str, int]:
        prompt = " ".join([*(turn.content for turn in conversation.history), conversation.question])
        await run_in_threadpool(_store, state, user_id, conversation.question, outcome)
        return usage(await count(prompt), await count(outcome.content) if outcome.content else 0)

    if not body.stream:
        async for _delta in deltas:
            pass
        return JSONResponse(completion.whole(outcome, await finish()))

    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    async def chunks() -> AsyncIterator[str]:
        yield sse_data(completion.chunk({"role": "assistant", "content": ""}))
        try:
            async for delta in deltas:
                yield sse_data(completion.chunk({"content": delta}))
        except EdgeAppError as exc:
            yield sse_data(openai_payload(exc))
            yield "data: [DONE]\n\n"
            return
        except Exception:
            logger.exception("chat completion failed")
            yield sse_data(openai_payload(EdgeAppError("the answer failed")))
            yield "data: [DONE]\n\n"
            return
        counts = await finish()
        yield sse_data(completion.chunk({}, outcome.finish_reason, sources=sources_json(outcome.sources)))
        if include_usage:
            final = completion.chunk({}, None, usage=counts)
            final["choices"] = []
            yield sse_data(final)
        yield "data: [DONE]\n\n"

    return StreamingResponse(
        chunks(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


def _store(state: AppState, user_id: str, question: str, outcome: Outcome) -> None:
    """Keep the question and answer in the owner's history; a database that fails costs the
    client nothing (health reports it)."""
    final = outcome.final
    try:
        with Session(state.db, expire_on_commit=False) as session:
            store.add_message(session, user_id=user_id, role="user", content=question)
            store.add_message(
                session,
                user_id=user_id,
                role="assistant",
                content=outcome.content,
                sources=[asdict(s) for s in outcome.sources],
                meta=final.meta() if final is not None else None,
            )
    except SQLAlchemyError as exc:
        logger.error("API conversation not stored", extra={"reason": str(exc)})
