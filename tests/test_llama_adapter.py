"""The llama.cpp boundary: the private attributes the prompt cache needs, model calls on one thread,
and llama.cpp's own log lines routed into logging rather than printed."""

from __future__ import annotations

import ast
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from edgeapp.chat import llama_adapter
from edgeapp.chat.engine import EngineStatus
from edgeapp.chat.llama_engine import LlamaEngine
from tests.helpers import ROOT, require_model

PRIVATE = {"_ctx", "input_ids", "n_tokens"}


def test_only_the_adapter_touches_llama_cpp_private_attributes() -> None:
    offenders = []
    for path in sorted((ROOT / "edgeapp").rglob("*.py")):
        if path.name == "llama_adapter.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_check_names_every_missing_attribute() -> None:
    changed = SimpleNamespace(n_ctx=lambda: 8, n_tokens=0)
    with pytest.raises(llama_adapter.LlamaInternalsChanged) as failure:
        llama_adapter.check(changed)
    message = str(failure.value)
    assert "Llama._ctx.ctx" in message and "Llama.input_ids" in message
    assert "Llama.n_tokens" not in message
    assert "constraints.txt" in message


@pytest.fixture(scope="module")
def llm() -> Iterator[Any]:
    """The pinned llama-cpp-python's Llama on the default model, loaded as the engine loads it."""
    from llama_cpp import Llama

    llama_adapter.route_native_logs()
    model = Llama(model_path=str(require_model()), n_ctx=512, n_batch=64, swa_full=True, verbose=False)
    yield model
    model.close()


@pytest.mark.model
def test_pinned_llama_cpp_python_has_what_the_prompt_cache_uses(llm: Any) -> None:
    llama_adapter.check(llm)  # raises naming what a new llama-cpp-python renamed


@pytest.mark.model
def test_state_file_round_trip_restores_the_cached_tokens(llm: Any, tmp_path: Path) -> None:
    tokens = list(llm.tokenize(b"Ada Lovelace wrote the first program.", add_bos=True, special=True))
    llm.reset()
    llm.eval(tokens)
    assert llama_adapter.cached_tokens(llm) == tokens
    state = tmp_path / "prefix.state"
    assert llama_adapter.save_state(llm, state, tokens)
    llm.reset()
    assert llama_adapter.cached_tokens(llm) == []
    assert llama_adapter.load_state(llm, state, 512) == tokens
    llama_adapter.mark_cached(llm, tokens, evaluated=len(tokens) - 1)
    assert llama_adapter.cached_tokens(llm) == tokens[:-1]
    llm.eval(tokens[-1:])
    assert llama_adapter.cached_tokens(llm) == tokens
    assert llama_adapter.load_state(llm, tmp_path / "absent.state", 512) is None


@pytest.mark.model
def test_native_log_lines_go_to_logging_not_the_terminal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    from llama_cpp import Llama

    llama_adapter.route_native_logs()
    with caplog.at_level(logging.DEBUG, logger="llama_cpp.native"):
        model = Llama(model_path=str(require_model()), n_ctx=512, n_batch=64, swa_full=True, verbose=False)
        model.close()
    printed = capfd.readouterr()
    native = [r for r in caplog.records if r.name == "llama_cpp.native"]
    assert any("SWA cache" in r.getMessage() for r in native)
    assert "llama_kv_cache" not in printed.err + printed.out


def wait_ready(engine: LlamaEngine, timeout: float = 120) -> None:
    """Block until the engine reports ready."""
    done = threading.Event()
    for _ in range(int(timeout * 20)):
        if engine.state.status is not EngineStatus.LOADING:
            break
        done.wait(0.05)
    assert engine.state.status is EngineStatus.READY, engine.state


@pytest.mark.model
def test_token_counts_run_on_the_model_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = LlamaEngine(require_model(), data_dir=tmp_path, cache_dir=tmp_path / "cache", n_ctx=512, n_batch=64)
    assert engine.count_tokens("12345678") == 3  # before loading: an estimate
    engine.start()
    try:
        wait_ready(engine)
        from llama_cpp import Llama

        callers: list[str] = []
        tokenize = Llama.tokenize

        def recording_tokenize(self: Any, *args: Any, **kwargs: Any) -> Any:
            callers.append(threading.current_thread().name)
            return tokenize(self, *args, **kwargs)

        monkeypatch.setattr(Llama, "tokenize", recording_tokenize)
        exact = engine.count_tokens("Ada Lovelace wrote the first program.")
        assert exact == len(tokenize(engine._llm, b"Ada Lovelace wrote the first program.", add_bos=False))
        assert callers == ["edgeapp-llama"]
    finally:
        engine.close()
    assert engine.count_tokens("12345678") == 3  # closed: an estimate again, never a hang
