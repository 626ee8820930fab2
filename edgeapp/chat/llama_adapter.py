"""The one module that reaches into llama-cpp-python below its public API.

Persisting the prompt prefix needs the C context pointer (`Llama._ctx.ctx`) and the Python
object's record of which tokens the KV cache holds (`Llama.input_ids`, `Llama.n_tokens`); none
of these are public, so a new llama-cpp-python may rename them. `check` names what is missing
(tests/test_llama_adapter.py runs it on the pinned version), and the engine then keeps working
without the on-disk prompt cache rather than failing.

It also routes llama.cpp's native log lines into Python logging: llama-cpp-python's own
callback maps ggml's log levels one step off and prints warnings straight to the terminal.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from pathlib import Path
from typing import Any

native_logger = logging.getLogger("llama_cpp.native")

# ggml's `enum ggml_log_level` (ggml.h): NONE, DEBUG, INFO, WARN, ERROR, CONT(inue the last line).
# Its DEBUG/INFO lines (model metadata) are debug detail here; its warnings are advice to
# developers ("using full-size SWA cache"), logged as info; its errors stay errors.
_NATIVE_LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.DEBUG, 3: logging.INFO, 4: logging.ERROR}
_CONTINUE = 5


class LlamaInternalsChanged(RuntimeError):
    """The installed llama-cpp-python lacks an attribute the prompt cache relies on."""


def check(llm: Any) -> None:
    """Raise LlamaInternalsChanged naming every private attribute of `llm` that is missing or changed."""
    import llama_cpp

    problems = []
    ctx = getattr(getattr(llm, "_ctx", None), "ctx", None)
    if ctx is None:
        problems.append("Llama._ctx.ctx (the llama_context pointer)")
    input_ids = getattr(llm, "input_ids", None)
    if input_ids is None or not hasattr(input_ids, "__setitem__") or len(input_ids) != llm.n_ctx():
        problems.append("Llama.input_ids (an array of n_ctx token ids)")
    if not isinstance(getattr(llm, "n_tokens", None), int):
        problems.append("Llama.n_tokens (how many tokens the KV cache holds)")
    for function in (
        "llama_state_save_file",
        "llama_state_load_file",
        "llama_state_get_size",
        "llama_log_set",
        "llama_log_callback",
    ):
        if not callable(getattr(llama_cpp, function, None)):
            problems.append(f"llama_cpp.{function}")
    if problems:
        raise LlamaInternalsChanged(
            f"llama-cpp-python {getattr(llama_cpp, '__version__', '?')} changed what edgeapp's prompt cache "
            f"uses: {'; '.join(problems)} (tested with the version pinned in constraints.txt)"
        )


def cached_tokens(llm: Any) -> list[int]:
    """The tokens the KV cache holds, as the Llama object records them."""
    return [int(token) for token in llm.input_ids[: llm.n_tokens]]


def mark_cached(llm: Any, tokens: list[int], *, evaluated: int) -> None:
    """Tell `llm` its KV cache holds `tokens`, of which the first `evaluated` count as evaluated.

    Marking one token fewer than restored makes the next eval run the last one again, which
    gives fresh logits and builds the compute graph.
    """
    llm.input_ids[: len(tokens)] = tokens
    llm.n_tokens = evaluated


def state_size(llm: Any) -> int:
    """Bytes a state file of `llm`'s context takes (about; the token list adds a little)."""
    import llama_cpp

    return int(llama_cpp.llama_state_get_size(llm._ctx.ctx))


def save_state(llm: Any, path: Path, tokens: list[int]) -> bool:
    """Write the KV cache and `tokens` to `path` with llama.cpp's state file; False on failure."""
    import llama_cpp

    array = (llama_cpp.llama_token * len(tokens))(*tokens)
    return bool(llama_cpp.llama_state_save_file(llm._ctx.ctx, str(path).encode(), array, len(tokens)))


def load_state(llm: Any, path: Path, capacity: int) -> list[int] | None:
    """Load a state file into `llm`'s context; the tokens it holds, or None when it cannot be read."""
    import llama_cpp

    buffer = (llama_cpp.llama_token * capacity)()
    count = ctypes.c_size_t(0)
    if not llama_cpp.llama_state_load_file(llm._ctx.ctx, str(path).encode(), buffer, capacity, ctypes.byref(count)):
        return None
    return list(buffer[: count.value])


class _NativeLog:
    """Joins llama.cpp's log fragments into lines and hands them to `native_logger`."""

    def __init__(self) -> None:
        self.level = logging.DEBUG
        self.pending = ""
        self.lock = threading.Lock()

    def __call__(self, level: int, text: bytes | None, _user_data: Any) -> None:
        piece = (text or b"").decode("utf-8", errors="replace")
        with self.lock:
            if level != _CONTINUE:
                self.level = _NATIVE_LEVELS.get(level, logging.DEBUG)
            self.pending += piece
            if not self.pending.endswith("\n"):
                return
            lines, self.pending = self.pending.splitlines(), ""
            level_now = self.level
        for line in lines:
            if line.strip():
                native_logger.log(level_now, line.rstrip())


_installed: list[Any] = []  # the ctypes callback must outlive every call llama.cpp makes to it


def route_native_logs() -> None:
    """Send llama.cpp's own log output to the `llama_cpp.native` logger (idempotent)."""
    import llama_cpp

    if _installed:
        return
    callback = llama_cpp.llama_log_callback(_NativeLog())
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))
    _installed.append(callback)
