"""What a person sees running `edgeapp` in a terminal with no display: short lines, no JSON, no
llama.cpp chatter (while the log file keeps every JSON record)."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, require_model


def read_terminal(master: int, until: str, timeout: float) -> str:
    """Everything the program printed on the terminal, until `until` shows up or time runs out."""
    seen = b""
    deadline = time.monotonic() + timeout
    while until.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the program closed the terminal
                break
    return seen.decode("utf-8", errors="replace")


@pytest.mark.model
def test_no_display_terminal_shows_short_lines_only(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update({"PORT": "0", "MODEL_PATH": str(require_model()), "XDG_CONFIG_HOME": str(tmp_path / "config")})
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "edgeapp", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    try:
        shown = read_terminal(master, " model loaded (", timeout=240)
        shown += read_terminal(master, "\n", timeout=2)  # the rest of that line
    finally:
        process.send_signal(signal.SIGINT)
        exit_code = process.wait(timeout=30)
        os.close(master)
    lines = [line for line in shown.splitlines() if line.strip()]
    assert "cannot open a window (no display" in shown
    assert "edgeapp serving http://127.0.0.1:" in shown
    assert any(line.endswith(")") and " model loaded (" in line for line in lines), lines
    assert not [line for line in lines if line.lstrip().startswith("{")], "JSON on the terminal"
    assert "llama_" not in shown and "print_info" not in shown, "llama.cpp's own output on the terminal"
    assert len(lines) <= 8, lines
    assert exit_code == 0
    logged = [json.loads(line) for line in (tmp_path / "data" / "logs" / "edgeapp.log").read_text().splitlines()]
    assert {"request", "model loaded"} <= {record["msg"] for record in logged}
    assert any(record["logger"] == "llama_cpp.native" for record in logged)
