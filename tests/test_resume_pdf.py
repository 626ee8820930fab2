"""The generated PDF: valid, deterministic, readable text, and the bundled copy is up to date."""

from __future__ import annotations

import subprocess
from pathlib import Path

from edgeapp.resume import (
    Resume,
    alt_resume_path,
    default_pdf_path,
    default_resume_path,
    load_resume,
    render_pdf,
)
from edgeapp.resume.pdf import to_winansi
from tests.prerequisites import require_program


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    tool = require_program("pdftotext")
    path = tmp_path / "resume.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60)
    return " ".join(result.stdout.decode("utf-8").split())


def test_pdf_is_a_pdf_and_deterministic() -> None:
    resume = load_resume(default_resume_path())
    pdf = render_pdf(resume)
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert render_pdf(resume) == pdf
    assert render_pdf(load_resume(default_resume_path())) == pdf


def test_bundled_pdf_matches_the_bundled_resume() -> None:
    rendered = render_pdf(load_resume(default_resume_path()))
    assert default_pdf_path().read_bytes() == rendered, (
        "samples/sample-resume.pdf is stale: regenerate it with render_pdf(sample)"
    )


def test_pdf_text_extracts_with_name_employers_and_sections(tmp_path: Path) -> None:
    text = _pdftotext(render_pdf(load_resume(default_resume_path())), tmp_path)
    for expected in (
        "Avery Lindqvist",
        "Northwind Robotics",
        "Helix Motion Systems",
        "EXPERIENCE",
        "SKILLS",
        "Mar 2019 – Present",
        "Pallet Pilot",
        "Page 1 of",
    ):
        assert expected in text


def test_pdf_spans_several_pages_when_long(tmp_path: Path) -> None:
    long_resume = Resume.model_validate(
        {
            "basics": {"name": "Long Story"},
            "work": [
                {"name": f"Company {i}", "position": "Engineer", "highlights": ["x " * 200] * 3} for i in range(12)
            ],
        }
    )
    pdf = render_pdf(long_resume)
    assert pdf.count(b"/Type /Page ") >= 3
    text = _pdftotext(pdf, tmp_path)
    assert "Company 11" in text
    assert "Page 3 of" in text


def test_pdf_keeps_accents_and_replaces_what_winansi_lacks(tmp_path: Path) -> None:
    text = _pdftotext(render_pdf(load_resume(alt_resume_path())), tmp_path)
    assert "Tomás Ferreira" in text
    assert "Estúdio Ponte" in text
    assert to_winansi("Łódź → Kraków ≥ 3") == "Lódz -> Kraków >= 3".encode("cp1252")
    assert to_winansi("naïve “quote” – café") == "naïve “quote” – café".encode("cp1252")
    assert to_winansi("東京") == b"??"
    assert to_winansi("tab\there\u200b") == b"tab here"


def test_pdf_escapes_parentheses_and_backslashes(tmp_path: Path) -> None:
    resume = Resume.model_validate({"basics": {"name": r"Ann (Jr.) \ Co"}})
    pdf = render_pdf(resume)
    assert rb"(Ann \(Jr.\) \\ Co)" in pdf
    assert "Ann (Jr.) \\ Co" in _pdftotext(pdf, tmp_path)


def test_empty_resume_still_renders_a_page() -> None:
    pdf = render_pdf(Resume())
    assert pdf.startswith(b"%PDF-1.4")
    assert b"/Count 1" in pdf
