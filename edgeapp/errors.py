"""One error tree for the whole app; the API renders each as {"error": {"type", "message"}}."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class EdgeAppError(Exception):
    """Base of every error edgeapp raises on purpose."""

    status_code = 500
    error_type = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def headers(self) -> dict[str, str]:
        """Extra HTTP headers for the response (none by default)."""
        return {}

    def payload(self, *, error_id: str | None = None) -> dict[str, dict[str, str]]:
        """The one JSON shape of every error: `{"error": {"type", "message"[, "id"]}}`."""
        body = {"type": self.error_type, "message": self.message}
        if error_id:
            body["id"] = error_id
        return {"error": body}


class HttpError(EdgeAppError):
    """An HTTP error raised by the framework itself (unknown route, wrong method)."""

    def __init__(self, status_code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_type = {404: "not_found", 405: "method_not_allowed"}.get(status_code, "http_error")
        self._headers = dict(headers or {})

    def headers(self) -> dict[str, str]:
        """The framework's own headers (Allow on a 405)."""
        return self._headers


class OwnerOnly(EdgeAppError):
    """The owner's side asked for without a signed-in owner session."""

    status_code = 401
    error_type = "owner_only"


class NotFound(EdgeAppError):
    """The thing asked for does not exist."""

    status_code = 404
    error_type = "not_found"


class InvalidRequest(EdgeAppError):
    """The request is malformed or fails validation."""

    status_code = 422
    error_type = "invalid_request"


class BadHost(EdgeAppError):
    """The Host header is not this server's own (DNS rebinding defence)."""

    status_code = 400
    error_type = "bad_host"


class Forbidden(EdgeAppError):
    """A state-changing request without the per-launch token, or from another site."""

    status_code = 403
    error_type = "forbidden"


class PayloadTooLarge(EdgeAppError):
    """The request body is over the configured limit."""

    status_code = 413
    error_type = "payload_too_large"


class RetryLater(EdgeAppError):
    """A refusal that ends: the response says when to retry (`Retry-After`, in seconds)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        """Tell the client when to retry."""
        return {"Retry-After": str(self.retry_after)}


class RateLimited(RetryLater):
    """Too many requests from one client; retry after the given seconds."""

    status_code = 429
    error_type = "rate_limited"


class ModelUnavailable(EdgeAppError):
    """The language model is not loaded (still loading, missing or broken)."""

    status_code = 503
    error_type = "model_unavailable"


class ResumeUnavailable(EdgeAppError):
    """There is no readable resume to answer from (the configured file is invalid or missing)."""

    status_code = 503
    error_type = "resume_unavailable"


class StorageUnavailable(EdgeAppError):
    """The database (or the disk under it) refused an operation the request needs."""

    status_code = 503
    error_type = "storage_unavailable"


class ModelBusy(RetryLater):
    """Too many questions wait for the model already; retry after the given seconds."""

    status_code = 503
    error_type = "model_busy"


class QuestionTooLong(InvalidRequest):
    """The question takes more model tokens than one question may."""

    error_type = "question_too_long"


@dataclass(frozen=True)
class ResumeProblem:
    """One reason a resume file is unreadable: where (JSON path like `work[1].startDate`) and why."""

    path: str
    reason: str


class PdfFontsMissing(EdgeAppError):
    """The fonts the generated PDF is drawn in are not installed."""

    status_code = 503
    error_type = "pdf_fonts_missing"


class ResumeInvalid(EdgeAppError):
    """A resume file that cannot be read, with every bad field named by its JSON path."""

    status_code = 422
    error_type = "resume_invalid"

    def __init__(self, file: str, problems: list[ResumeProblem]) -> None:
        self.file = file
        self.problems = problems
        lines = "; ".join(f"{p.path}: {p.reason}" for p in problems)
        super().__init__(f"{file}: {lines}")


def describe_validation_error(errors: Sequence[Any]) -> str:
    """`body.content: Field required; query.limit: ...`: location and reason, no internals."""
    parts = []
    for error in errors[:10]:
        location = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"
