"""Run a command with a folder replaced by a small or read-only disk that only that command sees.

`unshare --mount` gives the command a private mount namespace (as root), where a tmpfs of the
given size is mounted over the folder; nothing outside the command sees it, and it vanishes with
the command. Scenarios that need the app in-process under such a disk live in
tests/disk_scenarios.py and print their findings as one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.prerequisites import missing, require_program


def require_mount_namespaces() -> None:
    """Skip (failing under CI) unless this process may create mount namespaces and mount tmpfs."""
    require_program("unshare")
    if os.geteuid() != 0:
        missing("root", "mounting a private tmpfs needs root (as CI runs)")


def run_on_disk(
    folder: Path,
    command: list[str],
    *,
    size_mb: int,
    prepare: str = "",
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `command` with `folder` on a fresh tmpfs of `size_mb`; `prepare` is shell run first, in it."""
    require_mount_namespaces()
    folder.mkdir(parents=True, exist_ok=True)
    script = (
        'mount -t tmpfs -o "size=$1m" edgeapp-test "$2" && (cd "$2" && '
        + (prepare or "true")
        + ') && shift 2 && exec "$@"'
    )
    return subprocess.run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            "sh",
            str(size_mb),
            str(folder),
            *command,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def run_scenario(name: str, folder: Path, *, size_mb: int, prepare: str = "", timeout: float = 300) -> dict[str, Any]:
    """Run tests.disk_scenarios NAME with DATA_DIR=`folder` on its own small disk; its JSON report."""
    result = run_on_disk(
        folder,
        [sys.executable, "-m", "tests.disk_scenarios", name, str(folder)],
        size_mb=size_mb,
        prepare=prepare,
        timeout=timeout,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        pytest.fail(f"scenario {name} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return report
