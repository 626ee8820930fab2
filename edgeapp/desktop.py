"""The desktop app: the server on a free loopback port, a Qt webview window on it, one per data dir."""

from __future__ import annotations

import ctypes
import enum
import importlib.util
import logging
import os
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, MutableMapping
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from urllib.parse import urlsplit

from edgeapp.config import Settings
from edgeapp.kiosk_pin import generated_pin_notice
from edgeapp.logs import configure_logging
from edgeapp.server import BackgroundServer, PortBusy, bind_socket
from edgeapp.single_instance import InstanceLock, ask_to_raise
from edgeapp.state import AppState

logger = logging.getLogger(__name__)

WINDOW_SIZE = (1200, 820)
MIN_WINDOW_SIZE = (720, 520)
LOOPBACK = "127.0.0.1"


def _say(message: str) -> None:
    """A line for the person at the terminal (the CLI's voice, not a log record)."""
    print(message, flush=True)


def run_desktop(settings: Settings) -> int:
    """Open the portfolio window (kiosk when `settings.kiosk`); serve in the terminal without a display."""
    launched = time.perf_counter()
    configure_logging(
        settings.log_level, settings.log_dir, max_bytes=settings.log_max_bytes, backups=settings.log_backups
    )
    lock = InstanceLock(settings.data_dir)
    if not lock.acquire():
        return _report_running(lock)
    try:
        return _serve_and_show(settings, lock, launched)
    finally:
        lock.release()


def _report_running(lock: InstanceLock) -> int:
    running = lock.wait_for_url()
    if running is not None and running.url:
        _say(f"edgeapp is already running at {running.url}")
    else:
        _say(f"edgeapp is already running (it holds {lock.path})")
    if running is not None:
        ask_to_raise(running.pid)
    return 0


def _serve_and_show(settings: Settings, lock: InstanceLock, launched: float) -> int:
    from edgeapp.app import create_app

    try:
        # The configured port first, so the page's origin (and its stored visitor id, hence the
        # owner's chat history) stays the same across launches; any free port when it is taken.
        # Binding before anything else means a window never opens on a server that could not start.
        try:
            sock = bind_socket(LOOPBACK, settings.port)
        except PortBusy:
            sock = bind_socket(LOOPBACK, 0)
    except PortBusy as exc:
        _say(f"error: {exc}")
        return 2
    app = create_app(settings, start_engine=False)
    state: AppState = app.state.edgeapp
    if state.kiosk_pin_generated and state.kiosk_pin:
        _say(generated_pin_notice(state.kiosk_pin, settings.data_dir))
    server = BackgroundServer(app, sock, log_level=settings.log_level)
    try:
        server.start()
        wait_until_answering(server.url)
        lock.publish(server.url)
        problem = display_problem(os.environ)
        if problem is None:
            window = DesktopWindow(settings, state, server.url, launched)
            problem = window.run()
        if problem is None:
            return 0
        _say(f"edgeapp: cannot open a window ({problem}); serving in this terminal instead.")
        state.engine.start()
        return serve_in_terminal(server.url)
    finally:
        server.stop()


def wait_until_answering(url: str, timeout: float = 15.0) -> None:
    """Block until the server answers HTTP (any status: 503 while the model loads counts)."""
    import http.client

    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(parts.hostname or LOOPBACK, parts.port, timeout=2)
        try:
            connection.request("GET", "/api/health")
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        finally:
            connection.close()


def serve_in_terminal(url: str) -> int:
    """Keep serving until Ctrl+C or SIGTERM."""
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    _say(f"edgeapp serving {url}  (Ctrl+C to stop)")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


# --- display detection ------------------------------------------------------------------------


def display_problem(environ: MutableMapping[str, str]) -> str | None:
    """Why no window can open here, or None; picks QT_QPA_PLATFORM when the user has not.

    Qt aborts the whole process (no exception) when it cannot reach the display or load its
    platform plugin, so both are checked first, cheaply, in this process.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return None
    if environ.get("QT_QPA_PLATFORM"):
        return None  # the user chose a platform (offscreen, eglfs, ...): trust it
    x_display = environ.get("DISPLAY", "")
    wayland = environ.get("WAYLAND_DISPLAY", "")
    if not x_display and not wayland:
        return "no display: neither DISPLAY nor WAYLAND_DISPLAY is set"
    x_ok = bool(x_display) and _x_display_reachable(x_display)
    wayland_ok = bool(wayland) and _wayland_reachable(wayland, environ)
    if wayland_ok and (environ.get("XDG_SESSION_TYPE") == "wayland" or not x_ok):
        environ["QT_QPA_PLATFORM"] = "wayland;xcb" if x_ok else "wayland"
        return _qt_plugin_problem("libqwayland.so")
    if x_ok:
        environ["QT_QPA_PLATFORM"] = "xcb"
        return _qt_plugin_problem("libqxcb.so")
    shown = " / ".join(name for name in (x_display, wayland) if name)
    return f"cannot connect to the display {shown}"


def _x_display_reachable(display: str) -> bool:
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return True  # cannot check without libxcb; Qt's own attempt will tell
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return int(xcb.xcb_connection_has_error(connection)) == 0
    finally:
        xcb.xcb_disconnect(connection)


def _wayland_reachable(name: str, environ: MutableMapping[str, str]) -> bool:
    import socket

    path = Path(name) if name.startswith("/") else Path(environ.get("XDG_RUNTIME_DIR", "/run/user")) / name
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _qt_plugin_problem(plugin: str) -> str | None:
    """Load Qt's platform plugin now, so a missing system library is a message, not an abort."""
    spec = importlib.util.find_spec("PyQt6")
    if spec is None or not spec.submodule_search_locations:
        return "PyQt6 is not installed (pip install 'pywebview[qt]')"
    path = Path(next(iter(spec.submodule_search_locations))) / "Qt6" / "plugins" / "platforms" / plugin
    if not path.exists():
        return None  # a distribution Qt lays plugins out elsewhere; let Qt find its own
    try:
        ctypes.CDLL(str(path))
    except OSError as exc:
        return f"Qt cannot load its display plugin: {exc} (on Debian: apt install libxcb-icccm4 libxcb-keysyms1 ...)"
    return None


