"""The app factory: `create_app(settings)` builds an app that owns all of its resources."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine as SQLEngine
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.staticfiles import StaticFiles

from edgeapp import __version__
from edgeapp.api.rate_limits import RateLimits
from edgeapp.api.routes import api_router
from edgeapp.chat.assistant import Assistant
from edgeapp.chat.engine import Engine, NullEngine
from edgeapp.chat.fair_queue import FairEngine
from edgeapp.config import Settings, frontend_dir
from edgeapp.db import create_db_engine, migrate
from edgeapp.errors import (
    EdgeAppError,
    HttpError,
    InvalidRequest,
    ResumeInvalid,
    StorageUnavailable,
    describe_validation_error,
)
from edgeapp.kiosk_pin import resolve_pin
from edgeapp.metrics import RequestMetrics
from edgeapp.middleware.request_log import RequestLogMiddleware
from edgeapp.middleware.security import (
    BodyLimitMiddleware,
    CSRFMiddleware,
    HostCheckMiddleware,
    SecurityHeadersMiddleware,
)
from edgeapp.openai_api import PREFIX as OPENAI_PREFIX
from edgeapp.openai_api import create_openai_api
from edgeapp.owner_auth import OwnerSessions
from edgeapp.resume.loader import default_resume_path, load_resume
from edgeapp.state import AppState, ResumeSource
from edgeapp.storage_checks import MB, StorageChecks
from edgeapp.visitor_data import forget_older_than

logger = logging.getLogger(__name__)


def load_resume_source(settings: Settings) -> ResumeSource:
    """Load the configured resume; a bad one is reported (file, path, reason), never raised."""
    path = settings.resume_data or default_resume_path()
    try:
        return ResumeSource.loaded(path, load_resume(path))
    except ResumeInvalid as exc:
        logger.error(
            "resume unreadable",
            extra={"file": exc.file, "problems": [f"{p.path}: {p.reason}" for p in exc.problems]},
        )
        return ResumeSource(path=path, resume=None, problem=exc.message)


def build_engine(settings: Settings) -> Engine:
    """The configured engine: the local llama.cpp model, an OpenAI-compatible server (with the
    local model as fallback when asked), or a null one when the model is switched off."""
    if not settings.model_enabled:
        return NullEngine()
    if settings.engine == "openai":
        from edgeapp.chat.openai_engine import OpenAIEngine, Timeouts

        remote = OpenAIEngine(
            settings.engine_url,
            model=settings.engine_model,
            api_key=settings.engine_api_key.get_secret_value(),
            prompt_style=settings.engine_prompt,
            n_ctx=settings.n_ctx,
            timeouts=Timeouts(
                connect=settings.engine_connect_timeout,
                first_token=settings.engine_first_token_timeout,
                between_tokens=settings.engine_token_timeout,
                probe_interval=settings.engine_probe_seconds,
            ),
        )
        if settings.engine_fallback == "none":
            return remote
        from edgeapp.chat.fallback_engine import FallbackEngine

        return FallbackEngine(remote, _local_engine(settings))
    return _local_engine(settings)


def _local_engine(settings: Settings) -> Engine:
    from edgeapp.chat.llama_engine import LlamaEngine

    return LlamaEngine(
        settings.model_path,
        data_dir=settings.data_dir,
        cache_dir=settings.cache_dir,
        n_ctx=settings.n_ctx,
        n_threads=settings.n_threads,
        n_batch=settings.n_batch,
        min_free_bytes=settings.min_free_disk_mb * MB,
    )


def open_database(settings: Settings) -> tuple[SQLEngine, Callable[[], None] | None]:
    """The configured database, migrated; a shared PostgreSQL that does not answer yet is not a
    reason to stay dark: the app starts degraded and migrates it once it answers (the second value)."""
    db = create_db_engine(settings.database_target, device_id=settings.device_id, migrate_now=False)

    def run_migrations() -> None:
        migrate(db, device_id=settings.device_id)

    try:
        run_migrations()
    except OperationalError as exc:
        if db.dialect.name == "sqlite":
            db.dispose()
            raise
        logger.error(
            "database unreachable; serving without it",
            extra={"database": settings.database_label, "reason": str(exc.orig).strip().splitlines()[0]},
        )
        return db, run_migrations
    except BaseException:
        db.dispose()
        raise
    return db, None


def _error_response(error: EdgeAppError) -> JSONResponse:
    return JSONResponse(error.payload(), status_code=error.status_code, headers=error.headers())


def create_app(settings: Settings, *, engine: Engine | None = None, start_engine: bool = True) -> FastAPI:
    """Build the app: database, resume, model engine, middleware, routes and the frontend."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    kiosk_pin, pin_generated = resolve_pin(settings)
    db, pending_migration = open_database(settings)
    resume = load_resume_source(settings)
    model = FairEngine(
        engine if engine is not None else build_engine(settings),
        slots=settings.engine_concurrency if settings.engine == "openai" else 1,
        max_waiting=settings.model_queue_size,
        max_waiting_per_group=settings.model_queue_per_address,
        max_waiting_per_member=settings.model_queue_per_visitor,
        max_question_tokens=settings.max_question_tokens,
    )
    assistant = (
        Assistant(
            resume.resume,
            model,
            max_answer_tokens=settings.max_answer_tokens,
            history_turns=settings.history_turns,
        )
        if resume.resume is not None
        else None
    )
    metrics = RequestMetrics()
    state = AppState(
        settings=settings,
        db=db,
        engine=model,
        model_queue=model,
        resume=resume,
        assistant=assistant,
        csrf_token=secrets.token_urlsafe(32),
        kiosk_pin=kiosk_pin,
        kiosk_pin_generated=pin_generated,
        storage=StorageChecks(
            db,
            settings.data_dir,
            min_free_bytes=settings.min_free_disk_mb * MB,
            label=settings.database_label,
            pending_migration=pending_migration,
        ),
        metrics=metrics,
        limits=RateLimits.from_settings(settings),
        owner_sessions=OwnerSessions(settings.owner_session_idle_seconds),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        forget_older_than(db, days=settings.report_retention_days)
        if assistant is not None:
            model.set_prefix(assistant.prefix)  # evaluated on the model thread once loaded
        if start_engine:
            model.start()
        try:
            yield
        finally:
            model.close()
            db.dispose()

    extra_hosts = [settings.host] if settings.host not in {"0.0.0.0", "::"} else []
    app = FastAPI(
        title="edgeapp",
        version=__version__,
        description="An offline portfolio: resume data, PDF and a grounded career assistant.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        middleware=[
            Middleware(RequestLogMiddleware, metrics=metrics),
            Middleware(SecurityHeadersMiddleware),
            Middleware(HostCheckMiddleware, extra_hosts=extra_hosts),
            Middleware(
                CORSMiddleware,
                allow_origins=settings.allowed_origins,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Content-Type", "X-EdgeApp-Token", "Authorization"],
            ),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, skip_prefixes=(f"{OPENAI_PREFIX}/",)),
            Middleware(CSRFMiddleware, token=state.csrf_token, allowed_origins=settings.allowed_origins),
        ],
    )
    app.state.edgeapp = state

    @app.exception_handler(EdgeAppError)
    async def _edgeapp_error(_request: Request, exc: EdgeAppError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        # Translated here, at the one boundary every route's database work passes.
        logger.error("database operation failed", extra={"reason": str(exc.orig)})
        return _error_response(
            StorageUnavailable(f"the database cannot be used right now ({exc.orig}); see /api/health")
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error_response(InvalidRequest(describe_validation_error(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error_response(HttpError(exc.status_code, str(exc.detail), getattr(exc, "headers", None)))

    app.include_router(api_router)
    app.mount(OPENAI_PREFIX, create_openai_api(state), name="openai")
    static_root: Path = frontend_dir()
    if static_root.is_dir():
        app.mount("/", StaticFiles(directory=static_root, html=True), name="frontend")
    else:
        logger.warning("frontend not found", extra={"dir": str(static_root)})
    return app
