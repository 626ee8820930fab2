"""Packaged start-up: the PyInstaller build (dist/edgeapp) beside the source install, same run.

Measures bundle size, launch -> health 200 (`serve --no-model`), launch -> first answer and ->
model ready (`serve` with the model), and launch -> loaded window under Xvfb (`--no-model`,
seen from outside: the app's log, and the page_view event the page sends once the resume is
shown). Every launch gets a fresh data dir, so the model's prompt prefix is computed each time
for both. The build is (re)made first when missing or stale.

    .venv/bin/python -m benchmarks.startup [--runs 3] [--no-window] [--onefile]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from benchmarks.common import running

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "edgeapp"
LAUNCHER = BUNDLE / "edgeapp"
ONEFILE_LAUNCHER = DIST / "edgeapp-onefile"
SOURCE_LAUNCHER = Path(sys.executable).parent / "edgeapp"
BUILD_INFO = "build-info.json"
MODEL = ROOT / "models" / "gemma-3-270m-q4_k_m.gguf"
# Everything the spec reads from the checkout; a change in any of them makes a build stale.
BUILD_INPUTS = ("build.spec", "edgeapp", "frontend_dist", "deploy/linux")


def source_fingerprint() -> str:
    """A hash of what a build is made from: sources, spec, model file, installed packages, Python."""
    digest = hashlib.sha256(sys.version.encode())
    for path in _input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    if MODEL.is_file():
        stat = MODEL.stat()
        digest.update(f"{MODEL.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    # Only the environment's own site-packages: sys.path differs between PyInstaller and pytest.
    site_packages = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    installed = importlib.metadata.distributions(path=site_packages)
    packages = sorted({f"{dist.metadata['Name']}=={dist.version}" for dist in installed})
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()


def _input_files() -> Iterator[Path]:
    for name in BUILD_INPUTS:
        top = ROOT / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in candidates:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                yield path


def write_build_info(launcher_dir: Path, *, fingerprint: str, onefile: bool) -> None:
    """Record which sources a build was made from (build.spec takes the fingerprint before it starts)."""
    info = {"fingerprint": fingerprint, "onefile": onefile, "built_at": time.time()}
    (launcher_dir / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def build_is_current(launcher: Path, info_dir: Path) -> bool:
    """True when `launcher` exists and was built from the current sources."""
    try:
        info = json.loads((info_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return launcher.is_file() and info.get("fingerprint") == source_fingerprint()


def build(*, onefile: bool = False) -> float:
    """Run PyInstaller on build.spec (as `make build` does); returns the seconds it took."""
    env = {**os.environ, "EDGEAPP_ONEFILE": "1" if onefile else "0"}
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "build.spec"]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"PyInstaller failed ({result.returncode}):\n{result.stderr[-6000:]}")
    return time.monotonic() - started


def ensure_built(*, onefile: bool = False) -> Path:
    """The launcher of a build made from the current sources, building it when needed."""
    launcher, info_dir = (ONEFILE_LAUNCHER, DIST) if onefile else (LAUNCHER, BUNDLE)
    for _attempt in range(2):  # a second try when the sources changed while it was building
        if build_is_current(launcher, info_dir):
            return launcher
        build(onefile=onefile)
    if not build_is_current(launcher, info_dir):
        raise RuntimeError(f"{launcher} is stale right after a build: are the sources changing?")
    return launcher


def tree_bytes(path: Path, *, skip: Iterable[Path] = ()) -> int:
    """Bytes of the files under `path` (symlinks not followed), leaving out `skip` subtrees."""
    skipped = [s.resolve() for s in skip]
    total = 0
    for item in path.rglob("*"):
        if item.is_symlink() or not item.is_file():
            continue
        if any(item.resolve().is_relative_to(s) for s in skipped):
            continue
        total += item.stat().st_size
    return total


# --- launching --------------------------------------------------------------------------------


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a launch: no owner config files, no display unless given, quiet logs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"} and not key.startswith("EDGEAPP_")
    }
    env.update({"XDG_CONFIG_HOME": str(home / "config"), "LOG_LEVEL": "WARNING", **extra})
    return env


def launched(
    command: Sequence[str], *, env: dict[str, str], cwd: Path
) -> AbstractContextManager[subprocess.Popen[str]]:
    """Start a launcher with exactly `env`; SIGTERM it (SIGKILL after 20 s) on exit."""
    return running(command, env=env, cwd=cwd, exact_env=True)


def _get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _poll(check: Callable[[], bool], *, timeout: float, process: subprocess.Popen[Any]) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"launcher exited with {process.returncode}")
        try:
            if check():
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.005)
    raise TimeoutError(f"not ready in {timeout} s")


def time_serve(launcher: Path, *, model: bool) -> dict[str, float]:
    """Seconds from launch to first HTTP answer, to health 200, and to model ready (with model)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        command = [str(launcher), "serve", "--port", "0", "--data-dir", str(home / "data")]
        if not model:
            command.append("--no-model")
        started = time.monotonic()
        with launched(command, env=isolated_env(home), cwd=home) as process:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = line.split("serving ", 1)[1].split()[0] if "serving " in line else ""
            if not url:
                raise RuntimeError(f"no URL printed: {line!r}")
            health = f"{url}/api/health"
            answered = _poll(lambda: _get(health)[0] in (200, 503), timeout=60, process=process)
            healthy = _poll(lambda: _get(health)[0] == 200, timeout=300, process=process)
            status = json.loads(_get(health)[1])["model"]["status"]
    result = {"first_answer_s": answered - started, "health_200_s": healthy - started}
    if model:
        if status != "ready":
            raise RuntimeError(f"health 200 but model {status}")
        result["model_ready_s"] = result["health_200_s"]
    return result


