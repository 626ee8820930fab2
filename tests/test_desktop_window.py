"""The real desktop app in a subprocess: a Qt window under Xvfb, kiosk, single instance, headless fallback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.startup import xvfb as start_xvfb
from tests.helpers import ROOT, require_model
from tests.prerequisites import require_program
from tests.window_probe import NAVIGATE_ENV, REPORT_ENV

ARTIFACTS = ROOT / "tests" / "artifacts"
OUTSIDE_URL = "http://example.invalid/outside"
SCREEN = (1280, 800)


@dataclass
class Launch:
    """One `python -m edgeapp` subprocess and where its output and report go."""

    process: subprocess.Popen[bytes]
    started: float
    report_path: Path
    stdout_path: Path
    stderr_path: Path

    def report(self, timeout: float = 60) -> dict[str, Any]:
        """The window's test report, once written (fails early when the app dies)."""
        deadline = time.monotonic() + timeout
        while not self.report_path.exists():
            if self.process.poll() is not None:
                pytest.fail(f"edgeapp exited with {self.process.returncode}:\n{self.stderr_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no window report after {timeout} s:\n{self.stderr_tail()}")
            time.sleep(0.1)
        data: dict[str, Any] = json.loads(self.report_path.read_text())
        return data

    def stdout(self) -> str:
        """Everything printed so far."""
        return self.stdout_path.read_text(errors="replace")

    def stderr_tail(self) -> str:
        """The end of the log output, for failure messages."""
        return self.stderr_path.read_text(errors="replace")[-4000:]

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM and wait: the app must close its window and exit by itself."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private X server on a display number Xvfb picks itself; killed after the test."""
    require_program("Xvfb")
    with start_xvfb(*SCREEN) as display:
        yield display


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Any]:
    """Start edgeapp subprocesses; any still running at the end are killed."""
    launched: list[Launch] = []

    def launch(*args: str, display: str | None, name: str = "app", data_dir: Path | None = None, **env: str) -> Launch:
        environ = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
        if display is not None:
            environ["DISPLAY"] = display
        # an outside link handed to "the system browser" is only recorded
        recorder = tmp_path / f"{name}-browser.sh"
        recorder.write_text(f'#!/bin/sh\necho "$1" >> {tmp_path / f"{name}-browser.txt"}\n')
        recorder.chmod(0o755)
        environ.update({"BROWSER": f"{recorder} %s", REPORT_ENV: str(tmp_path / f"{name}.json"), **env})
        stdout_path, stderr_path = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
        # the app itself, wrapped by the test probe that reports what its window shows
        command = [sys.executable, "-m", "tests.window_probe", "--data-dir", str(data_dir or tmp_path / "data"), *args]
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            started = time.time()
            process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=out, stderr=err)
        launch_ = Launch(process, started, tmp_path / f"{name}.json", stdout_path, stderr_path)
        launched.append(launch_)
        return launch_

    yield launch
    for item in launched:
        if item.process.poll() is None:
            item.process.kill()
            item.process.wait(timeout=10)


def screenshot(display: str, name: str) -> Path:
    """The whole X screen as tests/artifacts/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    require_program("import")
    subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True, timeout=30)
    return path


def record_timing(name: str, launch: Launch, report: dict[str, Any]) -> None:
    """Keep the launch-to-loaded numbers beside the screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    timing = {
        "process_start_to_loaded_s": report["loaded_after_process_start_s"],
        "run_desktop_to_shown_s": report["shown_after_run_s"],
        "run_desktop_to_loaded_s": report["loaded_after_run_s"],
    }
    (ARTIFACTS / f"{name}-timing.json").write_text(json.dumps(timing, indent=2))
    print(f"{name}: {timing}")


def wait_for_log(launch: Launch, message: str, timeout: float = 20) -> None:
    """Wait until the app's JSON log has a record with `message` (fails early when the app dies)."""
    deadline = time.monotonic() + timeout
    while f'"msg": "{message}"' not in launch.stderr_path.read_text(errors="replace"):
        if launch.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"no {message!r} log record (exit {launch.process.poll()}):\n{launch.stderr_tail()}")
        time.sleep(0.05)


def wait_exit(launch: Launch, timeout: float = 20) -> int:
    """The exit code once the process ends by itself."""
    return launch.process.wait(timeout=timeout)


def client() -> httpx.Client:
    """An HTTP client that ignores any proxy settings."""
    return httpx.Client(trust_env=False, timeout=10)


@pytest.mark.gui
def test_window_shows_the_resume_and_sigterm_exits_cleanly(xvfb: str, launcher: Any) -> None:
    app = launcher("--no-model", display=xvfb, **{NAVIGATE_ENV: OUTSIDE_URL})
    report = app.report()
    assert report["resume_rendered"] is True
    assert report["kiosk"] is False
    assert report["window_title"].endswith(" — edgeapp")
    assert report["title"]
    # the page tried to leave: the window stayed, the URL went to the system browser instead
    assert report["navigation_decided"] is True
    assert report["navigation_decision"] == "open_externally"
    assert report["href_after_navigation"].startswith(report["url"])
    assert report["window_url_after_navigation"].startswith(report["url"])
    browser_log = app.report_path.with_name("app-browser.txt")
    deadline = time.monotonic() + 5
    while not browser_log.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser_log.read_text().split() == [OUTSIDE_URL]
    screenshot(xvfb, "desktop-window")
    record_timing("desktop-window", app, report)
    assert app.stop() == 0
    assert "Traceback" not in app.stderr_tail()


