"""What `/api/health` reports: model, resume, PDF, prompt cache, database, disk and logs, each
failure named in `problems`."""

from __future__ import annotations

from typing import Any

from edgeapp import __version__
from edgeapp.chat.engine import EngineStatus
from edgeapp.documents import pdf_status
from edgeapp.logs import logging_problems
from edgeapp.state import AppState


def health_report(state: AppState) -> tuple[int, dict[str, Any]]:
    """The health body and its HTTP status: 503 while the model loads, else 200."""
    problems: list[str] = []
    model = state.engine.state
    if model.status is EngineStatus.UNAVAILABLE:
        problems.append(f"model unavailable: {model.detail}")
    if model.problem:
        problems.append(model.problem)
    resume = state.resume
    if resume.resume is None:
        problems.append(f"resume unavailable: {resume.problem}")
    if model.prefix_problem:
        problems.append(f"prompt cache: {model.prefix_problem}")
    pdf = pdf_status(state)
    if pdf.status in {"missing", "invalid"}:
        problems.append(f"pdf {pdf.status}: {pdf.detail}")
    template_used, template_problem = _chat_template_in_use(state)
    if template_problem:
        problems.append(f"chat template not used ({template_problem}); prompts use the completion format")
    problems.extend(state.storage.problems())
    problems.extend(logging_problems())
    if model.status is EngineStatus.LOADING:
        status = "loading"
    elif problems:
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "version": __version__,
        "model": {
            "status": model.status.value,
            "detail": model.detail,
            "name": model.model_name,
            "load_seconds": model.load_seconds,
            "prefix_tokens": model.prefix_tokens,
            "prefix_source": model.prefix_source,
            "prefix_in_cache": model.prefix_in_cache,
            "prefix_problem": model.prefix_problem or None,
            "chat_template": template_used,
            "chat_template_problem": template_problem or None,
            "backend": model.backend,
            "url": model.url or None,
            "reachable": model.reachable,
            "latency_ms": model.latency_ms,
        },
        "resume": {
            "status": "ok" if resume.resume is not None else "invalid",
            "file": resume.path.name,
            "name": resume.resume.basics.name if resume.resume and resume.resume.basics else None,
        },
        "pdf": {"status": pdf.status, "detail": pdf.detail, "file_name": pdf.file_name},
        "problems": problems,
    }
    return (503 if status == "loading" else 200), body


def _chat_template_in_use(state: AppState) -> tuple[bool, str]:
    """Whether prompts really go through the model's chat template, and why not when it has one."""
    if state.assistant is None or not state.engine.chat_template or state.engine.state.status is not EngineStatus.READY:
        return False, ""
    builder = state.assistant.prompts()  # built already, on the model thread, when the prefix was set
    return builder.uses_chat_template, builder.template_problem
