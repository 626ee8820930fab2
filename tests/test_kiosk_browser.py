"""`edgeapp serve --kiosk --browser`: the Chromium command line and its non-blocking launch."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from edgeapp import kiosk_browser
from edgeapp.kiosk_browser import kiosk_command, launch_kiosk_browser


def test_kiosk_command_is_an_incognito_kiosk_without_prompts(tmp_path: Path) -> None:
    command = kiosk_command("/usr/bin/chromium", "http://127.0.0.1:8765", profile_dir=tmp_path, as_root=False)
    assert command[0] == "/usr/bin/chromium"
    assert command[-1] == "http://127.0.0.1:8765"
    for flag in ("--kiosk", "--incognito", "--no-first-run", "--disable-pinch", "--noerrdialogs"):
        assert flag in command
    assert any(flag.startswith("--disable-features=") and "Translate" in flag for flag in command)
    assert f"--user-data-dir={tmp_path}" in command
    assert "--no-sandbox" not in command


def test_kiosk_command_as_root_turns_the_sandbox_off(tmp_path: Path) -> None:
    command = kiosk_command("chromium", "http://127.0.0.1:1", profile_dir=tmp_path, as_root=True)
    assert "--no-sandbox" in command


def test_launch_returns_at_once_and_passes_the_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "argv.txt"
    fake = bin_dir / "chromium"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}.tmp\nmv {record}.tmp {record}\nexec sleep 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setattr(kiosk_browser, "kiosk_profile_dir", lambda: tmp_path / "profile")
    started = time.monotonic()
    launch_kiosk_browser("http://127.0.0.1:9999")
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    argv = record.read_text().splitlines()
    assert argv[-1] == "http://127.0.0.1:9999"
    assert "--kiosk" in argv
    assert (tmp_path / "profile").is_dir()


def test_missing_chromium_is_logged_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with caplog.at_level(logging.ERROR, logger="edgeapp.kiosk_browser"):
        launch_kiosk_browser("http://127.0.0.1:9999")
    assert any("no Chromium found" in record.getMessage() for record in caplog.records)
