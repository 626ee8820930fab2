"""The resume PDF offered for download: the owner's file, or one rendered from the resume."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from edgeapp.errors import PdfFontsMissing
from edgeapp.resume.fonts import font_dirs, missing_body_fonts
from edgeapp.resume.loader import default_pdf_path
from edgeapp.resume.pdf import render_pdf
from edgeapp.state import AppState

MAX_PDF_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class PdfStatus:
    """Whether a PDF can be served, where it comes from, and its download name."""

    status: str  # "ok", "generated", "missing" or "invalid"
    detail: str
    file_name: str | None


def clean_file_name(name: str, suffix: str = ".pdf", fallback: str = "resume") -> str:
    """A download name safe on any file system: letters and digits of any script, `.`, `_`, `-`."""
    stem = re.sub(r"[^\w.-]+", "-", Path(name).stem).strip("-._") or fallback
    return f"{stem[:80]}{suffix}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def attachment_header(file_name: str, fallback: str) -> str:
    """Content-Disposition for a download: the exact name (RFC 6266 `filename*`), and an ASCII one.

    "Åsa-Öberg.pdf" falls back to "Asa-Oberg.pdf"; a name with letters that have no ASCII form
    ("Łukasz", "王小明") falls back to `fallback` rather than to a mangled name.
    """
    lost = any(char.isalpha() and not _ascii(char) for char in file_name)
    plain = "" if lost else re.sub(r"[^A-Za-z0-9._-]+", "-", _ascii(file_name)).strip("-")
    return f"attachment; filename=\"{plain or fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _configured_pdf(state: AppState) -> Path | None:
    if state.settings.resume_file is not None:
        return state.settings.resume_file
    if state.settings.resume_data is None:
        return default_pdf_path()  # the sample resume's own PDF
    return None


def _check_file(path: Path) -> PdfStatus | None:
    """Why `path` cannot be served as the resume PDF, or None when it can."""
    try:
        info = os.stat(path)
    except OSError:
        return PdfStatus("missing", f"resume PDF {path} not found", None)
    if not stat.S_ISREG(info.st_mode):
        return PdfStatus("invalid", f"resume PDF {path} is not a regular file", None)
    if info.st_size > MAX_PDF_BYTES:
        return PdfStatus("invalid", f"resume PDF {path} is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB", None)
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            return PdfStatus("invalid", f"resume PDF {path} is not a PDF file", None)
    return None


def pdf_status(state: AppState) -> PdfStatus:
    """Describe the PDF without reading it whole (for health and the file-name route)."""
    path = _configured_pdf(state)
    if path is not None:
        return _check_file(path) or PdfStatus("ok", str(path.name), clean_file_name(path.name))
    resume = state.resume.resume
    if resume is None:
        return PdfStatus("missing", "no resume to render a PDF from", None)
    missing_fonts = missing_body_fonts(font_dirs(state.settings.pdf_font_dirs))
    if missing_fonts:
        return PdfStatus("missing", "the PDF fonts are not installed: " + ", ".join(missing_fonts), None)
    name = resume.basics.name if resume.basics and resume.basics.name else "resume"
    return PdfStatus("generated", "rendered from the resume data", clean_file_name(f"{name} Resume"))


def pdf_download(state: AppState) -> tuple[bytes, str] | PdfStatus:
    """The PDF's content and download name, or the status saying why there is none."""
    status = pdf_status(state)
    if status.file_name is None:
        return status
    path = _configured_pdf(state)
    if path is not None:
        try:
            return path.read_bytes(), status.file_name
        except OSError as exc:  # removed or made unreadable since it was checked
            return PdfStatus("missing", f"resume PDF {path} could not be read: {exc.strerror}", None)
    resume = state.resume.resume
    if resume is None:
        return status
    try:
        pdf = state.resume.rendered_pdf.get(lambda: render_pdf(resume, extra_font_dirs=state.settings.pdf_font_dirs))
    except PdfFontsMissing as exc:  # removed since they were checked
        return PdfStatus("missing", exc.message, None)
    return pdf, status.file_name
