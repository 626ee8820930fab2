"""The desktop app's decisions that need no window: navigation, display detection, single instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from edgeapp.app import create_app
from edgeapp.desktop import Navigation, display_problem, navigation_decision, window_title
from edgeapp.single_instance import InstanceLock, ask_to_raise
from tests.helpers import make_settings

APP = "http://127.0.0.1:41234"


def test_same_origin_navigation_stays_in_the_window() -> None:
    decision = navigation_decision(f"{APP}/#work", app_url=APP, kiosk=True, user_initiated=True, new_window=False)
    assert decision is Navigation.ALLOW


def test_same_origin_new_window_loads_in_the_window() -> None:
    decision = navigation_decision(f"{APP}/api/resume", app_url=APP, kiosk=False, user_initiated=True, new_window=True)
    assert decision is Navigation.LOAD_IN_WINDOW


def test_other_port_on_loopback_is_another_origin() -> None:
    decision = navigation_decision(
        "http://127.0.0.1:8080/", app_url=APP, kiosk=True, user_initiated=False, new_window=False
    )
    assert decision is Navigation.BLOCK


def test_outside_link_opens_in_system_browser_on_the_desktop() -> None:
    for url in ("https://github.com/someone", "mailto:someone@example.com"):
        decision = navigation_decision(url, app_url=APP, kiosk=False, user_initiated=True, new_window=True)
        assert decision is Navigation.OPEN_EXTERNALLY


def test_outside_link_is_blocked_in_a_kiosk() -> None:
    for new_window in (False, True):
        decision = navigation_decision(
            "https://github.com/someone", app_url=APP, kiosk=True, user_initiated=True, new_window=new_window
        )
        assert decision is Navigation.BLOCK


def test_odd_schemes_are_never_opened() -> None:
    for url in ("file:///etc/passwd", "javascript:alert(1)", "chrome://settings"):
        decision = navigation_decision(url, app_url=APP, kiosk=False, user_initiated=True, new_window=False)
        assert decision is Navigation.BLOCK


def test_no_display_variables_means_no_window() -> None:
    environ: dict[str, str] = {}
    problem = display_problem(environ)
    assert problem is not None and "DISPLAY" in problem
    assert "QT_QPA_PLATFORM" not in environ


def test_unreachable_x_display_is_reported_not_attempted() -> None:
    environ = {"DISPLAY": ":987"}
    problem = display_problem(environ)
    assert problem is not None and ":987" in problem


def test_user_chosen_qt_platform_is_trusted() -> None:
    environ = {"QT_QPA_PLATFORM": "offscreen"}
    assert display_problem(environ) is None
    assert environ["QT_QPA_PLATFORM"] == "offscreen"


def test_window_title_names_the_owner(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data"), start_engine=False)
    title = window_title(app.state.edgeapp)
    assert title.endswith(" — edgeapp")
    assert len(title) > len(" — edgeapp")


def test_second_lock_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    try:
        first.publish("http://127.0.0.1:5555")
        assert not second.acquire()
        running = second.read()
        assert running is not None
        assert running.pid == os.getpid()
        assert running.url == "http://127.0.0.1:5555"
    finally:
        first.release()
    assert second.acquire()
    second.release()


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from edgeapp.single_instance import InstanceLock; "
            "lock = InstanceLock(Path(sys.argv[1])); assert lock.acquire(); lock.publish('http://127.0.0.1:1'); "
            "print('locked', flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        assert not InstanceLock(tmp_path).acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
        if holder.stdout is not None:
            holder.stdout.close()
    lock = InstanceLock(tmp_path)
    assert lock.acquire()
    running = lock.read()
    assert running is not None and running.pid == os.getpid() and running.url is None
    lock.release()


def test_raise_request_is_never_sent_to_ourselves() -> None:
    assert not ask_to_raise(os.getpid())
    assert not ask_to_raise(0)
