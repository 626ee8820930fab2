"""Read a JSON Resume file and explain, field by field, why one is not acceptable."""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from edgeapp.errors import ResumeInvalid, ResumeProblem
from edgeapp.resume.models import Resume

logger = logging.getLogger(__name__)

MAX_RESUME_BYTES = 5 * 1024 * 1024
"""A resume is a few kilobytes; anything this big is the wrong file."""

_SAMPLES = "samples"


def _bundled_file(name: str) -> Path:
    # importlib.resources finds the data inside an installed wheel and inside a PyInstaller
    # bundle (where it is collected as plain files); fall back to the source tree layout.
    traversable = resources.files("edgeapp.resume").joinpath(_SAMPLES, name)
    if isinstance(traversable, Path):
        return traversable
    return Path(__file__).resolve().parent / _SAMPLES / name


def default_resume_path() -> Path:
    """The bundled sample owner's resume, used when no resume file is configured."""
    return _bundled_file("sample.resume.json")


def default_pdf_path() -> Path:
    """The bundled sample owner's PDF (rendered from `default_resume_path()`)."""
    return _bundled_file("sample-resume.pdf")


def alt_resume_path() -> Path:
    """A second, different bundled resume with some sections missing (for evaluation)."""
    return _bundled_file("alt.resume.json")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


_EXPECTED = {
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
}


def json_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a JSON path: ("work", 1, "startDate") -> `work[1].startDate`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "$"


def _reason(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, not {_json_type(error['input'])}"
    if kind in ("null_value", "partial_date"):
        return error["msg"]
    # Anything else comes from a check written in this package; keep pydantic's sentence but
    # not its "Value error, " prefix.
    return error["msg"].removeprefix("Value error, ")


def problems_from(error: ValidationError) -> list[ResumeProblem]:
    """Turn a pydantic ValidationError into plain problems, one per bad field."""
    return [
        ResumeProblem(path=json_path(tuple(item["loc"])), reason=_reason(item))
        for item in error.errors(include_url=False)
    ]


def parse_resume(data: object, *, file: str) -> Resume:
    """Validate already-decoded JSON as a resume; raise ResumeInvalid naming each bad field."""
    try:
        return Resume.model_validate(data)
    except ValidationError as error:
        raise ResumeInvalid(file, problems_from(error)) from None


def _read_json(path: Path) -> object:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_RESUME_BYTES:
            reason = f"the file is {size} bytes; a resume must be under {MAX_RESUME_BYTES} bytes"
            raise ResumeInvalid(file, [ResumeProblem("$", reason)])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ResumeInvalid(file, [ResumeProblem("$", "the file does not exist")]) from None
    except IsADirectoryError:
        raise ResumeInvalid(file, [ResumeProblem("$", "this is a folder, not a file")]) from None
    except OSError as error:
        reason = f"the file cannot be read ({error.strerror or error})"
        raise ResumeInvalid(file, [ResumeProblem("$", reason)]) from None
    try:
        # utf-8-sig: editors on Windows like to start files with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"the file is not UTF-8 text (bad byte at offset {error.start})"
        raise ResumeInvalid(file, [ResumeProblem("$", reason)]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        reason = f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise ResumeInvalid(file, [ResumeProblem("$", reason)]) from None


def load_resume(path: Path) -> Resume:
    """Read and validate a JSON Resume file; raise ResumeInvalid when it is unreadable or wrong."""
    resume = parse_resume(_read_json(path), file=str(path))
    logger.debug("loaded resume %s", path)
    return resume


def validate_file(path: Path) -> list[ResumeProblem]:
    """Every problem with a resume file (an empty list when it is valid)."""
    try:
        load_resume(path)
    except ResumeInvalid as error:
        return error.problems
    return []
