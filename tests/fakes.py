"""A scripted engine for fast unit tests: records prompts and replays queued outputs (never shipped)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from edgeapp.chat.engine import (
    EngineState,
    EngineStats,
    EngineStatus,
    GenerationRequest,
    PrefixSource,
)
from edgeapp.errors import ModelUnavailable


class FakeEngine:
    """Replays `outputs` one per request (the last repeats); streams them word by word."""

    def __init__(
        self,
        outputs: list[str] | None = None,
        *,
        status: EngineStatus = EngineStatus.READY,
        chat_template: str | None = None,
        n_ctx: int = 4096,
        token_delay: float = 0.0,
    ) -> None:
        self.outputs = list(outputs or ["I enjoy building reliable software."])
        self.prompts: list[str] = []
        self.prefixes: list[str] = []
        self.token_delay = token_delay
        self.cancelled = 0
        self._state = EngineState(status=status, model_name="fake", has_chat_template=bool(chat_template))
        self._stats = EngineStats()
        self._chat_template = chat_template
        self._n_ctx = n_ctx

    @property
    def state(self) -> EngineState:
        """Current state (set `status` in the constructor to simulate loading or failure)."""
        return self._state

    @property
    def stats(self) -> EngineStats:
        """Generation counters."""
        return self._stats

    @property
    def chat_template(self) -> str | None:
        """The scripted chat template, if any."""
        return self._chat_template

    @property
    def n_ctx(self) -> int:
        """The scripted context size."""
        return self._n_ctx

    def start(self) -> None:
        """Nothing to load."""

    def close(self) -> None:
        """Nothing to free."""

    def count_tokens(self, text: str) -> int:
        """Roughly four characters a token."""
        return len(text) // 4 + 1

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Record the prefix the app asked to keep."""
        prefix = prefix() if callable(prefix) else prefix
        self.prefixes.append(prefix)
        self._state.prefix_tokens = self.count_tokens(prefix)
        self._state.prefix_source = "computed"

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Yield the next scripted output in word-sized pieces, honouring stop sequences."""
        if self._state.status is not EngineStatus.READY:
            raise ModelUnavailable(f"model is {self._state.status.value}")
        self.prompts.append(request.prompt)
        text = self.outputs.pop(0) if len(self.outputs) > 1 else self.outputs[0]
        for stop in request.stop:
            if stop and stop in text:
                text = text[: text.index(stop)]
        pieces = re.findall(r"\s*\S+", text)[: request.max_tokens]
        self._stats.generations += 1
        finished = False
        try:
            for piece in pieces:
                if self.token_delay:
                    await asyncio.sleep(self.token_delay)
                self._stats.tokens_generated += 1
                yield piece
            finished = True
        finally:
            if not finished:  # closed or cancelled by the consumer, as a disconnect does
                self.cancelled += 1
