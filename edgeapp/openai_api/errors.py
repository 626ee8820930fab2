"""Errors as OpenAI-compatible clients expect them: `{"error": {"message", "type", "param", "code"}}`,
400 for a bad request, with edgeapp's own error type as the `code`."""

from __future__ import annotations

from typing import Any

from edgeapp.errors import EdgeAppError

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


class Unauthorized(EdgeAppError):
    """The /v1 API needs the configured API key as a Bearer token."""

    status_code = 401
    error_type = "invalid_api_key"

    def headers(self) -> dict[str, str]:
        """Say how to authenticate."""
        return {"WWW-Authenticate": "Bearer"}


class ModelNotFound(EdgeAppError):
    """The request names a model this API does not serve."""

    status_code = 404
    error_type = "model_not_found"


def openai_status(error: EdgeAppError) -> int:
    """OpenAI answers 400 where edgeapp's API says 422 (a request that fails validation)."""
    return 400 if error.status_code == 422 else error.status_code


def openai_payload(error: EdgeAppError, *, param: str | None = None, error_id: str | None = None) -> dict[str, Any]:
    """`error` in the OpenAI shape."""
    status = openai_status(error)
    body: dict[str, Any] = {
        "message": error.message,
        "type": _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error"),
        "param": param,
        "code": error.error_type,
    }
    if error_id:
        body["id"] = error_id
    return {"error": body}
