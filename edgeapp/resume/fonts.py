"""Which Unicode fonts the PDF embeds, where their files are, and which a given text needs.

The list is data (`fonts.json`): a body font for Latin, Greek and Cyrillic, then fallbacks for
other scripts, each with the Debian package that provides it. Files are found in the owner's
PDF_FONT_DIRS, the app's bundled fonts folder (a PyInstaller build copies them there), then the
folders the Debian packages install to.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

STYLES = ("", "B", "I")
"""Regular, bold and italic, as fpdf2 names them."""

_SKIPPED_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}
"""Spaces, controls and format characters (joiners, marks of direction): no glyph needed."""


@dataclass(frozen=True)
class FaceRule:
    """Use collection face `face` when the text has a character in [first, last]."""

    face: int
    first: int
    last: int


@dataclass(frozen=True)
class FontFamily:
    """One font family: a file per style, the Debian package that has them, the face rules."""

    name: str
    package: str
    styles: dict[str, str]
    default_face: int = 0
    face_rules: tuple[FaceRule, ...] = ()

    def face_for(self, characters: Iterable[str]) -> int:
        """The collection face to use (e.g. Japanese glyph forms when there is kana)."""
        codes = {ord(char) for char in characters}
        for rule in self.face_rules:
            if any(rule.first <= code <= rule.last for code in codes):
                return rule.face
        return self.default_face


@dataclass(frozen=True)
class FontCatalogue:
    """The body font, the fallbacks in order, the search folders and each package's licence."""

    body: FontFamily
    fallbacks: tuple[FontFamily, ...]
    search_dirs: tuple[Path, ...]
    packages: dict[str, dict[str, str]]

    def families(self) -> tuple[FontFamily, ...]:
        """The body font and every fallback."""
        return (self.body, *self.fallbacks)


def _family(raw: dict[str, Any]) -> FontFamily:
    faces = raw.get("faces", {})
    rules = tuple(
        FaceRule(int(rule["face"]), int(rule["first"], 16), int(rule["last"], 16)) for rule in faces.get("by_range", [])
    )
    return FontFamily(
        name=raw["name"],
        package=raw["package"],
        styles=dict(raw["styles"]),
        default_face=int(faces.get("default", 0)),
        face_rules=rules,
    )


def load_catalogue() -> FontCatalogue:
    """Read `fonts.json` from the package."""
    raw = json.loads(resources.files("edgeapp.resume").joinpath("fonts.json").read_text(encoding="utf-8"))
    return FontCatalogue(
        body=_family(raw["body"]),
        fallbacks=tuple(_family(item) for item in raw["fallbacks"]),
        search_dirs=tuple(Path(folder) for folder in raw["search_dirs"]),
        packages={name: dict(info) for name, info in raw["packages"].items()},
    )


def bundled_font_dir() -> Path:
    """Where a packaged app keeps its fonts (`edgeapp/resume/fonts/`; absent in a checkout)."""
    traversable = resources.files("edgeapp.resume").joinpath("fonts")
    if isinstance(traversable, Path):
        return traversable
    return Path(__file__).resolve().parent / "fonts"


def font_dirs(extra: Sequence[Path] = ()) -> list[Path]:
    """The folders searched for font files, in order."""
    return [*extra, bundled_font_dir(), *load_catalogue().search_dirs]


def find_font_file(file_name: str, dirs: Sequence[Path]) -> Path | None:
    """The first `dirs/file_name` that is a file."""
    for folder in dirs:
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class LocatedFamily:
    """A family whose files were found: style -> path, and the face to use."""

    family: FontFamily
    files: dict[str, Path]
    face: int = 0


def locate(family: FontFamily, dirs: Sequence[Path]) -> LocatedFamily | None:
    """The family's files, or None when its regular style is missing."""
    files = {}
    for style, file_name in family.styles.items():
        path = find_font_file(file_name, dirs)
        if path is not None:
            files[style] = path
    if "" not in files:
        return None
    return LocatedFamily(family, files, family.default_face)


def missing_body_fonts(dirs: Sequence[Path]) -> list[str]:
    """Body font files that are not found, each with the Debian package that provides it."""
    body = load_catalogue().body
    return [
        f"{file_name} (Debian package {body.package})"
        for file_name in body.styles.values()
        if find_font_file(file_name, dirs) is None
    ]


@cache
def _coverage(path: Path, face: int, size: int, mtime_ns: int) -> frozenset[int]:
    # Only the cmap table is read (lazily), so even the CJK collection takes a fraction of a second.
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True, fontNumber=face)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def coverage(path: Path, face: int = 0) -> frozenset[int]:
    """The code points a font file (face `face` of a collection) has glyphs for."""
    info = path.stat()
    return _coverage(path, face, info.st_size, info.st_mtime_ns)


def needs_glyph(char: str) -> bool:
    """Whether a character is drawn (spaces, controls and joiners are not)."""
    return unicodedata.category(char) not in _SKIPPED_CATEGORIES


@dataclass(frozen=True)
class FontPlan:
    """The fonts one text needs: the body, the fallbacks in use, and characters no font has."""

    body: LocatedFamily
    fallbacks: tuple[LocatedFamily, ...]
    uncovered: frozenset[str]


def plan_fonts(text: str, dirs: Sequence[Path]) -> FontPlan | None:
    """Choose the fallbacks `text` needs; None when the body font itself is missing."""
    catalogue = load_catalogue()
    body = locate(catalogue.body, dirs)
    if body is None:
        return None
    wanted = {char for char in set(text) if needs_glyph(char)}
    remaining = {char for char in wanted if ord(char) not in coverage(body.files[""])}
    chosen: list[LocatedFamily] = []
    for family in catalogue.fallbacks:
        if not remaining:
            break
        located = locate(family, dirs)
        if located is None:
            continue
        face = family.face_for(wanted)
        covered = {char for char in remaining if ord(char) in coverage(located.files[""], face)}
        if covered:
            chosen.append(LocatedFamily(family, located.files, face))
            remaining -= covered
    return FontPlan(body, tuple(chosen), frozenset(remaining))


def bundle_files(dirs: Sequence[Path] | None = None) -> tuple[list[Path], list[str]]:
    """Every font file of the catalogue (for the packaged app), and those not found."""
    search = list(dirs) if dirs is not None else list(load_catalogue().search_dirs)
    found: list[Path] = []
    missing: list[str] = []
    for family in load_catalogue().families():
        for file_name in family.styles.values():
            path = find_font_file(file_name, search)
            if path is None:
                missing.append(f"{file_name} (Debian package {family.package})")
            else:
                found.append(path)
    return found, missing