@pytest.mark.gui
@pytest.mark.model
def test_window_with_the_real_model_loads_it_after_showing(xvfb: str, launcher: Any) -> None:
    model = require_model()
    app = launcher("--model", str(model), display=xvfb)
    report = app.report(timeout=90)
    assert report["resume_rendered"] is True
    with client() as http:
        # ready means loaded and the resume prefix evaluated: slow on a busy 2-core machine
        deadline = time.monotonic() + 240
        status = ""
        while time.monotonic() < deadline:
            status = http.get(f"{report['url']}/api/health").json()["model"]["status"]
            if status in {"ready", "unavailable"}:
                break
            time.sleep(0.5)
    assert status == "ready"
    log = app.stderr_path.read_text(errors="replace")
    assert log.index('"msg": "window loaded"') < log.index('"msg": "model loaded"')
    screenshot(xvfb, "desktop-window-model")
    record_timing("desktop-window-model", app, report)
    assert app.stop() == 0


@pytest.mark.gui
def test_second_launch_reports_the_running_app_and_starts_no_server(xvfb: str, launcher: Any, tmp_path: Path) -> None:
    first = launcher("--no-model", display=xvfb, name="first")
    report = first.report()
    second = launcher("--no-model", display=xvfb, name="second")
    assert wait_exit(second, timeout=30) == 0
    assert f"edgeapp is already running at {report['url']}" in second.stdout()
    assert not second.report_path.exists()
    assert "edgeapp serving" not in second.stdout()
    # the first one was asked to come forward (SIGUSR1) and is still serving
    wait_for_log(first, "raising the window for a second launch")
    assert first.process.poll() is None
    with client() as http:
        assert http.get(f"{report['url']}/api/health").status_code == 200
    assert first.stop() == 0
    # with the first gone its lock is free again: a third launch opens its own window and serves
    third = launcher("--no-model", display=xvfb, name="third")
    third_report = third.report()
    assert report["pid"] == first.process.pid and third_report["pid"] == third.process.pid
    assert third_report["resume_rendered"] is True
    with client() as http:
        assert http.get(f"{third_report['url']}/api/health").status_code == 200
    assert third.stop() == 0


def test_without_a_display_it_serves_in_the_terminal(launcher: Any) -> None:
    app = launcher("--no-model", display=None)
    deadline = time.monotonic() + 60
    match = None
    while match is None and time.monotonic() < deadline:
        if app.process.poll() is not None:
            pytest.fail(f"edgeapp exited with {app.process.returncode}:\n{app.stderr_tail()}")
        match = re.search(r"edgeapp serving (http://127\.0\.0\.1:\d+)", app.stdout())
        time.sleep(0.1)
    assert match is not None, app.stdout()
    assert "cannot open a window (no display" in app.stdout()
    with client() as http:
        assert http.get(f"{match.group(1)}/api/health").status_code == 200
    assert app.stop() == 0


def _window_geometry(display: str) -> tuple[int, int]:
    env = {**os.environ, "DISPLAY": display}
    require_program("xdotool")
    require_program("xwininfo")
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "edgeapp"], env=env, capture_output=True, text=True, timeout=10
    )
    window_id = found.stdout.split()[0]
    info = subprocess.run(["xwininfo", "-id", window_id], env=env, capture_output=True, text=True, timeout=10).stdout
    width = int(re.search(r"Width: (\d+)", info).group(1))  # type: ignore[union-attr]
    height = int(re.search(r"Height: (\d+)", info).group(1))  # type: ignore[union-attr]
    return width, height


@pytest.mark.gui
def test_kiosk_is_fullscreen_stays_put_and_closes_with_the_pin(xvfb: str, launcher: Any) -> None:
    app = launcher("--no-model", "--kiosk", display=xvfb, KIOSK_PIN="7391", **{NAVIGATE_ENV: OUTSIDE_URL})
    report = app.report()
    assert report["kiosk"] is True
    assert report["resume_rendered"] is True
    assert _window_geometry(xvfb) == SCREEN
    # an outside URL neither replaces the page nor opens any browser
    assert report["navigation_decided"] is True
    assert report["navigation_decision"] == "block"
    assert report["href_after_navigation"].startswith(report["url"])
    assert report["window_url_after_navigation"].startswith(report["url"])
    assert not app.report_path.with_name("app-browser.txt").exists()
    screenshot(xvfb, "kiosk-window")
    record_timing("kiosk-window", app, report)
    with client() as http:
        config = http.get(f"{report['url']}/api/client_config").json()
        assert config["kiosk"]["enabled"] is True
        headers = {"X-EdgeApp-Token": config["csrf_token"]}
        wrong = http.post(f"{report['url']}/api/kiosk/exit", json={"pin": "0000"}, headers=headers)
        assert wrong.status_code == 403
        # an exit would have been asked for (and logged) before the answer came back
        assert '"msg": "kiosk exit requested"' not in app.stderr_path.read_text()
        assert app.process.poll() is None
        right = http.post(f"{report['url']}/api/kiosk/exit", json={"pin": "7391"}, headers=headers)
        assert right.status_code == 200
    assert wait_exit(app) == 0
