"""The assistant as an OpenAI-compatible API, mounted at `/v1` with its own error shape and body limit."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware

from edgeapp.errors import EdgeAppError, HttpError, InvalidRequest, StorageUnavailable
from edgeapp.middleware.security import BodyLimitMiddleware
from edgeapp.openai_api.errors import openai_payload, openai_status
from edgeapp.openai_api.routes import router
from edgeapp.state import AppState

logger = logging.getLogger(__name__)

PREFIX = "/v1"


def _response(error: EdgeAppError, *, param: str | None = None, error_id: str | None = None) -> JSONResponse:
    return JSONResponse(
        openai_payload(error, param=param, error_id=error_id), status_code=openai_status(error), headers=error.headers()
    )


def create_openai_api(state: AppState) -> FastAPI:
    """The /v1 sub-application of one app (its state is the app's own)."""
    api = FastAPI(
        title="edgeapp OpenAI-compatible API",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        middleware=[
            Middleware(
                BodyLimitMiddleware,
                max_bytes=state.settings.api_max_body_bytes,
                render=lambda error: openai_payload(error),
            )
        ],
    )
    api.state.edgeapp = state
    api.include_router(router)

    @api.exception_handler(EdgeAppError)
    async def _edgeapp_error(_request: Request, exc: EdgeAppError) -> JSONResponse:
        return _response(exc)

    @api.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        location = [str(part) for part in first.get("loc", ()) if part != "body"]
        param = ".".join(location) or None
        message = f"{param}: {first.get('msg', 'invalid')}" if param else str(first.get("msg", "invalid request"))
        return _response(InvalidRequest(message), param=param)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _response(HttpError(exc.status_code, str(exc.detail), getattr(exc, "headers", None)))

    @api.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        logger.error("database operation failed", extra={"reason": str(exc.orig)})
        return _response(StorageUnavailable("the database cannot be used right now; see /api/health"))

    return api
