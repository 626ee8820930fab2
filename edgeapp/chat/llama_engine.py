"""The llama.cpp engine: every model call runs on one dedicated thread that owns the model.

llama.cpp's OpenMP thread team belongs to the thread that calls it; calling one model from
several threads leaves idle teams spinning against the busy one and halves decoding speed.
So loading, prefix evaluation, tokenizing and generation all happen on `edgeapp-llama`, fed by
a queue; token counts asked for during a generation are answered between two generated tokens.
What touches llama-cpp-python below its public API lives in `llama_adapter`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgeapp.chat import llama_adapter
from edgeapp.chat.engine import (
    EngineState,
    EngineStats,
    EngineStatus,
    GenerationRequest,
    PrefixSource,
)
from edgeapp.chat.model_files import ModelFileMissing, model_fingerprint, resolve_model_path
from edgeapp.errors import EdgeAppError, ModelUnavailable

logger = logging.getLogger(__name__)

MB = 1024 * 1024

_END = object()
_WAKE = object()  # tells an idle model thread that a token count is waiting
_COUNT_TIMEOUT_S = 30.0
_CLOSE_TIMEOUT_S = 60.0


@dataclass
class _Generation:
    request: GenerationRequest
    emit: Callable[[object], None]
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Count:
    text: str
    result: concurrent.futures.Future[int] = field(default_factory=concurrent.futures.Future)


@dataclass
class _Prefix:
    source: PrefixSource

    def text(self) -> str:
        return self.source() if callable(self.source) else self.source


class LlamaEngine:
    """A GGUF model served from its own thread; see the module docstring for why."""

    def __init__(
        self,
        model_path: Path | None,
        *,
        data_dir: Path,
        cache_dir: Path,
        n_ctx: int = 4096,
        n_threads: int = 0,
        n_batch: int = 256,
        min_free_bytes: int = 0,
    ) -> None:
        self._configured_path = model_path
        self._min_free_bytes = min_free_bytes  # the disk space a prompt-cache save must leave
        self._data_dir = data_dir
        self._cache_dir = cache_dir
        self._n_ctx = n_ctx
        self._n_threads = n_threads or (os.cpu_count() or 1)
        self._n_batch = n_batch
        self._n_ubatch = min(n_batch, 128)
        self._jobs: queue.SimpleQueue[_Generation | _Prefix | object | None] = queue.SimpleQueue()
        self._counts: queue.SimpleQueue[_Count] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="edgeapp-llama", daemon=True)
        self._state_lock = threading.Lock()
        self._state = EngineState(status=EngineStatus.LOADING, detail="waiting to load")
        self._stats = EngineStats()
        self._llm: Any = None
        self._fingerprint = ""
        self._chat_template: str | None = None
        self._prefix_tokens: list[int] = []
        self._prefix_text = ""
        self._cache_usable = False  # the installed llama-cpp-python offers what the prompt cache needs
        self._closed = threading.Event()

    # -- public surface (any thread) -------------------------------------------------------

    @property
    def state(self) -> EngineState:
        """A copy of the current state."""
        with self._state_lock:
            return EngineState(**vars(self._state))

    @property
    def stats(self) -> EngineStats:
        """Generation counters."""
        return self._stats

    @property
    def chat_template(self) -> str | None:
        """The GGUF's chat template, or None for base models such as the default one."""
        return self._chat_template

    @property
    def n_ctx(self) -> int:
        """Context window in tokens."""
        return self._n_ctx

    def start(self) -> None:
        """Start the model thread; it loads the model, then serves jobs."""
        self._thread.start()

    def close(self) -> None:
        """Ask the model thread to finish and wait for it: at most one model step (see `_eval`).

        A process that exits while this thread is inside llama.cpp crashes on the way out, so
        closing waits (a minute at most, for a wedged model).
        """
        self._closed.set()
        self._jobs.put(None)
        if not self._thread.is_alive():
            return
        self._thread.join(timeout=2)
        if self._thread.is_alive():
            logger.info("waiting for the model to finish its current step")
            self._thread.join(timeout=_CLOSE_TIMEOUT_S)
        if self._thread.is_alive():
            logger.warning("the model thread is still busy; exiting anyway")

    def count_tokens(self, text: str) -> int:
        """Exact once ready, counted on the model thread; about four characters a token before."""
        if threading.current_thread() is self._thread and self._llm is not None:
            return self._tokenize_count(text)
        if self.state.status is not EngineStatus.READY or self._closed.is_set():
            return _estimate_tokens(text)
        job = _Count(text)
        self._counts.put(job)
        self._jobs.put(_WAKE)
        try:
            return job.result.result(timeout=_COUNT_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            logger.warning("token count timed out; estimating", extra={"chars": len(text)})
            return _estimate_tokens(text)

    def set_prefix(self, prefix: PrefixSource) -> None:
        """Keep `prefix` in the KV cache; before load completes it is applied during loading."""
        self._jobs.put(_Prefix(prefix))

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Yield generated text; closing this generator cancels the job on the model thread."""
        if self.state.status is not EngineStatus.READY:
            raise ModelUnavailable(f"model is {self.state.status.value}: {self.state.detail}")
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[object] = asyncio.Queue()

        def emit(item: object) -> None:
            try:
                loop.call_soon_threadsafe(pieces.put_nowait, item)
            except RuntimeError:  # the asking event loop is gone: nobody listens any more
                job.cancelled.set()

        job = _Generation(request=request, emit=emit)
        self._jobs.put(job)
        try:
            while True:
                item = await pieces.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, str)
                yield item
        finally:
            job.cancelled.set()

    # -- the model thread ------------------------------------------------------------------

    def _set_state(self, **changes: Any) -> None:
        with self._state_lock:
            for key, value in changes.items():
                setattr(self._state, key, value)

    def _run(self) -> None:
        try:
            self._load()
        except Exception as exc:  # any failure to load degrades the app, never crashes it
            logger.error("model unavailable", extra={"reason": str(exc)})
            self._set_state(status=EngineStatus.UNAVAILABLE, detail=str(exc))
        while True:
            job = self._jobs.get()
            self._serve_counts()
            if job is None:
                break
            if isinstance(job, _Prefix):
                if self._llm is not None:
                    self._apply_prefix(job.text())
            elif isinstance(job, _Generation):
                self._generate(job)
        self._llm = None
        self._serve_counts()  # anyone still waiting gets an estimate

    def _serve_counts(self) -> None:
        """Answer every waiting token count (exactly while the model is loaded)."""
        while True:
            try:
                job = self._counts.get_nowait()
            except queue.Empty:
                return
            try:
                count = self._tokenize_count(job.text) if self._llm is not None else _estimate_tokens(job.text)
            except Exception as exc:  # a tokenizer failure is the asker's, not the model thread's
                job.result.set_exception(exc)
            else:
                job.result.set_result(count)

    def _tokenize_count(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _load(self) -> None:
        self._set_state(detail="locating model")
        try:
            path = resolve_model_path(self._configured_path, data_dir=self._data_dir)
        except ModelFileMissing as exc:
            raise RuntimeError(str(exc)) from exc
        self._set_state(model_name=path.name, detail="loading model")
        from llama_cpp import Llama  # imported here: heavy, and absent in data-only installs

        llama_adapter.route_native_logs()
        started = time.perf_counter()
        self._llm = Llama(
            model_path=str(path),
            n_ctx=self._n_ctx,
            n_threads=self._n_threads,
            n_threads_batch=self._n_threads,
            n_batch=self._n_batch,
            n_ubatch=self._n_ubatch,
            swa_full=True,  # Gemma's sliding window otherwise forbids reusing a cached prefix
            verbose=False,
        )
        load_seconds = time.perf_counter() - started
        try:
            llama_adapter.check(self._llm)
            self._cache_usable = True
        except llama_adapter.LlamaInternalsChanged as exc:
            logger.error("prompt cache off", extra={"reason": str(exc)})
        self._fingerprint = model_fingerprint(path)
        self._chat_template = self._llm.metadata.get("tokenizer.chat_template") or None
        logger.info("model loaded", extra={"model": path.name, "load_seconds": round(load_seconds, 3)})
        # A prefix asked for while loading is applied before the engine reports ready.
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if isinstance(job, _Prefix):
                self._apply_prefix(job.text())
            else:
                self._jobs.put(job)
                break
        self._set_state(
            status=EngineStatus.READY,
            detail="ready",
            load_seconds=load_seconds,
            has_chat_template=self._chat_template is not None,
        )

    def _prefix_file(self, tokens: list[int]) -> Path:
        import llama_cpp

        digest = hashlib.sha256()
        digest.update(self._fingerprint.encode())
        digest.update(f"|{self._n_ctx}|{self._n_batch}|{llama_cpp.__version__}|".encode())
        digest.update(b",".join(str(t).encode() for t in tokens))
        return self._cache_dir / f"prefix-{digest.hexdigest()[:24]}.state"

    def _apply_prefix(self, text: str) -> None:
        llm = self._llm
        self._set_state(prefix_problem="")
        tokens = list(llm.tokenize(text.encode("utf-8"), add_bos=True, special=True))
        if len(tokens) >= self._n_ctx - 64:
            logger.warning("prompt prefix too long for the context", extra={"tokens": len(tokens)})
            self._set_state(
                prefix_tokens=len(tokens),
                prefix_in_cache=False,
                prefix_problem=f"the prompt prefix (instructions and resume) takes {len(tokens)} tokens and "
                f"the model's context holds {self._n_ctx}: answers come from the resume data only; "
                "shorten the resume or raise N_CTX",
            )
            return
        path = self._prefix_file(tokens)
        started = time.perf_counter()
        if self._cache_usable and path.is_file() and self._restore_prefix(path, tokens):
            source = "restored"
        else:
            llm.reset()
            # A micro-batch at a time, so that closing the app (Ctrl+C while a long prefix is
            # being evaluated) waits for one step, not for the whole prefix.
            step = self._n_ubatch
            for start in range(0, len(tokens), step):
                if self._closed.is_set():
                    logger.info("prompt prefix abandoned: closing")
                    return
                llm.eval(tokens[start : start + step])
            if self._cache_usable:
                self._save_prefix(path, tokens)
            source = "computed"
        seconds = time.perf_counter() - started
        self._prefix_tokens = tokens
        self._prefix_text = text
        self._set_state(prefix_tokens=len(tokens), prefix_source=source, prefix_in_cache=True)
        logger.info(
            "prompt prefix ready",
            extra={"tokens": len(tokens), "source": source, "seconds": round(seconds, 3)},
        )

    def _restore_prefix(self, path: Path, tokens: list[int]) -> bool:
        llm = self._llm
        llm.reset()
        if llama_adapter.load_state(llm, path, self._n_ctx) != tokens:
            logger.warning("stale prompt cache ignored", extra={"file": path.name})
            llm.reset()
            return False
        # Evaluate the last prefix token again: it gives fresh logits and, above all, builds the
        # compute graph now rather than on the first visitor's question (~200 ms otherwise).
        llama_adapter.mark_cached(llm, tokens, evaluated=len(tokens) - 1)
        llm.eval(tokens[-1:])
        return True

    def _save_prefix(self, path: Path, tokens: list[int]) -> None:
        """Persist the evaluated prefix; a failure leaves no file behind and is named in health."""
        partial = path.with_suffix(".partial")
        try:
            self._cache_dir.mkdir(parents=True, exist_ok=True)
            for stale in [*self._cache_dir.glob("prefix-*.state"), *self._cache_dir.glob("prefix-*.partial")]:
                with contextlib.suppress(OSError):
                    stale.unlink()
            needed = llama_adapter.state_size(self._llm)
            free = shutil.disk_usage(self._cache_dir).free
            if free - needed < self._min_free_bytes:
                self._cache_not_saved(
                    f"not saved: it takes {needed / MB:.1f} MB and {free / MB:.1f} MB are free where DATA_DIR is "
                    f"(at least {self._min_free_bytes / MB:.0f} MB must stay free); each start evaluates the "
                    "resume again"
                )
                return
            if not llama_adapter.save_state(self._llm, partial, tokens):
                raise OSError(f"llama.cpp could not write {partial.name}")
            os.replace(partial, path)  # atomic: a kill mid-write never leaves a half file in place
        except OSError as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            self._cache_not_saved(f"could not be saved in {self._cache_dir}: {exc}")
            return
        self._set_state(prefix_problem="")

    def _cache_not_saved(self, problem: str) -> None:
        logger.warning("prompt cache not saved", extra={"reason": problem})
        self._set_state(prefix_problem=problem)

    def _generate(self, job: _Generation) -> None:
        if job.cancelled.is_set():
            job.emit(_END)
            return
        if self._llm is None:
            job.emit(ModelUnavailable(f"model is unavailable: {self.state.detail}"))
            return
        request = job.request
        started = time.perf_counter()
        first: float | None = None
        count = 0
        try:
            for chunk in self._llm.create_completion(
                self._prompt_tokens(request.prompt),
                max_tokens=request.max_tokens,
                stop=list(request.stop),
                temperature=request.temperature,
                stream=True,
            ):
                if job.cancelled.is_set():
                    break
                self._serve_counts()
                text = chunk["choices"][0]["text"]
                count += 1
                if first is None:
                    first = time.perf_counter() - started
                if text:
                    job.emit(text)
        except Exception as exc:  # translated here, at the boundary with llama.cpp
            logger.exception("generation failed")
            job.emit(EdgeAppError(f"generation failed: {exc.__class__.__name__}"))
            return
        finally:
            elapsed = time.perf_counter() - started
            self._stats.generations += 1
            self._stats.tokens_generated += count
            if first is not None and count > 1:
                self._stats.generation_seconds += elapsed - first
                self._stats.tokens_generated -= 1  # the first token's time is prompt time
            if first is not None:
                self._stats.first_token_seconds.append(first)
                del self._stats.first_token_seconds[:-200]
            self._set_state(prefix_in_cache=self._prefix_cached())
        job.emit(_END)

    def _prompt_tokens(self, prompt: str) -> list[int]:
        """Tokens of `prompt`, reusing the cached prefix's tokens rather than tokenizing it again
        (~5 ms a question), which also keeps the prefix's tokens identical for KV-cache reuse."""
        llm = self._llm
        if self._prefix_text and prompt.startswith(self._prefix_text):
            suffix = prompt[len(self._prefix_text) :]
            return [*self._prefix_tokens, *llm.tokenize(suffix.encode("utf-8"), add_bos=False, special=True)]
        return list(llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True))

    def _prefix_cached(self) -> bool:
        """Whether the KV cache still begins with the whole shared prefix (so no visitor evicted it)."""
        count = len(self._prefix_tokens)
        if not count or not self._cache_usable:
            return False
        return llama_adapter.cached_tokens(self._llm)[:count] == self._prefix_tokens


def _estimate_tokens(text: str) -> int:
    """About four characters a token: the count before the model is ready."""
    return len(text) // 4 + 1
