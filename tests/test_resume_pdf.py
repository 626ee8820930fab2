"""The generated PDF: every name in its own script, the page's sections, links, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from edgeapp.resume import Resume, default_pdf_path, default_resume_path, load_resume, render_pdf
from edgeapp.resume.fonts import font_dirs, missing_body_fonts
from edgeapp.resume.pdf import SECTION_TITLES, all_sections, render_resume_pdf
from tests.helpers import ROOT
from tests.prerequisites import missing, require_program

SCRIPTS = ROOT / "tests" / "data" / "scripts"
SCRIPT_RESUMES = sorted(SCRIPTS.glob("*.resume.json"))
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction marks pdftotext puts around right-to-left runs: layout, not text."""


@pytest.fixture(autouse=True)
def _fonts() -> None:
    """The PDF needs its fonts; without them every test here would test nothing."""
    absent = missing_body_fonts(font_dirs())
    if absent:
        missing("the PDF fonts " + ", ".join(absent), "run `scripts/system-deps.sh run`")


def pdftotext(pdf: bytes, tmp_path: Path, *options: str) -> str:
    """The PDF's text as poppler extracts it, direction marks removed, whitespace collapsed."""
    tool = require_program("pdftotext")
    path = tmp_path / "resume.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [tool, "-enc", "UTF-8", *options, str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return " ".join(BIDI_CONTROLS.sub("", result.stdout.decode("utf-8")).split())


def words_with_boxes(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float]]:
    """(word, x_min, x_max) for every word on the first page, from `pdftotext -bbox`."""
    html = pdftotext(pdf, tmp_path, "-bbox", "-f", "1", "-l", "1")
    pattern = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(word, float(x_min), float(x_max)) for x_min, x_max, word in re.findall(pattern, html)]


def names_and_headings(data: dict[str, object]) -> list[str]:
    """Every name a reader must find exactly: owner, label, places, employers, roles, schools, skills."""
    basics = data["basics"]
    assert isinstance(basics, dict)
    expected = [basics["name"], basics["label"], basics["location"]["city"]]
    for job in data.get("work", []):  # type: ignore[attr-defined]
        expected += [job["name"], job["position"], job["location"]]
    for school in data.get("education", []):  # type: ignore[attr-defined]
        expected += [school["institution"], school["area"]]
    expected += [skill["name"] for skill in data.get("skills", [])]  # type: ignore[attr-defined]
    expected += [title for title, entries in all_sections(Resume.model_validate(data)) if entries]
    return [str(item) for item in expected]


@pytest.mark.parametrize("resume_file", SCRIPT_RESUMES, ids=lambda path: path.name.split(".")[0])
def test_every_name_and_heading_comes_back_exactly_in_its_own_script(resume_file: Path, tmp_path: Path) -> None:
    data = json.loads(resume_file.read_text(encoding="utf-8"))
    rendered = render_resume_pdf(load_resume(resume_file))
    assert rendered.uncovered == frozenset()
    text = pdftotext(rendered.content, tmp_path)
    for expected in names_and_headings(data):
        assert expected in text, f"{expected!r} is not in the PDF text of {resume_file.name}: {text[:300]}"
    assert data["basics"]["summary"] in text
    assert data["basics"]["email"] in text and data["basics"]["phone"] in text
    assert "?" not in text  # no character was replaced
    assert "Page 1 of 1" in text


def test_the_issue_name_prints_as_written(tmp_path: Path) -> None:
    resume = Resume.model_validate(
        {"basics": {"name": "Łukasz Żółkiewski-王", "summary": "Inżynier danych. Инженер данных. 数据工程师"}}
    )
    text = pdftotext(render_pdf(resume), tmp_path)
    assert "Łukasz Żółkiewski-王" in text
    assert "Inżynier danych. Инженер данных. 数据工程师" in text
    assert "?" not in text


def test_arabic_is_joined_and_set_right_to_left(tmp_path: Path) -> None:
    from fpdf.fonts import TTFFont

    from edgeapp.resume.fonts import plan_fonts
    from edgeapp.resume.pdf_layout import Paragraph, PdfLayout, is_rtl

    name = "محمد الأحمد"
    plan = plan_fonts(name, font_dirs())
    assert plan is not None and [located.family.name for located in plan.fallbacks] == ["Noto Sans Arabic"]
    layout = PdfLayout(plan, title="t", author="a", created=datetime(2000, 1, 1))
    layout.draw(Paragraph("ممم"))
    arabic = next(font for key, font in layout.pdf.fonts.items() if key.startswith("fallback"))
    assert isinstance(arabic, TTFFont)
    shaped = {glyph.glyph_name for glyph, _ in arabic.subset.items() if glyph is not None and glyph.glyph_name}
    layout.close()
    # Shaping picks the initial, medial and final forms of meem (U+FEE3, U+FEE4, U+FEE2), not the
    # isolated letter three times.
    assert {"uniFEE3", "uniFEE4", "uniFEE2"} <= shaped, shaped
    assert is_rtl(name) and not is_rtl("Avery 2019 محمد")

    pdf = render_pdf(load_resume(SCRIPTS / "arabic.resume.json"))
    words = words_with_boxes(pdf, tmp_path)
    right_edge = 595.0 - 54.0
    # -bbox lists the glyphs of a right-to-left word in drawing order, without reordering them.
    name_words = [word for word in words if word[0][::-1] in name.split()]
    assert name_words, words[:10]
    assert max(x_max for _, _, x_max in name_words) == pytest.approx(right_edge, abs=2.0)
    experience = next(word for word in words if word[0] == "Experience")
    assert experience[1] == pytest.approx(54.0, abs=2.0)  # English headings stay on the left


