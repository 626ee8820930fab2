"""A remote engine with the local model as its understudy: the remote one while it answers,
the local one while it is down or too slow."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator

from edgeapp.chat.engine import Engine, EngineState, EngineStats, EngineStatus, GenerationRequest, PrefixSource
from edgeapp.chat.openai_engine import OpenAIEngine
from edgeapp.errors import ModelUnavailable


class FallbackEngine:
    """`primary` while it is ready, else `fallback`; health says when the fallback is in use."""

    def __init__(self, primary: Engine, fallback: Engine) -> None:
        self.primary = primary
        self.fallback = fallback
        self._for_fallback = threading.local()

    def _active(self) -> Engine:
        if getattr(self._for_fallback, "on", False) or self.primary.state.status is not EngineStatus.READY:
            return self.fallback
        return self.primary

    @property
    def state(self) -> EngineState:
        """The primary's state while it is ready, else the fallback's with the primary's trouble as a problem."""
        primary = self.primary.state
        if primary.status is EngineStatus.READY:
            return primary
        state = self.fallback.state
        if state.status is EngineStatus.READY:
            state.problem = f"inference server {primary.status.value} ({primary.detail}); using the local model"
        else:
            state.problem = f"inference server {primary.status.value}: {primary.detail}"
        state.url = primary.url
        state.reachable = primary.reachable
        state.latency_ms = primary.latency_ms
        return state

    @property
    def stats(self) -> EngineStats:
        """The active engine's counters."""
        return self._active().stats

    @property
    def chat_template(self) -> str | None:
        """The template of the engine that will answer (prompts are built for it)."""
        return self._active().chat_template

    @property
    def n_ctx(self) -> int:
        """The active engine's context window."""
        return self._active().n_ctx

    def start(self) -> None:
        """Start both."""
        self.primary.start()
        self.fallback.start()

    def close(self) -> None:
        """Close both."""
        self.primary.close()
        self.fallback.close()

    def count_tokens(self, text: str) -> int:
        """Counted by the active engine."""
        return self._active().count_tokens(text)

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Both keep the prefix; the fallback's is built for its own template (a callable is
        evaluated on the fallback's thread with this engine answering as the fallback)."""
        self.primary.set_prefix(prefix)
        if not callable(prefix):
            self.fallback.set_prefix(prefix)
            return

        def for_fallback() -> str:
            self._for_fallback.on = True
            try:
                return prefix()
            finally:
                self._for_fallback.on = False

        self.fallback.set_prefix(for_fallback)

    def _framed_for_primary(self, prompt: str) -> bool:
        primary = self.primary
        return isinstance(primary, OpenAIEngine) and primary.framing.framed(prompt)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Generate on the primary; if it fails before the first piece and the prompt suits the
        fallback too, generate there instead."""
        same_prompts = self.primary.chat_template == self.fallback.chat_template
        if self.primary.state.status is EngineStatus.READY:
            started = False
            try:
                async for piece in self.primary.stream(request):
                    started = True
                    yield piece
                return
            except ModelUnavailable:
                if started or not same_prompts:
                    raise
        elif not same_prompts and self._framed_for_primary(request.prompt):
            raise ModelUnavailable("the inference server went away while the question was prepared")
        async for piece in self.fallback.stream(request):
            yield piece
