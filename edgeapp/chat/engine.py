"""What every model engine offers the rest of the app, and the types they exchange."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class GenerationRequest:
    """One completion: the full prompt text, a token budget and stop sequences."""

    prompt: str
    max_tokens: int = 160
    stop: tuple[str, ...] = ()
    temperature: float = 0.0


class EngineStatus(enum.StrEnum):
    """Lifecycle of a model engine as health and the UI show it."""

    DISABLED = "disabled"
    LOADING = "loading"
    READY = "ready"
    UNAVAILABLE = "unavailable"


@dataclass
class EngineState:
    """A snapshot of the engine for health checks and metrics."""

    status: EngineStatus
    detail: str = ""
    model_name: str = ""
    load_seconds: float | None = None
    prefix_tokens: int = 0
    prefix_source: str = ""  # "", "computed" or "restored"
    prefix_in_cache: bool = False  # the KV cache still starts with the whole prefix
    has_chat_template: bool = False
    prefix_problem: str = ""  # why the shared prefix is not cached or not saved, when it is not
    backend: str = "local"  # "local" (in this process) or "openai" (an OpenAI-compatible server)
    url: str = ""  # the server's base URL, for a remote engine
    reachable: bool | None = None  # a remote engine's server answered its last probe
    latency_ms: float | None = None  # the server's last probe round trip, for a remote engine
    problem: str = ""  # why a working engine runs below its configuration (health shows it)


@dataclass
class EngineStats:
    """Counters of generation work, for /api/metrics."""

    generations: int = 0
    tokens_generated: int = 0
    generation_seconds: float = 0.0
    first_token_seconds: list[float] = field(default_factory=list)

    @property
    def tokens_per_second(self) -> float:
        """Mean decoding speed over all generations so far."""
        return self.tokens_generated / self.generation_seconds if self.generation_seconds else 0.0


PrefixSource = str | Callable[[], str]


class Engine(Protocol):
    """A text-completion model that runs off the event loop.

    `stream` is an async generator of text pieces; closing it (or cancelling the task that
    iterates it) stops generation. It raises `ModelUnavailable` when the model is not ready.
    """

    @property
    def state(self) -> EngineState: ...

    @property
    def stats(self) -> EngineStats: ...

    @property
    def chat_template(self) -> str | None: ...

    @property
    def n_ctx(self) -> int: ...

    def start(self) -> None:
        """Begin loading the model in the background; returns at once."""

    def close(self) -> None:
        """Stop generating and free the model."""

    def count_tokens(self, text: str) -> int:
        """Tokens `text` takes in the model's vocabulary (an estimate before the model loads)."""

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Keep `prefix` evaluated in the KV cache (restored from disk when possible), in the background.

        A callable is called on the model thread once the model is loaded, since the prefix text
        may depend on the model (its chat template).
        """

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]: ...


class NullEngine:
    """The engine when the model is switched off: data-built answers only."""

    def __init__(self, detail: str = "model disabled by MODEL_ENABLED=false") -> None:
        self._state = EngineState(status=EngineStatus.DISABLED, detail=detail)
        self._stats = EngineStats()

    @property
    def state(self) -> EngineState:
        """Always disabled."""
        return self._state

    @property
    def stats(self) -> EngineStats:
        """Always zero."""
        return self._stats

    @property
    def chat_template(self) -> str | None:
        """No model, no template."""
        return None

    @property
    def n_ctx(self) -> int:
        """A nominal context size."""
        return 4096

    def start(self) -> None:
        """Nothing to load."""

    def close(self) -> None:
        """Nothing to free."""

    def count_tokens(self, text: str) -> int:
        """About four characters a token."""
        return len(text) // 4 + 1

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Nothing to cache."""

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Always refuses: there is no model."""
        from edgeapp.errors import ModelUnavailable

        raise ModelUnavailable(self._state.detail)
        yield ""  # pragma: no cover - makes this an async generator
