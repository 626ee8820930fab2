"""A minimal PDF 1.4 text writer: standard Helvetica fonts, WinAnsi text, word wrap, page breaks.

Nothing is embedded, compressed or time-stamped, so equal input gives equal bytes.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from edgeapp.resume._helvetica import BOLD_WIDTHS, FIRST_CODE, REGULAR_WIDTHS

PAGE_WIDTH = 595.0  # A4, in points
PAGE_HEIGHT = 842.0
MARGIN = 54.0
FOOTER_Y = 30.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADING_HEIGHT = 26.0
KEEP_TOGETHER_LIMIT = PAGE_HEIGHT / 3
"""Blocks taller than this may break across pages rather than leave a large gap."""

Rgb = tuple[float, float, float]

TEXT_COLOUR: Rgb = (0.11, 0.11, 0.13)
MUTED_COLOUR: Rgb = (0.36, 0.38, 0.42)
ACCENT_COLOUR: Rgb = (0.10, 0.29, 0.49)


@dataclass(frozen=True)
class Font:
    """One of the standard fonts, by its resource name in the page's font dictionary."""

    resource: str
    base_font: str
    widths: tuple[int, ...]

    def width(self, encoded: bytes, size: float) -> float:
        """Width in points of WinAnsi-encoded text at `size`."""
        return sum(self.widths[code - FIRST_CODE] for code in encoded) * size / 1000


REGULAR = Font("F1", "Helvetica", REGULAR_WIDTHS)
BOLD = Font("F2", "Helvetica-Bold", BOLD_WIDTHS)
ITALIC = Font("F3", "Helvetica-Oblique", REGULAR_WIDTHS)
FONTS = (REGULAR, BOLD, ITALIC)

_REPLACEMENTS = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2015": "\u2014",
    "\u2032": "'", "\u2033": '"', "\u2190": "<-", "\u2192": "->", "\u2194": "<->",
    "\u21d2": "=>", "\u2248": "~", "\u2260": "!=", "\u2264": "<=", "\u2265": ">=",
    "\u2713": "v", "\u2714": "v", "\u2717": "x", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u200b": "", "\u00ad": "", "\ufeff": "", "\u0141": "L", "\u0142": "l", "\u0110": "D",
    "\u0111": "d", "\u0131": "i", "\u0127": "h", "\u0126": "H",
}  # fmt: skip


def _encode_char(char: str) -> bytes:
    if char in _REPLACEMENTS:
        return b"".join(_encode_char(part) for part in _REPLACEMENTS[char])
    if char < " " or char == "\x7f":
        return b" "
    try:
        return char.encode("cp1252")
    except UnicodeEncodeError:
        pass
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c >= " ")
    if base:
        return base.encode("ascii")
    # Pictographs (emoji) carry no words a reader would miss; other scripts become "?" so the
    # gap is visible rather than silent.
    return b"" if unicodedata.category(char) == "So" else b"?"


def to_winansi(text: str) -> bytes:
    """Encode text for the standard PDF fonts, replacing what WinAnsi cannot show."""
    return b"".join(_encode_char(char) for char in text)


def _num(value: float) -> bytes:
    return f"{value:.2f}".rstrip("0").rstrip(".").encode("ascii")


def _pdf_string(encoded: bytes) -> bytes:
    escaped = encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def _text_op(x: float, y: float, encoded: bytes, font: Font, size: float, rgb: Rgb) -> bytes:
    font_part = [b"BT /" + font.resource.encode(), _num(size), b"Tf"]
    colour_part = [*(_num(part) for part in rgb), b"rg"]
    position_part = [b"1 0 0 1", _num(x), _num(y), b"Tm"]
    return b" ".join([*font_part, *colour_part, *position_part, _pdf_string(encoded), b"Tj ET"])


def wrap(encoded: bytes, font: Font, size: float, first_width: float, width: float) -> list[bytes]:
    """Greedy word wrap; a word longer than a whole line is split between characters."""
    lines: list[bytes] = []
    current = b""
    limit = first_width
    for word in encoded.split(b" "):
        if not word:
            continue
        candidate = current + b" " + word if current else word
        if font.width(candidate, size) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
            limit = width
        current = b""
        for code in word:
            piece = current + bytes([code])
            if current and font.width(piece, size) > limit:
                lines.append(current)
                limit = width
                piece = bytes([code])
            current = piece
    if current or not lines:
        lines.append(current)
    return lines


Block = Callable[["Layout"], None]
"""Something drawn as a unit (an entry), so it can be measured before it is placed."""


