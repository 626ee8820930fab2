"""The owner's contact card as vCard 4.0 text (RFC 6350), built from the resume's basics.

Values are UTF-8 with no charset parameter (RFC 6350 3.1), escaped as section 3.4 says (a
backslash, a comma and a newline in every text value; a semicolon too in the components of N and
ADR), and lines longer than 75 octets are folded (3.2) without splitting a UTF-8 sequence, an
escape or a character from its combining marks.
"""

from __future__ import annotations

import re
import unicodedata

from edgeapp.resume.models import Basics

LINE_OCTETS = 75
CRLF = "\r\n"

_EAST_ASIAN_NAME = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
"""Han, kana and Hangul: names written family name first."""


def _clean(value: str | None) -> str:
    return (value or "").strip()


def escape_text(value: str) -> str:
    """Escape a single text value (FN, TITLE, EMAIL, TEL)."""
    value = value.replace("\\", "\\\\").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", "\\\\n", value)


def escape_component(value: str) -> str:
    """Escape one component of a structured value (N, ADR)."""
    return escape_text(value).replace(";", "\\;")


def split_name(name: str) -> tuple[str, str]:
    """(family, given) for the N property; the whole name is FN.

    A name that starts in Han, kana or Hangul puts the family name first ("山田 花子"), and with
    no space the whole name is kept as the family name ("王小明"); other names put it last.
    """
    words = name.split()
    if len(words) < 2:
        return name, ""
    if _EAST_ASIAN_NAME.search(words[0]):
        return words[0], " ".join(words[1:])
    return words[-1], " ".join(words[:-1])


def _units(line: str) -> list[str]:
    """The line cut into pieces a fold must not split: an escape pair, a character with its marks."""
    units: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            units.append(line[index : index + 2])
            index += 2
            continue
        if units and unicodedata.category(char).startswith("M"):
            units[-1] += char
        else:
            units.append(char)
        index += 1
    return units


def fold(line: str) -> str:
    """Fold a content line into lines of at most 75 octets (continuations start with a space)."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for unit in _units(line):
        width = len(unit.encode("utf-8"))
        if current and size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the continuation's leading space counts
        current += unit
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def build_vcard(basics: Basics) -> str | None:
    """The vCard for the resume owner (CRLF lines), or None with no name, email or phone."""
    name = _clean(basics.name)
    email = _clean(basics.email)
    phone = _clean(basics.phone)
    if not (name or email or phone):
        return None
    shown = name or email or phone
    family, given = split_name(name)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        "KIND:individual",
        f"FN:{escape_text(shown)}",
        f"N:{escape_component(family)};{escape_component(given)};;;",
    ]
    if _clean(basics.label):
        lines.append(f"TITLE:{escape_text(_clean(basics.label))}")
    if email:
        lines.append(f"EMAIL;TYPE=work:{escape_text(email)}")
    if phone:
        # Free-form text is TEL's default value type (RFC 6350 6.4.1): the number as written.
        lines.append(f"TEL;TYPE=voice:{escape_text(phone)}")
    url = re.sub(r"[\s]", "", _clean(basics.url))
    if url.lower().startswith(("http://", "https://")):
        lines.append(f"URL:{url}")
    location = basics.location
    if location is not None:
        parts = [location.address, location.city, location.region, location.postal_code, location.country_code]
        if any(_clean(part) for part in parts):
            lines.append("ADR;TYPE=work:;;" + ";".join(escape_component(_clean(part)) for part in parts))
    lines.append("END:VCARD")
    return "".join(fold(line) + CRLF for line in lines)