# --- navigation policy -----------------------------------------------------------------------


class Navigation(enum.Enum):
    """What the window does with a navigation request."""

    ALLOW = "allow"
    LOAD_IN_WINDOW = "load_in_window"
    OPEN_EXTERNALLY = "open_externally"
    BLOCK = "block"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def navigation_decision(url: str, *, app_url: str, kiosk: bool, user_initiated: bool, new_window: bool) -> Navigation:
    """The window stays on the app's own origin; elsewhere opens in the system browser (never in a kiosk)."""
    if _origin(url) == _origin(app_url):
        return Navigation.LOAD_IN_WINDOW if new_window else Navigation.ALLOW
    if url == "about:blank" and not new_window:
        return Navigation.ALLOW
    scheme = urlsplit(url).scheme
    if not kiosk and user_initiated and scheme in {"http", "https", "mailto", "tel"}:
        return Navigation.OPEN_EXTERNALLY
    return Navigation.BLOCK


def install_navigation_guard(qt: ModuleType, app_url: str, *, kiosk: bool, load: Callable[[str], None]) -> None:
    """Make pywebview's Qt pages ask `navigation_decision` before any navigation.

    pywebview has no hook that can refuse a navigation, so its page classes get Qt's own
    `acceptNavigationRequest`: one for the window's page, one for the page that receives
    new-window requests (target=_blank, window.open).
    """
    link_clicked = qt.QWebPage.NavigationType.NavigationTypeLinkClicked

    def act(url: str, decision: Navigation) -> bool:
        if decision is Navigation.OPEN_EXTERNALLY:
            # some browser launchers wait for the browser; the GUI thread must not
            threading.Thread(target=webbrowser.open, args=(url,), name="edgeapp-browser", daemon=True).start()
        elif decision is Navigation.LOAD_IN_WINDOW:
            load(url)
        elif decision is Navigation.BLOCK:
            logger.info("navigation blocked", extra={"url": url[:200], "kiosk": kiosk})
        return decision is Navigation.ALLOW

    def accept_in_window(_page: Any, qurl: Any, kind: Any, _is_main_frame: bool) -> bool:
        url = str(qurl.toString())
        user = kind == link_clicked
        return act(url, navigation_decision(url, app_url=app_url, kiosk=kiosk, user_initiated=user, new_window=False))

    def accept_new_window(_page: Any, qurl: Any, _kind: Any, _is_main_frame: bool) -> bool:
        url = str(qurl.toString())
        act(url, navigation_decision(url, app_url=app_url, kiosk=kiosk, user_initiated=True, new_window=True))
        return False

    qt.BrowserView.WebPage.acceptNavigationRequest = accept_in_window
    qt.BrowserView.NavigationHandler.acceptNavigationRequest = accept_new_window


# --- the window ------------------------------------------------------------------------------


def seconds_since_process_start() -> float | None:
    """Seconds since this process was created (Linux), for launch-time measurements."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5); fields[0] is field 3
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def window_title(state: AppState) -> str:
    """ "<owner> — edgeapp", or just the app's name when the resume has no name."""
    resume = state.resume.resume
    name = resume.basics.name if resume is not None and resume.basics is not None else None
    return f"{name} — edgeapp" if name else "edgeapp"


