"""An engine on any OpenAI-compatible server: llama.cpp's llama-server, Ollama, vLLM, LM Studio,
llama-cpp-python's own server.

Base models (no chat template, like the default Gemma 270M) get the same completion prompt as the
local engine, through `/v1/completions`. Instruct models go through `/v1/chat/completions`: the
engine offers the prompt builder a chat template that renders each message as one JSON line, and
sends those messages on, so the server applies the model's own template.

A background thread probes `GET /models` (reachable, model name, latency) so health is honest and a
server that is down costs visitors nothing: the assistant answers from the resume data at once.
Every request is bounded (connect, first token, gap between tokens); a timeout or a refusal raises
`ModelUnavailable`, which the assistant turns into the data-built answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import ssl
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from edgeapp.chat.engine import EngineState, EngineStats, EngineStatus, GenerationRequest, PrefixSource
from edgeapp.errors import ModelUnavailable

logger = logging.getLogger(__name__)

PromptStyle = Literal["chat", "completion"]


class MessageFraming:
    """A chat template in the standard form (Jinja over `messages`) that writes each message
    verbatim between markers, and reads such a prompt back into messages.

    The prompt builder renders it as it would any model's template, so instruct models get the
    same grounding; the engine sends the messages on and the server applies the model's own
    template. The markers carry a random nonce, so no visitor text can forge a message boundary.
    """

    def __init__(self, nonce: str | None = None) -> None:
        self.nonce = nonce or secrets.token_hex(8)
        self.template = (
            "{% for message in messages %}"
            f"<|msg-{self.nonce} {{{{ message.role }}}}|>\n{{{{ message.content }}}}\n<|end-{self.nonce}|>\n"
            "{% endfor %}"
        )
        self._pattern = re.compile(
            rf"<\|msg-{self.nonce} (system|user|assistant)\|>\n(.*?)\n<\|end-{self.nonce}\|>\n", re.DOTALL
        )

    def messages(self, prompt: str) -> list[dict[str, str]]:
        """The complete messages in `prompt`, in order."""
        return [{"role": role, "content": content} for role, content in self._pattern.findall(prompt)]

    def framed(self, prompt: str) -> bool:
        """Whether `prompt` was rendered with this template (and is no use to a completion model)."""
        return prompt.startswith(f"<|msg-{self.nonce} ")


@dataclass(frozen=True)
class Timeouts:
    """How long the engine waits, in seconds; every wait is bounded."""

    connect: float = 3.0
    first_token: float = 20.0
    between_tokens: float = 10.0
    probe_interval: float = 15.0
    cooldown: float = 30.0  # after a timeout, how long to answer from data before trying again


class RemoteError(ModelUnavailable):
    """The inference server refused, failed or timed out (the assistant answers from data)."""


class OpenAIEngine:
    """Generates through an OpenAI-compatible HTTP server; see the module docstring."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = "",
        api_key: str = "",
        prompt_style: PromptStyle = "chat",
        n_ctx: int = 4096,
        timeouts: Timeouts | None = None,
        warm_prefix: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._configured_model = model
        self._api_key = api_key
        self.prompt_style = prompt_style
        self.framing = MessageFraming()
        self._n_ctx = n_ctx
        self.timeouts = timeouts or Timeouts()
        self._warm_prefix = warm_prefix
        # Built once: making an SSL context loads the CA bundle (milliseconds per request otherwise).
        self._ssl = ssl.create_default_context()
        self._state_lock = threading.Lock()
        self._state = EngineState(
            status=EngineStatus.LOADING,
            detail=f"connecting to {self.base_url}",
            model_name=model,
            has_chat_template=prompt_style == "chat",
            backend="openai",
            url=self.base_url,
        )
        self._stats = EngineStats()
        self._model = model
        self._prefix: PrefixSource | None = None
        self._prefix_warmed = False
        self._cooldown_until = 0.0
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._probe_loop, name="edgeapp-engine-probe", daemon=True)

    # -- the Engine protocol ---------------------------------------------------------------

    @property
    def state(self) -> EngineState:
        """A copy of the current state."""
        with self._state_lock:
            return EngineState(**vars(self._state))

    @property
    def stats(self) -> EngineStats:
        """Generation counters (tokens counted as streamed chunks)."""
        return self._stats

    @property
    def chat_template(self) -> str | None:
        """The message framing template for chat models, None for base models (completion prompts)."""
        return self.framing.template if self.prompt_style == "chat" else None

    @property
    def n_ctx(self) -> int:
        """The context window the server's model has (as configured)."""
        return self._n_ctx

    def start(self) -> None:
        """Start probing the server in the background."""
        self._thread.start()

    def close(self) -> None:
        """Stop probing."""
        self._closed.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.timeouts.connect + 5)

    def count_tokens(self, text: str) -> int:
        """An estimate on the safe side (the server's tokenizer is not at hand): three characters a token."""
        return len(text) // 3 + 1

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Remember the shared prefix; it is sent once when the server is reached, so the
        server's own prompt cache holds it before the first visitor asks."""
        self._prefix = prefix
        self._prefix_warmed = False
        self._wake.set()

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Stream the answer from the server; closing this generator closes the connection,
        which stops the server generating."""
        if self.state.status is not EngineStatus.READY:
            raise ModelUnavailable(f"inference server is {self.state.status.value}: {self.state.detail}")
        endpoint, payload = self._payload(request)
        started = time.perf_counter()
        first: float | None = None
        count = 0
        # Timeouts are asyncio's, each around one wait and never around a `yield`: the first
        # token may take a while (the server evaluates the prompt), later gaps must be short.
        client = httpx.AsyncClient(
            verify=self._ssl,
            headers=self._headers(),
            timeout=httpx.Timeout(None, connect=self.timeouts.connect),
        )
        response: httpx.Response | None = None
        loop = asyncio.get_running_loop()
        first_deadline = loop.time() + self.timeouts.first_token
        try:
            async with asyncio.timeout_at(first_deadline):
                response = await client.send(
                    client.build_request("POST", f"{self.base_url}{endpoint}", json=payload), stream=True
                )
                if response.status_code != 200:
                    await response.aread()
                    raise self._refusal(response)
            lines = response.aiter_lines()
            while True:
                deadline = first_deadline if first is None else loop.time() + self.timeouts.between_tokens
                async with asyncio.timeout_at(deadline):
                    text = await self._next_piece(lines)
                if text is None:
                    break
                if not text:
                    continue
                count += 1
                if first is None:
                    first = time.perf_counter() - started
                yield text
        except TimeoutError as exc:
            raise self._timed_out(got_tokens=first is not None) from exc
        except httpx.ConnectTimeout as exc:
            raise self._timed_out(got_tokens=False, connecting=True) from exc
        except httpx.TransportError as exc:
            self._set_state(reachable=False)
            self._set_unavailable(f"cannot reach {self.base_url}: {exc.__class__.__name__}")
            raise RemoteError(f"inference server unreachable: {exc.__class__.__name__}") from exc
        finally:
            if response is not None:
                await response.aclose()
            await client.aclose()
            self._record(started, first, count)

    # -- requests ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def _payload(self, request: GenerationRequest) -> tuple[str, dict[str, Any]]:
        common: dict[str, Any] = {
            "model": self._model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": True,
        }
        if self.prompt_style == "chat":
            # No stop strings: the server knows its model's end-of-turn token.
            return "/chat/completions", {**common, "messages": self.framing.messages(request.prompt)}
        return "/completions", {**common, "prompt": request.prompt, "stop": list(request.stop)}

    async def _next_piece(self, lines: AsyncIterator[str]) -> str | None:
        """The next text piece of an SSE completion stream ("" for chunks without text), None at the end."""
        async for line in lines:
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                return None
            try:
                chunk = json.loads(data)
            except ValueError as exc:
                raise RemoteError(f"inference server sent a malformed chunk: {data[:80]!r}") from exc
            if not isinstance(chunk, dict):
                raise RemoteError(f"inference server sent a malformed chunk: {data[:80]!r}")
            if "error" in chunk:
                raise RemoteError(f"inference server failed: {_error_text(chunk)}")
            choices = chunk.get("choices") or []
            if not choices:
                return ""  # a usage-only chunk
            choice = choices[0]
            if self.prompt_style == "completion":
                return str(choice.get("text") or "")
            return str((choice.get("delta") or {}).get("content") or "")
        return None

    def _refusal(self, response: httpx.Response) -> RemoteError:
        try:
            message = _error_text(response.json())
        except ValueError:
            message = response.text[:200]
        if response.status_code in {401, 403}:
            self._set_unavailable(f"the server refused the API key (HTTP {response.status_code})")
        elif response.status_code == 404:
            self._set_unavailable(f"the server does not serve model {self._model!r}: {message}")
        return RemoteError(f"inference server answered HTTP {response.status_code}: {message}")

    def _timed_out(self, *, got_tokens: bool, connecting: bool = False) -> RemoteError:
        if connecting:
            what = f"no connection in {self.timeouts.connect:g} s"
        elif got_tokens:
            what = f"no token for {self.timeouts.between_tokens:g} s"
        else:
            what = f"no first token in {self.timeouts.first_token:g} s"
        self._cooldown_until = time.monotonic() + self.timeouts.cooldown
        self._set_unavailable(f"inference server too slow ({what}); answering from data for now")
        return RemoteError(f"inference server timed out: {what}")

    def _record(self, started: float, first: float | None, count: int) -> None:
        elapsed = time.perf_counter() - started
        self._stats.generations += 1
        self._stats.tokens_generated += count
        if first is not None and count > 1:
            self._stats.generation_seconds += elapsed - first
            self._stats.tokens_generated -= 1  # the first token's time is prompt time
        if first is not None:
            self._stats.first_token_seconds.append(first)
            del self._stats.first_token_seconds[:-200]

    # -- health -----------------------------------------------------------------------------

    def _set_state(self, **changes: Any) -> None:
        with self._state_lock:
            for key, value in changes.items():
                setattr(self._state, key, value)

    def _set_unavailable(self, detail: str) -> None:
        self._prefix_warmed = False  # a restarted server has an empty prompt cache
        if self.state.status is not EngineStatus.UNAVAILABLE:
            logger.warning("inference server unavailable", extra={"url": self.base_url, "reason": detail})
        self._set_state(status=EngineStatus.UNAVAILABLE, detail=detail)
        self._wake.set()

    def probe(self, client: httpx.Client) -> None:
        """Ask the server which models it serves; update state (and warm the prefix once)."""
        started = time.perf_counter()
        try:
            response = client.get(f"{self.base_url}/models")
        except httpx.ReadTimeout:
            # Connected, but no answer in time: some servers (llama_cpp.server) answer nothing
            # while they generate. Generation has its own timeouts, so a ready engine stays ready.
            if self.state.status is not EngineStatus.READY:
                self._set_unavailable(f"{self.base_url} accepts connections but does not answer")
            return
        except httpx.HTTPError as exc:
            self._set_state(reachable=False, latency_ms=None)
            self._set_unavailable(f"cannot reach {self.base_url}: {exc.__class__.__name__}")
            return
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        self._set_state(reachable=True, latency_ms=latency_ms)
        if response.status_code in {401, 403}:
            self._set_unavailable(f"the server refused the API key (HTTP {response.status_code}); check ENGINE_API_KEY")
            return
        if response.status_code != 200:
            self._set_unavailable(f"{self.base_url}/models answered HTTP {response.status_code}")
            return
        try:
            served = [str(item["id"]) for item in response.json().get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError):
            self._set_unavailable(f"{self.base_url}/models is not an OpenAI model list")
            return
        if self._configured_model and served and self._configured_model not in served:
            self._set_unavailable(f"the server does not serve {self._configured_model!r} (it has: {', '.join(served)})")
            return
        model = self._configured_model or (served[0] if served else "")
        if not model:
            self._set_unavailable("the server serves no model")
            return
        self._model = model
        self._set_state(model_name=model)
        if time.monotonic() < self._cooldown_until:
            return  # reachable, but it was too slow a moment ago: keep answering from data
        if not self._prefix_warmed and self._warm_prefix and self._prefix is not None:
            self._warm(client)
        if self.state.status is not EngineStatus.READY:
            logger.info("inference server ready", extra={"url": self.base_url, "model": model, "ms": latency_ms})
        self._set_state(status=EngineStatus.READY, detail="ready")

    def _warm(self, client: httpx.Client) -> None:
        """One token on the shared prefix, so the server caches it before the first visitor."""
        source = self._prefix
        text = source() if callable(source) else source
        if not text:
            return
        endpoint, payload = self._payload(GenerationRequest(prompt=text, max_tokens=1))
        payload["stream"] = False
        if "messages" in payload:  # the prefix ends inside the first question: ask a stand-in
            payload["messages"].append({"role": "user", "content": "Hello"})
        started = time.perf_counter()
        try:
            response = client.post(f"{self.base_url}{endpoint}", json=payload, timeout=self.timeouts.first_token * 3)
        except httpx.HTTPError as exc:
            logger.info("prefix warm-up failed", extra={"reason": exc.__class__.__name__})
            return
        self._prefix_warmed = response.status_code == 200
        logger.info(
            "prefix sent to the inference server",
            extra={"status": response.status_code, "seconds": round(time.perf_counter() - started, 3)},
        )

    def _probe_loop(self) -> None:
        with httpx.Client(
            verify=self._ssl,
            headers=self._headers(),
            timeout=httpx.Timeout(self.timeouts.first_token, connect=self.timeouts.connect),
        ) as client:
            while not self._closed.is_set():
                self.probe(client)
                unavailable = self.state.status is not EngineStatus.READY
                # Down: look again soon (a restarted server is found within a few seconds).
                wait = min(self.timeouts.probe_interval, 2.0) if unavailable else self.timeouts.probe_interval
                self._wake.wait(wait)
                self._wake.clear()


def _error_text(body: Any) -> str:
    """The message of an OpenAI-style error body, or the body itself."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or error)[:300]
        return str(error)[:300]
    return str(body)[:300]