@contextmanager
def xvfb(width: int = 1280, height: int = 800) -> Iterator[str]:
    """A private X server on a display number Xvfb picks itself; stopped on exit."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as numbers:
        display = f":{numbers.readline().strip()}"
    try:
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def log_records(data_dir: Path) -> list[dict[str, Any]]:
    """The app's JSON log records so far (a line still being written is left out)."""
    try:
        lines = (data_dir / "logs" / "edgeapp.log").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def logged(data_dir: Path, message: str) -> dict[str, Any] | None:
    """The first log record with `message`, or None."""
    return next((record for record in log_records(data_dir) if record.get("msg") == message), None)


def page_views(url: str) -> int:
    """page_view events the page has sent: it sends one once the resume is rendered."""
    status, body = _get(f"{url}/api/metrics")
    return int(json.loads(body)["usage"]["events"].get("page_view", 0)) if status == 200 else 0


def wait_for_window(data_dir: Path, process: subprocess.Popen[Any], *, timeout: float = 90) -> dict[str, Any]:
    """Wait, from outside, until a launched window shows the rendered resume.

    The app logs where it serves and when its window loaded (DATA_DIR/logs, at LOG_LEVEL=INFO);
    the page sends its page_view event after rendering the resume. Returns the "window loaded"
    record with `url` and `rendered_at` (time.monotonic()) added.
    """
    served = _poll(lambda: logged(data_dir, "serving") is not None, timeout=timeout, process=process)
    record = logged(data_dir, "serving")
    assert record is not None
    url = str(record["url"])
    rendered_at = _poll(
        lambda: page_views(url) >= 1, timeout=max(1.0, timeout - (time.monotonic() - served)), process=process
    )
    _poll(lambda: logged(data_dir, "window loaded") is not None, timeout=30, process=process)
    window = logged(data_dir, "window loaded")
    assert window is not None
    return {**window, "url": url, "rendered_at": rendered_at}


def time_window(launcher: Path, display: str) -> dict[str, float]:
    """Seconds from launch to the window's page loaded with the resume shown (`--no-model`)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = isolated_env(home, DISPLAY=display, LOG_LEVEL="INFO")  # "serving", "window loaded" are INFO
        command = [str(launcher), "--data-dir", str(home / "data"), "--no-model"]
        started = time.monotonic()
        with launched(command, env=env, cwd=home) as process:
            window = wait_for_window(home / "data", process)
    # The app's own clock says when the page had loaded, counted from process creation.
    loaded = window.get("since_process_start_s")
    rendered = window["rendered_at"] - started
    return {"window_rendered_s": rendered, "window_loaded_s": float(loaded) if loaded else rendered}


# --- the run ----------------------------------------------------------------------------------


def measure(launchers: dict[str, Path], *, runs: int, display: str | None) -> dict[str, dict[str, float]]:
    """Medians over `runs` rounds; each round launches every variant in turn (order reversed every
    other round), so load from anything else on the machine falls on all of them alike."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in launchers}

    def add(name: str, prefix: str, values: dict[str, float]) -> None:
        for key, value in values.items():
            samples[name].setdefault(f"{prefix}{key}", []).append(value)

    for launcher in launchers.values():
        time_serve(launcher, model=False)  # one unmeasured launch each: page cache warm for all
    order = list(launchers)
    for round_number in range(runs):
        for name in order if round_number % 2 == 0 else reversed(order):
            launcher = launchers[name]
            add(name, "no_model_", time_serve(launcher, model=False))
            add(name, "model_", time_serve(launcher, model=True))
            if display is not None:
                add(name, "", time_window(launcher, display))
    return {
        name: {key: statistics.median(values) for key, values in by_key.items()} for name, by_key in samples.items()
    }