class DesktopWindow:
    """One pywebview (Qt) window on the running server, and everything that closes it."""

    def __init__(self, settings: Settings, state: AppState, url: str, launched: float) -> None:
        self.settings = settings
        self.state = state
        self.url = url
        self.kiosk = settings.kiosk
        self.launched = launched
        self.allow_close = not self.kiosk
        self.window: Any = None
        self.renderer: str | None = None
        self.shown_after: float | None = None
        self.loaded_after: float | None = None
        self.loaded_since_process_start: float | None = None

    def run(self) -> str | None:
        """Show the window until it closes; returns None, or why no window could be shown."""
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium's sandbox refuses root
        try:
            import webview
            import webview.platforms.qt as qt
        except Exception as exc:  # ImportError, or Qt failing to load its libraries
            return f"the Qt web view cannot load: {exc}"
        webview.settings["OPEN_EXTERNAL_LINKS_IN_BROWSER"] = not self.kiosk
        webview.settings["ALLOW_DOWNLOADS"] = not self.kiosk
        webview.settings["OPEN_DEVTOOLS_IN_DEBUG"] = False
        install_navigation_guard(qt, self.url, kiosk=self.kiosk, load=self._load)
        self.window = webview.create_window(
            window_title(self.state),
            self.url,
            width=WINDOW_SIZE[0],
            height=WINDOW_SIZE[1],
            min_size=MIN_WINDOW_SIZE,
            fullscreen=self.kiosk,
            frameless=self.kiosk,
            easy_drag=False,
            text_select=not self.kiosk,
            zoomable=False,
        )
        events = self.window.events
        events.initialized += self._on_initialized
        events.before_show += self._on_before_show
        events.closing += self._on_closing
        self.state.on_kiosk_exit = self.exit_kiosk if self.kiosk else None
        try:
            # A kiosk keeps nothing between runs; the desktop window keeps the page's storage.
            webview.start(
                self._after_start,
                gui="qt",
                private_mode=self.kiosk,
                storage_path=None if self.kiosk else str(self.state.settings.data_dir / "webview"),
                icon=str(Path(__file__).resolve().parent / "assets" / "edgeapp.png"),
                debug=False,
            )
        except Exception as exc:  # pywebview raises its own exception type when no GUI starts
            logger.exception("window failed")
            return f"the window could not start: {exc}"
        finally:
            self.state.on_kiosk_exit = None
        if self.shown_after is None:
            return f"no Qt web view ({self.renderer or 'no GUI backend'})"
        logger.info("window closed")
        return None

    def exit_kiosk(self) -> None:
        """The operator's PIN was right: leave fullscreen and close, which ends the app."""
        logger.info("kiosk exit requested")
        self.close()

    def close(self) -> None:
        """Close the window from any thread (the closing event allows it from now on)."""
        self.allow_close = True
        threading.Thread(target=self._destroy, name="edgeapp-close", daemon=True).start()

    def _destroy(self) -> None:
        if self.kiosk:
            self.window.toggle_fullscreen()
        self.window.destroy()

    def _load(self, url: str) -> None:
        self.window.load_url(url)

    def _on_initialized(self, renderer: str) -> bool:
        self.renderer = renderer
        if renderer != "qtwebengine":
            logger.error("Qt WebEngine unavailable", extra={"renderer": renderer})
            return False  # pywebview fell back to another backend; refuse it
        return True

    def _on_before_show(self) -> None:
        # Runs on the GUI thread inside Qt's loop (pywebview wakes Python every 500 ms), which is
        # where signal handlers must be installed and where they may touch the window.
        signal.signal(signal.SIGTERM, self._on_stop_signal)
        signal.signal(signal.SIGINT, self._on_stop_signal)
        if hasattr(signal, "SIGUSR1"):
            signal.signal(signal.SIGUSR1, self._on_raise_signal)
        self._place_on_screen()

    def _place_on_screen(self) -> None:
        native = self.window.native
        area = getattr(native, "screen", None)  # pywebview keeps the screen's geometry (a QRect) here
        if area is None or callable(area):
            return
        if self.kiosk:
            # Fullscreen is a request to the window manager; a bare X session (xinit, no WM)
            # has none, so the window covers the screen itself as well.
            native.setGeometry(area)
            return
        width = min(WINDOW_SIZE[0], int(area.width() * 0.95))
        height = min(WINDOW_SIZE[1], int(area.height() * 0.95))
        native.resize(width, height)
        native.move(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2)

    def _on_stop_signal(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("stopping on signal", extra={"signal": signum})
        self.close()

    def _on_raise_signal(self, _signum: int, _frame: FrameType | None) -> None:
        native = self.window.native if self.window is not None else None
        if native is None:
            return
        logger.info("raising the window for a second launch")
        from qtpy.QtCore import Qt

        states = Qt.WindowState
        native.setWindowState((native.windowState() & ~states.WindowMinimized) | states.WindowActive)
        native.show()
        native.raise_()
        native.activateWindow()

    def _on_closing(self) -> bool:
        return self.allow_close  # False cancels: a kiosk closes only through the operator PIN

    def _after_start(self) -> None:
        window = self.window
        if not window.events.shown.wait(30):
            return
        self.shown_after = time.perf_counter() - self.launched
        # The model loads only once the page is up, so the first paint does not compete with it.
        window.events.loaded.wait(20)
        self.loaded_after = time.perf_counter() - self.launched
        self.loaded_since_process_start = seconds_since_process_start()
        since_start = self.loaded_since_process_start
        logger.info(
            "window loaded",
            extra={
                "shown_s": round(self.shown_after, 3),
                "loaded_s": round(self.loaded_after, 3),
                "since_process_start_s": round(since_start, 3) if since_start is not None else None,
            },
        )
        self.state.engine.start()
