"""Page layout for the resume PDF on fpdf2: wrapped paragraphs, title lines, sections, footers.

Entries are plain data (`Paragraph`, `TitleLine`), measured with fpdf2's dry runs before they are
placed, so an entry that fits on one page is never split across two. Text is shaped with
HarfBuzz (joined Arabic, Indic conjuncts) and laid out by the Unicode bidirectional algorithm;
a paragraph whose first strong character is right-to-left is right-aligned.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from edgeapp.resume.fonts import FontPlan

if TYPE_CHECKING:
    from fpdf import FPDF

MARGIN = 54.0  # points; the page is A4
FOOTER_Y = 30.0  # distance of the footer's baseline area from the bottom edge
BULLET_INDENT = 11.0
ASIDE_GAP = 12.0
KEEP_TOGETHER_FRACTION = 1 / 3
"""Entries taller than this share of a page may break across pages rather than leave a gap."""

Rgb = tuple[int, int, int]
TEXT_COLOUR: Rgb = (28, 28, 33)
MUTED_COLOUR: Rgb = (92, 97, 107)
ACCENT_COLOUR: Rgb = (26, 74, 125)
RULE_COLOUR: Rgb = (179, 189, 204)

LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")

BODY = "body"


@dataclass(frozen=True)
class Paragraph:
    """Wrapped text, optionally a bullet item or a link."""

    text: str
    size: float = 9.5
    style: str = ""
    colour: Rgb = TEXT_COLOUR
    indent: float = 0.0
    bullet: bool = False
    link: str | None = None
    space_before: float = 0.0


@dataclass(frozen=True)
class TitleLine:
    """A bold title with an aside (dates) on the opposite side of its first line."""

    title: str
    aside: str = ""
    size: float = 10.5


Item = Paragraph | TitleLine
Entry = tuple[Item, ...]


def is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of `text` is right-to-left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in {"R", "AL"}:
            return True
        if direction == "L":
            return False
    return False


def clean_link(url: str | None) -> str | None:
    """The URL if it is safe to make clickable (web, mail or phone), else None."""
    value = (url or "").strip()
    return value if value.lower().startswith(LINK_SCHEMES) else None


def _line_height(size: float) -> float:
    return size * 1.38


class PdfLayout:
    """One PDF being written top-down; `finish()` adds the footers and returns the bytes."""

    def __init__(self, plan: FontPlan, *, title: str, author: str, created: datetime) -> None:
        with warnings.catch_warnings():
            # The packaged app leaves Pillow out: the resume has no images for fpdf2 to decode.
            warnings.filterwarnings("ignore", message="Pillow could not be imported", category=UserWarning)
            from fpdf import FPDF

        pdf = FPDF(unit="pt", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.c_margin = 0
        for style, path in plan.body.files.items():
            pdf.add_font(BODY, style, str(path))
        fallback_names = []
        for index, located in enumerate(plan.fallbacks):
            name = f"fallback{index}"
            fallback_names.append(name)
            for style, path in located.files.items():
                pdf.add_font(name, style, str(path), collection_font_number=located.face)
        if fallback_names:
            # A bold run in a script whose font has no bold still shows, in the regular weight.
            pdf.set_fallback_fonts(fallback_names, exact_match=False)
        pdf.set_text_shaping(True)
        pdf.set_creation_date(created)
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("edgeapp")
        pdf.set_display_mode("fullwidth")
        pdf.add_page()
        self.pdf: FPDF = pdf
        self._heights: dict[Item, float] = {}  # the width never changes, so neither does a height

    # -- measuring -------------------------------------------------------------------------

    def _use(self, size: float, style: str = "", colour: Rgb = TEXT_COLOUR) -> None:
        self.pdf.set_font(BODY, style, size)
        self.pdf.set_text_color(*colour)

    def _text_width(self, item: Paragraph) -> float:
        return self.pdf.epw - item.indent - (BULLET_INDENT if item.bullet else 0.0)

    def _aside_width(self, item: TitleLine) -> float:
        if not item.aside:
            return 0.0
        self._use(9.0, "I", MUTED_COLOUR)
        return float(self.pdf.get_string_width(item.aside)) + 1.0

    def height(self, item: Item) -> float:
        """How tall `item` is when drawn."""
        if item not in self._heights:
            self._heights[item] = self._measure(item)
        return self._heights[item]

    def _measure(self, item: Item) -> float:
        if isinstance(item, TitleLine):
            aside = self._aside_width(item)
            self._use(item.size, "B")
            width = self.pdf.epw - (aside + ASIDE_GAP if aside else 0.0)
            return 4.0 + self._dry_height(width, _line_height(item.size), item.title)
        self._use(item.size, item.style, item.colour)
        return item.space_before + self._dry_height(self._text_width(item), _line_height(item.size), item.text)

    def _dry_height(self, width: float, line_height: float, text: str) -> float:
        lines = self.pdf.multi_cell(width, line_height, text, dry_run=True, output="LINES")
        return len(cast(list[str], lines)) * line_height

    def entry_height(self, entry: Entry) -> float:
        """How tall a whole entry is."""
        return sum(self.height(item) for item in entry)

    # -- drawing ---------------------------------------------------------------------------

    def space(self, points: float) -> None:
        """Leave vertical space (none at the top of a page)."""
        if self.pdf.y > self.pdf.t_margin + 0.5:
            self.pdf.set_y(min(self.pdf.y + points, self.pdf.page_break_trigger))

    def _ensure(self, height: float) -> None:
        if self.pdf.will_page_break(height):
            self.pdf.add_page()

    def draw(self, item: Item) -> None:
        """Draw one item at the current position."""
        if isinstance(item, TitleLine):
            self._draw_title(item)
        else:
            self._draw_paragraph(item)

    def _draw_paragraph(self, item: Paragraph) -> None:
        pdf = self.pdf
        self.space(item.space_before)
        line_height = _line_height(item.size)
        self._ensure(line_height)  # a bullet never sits alone at the foot of a page
        rtl = is_rtl(item.text)
        width = self._text_width(item)
        left = pdf.l_margin + (0.0 if rtl else item.indent + (BULLET_INDENT if item.bullet else 0.0))
        if item.bullet:
            self._use(item.size, "", ACCENT_COLOUR)
            bullet_x = pdf.w - pdf.r_margin - item.indent - 6.0 if rtl else pdf.l_margin + item.indent + 1.0
            top = pdf.y
            pdf.set_xy(bullet_x, top)
            pdf.cell(6.0, line_height, "•")
            pdf.set_y(top)
        self._use(item.size, item.style, item.colour)
        pdf.set_x(left)
        pdf.multi_cell(
            width,
            line_height,
            item.text,
            align="R" if rtl else "L",
            link=clean_link(item.link) or "",
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def _draw_title(self, item: TitleLine) -> None:
        pdf = self.pdf
        self.space(4.0)
        line_height = _line_height(item.size)
        self._ensure(line_height)
        aside_width = self._aside_width(item)
        title_width = pdf.epw - (aside_width + ASIDE_GAP if aside_width else 0.0)
        rtl = is_rtl(item.title)
        top = pdf.y
        if aside_width:
            self._use(9.0, "I", MUTED_COLOUR)
            pdf.set_xy(pdf.l_margin if rtl else pdf.w - pdf.r_margin - aside_width, top)
            pdf.cell(aside_width, line_height, item.aside, align="L" if rtl else "R")
        self._use(item.size, "B")
        pdf.set_xy(pdf.w - pdf.r_margin - title_width if rtl else pdf.l_margin, top)
        pdf.multi_cell(title_width, line_height, item.title, align="R" if rtl else "L", new_x="LMARGIN", new_y="NEXT")

    def links(self, parts: Sequence[tuple[str, str | None]], *, size: float = 9.0) -> None:
        """A line of separate, clickable pieces (contacts, profiles), wrapped as text."""
        pieces = [(text, link) for text, link in parts if text]
        if not pieces:
            return
        pdf = self.pdf
        line_height = _line_height(size)
        self._ensure(line_height)
        pdf.set_x(pdf.l_margin)
        for index, (text, link) in enumerate(pieces):
            if index:
                self._use(size, "", MUTED_COLOUR)
                pdf.write(line_height, "  ·  ")
            target = clean_link(link)
            self._use(size, "", ACCENT_COLOUR if target else MUTED_COLOUR)
            pdf.write(line_height, text, link=target or "")
        pdf.ln(line_height)

    def entry(self, entry: Entry) -> None:
        """Draw an entry, moved whole to the next page when it fits there but not here."""
        height = self.entry_height(entry)
        if height <= self.pdf.eph * KEEP_TOGETHER_FRACTION:
            self._ensure(height)
        for item in entry:
            self.draw(item)
        self.space(4.0)

    def section(self, title: str, entries: Sequence[Entry]) -> None:
        """A heading with a rule under it, kept on the same page as its first entry."""
        if not entries:
            return
        pdf = self.pdf
        heading_height = 26.0
        first = min(self.entry_height(entries[0]), pdf.eph * KEEP_TOGETHER_FRACTION)
        self.space(6.0)
        self._ensure(heading_height + first)
        self._use(11.0, "B", ACCENT_COLOUR)
        pdf.set_x(pdf.l_margin)
        pdf.cell(pdf.epw, 16.0, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*RULE_COLOUR)
        pdf.set_line_width(0.75)
        pdf.line(pdf.l_margin, pdf.y + 1.0, pdf.w - pdf.r_margin, pdf.y + 1.0)
        pdf.set_y(pdf.y + heading_height - 16.0)
        for entry in entries:
            self.entry(entry)

    def finish(self, footer: str) -> bytes:
        """Write `footer · Page n of N` on every page and return the file's bytes."""
        pdf = self.pdf
        total = pdf.pages_count
        pdf.set_auto_page_break(False)
        for number in range(1, total + 1):
            pdf.page = number
            # Back on an earlier page, whose content stream ended in another font: select it again.
            pdf.current_font_is_set_on_page = False
            label = " · ".join(part for part in (footer, f"Page {number} of {total}") if part)
            self._use(8.0, "", MUTED_COLOUR)
            pdf.set_xy(pdf.l_margin, pdf.h - FOOTER_Y - 8.0)
            pdf.cell(pdf.epw, 10.0, label, align="C")
        pdf.page = total
        _visual_order_for_rtl_clusters(pdf)
        return bytes(pdf.output())

    def close(self) -> None:
        """Close the font files fpdf2 keeps open (it reads their tables lazily until output)."""
        from fpdf.fonts import TTFFont

        for font in self.pdf.fonts.values():
            if isinstance(font, TTFFont):
                font.ttfont.close()


def _visual_order_for_rtl_clusters(pdf: FPDF) -> None:
    """Store each right-to-left glyph's text (a lam-alef ligature, a letter with its vowel mark)
    in visual order in the font's ToUnicode map.

    Text extractors (poppler's pdftotext, MuPDF, pdfminer, pypdf) read right-to-left glyphs in
    drawing order and reverse them character by character, including the several characters of
    one glyph; storing those characters reversed makes "الأحمد" come back as "الأحمد" rather than
    "األحمد". Single-character glyphs and left-to-right text are untouched.
    """
    from fpdf.fonts import TTFFont

    for font in pdf.fonts.values():
        if not isinstance(font, TTFFont):
            continue
        for glyph, _char_id in font.subset.items():
            if glyph is None or not isinstance(glyph.unicode, tuple) or len(glyph.unicode) < 2:
                continue
            codes = glyph.unicode
            directions = {unicodedata.bidirectional(chr(code)) for code in codes}
            if directions & {"R", "AL"} and "L" not in directions:
                glyph.unicode = tuple(reversed(codes))