def test_pdf_text_has_the_sample_owner_sections_and_page_numbers(tmp_path: Path) -> None:
    text = pdftotext(render_pdf(load_resume(default_resume_path())), tmp_path)
    for expected in (
        "Avery Lindqvist",
        "Northwind Robotics",
        "Helix Motion Systems",
        "Experience",
        "Skills",
        "March 2019 – present",
        "Pallet Pilot",
        "Page 1 of",
    ):
        assert expected in text
    positions = [text.index(title) for title in ("Experience", "Projects", "Skills", "Education", "References")]
    assert positions == sorted(positions)


def test_sections_and_headings_follow_the_page() -> None:
    render_js = (ROOT / "frontend_dist" / "js" / "render.js").read_text(encoding="utf-8")
    page_titles = tuple(re.findall(r'\{ key: "\w+", source: "\w+", title: "([^"]+)"', render_js))
    assert page_titles == SECTION_TITLES
    assert tuple(title for title, _ in all_sections(Resume())) == SECTION_TITLES


def test_contacts_and_entry_urls_are_clickable() -> None:
    pdf = render_pdf(load_resume(default_resume_path()))
    links = set(re.findall(rb"/URI \((.*?)\)", pdf))
    assert b"mailto:avery@lindqvist.example.com" in links
    assert b"tel:+15035550147" in links
    assert any(link.startswith(b"https://") and b"northwind" in link for link in links), links
    resume = Resume.model_validate({"basics": {"name": "X", "url": "javascript:alert(1)"}})
    assert b"javascript" not in render_pdf(resume).split(b"/URI")[-1][:40]


def test_pdf_is_deterministic_across_processes() -> None:
    first = render_pdf(load_resume(default_resume_path()))
    assert render_pdf(load_resume(default_resume_path())) == first
    code = (
        "import sys; from edgeapp.resume import load_resume, render_pdf; "
        "sys.stdout.buffer.write(render_pdf(load_resume(__import__('pathlib').Path(sys.argv[1]))))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        other = subprocess.run(
            [sys.executable, "-c", code, str(default_resume_path())],
            capture_output=True,
            check=True,
            env=env,
            timeout=120,
        ).stdout
        assert other == first
    assert b"/CreationDate (D:20250115093000Z" in first  # the resume's meta.lastModified
    assert b"/CreationDate (D:20000101000000Z" in render_pdf(Resume())


def test_bundled_pdf_matches_the_bundled_resume() -> None:
    rendered = render_pdf(load_resume(default_resume_path()))
    assert default_pdf_path().read_bytes() == rendered, (
        "samples/sample-resume.pdf is stale: regenerate it with "
        "`.venv/bin/edgeapp pdf edgeapp/resume/samples/sample-resume.pdf`"
    )


def test_fonts_are_subset_not_embedded_whole() -> None:
    pdf = render_pdf(load_resume(SCRIPTS / "chinese.resume.json"))
    assert len(pdf) < 200_000  # the CJK collection is 20 MB; the subset keeps the few glyphs used
    assert b"/FontFile" in pdf


def test_long_resume_breaks_pages_without_losing_text(tmp_path: Path) -> None:
    long_resume = Resume.model_validate(
        {
            "basics": {"name": "Long Story"},
            "work": [
                {"name": f"Company {i}", "position": "Engineer", "highlights": ["word " * 120] * 3} for i in range(12)
            ],
        }
    )
    pdf = render_pdf(long_resume)
    assert pdf.count(b"/Type /Page\n") >= 3
    text = pdftotext(pdf, tmp_path)
    assert all(f"Company {i}" in text for i in range(12))
    assert "Page 3 of" in text
    assert text.count("word") == 12 * 3 * 120


def test_text_that_looks_like_markup_prints_as_written(tmp_path: Path) -> None:
    resume = Resume.model_validate({"basics": {"name": r"Ann (Jr.) \ **Co** --x-- [a](b)"}})
    assert r"Ann (Jr.) \ **Co** --x-- [a](b)" in pdftotext(render_pdf(resume), tmp_path)


def test_characters_no_font_has_are_left_out_and_reported() -> None:
    resume = Resume.model_validate({"basics": {"name": "Avery 🤖"}})
    rendered = render_resume_pdf(resume)
    assert rendered.uncovered == frozenset({"🤖"})


def test_empty_resume_still_renders_a_page() -> None:
    pdf = render_pdf(Resume())
    assert pdf.startswith(b"%PDF-1.")
    assert b"/Count 1" in pdf


def test_missing_fonts_are_named_with_their_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from edgeapp.errors import PdfFontsMissing
    from edgeapp.resume import fonts

    assert missing_body_fonts([tmp_path]) == [
        "NotoSans-Regular.ttf (Debian package fonts-noto-core)",
        "NotoSans-Bold.ttf (Debian package fonts-noto-core)",
        "NotoSans-Italic.ttf (Debian package fonts-noto-core)",
    ]
    catalogue = fonts.load_catalogue()
    monkeypatch.setattr(fonts, "load_catalogue", lambda: replace(catalogue, search_dirs=()))
    with pytest.raises(PdfFontsMissing, match="fonts-noto-core"):
        render_resume_pdf(Resume(), extra_font_dirs=[tmp_path])
