"""What the tests need from the machine, and what happens when it is missing.

Every program a test or the app runs is listed in PROGRAMS with the Debian package that provides
it; `scripts/system-deps.sh` installs those packages (tests/test_system_deps.py keeps the two in
step). Outside CI a missing prerequisite skips the test with what to install; with CI=true it is
a failure that names it, so a green CI run never hides an untested part.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest


@dataclass(frozen=True)
class Program:
    """An external program: the Debian package that provides it and the install mode that installs it."""

    package: str
    mode: str = "test"  # scripts/system-deps.sh run|test|bench, or "base": part of every Debian system


PROGRAMS: dict[str, Program] = {
    # Debian's required packages, on every system
    "bash": Program("bash", mode="base"),
    "apt-cache": Program("apt", mode="base"),
    "dpkg-query": Program("dpkg", mode="base"),
    # the desktop window (make run) and its tests
    "Xvfb": Program("xvfb"),
    "xdotool": Program("xdotool"),
    "xwininfo": Program("x11-utils"),
    "import": Program("imagemagick"),
    # the kiosk browser (edgeapp serve --kiosk --browser) and the browser tests
    "chromium": Program("chromium"),
    # reading what the app produced: PDF text, QR codes
    "pdftotext": Program("poppler-utils"),
    "pdftoppm": Program("poppler-utils"),
    "zbarimg": Program("zbar-tools"),
    "rsvg-convert": Program("librsvg2-bin"),
    # the JSON Resume example resumes come from the npm registry
    "npm": Program("npm"),
    # the PyInstaller bundle's offline smoke test
    "unshare": Program("util-linux"),
    "ip": Program("iproute2"),
    "objdump": Program("binutils"),
    # the shared-database tests: a throwaway PostgreSQL cluster (Debian package postgresql, whose
    # initdb, pg_ctl, psql and createdb sit off PATH in /usr/lib/postgresql/N/bin), run as the
    # postgres user when root
    "runuser": Program("util-linux"),
    # benchmarks only
    "wrk": Program("wrk", mode="bench"),
    "cmake": Program("cmake", mode="bench"),  # scripts/build-llama-server.sh
}


def in_ci() -> bool:
    """CI=true (as CI sets it): a missing prerequisite is a failure there, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(what: str, how: str, *, module_level: bool = False) -> NoReturn:
    """Skip (outside CI) or fail (CI=true), saying what is missing and how to install it."""
    message = f"{what} is missing: {how}"
    if in_ci():
        pytest.fail(f"CI=true and a prerequisite {message}", pytrace=False)
    pytest.skip(message, allow_module_level=module_level)


def install_hint(program: str) -> str:
    """How to get `program` on Debian."""
    known = PROGRAMS.get(program)
    package = known.package if known else program
    mode = known.mode if known else "test"
    return f"run `scripts/system-deps.sh {mode}` (Debian package {package})"


def require_program(program: str) -> str:
    """The path of `program` on PATH, or skip/fail naming its Debian package."""
    found = shutil.which(program)
    if found is None:
        missing(f"the program {program}", install_hint(program))
    return found


def require_file(path: Path, how: str, *, module_level: bool = False) -> Path:
    """`path` when it exists, or skip/fail saying how to get it."""
    if not path.exists():
        missing(str(path), how, module_level=module_level)
    return path


SHARED_HINT = "clone the project beside the shared/ reference folder, so that ../shared resolves"
