"""The fair model queue: bounded waiting, refusals with Retry-After, and turns fair between clients."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from edgeapp.chat.engine import GenerationRequest
from edgeapp.chat.fair_queue import FairEngine, QueueClient, queue_client
from edgeapp.errors import ModelBusy, QuestionTooLong, RateLimited
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings
from tests.serve_process import token_for


class SerialEngine(FakeEngine):
    """A fake that, like a real model, answers one request at a time, first come first served,
    and holds each answer until `release` is called for it (so tests wait on conditions, not time)."""

    def __init__(self) -> None:
        super().__init__(["An answer."])
        self.order: list[str] = []
        self._lock: asyncio.Lock | None = None
        self._release = threading.Semaphore(0)

    def release(self, count: int = 1) -> None:
        """Let `count` answers finish."""
        for _ in range(count):
            self._release.release()

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Record which prompt is served, wait for a release, then answer."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            self.order.append(request.prompt)
            while not self._release.acquire(blocking=False):
                await asyncio.sleep(0.005)
            yield "An answer."


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Block until `condition()` holds (fail after `timeout`)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def run(coro: object) -> object:
    """Run a coroutine on a fresh event loop."""
    return asyncio.run(coro)  # type: ignore[arg-type]


async def _drain(engine: FairEngine, client: QueueClient, tag: str) -> str:
    queue_client(client.group, client.member)
    return "".join([piece async for piece in engine.stream(GenerationRequest(prompt=tag))])


def test_a_newcomer_waits_for_one_answer_not_for_another_clients_burst() -> None:
    inner = SerialEngine()
    engine = FairEngine(inner, max_waiting_per_member=5, max_waiting_per_group=5)

    async def scenario() -> list[str]:
        burst = [asyncio.create_task(_drain(engine, QueueClient("10.0.0.1", "heavy"), f"h{n}")) for n in range(4)]
        while not inner.order:
            await asyncio.sleep(0.001)
        newcomer = asyncio.create_task(_drain(engine, QueueClient("10.0.0.2", "visitor"), "v"))
        while engine.waiting < 4:
            await asyncio.sleep(0.001)
        inner.release(5)
        await asyncio.gather(*burst, newcomer)
        return inner.order

    assert run(scenario()) == ["h0", "v", "h1", "h2", "h3"]


def test_visitors_of_one_address_take_turns() -> None:
    inner = SerialEngine()
    engine = FairEngine(inner, max_waiting_per_member=5, max_waiting_per_group=8)

    async def scenario() -> list[str]:
        tasks = [asyncio.create_task(_drain(engine, QueueClient("kiosk", "a"), f"a{n}")) for n in range(3)]
        while not inner.order:
            await asyncio.sleep(0.001)
        tasks.append(asyncio.create_task(_drain(engine, QueueClient("kiosk", "b"), "b0")))
        while engine.waiting < 3:
            await asyncio.sleep(0.001)
        inner.release(4)
        await asyncio.gather(*tasks)
        return inner.order

    assert run(scenario()) == ["a0", "b0", "a1", "a2"]


def test_past_the_bounds_questions_are_refused_with_retry_after() -> None:
    inner = SerialEngine()
    engine = FairEngine(inner, max_waiting=3, max_waiting_per_group=2, max_waiting_per_member=1)

    async def scenario() -> None:
        first = asyncio.create_task(_drain(engine, QueueClient("a", "1"), "running"))
        while not inner.order:
            await asyncio.sleep(0.001)
        waiting = [asyncio.create_task(_drain(engine, QueueClient("a", "1"), "a1-waits"))]
        while engine.waiting < 1:
            await asyncio.sleep(0.001)
        with pytest.raises(RateLimited) as per_member:
            engine.reserve(QueueClient("a", "1"))
        assert per_member.value.status_code == 429 and int(per_member.value.headers()["Retry-After"]) >= 1
        waiting.append(asyncio.create_task(_drain(engine, QueueClient("a", "2"), "a2-waits")))
        while engine.waiting < 2:
            await asyncio.sleep(0.001)
        with pytest.raises(RateLimited):  # the address has two waiting
            engine.reserve(QueueClient("a", "3"))
        waiting.append(asyncio.create_task(_drain(engine, QueueClient("b", "1"), "b1-waits")))
        while engine.waiting < 3:
            await asyncio.sleep(0.001)
        with pytest.raises(ModelBusy) as full:  # the whole queue is full
            await _drain(engine, QueueClient("c", "1"), "refused")
        assert full.value.status_code == 503 and int(full.value.headers()["Retry-After"]) >= 1
        inner.release(4)
        await asyncio.gather(first, *waiting)
        assert "refused" not in inner.order and engine.waiting == 0

    run(scenario())


def test_a_question_that_leaves_while_waiting_frees_its_place() -> None:
    inner = SerialEngine()
    engine = FairEngine(inner, max_waiting=1)

    async def scenario() -> None:
        first = asyncio.create_task(_drain(engine, QueueClient("a"), "running"))
        while not inner.order:
            await asyncio.sleep(0.001)
        leaver = asyncio.create_task(_drain(engine, QueueClient("b"), "left"))
        while engine.waiting < 1:
            await asyncio.sleep(0.001)
        leaver.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leaver
        assert engine.waiting == 0
        later = asyncio.create_task(_drain(engine, QueueClient("c"), "later"))
        inner.release(2)
        await asyncio.gather(first, later)
        assert inner.order == ["running", "later"]

    run(scenario())


def test_a_question_over_the_token_budget_is_refused() -> None:
    engine = FairEngine(FakeEngine(), max_question_tokens=20)
    assert run(engine.check_question("Where do you work?")) == 5
    with pytest.raises(QuestionTooLong) as refused:
        run(engine.check_question("x" * 100))
    assert refused.value.status_code == 422 and "26 tokens" in refused.value.message


def test_chat_over_the_token_budget_is_422_and_stores_nothing(tmp_path: Path) -> None:
    from tests.test_api import count_rows

    settings = make_settings(tmp_path / "data", max_question_tokens=20)
    with live_server(settings, engine=FakeEngine()) as server:
        response = httpx.post(
            f"{server.url}/api/chat",
            json={"content": "Tell me " + "about your work and " * 10, "user_id": "v1"},
            headers={"X-EdgeApp-Token": token_for(server.url)},
        )
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "question_too_long"
    assert count_rows(settings, "chat_message") == 0


def test_a_burst_from_one_visitor_does_not_starve_another_over_http(tmp_path: Path) -> None:
    inner = SerialEngine()
    settings = make_settings(tmp_path / "data", chat_rate_per_minute=50, chat_rate_per_address_per_minute=100)
    with live_server(settings, engine=inner) as server:
        token = token_for(server.url)

        def ask(question: str, user_id: str, stream: bool = False) -> httpx.Response:
            return httpx.post(
                f"{server.url}/api/chat",
                json={"content": question, "user_id": user_id, "stream": stream},
                headers={"X-EdgeApp-Token": token},
                timeout=60,
            )

        with ThreadPoolExecutor(8) as pool:
            try:
                burst = [pool.submit(ask, f"What kind of team suits you, take {n}?", "heavy") for n in range(6)]
                wait_until(lambda: len(inner.order) == 1 and sum(f.done() for f in burst) == 3)
                assert httpx.get(f"{server.url}/api/metrics").json()["queue"]["waiting"] == 2
                # streamed: its place, taken by the route, is the one its model call waits in
                normal = pool.submit(ask, "What kind of team suits you, normal visitor?", "normal", True)
                wait_until(lambda: httpx.get(f"{server.url}/api/metrics").json()["queue"]["waiting"] == 3)
            finally:
                inner.release(7)
            responses = [f.result() for f in burst]
            assert normal.result().status_code == 200 and "event: done" in normal.result().text
            queue = httpx.get(f"{server.url}/api/metrics").json()["queue"]
            assert queue["waiting"] == 0 and queue["answering"] == 0, queue
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 3, [r.status_code for r in responses]  # one answered at a time, two may wait
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert "normal visitor" in inner.order[1], inner.order  # served right after the answer already running
