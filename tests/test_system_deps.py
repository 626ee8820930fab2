"""Every program the app, the tests and the benchmarks run is installed by scripts/system-deps.sh.

A fresh machine has only what its image ships; a program that a test runs but no project file
installs passes here only on a machine where someone installed it by hand.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.prerequisites import PROGRAMS, in_ci

SCRIPT = ROOT / "scripts" / "system-deps.sh"
SUBPROCESS_CALLS = {"run", "Popen", "check_output", "check_call", "call"}
# Node.js (and npm with it) comes with a new machine of this kind, from its own package.
MACHINE_PROVIDED = {"npm": {"nodejs"}}


def _called_programs(path: Path) -> set[str]:
    """Program names a module runs: subprocess calls on a literal argv, shutil.which, /usr/bin paths."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = re.fullmatch(r"/usr/s?bin/([\w.+-]+)", node.value)
            if match:
                found.add(match.group(1))
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        first = node.args[0]
        if name in SUBPROCESS_CALLS and isinstance(first, ast.List) and first.elts:
            head = first.elts[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                found.add(head.value)
        if name in {"which", "require_program"} and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.add(first.value)
    return found


def called_programs() -> dict[str, list[str]]:
    """Every program name found, with the files that run it."""
    where: dict[str, list[str]] = {}
    for folder in ("edgeapp", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for program in _called_programs(path):
                where.setdefault(program, []).append(str(path.relative_to(ROOT)))
    return where


@cache
def installed_by_script(mode: str) -> frozenset[str]:
    """The Debian packages `scripts/system-deps.sh <mode>` installs."""
    listed = subprocess.run(["bash", str(SCRIPT), "list", mode], capture_output=True, text=True, check=True)
    return frozenset(listed.stdout.split())


@cache
def dependency_closure(package: str) -> frozenset[str]:
    """`package` and everything it depends on (Debian: apt-cache depends --recurse)."""
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", package],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    names = {line.strip().split(":")[-1].strip().strip("<>") for line in out.splitlines()}
    return frozenset({package, *names} - {""})


def owning_package(path: str) -> str | None:
    """The Debian package that installed `path` (following links and the /usr merge)."""
    real = str(Path(path).resolve())
    for candidate in dict.fromkeys([path, real, real.replace("/usr/", "/", 1), path.replace("/usr/", "/", 1)]):
        result = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def test_every_program_the_code_runs_is_known() -> None:
    unknown = {name: files for name, files in called_programs().items() if name not in PROGRAMS}
    unknown.pop("python", None)
    assert unknown == {}, "add these to PROGRAMS in tests/prerequisites.py and their package to system-deps.sh"


def test_the_program_scan_sees_the_window_tests_tools() -> None:
    found = called_programs()
    assert {"xdotool", "xwininfo", "import", "Xvfb", "chromium", "pdftotext", "zbarimg", "npm"} <= set(found)
    assert "tests/test_desktop_window.py" in found["xdotool"]


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_system_deps_installs_the_package_of(program: str) -> None:
    wanted = PROGRAMS[program]
    if wanted.mode == "base":
        priority = subprocess.run(
            ["dpkg-query", "-W", "-f=${Essential} ${Priority}", wanted.package], capture_output=True, text=True
        ).stdout
        assert "yes" in priority.split() or "required" in priority.split(), f"{wanted.package} is not base Debian"
        return
    if wanted.package in installed_by_script(wanted.mode):
        return
    provided_by = MACHINE_PROVIDED.get(program, set())
    path = shutil.which(program)
    assert provided_by and path and owning_package(path) in provided_by, (
        f"scripts/system-deps.sh {wanted.mode} does not install {wanted.package}, which provides {program}"
    )


@pytest.mark.parametrize("program", sorted(name for name, p in PROGRAMS.items() if p.mode != "bench"))
def test_program_comes_from_its_listed_package(program: str) -> None:
    wanted = PROGRAMS[program]
    path = shutil.which(program)
    if path is None:
        message = f"{program} is not on PATH although `make test` ran scripts/system-deps.sh {wanted.mode}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(f"{message}: run it")
    owner = owning_package(path)
    assert owner is not None, f"{path} belongs to no Debian package: installed by hand?"
    assert owner in dependency_closure(wanted.package) | MACHINE_PROVIDED.get(program, set()), (
        f"{path} comes from {owner}, not from {wanted.package} that system-deps.sh installs"
    )


def test_list_mode_prints_what_each_mode_installs() -> None:
    run, test, bench = (installed_by_script(mode) for mode in ("run", "test", "bench"))
    assert "xvfb" in run and run < test < bench
    assert "wrk" in bench - test
    failed = subprocess.run(["bash", str(SCRIPT), "list", "nonsense"], capture_output=True, text=True, check=False)
    assert failed.returncode != 0
