"""Every start-up failure is one or two plain lines naming the file or setting, exit code non-zero."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.isolated_disk import run_on_disk


def serve(data_dir: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`edgeapp serve` on a free port with `data_dir`, expected to stop at once."""
    import os

    command = [sys.executable, "-m", "edgeapp", "serve", "--port", "0", "--no-model", "--data-dir", str(data_dir)]
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, timeout=60, cwd=ROOT, env={**os.environ, **(env or {})}
    )


def plain_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What stderr says to a person: every line that is not a JSON log record."""
    return [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("{")]


def assert_clear_failure(result: subprocess.CompletedProcess[str], *named: str) -> str:
    """Non-zero exit, no traceback, one or two plain lines that name each of `named`."""
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = plain_lines(result)
    assert 1 <= len(lines) <= 2 and lines[0].startswith("error: "), lines
    message = "\n".join(lines)
    for word in named:
        assert word in message, message
    return message


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    tmp_path.joinpath("edgeapp.sqlite3").write_bytes(b"this is no SQLite file " * 100)
    message = assert_clear_failure(serve(tmp_path), str(tmp_path / "edgeapp.sqlite3"), "damaged", "Move it aside")
    assert "file is not a database" in message


def test_a_database_from_a_newer_edgeapp(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "edgeapp.sqlite3") as conn:
        conn.execute("PRAGMA user_version = 99")
    assert_clear_failure(serve(tmp_path), str(tmp_path / "edgeapp.sqlite3"), "newer edgeapp", "v99", "Upgrade")


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("")
    assert_clear_failure(serve(target), str(target), "not a folder", "--data-dir")


def test_invalid_setting_names_the_variable(tmp_path: Path) -> None:
    result = serve(tmp_path, env={"N_CTX": "lots"})
    assert result.returncode == 2
    assert_clear_failure(result, "N_CTX")


def _on_disk(tmp_path: Path, *, size_mb: int, prepare: str) -> subprocess.CompletedProcess[str]:
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "edgeapp", "serve", "--port", "0", "--no-model", "--data-dir", str(data_dir)]
    return run_on_disk(data_dir, command, size_mb=size_mb, prepare=prepare, timeout=60)


def test_a_read_only_data_dir(tmp_path: Path) -> None:
    result = _on_disk(tmp_path, size_mb=4, prepare='mount -o remount,ro "$PWD"')
    assert_clear_failure(result, f"DATA_DIR {tmp_path / 'data'}", "Read-only file system", "--data-dir")


def test_a_full_disk(tmp_path: Path) -> None:
    fill = "dd if=/dev/zero of=filler bs=64k 2>/dev/null; dd if=/dev/zero of=filler2 bs=512 2>/dev/null; true"
    result = _on_disk(tmp_path, size_mb=1, prepare=fill)
    assert_clear_failure(result, "no space left", str(tmp_path / "data"))


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(tmp_path: Path, where: str) -> None:
    tmp_path.joinpath("edgeapp.sqlite3").write_bytes(b"this is no SQLite file " * 100)
    command = [sys.executable, "-m", "edgeapp"]
    serve_args = ["serve", "--port", "0", "--no-model", "--data-dir", str(tmp_path)]
    argv = [*command, "--debug", *serve_args] if where == "before" else [*command, *serve_args, "--debug"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "error: the database" in result.stderr
