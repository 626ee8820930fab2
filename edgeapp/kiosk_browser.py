"""Start Chromium as a fullscreen kiosk on the served page (for `edgeapp serve --kiosk --browser`)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from pathlib import Path

import platformdirs

from edgeapp.config import APP_NAME

logger = logging.getLogger(__name__)

BROWSER_NAMES = ("chromium", "chromium-browser")

# Each flag removes something a visitor could trip over: first-run and default-browser
# prompts, the translate bar, "restore pages?" and crash bubbles, pinch zoom and swipe
# navigation, update and sign-in nags, and the keyring password prompt on login-less boots.
KIOSK_FLAGS = (
    "--kiosk",
    "--incognito",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-translate",
    "--disable-features=Translate,TranslateUI,MediaRouter,OverscrollHistoryNavigation",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--noerrdialogs",
    "--disable-infobars",
    "--disable-session-crashed-bubble",
    "--disable-component-update",
    "--disable-sync",
    "--check-for-update-interval=31536000",
    "--password-store=basic",
    "--autoplay-policy=no-user-gesture-required",
    "--ozone-platform-hint=auto",
)


def find_browser() -> str | None:
    """The first Chromium found on PATH (`chromium`, then Raspberry Pi OS's `chromium-browser`)."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def kiosk_profile_dir() -> Path:
    """A profile of its own, so a Chromium already running elsewhere cannot swallow the kiosk window."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "kiosk-browser"


def kiosk_command(browser: str, url: str, *, profile_dir: Path, as_root: bool) -> list[str]:
    """The Chromium command line for a kiosk on `url`."""
    command = [browser, *KIOSK_FLAGS, f"--user-data-dir={profile_dir}"]
    if as_root:
        command.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox on
    command.append(url)
    return command


def launch_kiosk_browser(url: str) -> None:
    """Start Chromium in kiosk mode on `url` and return at once; log (never raise) when it cannot."""
    browser = find_browser()
    if browser is None:
        logger.error(
            "no Chromium found for the kiosk: install `chromium` (or `chromium-browser`) or open the URL yourself",
            extra={"url": url},
        )
        return
    profile_dir = kiosk_profile_dir()
    profile_dir.mkdir(parents=True, exist_ok=True)
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = kiosk_command(browser, url, profile_dir=profile_dir, as_root=as_root)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl+C in the server's terminal must not kill the browser first
        )
    except OSError as exc:
        logger.error("could not start the kiosk browser", extra={"browser": browser, "error": str(exc)})
        return
    logger.info("kiosk browser started", extra={"browser": browser, "pid": process.pid, "url": url})
    threading.Thread(target=_reap, args=(process,), name="edgeapp-kiosk-browser", daemon=True).start()


def _reap(process: subprocess.Popen[bytes]) -> None:
    # waiting collects the exit status, so a closed browser leaves no zombie behind
    code = process.wait()
    logger.info("kiosk browser exited", extra={"pid": process.pid, "code": code})
