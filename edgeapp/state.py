"""Everything one running app owns, created by `create_app` and reached through dependencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine as SQLEngine

from edgeapp.api.rate_limits import RateLimits
from edgeapp.chat.assistant import Assistant
from edgeapp.chat.engine import Engine
from edgeapp.chat.fair_queue import FairEngine
from edgeapp.config import Settings
from edgeapp.metrics import RequestMetrics
from edgeapp.resume.models import Resume


@dataclass
class ResumeSource:
    """The loaded resume, or why there is none."""

    path: Path
    resume: Resume | None
    problem: str | None = None
    json_body: bytes | None = None


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
    limits: RateLimits
    metrics: RequestMetrics = field(default_factory=RequestMetrics)
    on_kiosk_exit: Callable[[], None] | None = None
    generated_pdf: bytes | None = None  # rendered once, on the first download
