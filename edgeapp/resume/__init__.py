"""Resume models, JSON Resume loading and validation, the API view, search entries and the PDF."""

from edgeapp.resume.data import ResumeData, to_resume_data
from edgeapp.resume.dates import PartialDate, format_months, format_range, months_between
from edgeapp.resume.entries import Entry, build_entries
from edgeapp.resume.loader import (
    alt_resume_path,
    default_pdf_path,
    default_resume_path,
    load_resume,
    parse_resume,
    validate_file,
)
from edgeapp.resume.models import Resume
from edgeapp.resume.pdf import render_pdf

__all__ = [
    "Entry",
    "PartialDate",
    "Resume",
    "ResumeData",
    "alt_resume_path",
    "build_entries",
    "default_pdf_path",
    "default_resume_path",
    "format_months",
    "format_range",
    "load_resume",
    "months_between",
    "parse_resume",
    "render_pdf",
    "to_resume_data",
    "validate_file",
]
