"""Start-up failures as one or two plain lines: what failed, which file or setting, what to do.

The command line catches whatever stops the app from starting and prints `explain(...)` instead of
a traceback (`--debug` shows the traceback too). Errors are recognised by type and errno, never by
matching message text, except SQLite's, whose only distinction is its result code.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import psycopg
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from edgeapp.config import Settings
from edgeapp.db import DatabaseTooNew

_DATA_DIR_HINT = "or choose another folder with --data-dir or DATA_DIR"


class StartupError(Exception):
    """Something the app needs at start is unusable; the message says what and what to do."""


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return int(code) & 0xFF if isinstance(code, int) else None  # the primary result code


def explain_database(error: BaseException, path: Path | str) -> str | None:
    """The message for a database that cannot be opened or migrated, or None."""
    if isinstance(error, DatabaseTooNew):
        return (
            f"the database {path} was written by a newer edgeapp (schema v{error.found}; this one reads up "
            f"to v{error.supported}).\nUpgrade edgeapp, or point DATA_DIR (--data-dir) at another folder."
        )
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, psycopg.Error):
        reason = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        return f"the database {path} cannot be used ({reason}).\nCheck DATABASE_URL and the database's permissions."
    if not isinstance(original, sqlite3.Error) or not isinstance(path, Path):
        return None
    code = _sqlite_code(original)
    if code in {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}:
        return (
            f"the database {path} is damaged ({original}).\n"
            "Move it aside (edgeapp then starts a new, empty one) or restore it from a backup."
        )
    if code == sqlite3.SQLITE_FULL:
        return f"no space left on the disk for the database {path}.\nFree some space there, {_DATA_DIR_HINT}."
    if code in {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR}:
        return f"the database {path} cannot be written ({original}).\nMake {path.parent} writable, {_DATA_DIR_HINT}."
    return f"the database {path} cannot be used ({original}).\nMove it aside, {_DATA_DIR_HINT}."


def explain_os_error(error: OSError, settings: Settings | None) -> str:
    """The message for a file or folder the app could not create or write."""
    where = Path(error.filename).absolute() if error.filename else (settings.data_dir if settings else None)
    reason = error.strerror or str(error)
    data_dir = settings.data_dir.absolute() if settings else None
    in_data_dir = data_dir is not None and where is not None and where.is_relative_to(data_dir)
    subject = f"DATA_DIR {data_dir}" if in_data_dir else str(where or "a file")
    if error.errno == errno.ENOSPC:
        return f"no space left on the disk of {subject} (writing {where}).\nFree some space there, {_DATA_DIR_HINT}."
    if error.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return f"{subject} cannot be written ({reason}: {where}).\nMake it writable, {_DATA_DIR_HINT}."
    if error.errno in {errno.ENOTDIR, errno.EEXIST}:
        return f"{subject} is not a folder ({reason}: {where}).\nChoose a folder with --data-dir or DATA_DIR."
    return f"{subject} cannot be used ({reason}: {where})."


def explain_settings(error: ValidationError) -> str:
    """`invalid setting PORT: Input should be a valid integer` for each bad setting (two at most)."""
    lines = []
    for problem in error.errors()[:2]:
        name = ".".join(str(part) for part in problem.get("loc", ())).upper() or "configuration"
        lines.append(f"invalid setting {name}: {problem.get('msg', 'invalid')}")
    return "\n".join(lines) or "invalid configuration"


def explain(error: BaseException, settings: Settings | None) -> str:
    """One or two plain lines for anything that stopped the app from starting."""
    if isinstance(error, StartupError):
        return str(error)
    if isinstance(error, ValidationError):
        return explain_settings(error)
    if settings is not None:
        where = settings.database_label if settings.database_url else settings.database_path.absolute()
        database = explain_database(error, where)
        if database is not None:
            return database
    if isinstance(error, OSError):
        return explain_os_error(error, settings)
    return f"edgeapp could not start: {type(error).__name__}: {error}\nRun it again with --debug to see where."
