"""Real resumes shipped by the JSON Resume schema's npm package load and round-trip unchanged."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

from edgeapp.resume import load_resume
from tests.prerequisites import missing, require_program

PACKAGE = "@jsonresume/schema"


def _fetch_package(destination: Path) -> Path:
    npm = require_program("npm")
    try:
        result = subprocess.run(
            [npm, "pack", PACKAGE, "--pack-destination", str(destination), "--silent"],
            cwd=destination,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        missing(f"the npm package {PACKAGE}", "npm pack timed out: is the npm registry reachable?")
    tarballs = sorted(destination.glob("*.tgz"))
    if result.returncode != 0 or not tarballs:
        missing(f"the npm package {PACKAGE}", f"npm pack failed (registry unreachable?): {result.stderr[-300:]}")
    unpacked = destination / "unpacked"
    with tarfile.open(tarballs[0]) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            archive.extractall(unpacked, filter="data")
        else:  # the same refusals, by hand: nothing outside the folder, no links, no devices
            for member in archive.getmembers():
                target = (unpacked / member.name).resolve()
                assert target.is_relative_to(unpacked.resolve()) and (member.isfile() or member.isdir()), member.name
            archive.extractall(unpacked)  # every member was checked above
    return unpacked / "package"


def test_every_example_resume_in_the_schema_package_is_accepted(tmp_path: Path) -> None:
    package = _fetch_package(tmp_path)
    resumes = sorted(package.rglob("*.resume.json"))
    examples = [path for path in resumes if path.parent.name == "examples"]
    assert examples, f"no example resumes in {PACKAGE}: {sorted(package.rglob('*'))}"
    for path in resumes:
        resume = load_resume(path)
        original = json.loads(path.read_text(encoding="utf-8"))
        assert resume.model_dump(by_alias=True, exclude_none=True) == original, path.name
