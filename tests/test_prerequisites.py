"""A missing prerequisite: a skip naming what to install, or under CI=true a failure naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.prerequisites import PROGRAMS, in_ci, install_hint, require_file, require_program

PYTEST_FAILED = pytest.fail.Exception
PYTEST_SKIPPED = pytest.skip.Exception


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("", False), ("false", False)])
def test_ci_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci() is expected


def test_missing_program_skips_naming_its_package_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PYTEST_SKIPPED, match=r"zbarimg is missing: run `scripts/system-deps.sh test` .*zbar-tools"):
        require_program("zbarimg")


def test_missing_program_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PYTEST_FAILED, match=r"CI=true and a prerequisite the program chromium is missing"):
        require_program("chromium")


def test_missing_file_fails_under_ci_with_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(PYTEST_FAILED, match="clone beside shared"):
        require_file(tmp_path / "shared", "clone beside shared")
    assert require_file(tmp_path, "never shown") == tmp_path


def test_every_hint_names_a_mode_of_the_install_script() -> None:
    for program, wanted in PROGRAMS.items():
        if wanted.mode != "base":
            assert f"scripts/system-deps.sh {wanted.mode}" in install_hint(program)
