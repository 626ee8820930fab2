"""The desktop app with a test probe: once the window has loaded, write what it shows to a report.

Run as `python -m tests.window_probe <edgeapp arguments>` with EDGEAPP_PROBE_REPORT naming the
JSON report to write and, optionally, EDGEAPP_PROBE_NAVIGATE a URL the page then tries to leave
for. The probe wraps the app from outside, so the shipped app carries no test hooks.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from edgeapp import desktop
from edgeapp.__main__ import main

REPORT_ENV = "EDGEAPP_PROBE_REPORT"
NAVIGATE_ENV = "EDGEAPP_PROBE_NAVIGATE"
RENDERED_JS = "document.querySelector('[data-path=\"work[0]\"]') !== null"


def evaluate(window: desktop.DesktopWindow, expression: str) -> Any:
    """The JSON value of a JavaScript expression in the window's page."""
    # The page's CSP forbids eval(), which Window.evaluate_js wraps scripts in; the GUI
    # backend's own evaluate runs the script as is.
    return window.window.gui.evaluate_js(f"JSON.stringify({expression})", window.window.uid)


def wait_for(condition: Any, timeout: float) -> bool:
    """Poll `condition()` until it is true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def install(report_path: Path, navigate_to: str | None) -> None:
    """Wrap the window so that it writes `report_path` once loaded."""
    decided = threading.Event()
    decisions: list[str] = []
    decide = desktop.navigation_decision

    def watched_decision(url: str, **kwargs: Any) -> desktop.Navigation:
        decision = decide(url, **kwargs)
        if url == navigate_to:
            decisions.append(decision.value)
            decided.set()
        return decision

    desktop.navigation_decision = watched_decision  # the navigation guard looks it up per request
    after_start = desktop.DesktopWindow._after_start

    def after_start_then_report(window: desktop.DesktopWindow) -> None:
        after_start(window)
        if window.shown_after is None:
            return
        rendered = wait_for(lambda: evaluate(window, RENDERED_JS) is True, timeout=20)
        report: dict[str, Any] = {
            "pid": os.getpid(),
            "url": window.url,
            "kiosk": window.kiosk,
            "title": evaluate(window, "document.title"),
            "window_title": window.window.title,
            "resume_rendered": rendered,
            "shown_after_run_s": window.shown_after,
            "loaded_after_run_s": window.loaded_after,
            "loaded_after_process_start_s": window.loaded_since_process_start,
        }
        if navigate_to:
            evaluate(window, f"(location.href = {json.dumps(navigate_to)})")
            report["navigation_decided"] = decided.wait(20)
            report["navigation_decision"] = decisions[0] if decisions else None
            report["href_after_navigation"] = evaluate(window, "location.href")
            report["window_url_after_navigation"] = window.window.get_current_url()
        partial = report_path.with_suffix(".partial")
        partial.write_text(json.dumps(report, indent=2))
        partial.replace(report_path)

    desktop.DesktopWindow._after_start = after_start_then_report  # type: ignore[method-assign,assignment]


if __name__ == "__main__":
    install(Path(os.environ[REPORT_ENV]), os.environ.get(NAVIGATE_ENV) or None)
    sys.exit(main(sys.argv[1:]))
