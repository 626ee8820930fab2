"""The `edgeapp` command: help, validate, pdf, serve."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from edgeapp.__main__ import build_parser, main
from tests.helpers import shared_path
from tests.serve_process import serve_process


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m edgeapp ARGS` and capture its output."""
    return subprocess.run([sys.executable, "-m", "edgeapp", *args], capture_output=True, text=True, timeout=120)


def test_help_explains_commands_and_configuration() -> None:
    text = build_parser().format_help()
    for word in (
        "serve",
        "validate",
        "eval",
        "pdf",
        "--kiosk",
        "RESUME_DATA",
        "MODEL_PATH",
        "examples",
    ):
        assert word in text


def test_validate_accepts_the_bundled_sample(capsys: pytest.CaptureFixture[str]) -> None:
    from edgeapp.resume.loader import default_resume_path

    assert main(["validate", str(default_resume_path())]) == 0
    assert "ok" in capsys.readouterr().out


def test_validate_names_each_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"basics": {"name": 5}, "work": [{"name": "A"}, {"startDate": "2020-13"}]}))
    result = run_cli("validate", str(bad))
    assert result.returncode != 0
    assert "basics.name" in result.stderr
    assert "work[1].startDate" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reports_broken_json(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{ not json")
    result = run_cli("validate", str(bad))
    assert result.returncode != 0 and "broken.json" in result.stderr and "Traceback" not in result.stderr


def test_pdf_command_renders_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "me.pdf"
    result = run_cli("pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_serve_prints_url_and_serves_any_json_resume(tmp_path: Path) -> None:
    sample = shared_path("jsonresume", "sample.resume.json")
    with serve_process(tmp_path, "--no-model", env={"RESUME_DATA": str(sample)}) as (_, url):
        assert url.startswith("http://127.0.0.1:")
        body = httpx.get(f"{url}/api/resume_data").json()
        assert body["personal_info"]["name"] == "Richard Hendriks"
        assert body["experience"][0]["name"] == "Pied Piper"


def test_serve_with_a_bad_resume_degrades_with_a_clear_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"work": [{"startDate": "yesterday"}]}))
    with serve_process(tmp_path / "data", "--no-model", env={"RESUME_DATA": str(bad)}) as (_, url):
        health = httpx.get(f"{url}/api/health").json()
        assert health["status"] == "degraded"
        assert any("work[0].startDate" in p and "bad.json" in p for p in health["problems"])
        response = httpx.get(f"{url}/api/resume_data")
        assert response.status_code == 404 and "work[0].startDate" in response.json()["error"]["message"]


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--data-dir", str(tmp_path), "--no-model")
    assert result.returncode == 2
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