ROWS = (
    ("serve --no-model: launch -> health 200", "no_model_health_200_s"),
    ("serve: launch -> first answer", "model_first_answer_s"),
    ("serve: launch -> model ready (health 200)", "model_model_ready_s"),
    ("window --no-model: launch -> resume rendered", "window_rendered_s"),
    ("window --no-model: page loaded (app clock)*", "window_loaded_s"),
)
FOOTNOTE = (
    "* from the app process's own start; a one-file launcher starts that process only after\n"
    "  unpacking itself, so compare one-file by the row above."
)


def print_table(columns: dict[str, dict[str, float]], sizes: dict[str, str]) -> None:
    """Seconds per column, and built/source ratios."""
    names = list(columns)
    print("== packaged start-up (medians, seconds) ==")
    for label, value in sizes.items():
        print(f"{label:44} {value}")
    header = f"{'':44}" + "".join(f"{name:>12}" for name in names)
    if "source" in columns:
        header += "".join(f"{name + '/src':>14}" for name in names if name != "source")
    print(header)
    for label, key in ROWS:
        if not any(key in column for column in columns.values()):
            continue
        cells = "".join(f"{columns[name].get(key, float('nan')):>12.2f}" for name in names)
        if "source" in columns and columns["source"].get(key):
            cells += "".join(
                f"{columns[name].get(key, float('nan')) / columns['source'][key]:>13.2f}x"
                for name in names
                if name != "source"
            )
        print(f"{label:44}{cells}")
    if "window_loaded_s" in next(iter(columns.values()), {}):
        print(FOOTNOTE)


def main(argv: list[str] | None = None) -> int:
    """Build when stale, then measure the build beside the source install and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="launches of each kind (median reported)")
    parser.add_argument("--no-window", action="store_true", help="skip the window timings (no Xvfb)")
    parser.add_argument("--onefile", action="store_true", help="also build and time the one-file variant")
    args = parser.parse_args(argv)

    build_seconds = {}
    for onefile in (False, True) if args.onefile else (False,):
        info_dir = DIST if onefile else BUNDLE
        launcher = ONEFILE_LAUNCHER if onefile else LAUNCHER
        if not build_is_current(launcher, info_dir):
            build_seconds["one-file" if onefile else "one-folder"] = build(onefile=onefile)
    launchers = {"built": ensure_built()}
    if args.onefile:
        launchers["onefile"] = ensure_built(onefile=True)
    launchers["source"] = SOURCE_LAUNCHER

    sizes = {
        "bundle dist/edgeapp (without models/)": f"{tree_bytes(BUNDLE, skip=[BUNDLE / 'models']) / 2**20:.0f} MiB",
        "model beside it (models/)": f"{tree_bytes(BUNDLE / 'models') / 2**20:.0f} MiB",
    }
    if args.onefile:
        sizes["one-file launcher"] = f"{ONEFILE_LAUNCHER.stat().st_size / 2**20:.0f} MiB"
    for kind, seconds in build_seconds.items():
        sizes[f"{kind} build time"] = f"{seconds:.0f} s"

    load_before = os.getloadavg()[0]
    if not args.no_window and shutil.which("Xvfb") is not None:
        with xvfb() as display:
            columns = measure(launchers, runs=args.runs, display=display)
    else:
        columns = measure(launchers, runs=args.runs, display=None)
    sizes["load average before / after"] = f"{load_before:.2f} / {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)"
    print_table(columns, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
