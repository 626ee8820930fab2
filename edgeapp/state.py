"""Everything one running app owns, created by `create_app` and reached through dependencies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import Engine as SQLEngine

from edgeapp.api.rate_limits import RateLimits
from edgeapp.chat.assistant import Assistant
from edgeapp.chat.engine import Engine
from edgeapp.chat.fair_queue import FairEngine
from edgeapp.config import Settings
from edgeapp.metrics import RequestMetrics
from edgeapp.resume.data import to_resume_data
from edgeapp.resume.models import Resume
from edgeapp.storage_checks import StorageChecks

T = TypeVar("T")


class Once(Generic[T]):
    """A value computed on first use, once, however many threads ask for it at the same time."""

    def __init__(self) -> None:
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self, compute: Callable[[], T]) -> T:
        """The value, computing it with `compute` the first time."""
        with self._lock:
            if self._value is None:
                self._value = compute()
            return self._value


@dataclass(frozen=True)
class ResumeSource:
    """The loaded resume (it never changes while the app runs) and what is made from it, or why there is none."""

    path: Path
    resume: Resume | None
    problem: str | None = None
    json_body: bytes = b""  # the API's resume data, serialised once at load
    rendered_pdf: Once[bytes] = field(default_factory=Once)  # rendered once, on the first download

    @classmethod
    def loaded(cls, path: Path, resume: Resume) -> ResumeSource:
        """A readable resume, with its API body made now."""
        body = to_resume_data(resume).model_dump_json(by_alias=True, exclude_none=True).encode()
        return cls(path=path, resume=resume, json_body=body)


@dataclass
class AppState:
    """The app's resources; two apps in one process share none of them."""

    settings: Settings
    db: SQLEngine
    engine: Engine
    model_queue: FairEngine  # the same engine, seen as the queue in front of the model
    resume: ResumeSource
    assistant: Assistant | None
    csrf_token: str
    storage: StorageChecks
    limits: RateLimits
    metrics: RequestMetrics = field(default_factory=RequestMetrics)
    on_kiosk_exit: Callable[[], None] | None = None