@dataclass
class Layout:
    """Places text top-down on pages, starting a new page when the next piece does not fit."""

    pages: list[list[bytes]] = field(default_factory=list)
    y: float = 0.0

    def new_page(self) -> None:
        """Start a fresh page at the top margin."""
        self.pages.append([])
        self.y = PAGE_HEIGHT - MARGIN

    def ensure(self, height: float) -> None:
        """Start a new page unless `height` points still fit on this one."""
        if not self.pages or self.y - height < MARGIN:
            self.new_page()

    def draw(self, x: float, y: float, encoded: bytes, font: Font, size: float, rgb: Rgb) -> None:
        """Put one run of text with its baseline at (x, y)."""
        if encoded:
            self.pages[-1].append(_text_op(x, y, encoded, font, size, rgb))

    def space(self, points: float) -> None:
        """Leave vertical space."""
        self.y -= points

    def paragraph(
        self,
        text: str,
        *,
        font: Font = REGULAR,
        size: float = 9.5,
        rgb: Rgb = TEXT_COLOUR,
        indent: float = 0.0,
        lead: str = "",
        bullet: bool = False,
    ) -> None:
        """Wrapped text; `lead` is a bold label on the first line, `bullet` a hanging bullet."""
        line_height = size * 1.38
        x = MARGIN + indent + (11.0 if bullet else 0.0)
        width = PAGE_WIDTH - MARGIN - x
        lead_bytes = to_winansi(lead + " ") if lead and text.strip() else to_winansi(lead)
        lead_width = BOLD.width(lead_bytes, size)
        lines = wrap(to_winansi(" ".join(text.split())), font, size, width - lead_width, width)
        for index, line in enumerate(lines):
            self.ensure(line_height)
            self.y -= line_height
            baseline = self.y + size * 0.3
            offset = 0.0
            if index == 0 and bullet:
                self.draw(x - 10.0, baseline, b"\x95", REGULAR, size, ACCENT_COLOUR)
            if index == 0 and lead_bytes:
                self.draw(x, baseline, lead_bytes, BOLD, size, rgb)
                offset = lead_width
            self.draw(x + offset, baseline, line, font, size, rgb)

    def title_line(self, title: str, aside: str) -> None:
        """A bold title with `aside` (dates) right-aligned on its first line."""
        size = 10.5
        aside_bytes = to_winansi(aside)
        aside_width = ITALIC.width(aside_bytes, 9.0)
        self.y -= 4.0
        available = CONTENT_WIDTH - (aside_width + 12.0 if aside_bytes else 0.0)
        for index, line in enumerate(wrap(to_winansi(title), BOLD, size, available, available)):
            self.ensure(size * 1.4)
            self.y -= size * 1.4
            baseline = self.y + size * 0.3
            self.draw(MARGIN, baseline, line, BOLD, size, TEXT_COLOUR)
            if index == 0:
                right = PAGE_WIDTH - MARGIN - aside_width
                self.draw(right, baseline, aside_bytes, ITALIC, 9.0, MUTED_COLOUR)

    def measure(self, block: Block) -> float:
        """How tall `block` is, drawn on an endless scratch page."""
        top = 1e9
        scratch = Layout(pages=[[]], y=top)
        block(scratch)
        return top - scratch.y

    def block(self, block: Block) -> None:
        """Draw a block, moving it whole to the next page when it fits there but not here."""
        height = self.measure(block)
        if height <= KEEP_TOGETHER_LIMIT:
            self.ensure(height)
        block(self)

    def section(self, title: str, blocks: list[Block]) -> None:
        """A heading with a rule under it, kept on the same page as its first block."""
        if not blocks:
            return
        self.ensure(HEADING_HEIGHT + min(self.measure(blocks[0]), KEEP_TOGETHER_LIMIT))
        self.y -= 16.0
        self.draw(MARGIN, self.y, to_winansi(title.upper()), BOLD, 11.0, ACCENT_COLOUR)
        rule_y = _num(self.y - 4.0)
        self.pages[-1].append(
            b" ".join([b"0.75 w 0.7 0.74 0.8 RG", _num(MARGIN), rule_y, b"m"])
            + b" ".join([b"", _num(PAGE_WIDTH - MARGIN), rule_y, b"l S"])
        )
        self.y -= HEADING_HEIGHT - 16.0
        for item in blocks:
            self.block(item)

    def footers(self, text: str) -> None:
        """Write `text · Page n of N` centred at the bottom of every page."""
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            label = to_winansi(" · ".join(part for part in (text, f"Page {number} of {total}") if part))
            x = (PAGE_WIDTH - REGULAR.width(label, 8.0)) / 2
            page.append(_text_op(x, FOOTER_Y, label, REGULAR, 8.0, MUTED_COLOUR))


def _text_string(text: str) -> bytes:
    # Document-info strings as UTF-16BE with a byte-order mark: any title survives intact.
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode("ascii") + b">"


def serialise(pages: list[list[bytes]], title: str) -> bytes:
    """The whole PDF file for pages of content operators."""
    font_ids = {font.resource: 3 + index for index, font in enumerate(FONTS)}
    info_id = 3 + len(FONTS)
    page_ids = [info_id + 1 + 2 * index for index in range(len(pages))]
    fonts = b" ".join(b"/%s %d 0 R" % (name.encode(), ref) for name, ref in font_ids.items())
    kids = b" ".join(b"%d 0 R" % ref for ref in page_ids)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        *(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % font.base_font.encode()
            for font in FONTS
        ),
        b"<< /Title %s /Producer (edgeapp) >>" % _text_string(title),
    ]
    media_box = b"[0 0 %s %s]" % (_num(PAGE_WIDTH), _num(PAGE_HEIGHT))
    for page_id, operations in zip(page_ids, pages, strict=True):
        content = b"\n".join(operations)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Resources << /Font << %s >> "
            b"/ProcSet [/PDF /Text] >> /Contents %d 0 R >>" % (media_box, fonts, page_id + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    # A binary comment on line two tells transfer tools the file is not plain text.
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    # The file id is a hash of the content, so identical resumes give identical files.
    file_id = hashlib.md5(bytes(output), usedforsecurity=False).hexdigest().upper().encode()
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        info_id,
        file_id,
        file_id,
    )
    output += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(output)
