"""Bounded, fair access to a model: wraps any `Engine` so one client's burst cannot starve the rest.

A model answers one question at a time (or `slots` at a time for a server that batches). Waiting
questions are granted the model in fair order: between client groups (addresses, kiosks) first,
then between the members of a group (visitors); whoever was served longest ago goes next, so a
newcomer waits at most for the answers already running, never behind another client's burst.
Past the bounds a question is refused at once with a Retry-After: 429 when the asker already has
questions waiting, 503 when the whole queue is full.

Use, for any engine:

    engine = FairEngine(inner, max_waiting=8)
    queue_client(address, visitor_id)          # who the current request (task) is for
    place = engine.reserve()                    # optional: refuse now, before doing anything else
    async for piece in engine.stream(request):  # waits for a fair turn (using `place` if reserved)
        ...
    place.release()                             # a reservation never used must be given back

`stream` reserves by itself when the request holds no reservation, so a caller that needs no early
refusal just calls `queue_client` and `stream`. A request with no `queue_client` is "anonymous".
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from edgeapp.chat.engine import Engine, EngineState, EngineStats, GenerationRequest, PrefixSource
from edgeapp.errors import ModelBusy, QuestionTooLong, RateLimited

DEFAULT_ANSWER_SECONDS = 5.0  # the estimate of one answer before any has been timed
UNUSED_GRANT_SECONDS = 30.0  # a grant its request never starts to use by then is taken back

T = TypeVar("T")


@dataclass(frozen=True)
class QueueClient:
    """Who a question belongs to: a group (a client address, a kiosk) and a member (a visitor)."""

    group: str
    member: str = ""


ANONYMOUS = QueueClient("anonymous")
_client: contextvars.ContextVar[QueueClient] = contextvars.ContextVar("edgeapp_queue_client", default=ANONYMOUS)
_reservation: contextvars.ContextVar[Reservation | None] = contextvars.ContextVar(
    "edgeapp_queue_reservation", default=None
)


def queue_client(group: str, member: str = "") -> None:
    """Declare who the model work of the current request (task) is for."""
    _client.set(QueueClient(group, member))


def current_queue_client() -> QueueClient:
    """The client set by `queue_client` for this task (ANONYMOUS when none was)."""
    return _client.get()


@dataclass(eq=False)
class Reservation:
    """A place in the queue: in line, then granted the model, then done."""

    engine: FairEngine
    client: QueueClient
    stage: str = "in_line"  # "in_line", "granted" or "done"
    granted_at: float = 0.0
    streaming: bool = False
    wake: asyncio.Future[None] | None = field(default=None, repr=False)

    def release(self) -> None:
        """Give the place back (idempotent); a granted place frees the model for the next turn."""
        self.engine._finish(self, None)

    async def holding(self, items: AsyncIterator[T]) -> AsyncGenerator[T, None]:
        """Yield from `items`, releasing this place when they end or the consumer stops."""
        try:
            async for item in items:
                yield item
        finally:
            self.release()


class FairEngine:
    """An `Engine` that queues `stream` calls fairly and within bounds around another engine."""

    def __init__(
        self,
        inner: Engine,
        *,
        slots: int = 1,
        max_waiting: int = 8,
        max_waiting_per_group: int = 4,
        max_waiting_per_member: int = 2,
        max_question_tokens: int = 300,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.slots = slots
        self.max_waiting = max_waiting
        self.max_waiting_per_group = max_waiting_per_group
        self.max_waiting_per_member = max_waiting_per_member
        self.max_question_tokens = max_question_tokens
        self._clock = clock
        self._lock = threading.Lock()
        self._granted: list[Reservation] = []  # holding the model
        self._lines: dict[str, dict[str, deque[Reservation]]] = {}  # in line, by group then member
        self._by_member: Counter[QueueClient] = Counter()  # places in line
        self._by_group: Counter[str] = Counter()
        self._waiting = 0
        self._running = 0
        self._grants = 0
        self._group_served: dict[str, int] = {}  # the grant number each last got (0: never)
        self._member_served: dict[QueueClient, int] = {}
        self._answer_seconds = DEFAULT_ANSWER_SECONDS
        self.refused = 0

    # -- the Engine protocol, delegated ----------------------------------------------------

    @property
    def state(self) -> EngineState:
        """The wrapped engine's state."""
        return self.inner.state

    @property
    def stats(self) -> EngineStats:
        """The wrapped engine's counters."""
        return self.inner.stats

    @property
    def chat_template(self) -> str | None:
        """The wrapped engine's chat template."""
        return self.inner.chat_template

    @property
    def n_ctx(self) -> int:
        """The wrapped engine's context size."""
        return self.inner.n_ctx

    def start(self) -> None:
        """Start the wrapped engine."""
        self.inner.start()

    def close(self) -> None:
        """Close the wrapped engine."""
        self.inner.close()

    def count_tokens(self, text: str) -> int:
        """Tokens of `text`, as the wrapped engine counts them."""
        return self.inner.count_tokens(text)

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Pass the shared prompt prefix on."""
        self.inner.set_prefix(prefix)

    # -- admission -------------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Questions in line for the model (not yet answering)."""
        return self._waiting

    def snapshot(self) -> dict[str, int]:
        """Queue figures for metrics."""
        with self._lock:
            return {
                "waiting": self._waiting,
                "answering": self._running,
                "refused": self.refused,
                "answer_ms": round(self._answer_seconds * 1000),
            }

    def _retry_after(self) -> int:
        rounds = (self._waiting + self._running) / self.slots
        return max(1, math.ceil(rounds * self._answer_seconds))

    def reserve(self, client: QueueClient | None = None) -> Reservation:
        """Take a place in line for `client` (default: this request's) or raise RateLimited / ModelBusy.

        The place is remembered for this request, so its `stream` call uses it; a free model is
        granted at once.
        """
        place = self._reserve(client or current_queue_client())
        _reservation.set(place)
        return place

    def _reserve(self, client: QueueClient) -> Reservation:
        with self._lock:
            self._drop_unused_grants()
            mine = self._by_member[client]
            if mine >= self.max_waiting_per_member:
                self._refuse(RateLimited, f"you already have {mine} questions waiting")
            if self._by_group[client.group] >= self.max_waiting_per_group:
                self._refuse(RateLimited, "too many questions from this address are waiting")
            if self._waiting >= self.max_waiting:
                self._refuse(ModelBusy, "the assistant is busy with other visitors")
            place = Reservation(self, client)
            self._lines.setdefault(client.group, {}).setdefault(client.member, deque()).append(place)
            self._by_member[client] += 1
            self._by_group[client.group] += 1
            self._waiting += 1
            self._grant()
            return place

    def _refuse(self, error: type[RateLimited] | type[ModelBusy], reason: str) -> None:
        self.refused += 1
        retry = self._retry_after()
        raise error(f"{reason}; retry in {retry} s", retry_after=retry)

    def _drop_unused_grants(self) -> None:
        """A place granted the model but never used by its request (which died unseen) frees it."""
        oldest = self._clock() - UNUSED_GRANT_SECONDS
        for place in [p for p in self._granted if not p.streaming and p.granted_at < oldest]:
            self._granted.remove(place)
            self._running -= 1
            place.stage = "done"

    async def check_question(self, text: str) -> int:
        """The question's token count; QuestionTooLong when it is over the per-question budget.

        Counted off the event loop, by the wrapped engine (which tokenizes on its model thread).
        """
        tokens = await run_in_threadpool(self.inner.count_tokens, text)
        if tokens > self.max_question_tokens:
            raise QuestionTooLong(
                f"content: the question is {tokens} tokens long and the assistant takes at most "
                f"{self.max_question_tokens}; please ask a shorter question"
            )
        return tokens

    # -- fair turns ------------------------------------------------------------------------

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Wait for a fair turn (or be refused), then stream from the wrapped engine."""
        place = _reservation.get()
        if place is None or place.engine is not self or place.stage == "done" or place.streaming:
            place = self._reserve(current_queue_client())
        _reservation.set(None)  # used: a second model call in this request queues anew
        started: float | None = None
        try:
            with self._lock:
                place.streaming = True
                if place.stage == "in_line":
                    place.wake = asyncio.get_running_loop().create_future()
            if place.wake is not None:
                await place.wake
            if place.stage != "granted":  # dropped meanwhile (cannot happen while streaming)
                raise ModelBusy("the queue place was lost; retry", retry_after=1)
            started = self._clock()
            async for piece in self.inner.stream(request):
                yield piece
        finally:
            self._finish(place, started)

    def _finish(self, place: Reservation, started: float | None) -> None:
        with self._lock:
            if place.stage == "granted":
                self._granted.remove(place)
                self._running -= 1
                if started is not None:
                    self._answer_seconds = 0.7 * self._answer_seconds + 0.3 * (self._clock() - started)
            elif place.stage == "in_line":
                self._lines[place.client.group][place.client.member].remove(place)
                self._forget_empty_line(place.client)
                self._uncount(place.client)
            place.stage = "done"
            self._grant()

    def _uncount(self, client: QueueClient) -> None:
        self._waiting -= 1
        self._by_member[client] -= 1
        if self._by_member[client] <= 0:
            del self._by_member[client]
        self._by_group[client.group] -= 1
        if self._by_group[client.group] <= 0:
            del self._by_group[client.group]

    def _forget_empty_line(self, client: QueueClient) -> None:
        group = self._lines.get(client.group)
        if group is None:
            return
        if not group.get(client.member, True):
            del group[client.member]
        if not group:
            del self._lines[client.group]

    def _grant(self) -> None:
        """Give free slots to the places in line that are owed them most (lock held)."""
        while self._running < self.slots and self._lines:
            # The group served longest ago, then its member served longest ago; ties keep arrival order.
            group_name = min(self._lines, key=lambda name: self._group_served.get(name, 0))
            group = self._lines[group_name]
            member = min(group, key=lambda name: self._member_served.get(QueueClient(group_name, name), 0))
            place = group[member].popleft()
            self._forget_empty_line(place.client)
            self._uncount(place.client)
            self._grants += 1
            self._group_served[group_name] = self._grants
            self._member_served[place.client] = self._grants
            if len(self._member_served) > 10_000:  # forget who was served when, so memory stays bounded
                self._group_served.clear()
                self._member_served.clear()
            self._running += 1
            self._granted.append(place)
            place.stage = "granted"
            place.granted_at = self._clock()
            if place.wake is not None:
                place.wake.get_loop().call_soon_threadsafe(_wake, place.wake)


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
