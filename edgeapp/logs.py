"""Logging: JSON lines to a rotating file in DATA_DIR and to stderr; short lines for a person.

When stderr is a terminal it shows short human-readable lines, and only what a person watching
wants (no line per request, none of llama.cpp's own chatter); the file keeps every JSON record.
When stderr is not a terminal (a service, a pipe, CI) it gets the JSON lines too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

# Attributes every LogRecord has; anything else came in through `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_HANDLER_MARK = "_edgeapp_handler"
# Loggers whose INFO records are detail for the log file, not news for a person at the terminal.
_QUIET_ON_TERMINAL = ("edgeapp.request", "edgeapp.db", "edgeapp.server", "uvicorn", "llama_cpp")


class JsonFormatter(logging.Formatter):
    """Render a record as a single JSON line with its `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise one record."""
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


class TerminalFormatter(logging.Formatter):
    """`12:04:31 model loaded (model=gemma.gguf, load_seconds=0.61)`: one short line a record."""

    def format(self, record: logging.LogRecord) -> str:
        """Render one record for a person."""
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        level = "" if record.levelno < logging.WARNING else f"{record.levelname.lower()}: "
        fields = [
            f"{key}={value}"
            for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_") and key != "color_message"
        ]
        line = f"{moment} {level}{record.getMessage()}" + (f" ({', '.join(fields)})" if fields else "")
        if record.exc_info and record.levelno >= logging.ERROR:
            line += "\n" + self.formatException(record.exc_info)
        return line


class TerminalFilter(logging.Filter):
    """Lets through what a person at the terminal wants to see."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Warnings and errors always; INFO only from the app's own milestones."""
        if record.levelno >= logging.WARNING:
            return True
        return not record.name.startswith(_QUIET_ON_TERMINAL)


class _FailureNoted:
    """Mixin for a handler whose write failures are remembered for health, never raised or printed.

    logging's default prints a traceback to stderr for every record a full disk refuses, which
    buries the terminal and can fail itself; a request must never fail because its log line did.
    """

    failure: str | None = None
    _failed_now = False

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record; a write that works again clears the remembered failure."""
        self._failed_now = False
        super().emit(record)  # type: ignore[misc]
        if not self._failed_now:
            self.failure = None

    def handleError(self, record: logging.LogRecord) -> None:
        """Remember why the record could not be written."""
        self._failed_now = True
        error = sys.exc_info()[1]
        self.failure = f"{type(error).__name__}: {error}" if error else "unknown error"


class _StreamHandler(_FailureNoted, logging.StreamHandler):  # type: ignore[type-arg]
    """stderr, noting failures."""


class _RotatingFileHandler(_FailureNoted, logging.handlers.RotatingFileHandler):
    """The rotating log file, noting failures."""


def logging_problems() -> list[str]:
    """Why our log file cannot be written right now (for health; a closed terminal is no problem)."""
    problems = []
    for handler in logging.getLogger().handlers:
        failure = getattr(handler, "failure", None)
        if isinstance(handler, _RotatingFileHandler) and failure:
            problems.append(f"logs cannot be written to {handler.baseFilename}: {failure}")
    return problems


def stderr_handler(stream: TextIO) -> logging.Handler:
    """Short filtered lines on a terminal; JSON lines anywhere else."""
    handler = _StreamHandler(stream)
    if stream.isatty():
        handler.setFormatter(TerminalFormatter())
        handler.addFilter(TerminalFilter())
    else:
        handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(
    level: str,
    log_dir: Path | None,
    *,
    max_bytes: int = 5_000_000,
    backups: int = 3,
    stream: TextIO | None = None,
) -> None:
    """Install our handlers on the root logger once (calling again replaces ours)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
            with contextlib.suppress(OSError):  # a full disk refuses the last flush; nothing to do
                handler.close()
    handlers: list[logging.Handler] = [stderr_handler(stream or sys.stderr)]
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = _RotatingFileHandler(
            log_dir / "edgeapp.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
        file_handler.setFormatter(JsonFormatter())
        handlers.append(file_handler)
    for handler in handlers:
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own access log would duplicate our request lines
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
        logging.getLogger(name).setLevel(logging.NOTSET)  # follow LOG_LEVEL (an earlier server may have set one)
