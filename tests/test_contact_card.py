"""The contact card: vCard 4.0 text per RFC 6350, and its QR code scanned back with zbarimg."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.config import Settings
from edgeapp.resume.models import Basics
from edgeapp.resume.vcard import build_vcard, escape_component, escape_text, fold, split_name
from tests.conftest import BASE_URL
from tests.helpers import ROOT
from tests.prerequisites import require_program

SCRIPT_RESUMES = sorted((ROOT / "tests" / "data" / "scripts").glob("*.resume.json"))


def unfold(card: str) -> list[str]:
    """The content lines of a vCard: folds (CRLF + one space or tab) removed, split on CRLF."""
    assert card.endswith("\r\n")
    assert "\n" not in card.replace("\r\n", "")
    return re.sub(r"\r\n[ \t]", "", card).split("\r\n")[:-1]


def unescape(value: str) -> str:
    """A vCard text value as written (RFC 6350 3.4)."""
    return re.sub(r"\\(.)", lambda match: "\n" if match.group(1) in "nN" else match.group(1), value)


def properties(card: str) -> dict[str, str]:
    """Property name (with parameters) -> raw value, for the card's content lines."""
    found = {}
    for line in unfold(card):
        name, _, value = line.partition(":")
        found[name] = value
    return found


def scan_svg(svg: bytes, folder: Path) -> bytes:
    """Rasterise the SVG (librsvg) and decode its QR code (zbar); the raw bytes it carries."""
    source = folder / "qr.svg"
    source.write_bytes(svg)
    png = folder / "qr.png"
    subprocess.run([require_program("rsvg-convert"), "-w", "600", "-o", str(png), str(source)], check=True, timeout=60)
    result = subprocess.run(
        [require_program("zbarimg"), "--quiet", "--raw", "-Sbinary", str(png)], capture_output=True, timeout=60
    )
    assert result.returncode == 0, f"the QR code does not scan: {result.stderr.decode(errors='replace')}"
    return result.stdout


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path], TestClient]]:
    """A function that starts the app on a resume and yields a TestClient (closed after the test)."""
    clients: list[TestClient] = []

    def start(resume: Path) -> TestClient:
        settings = Settings(_env_file=None, data_dir=tmp_path / f"data{len(clients)}", model_enabled=False)
        client = TestClient(create_app(settings.model_copy(update={"resume_data": resume})), base_url=BASE_URL)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("resume_file", SCRIPT_RESUMES, ids=lambda path: path.name.split(".")[0])
def test_qr_code_scans_to_the_exact_name_email_and_phone(
    resume_file: Path, tmp_path: Path, serve: Callable[[Path], TestClient]
) -> None:
    basics = json.loads(resume_file.read_text(encoding="utf-8"))["basics"]
    client = serve(resume_file)
    card = client.get("/api/contact.vcf")
    assert card.status_code == 200
    assert card.headers["content-type"] == "text/vcard; charset=utf-8"
    disposition = card.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]).startswith(basics["name"].split()[0])
    qr = client.get("/api/contact-qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    scanned = scan_svg(qr.content, tmp_path)
    assert scanned == card.content  # the code carries the very card the .vcf file has, as UTF-8
    found = properties(scanned.decode("utf-8"))
    assert unescape(found["FN"]) == basics["name"]
    assert unescape(found["EMAIL;TYPE=work"]) == basics["email"]
    assert unescape(found["TEL;TYPE=voice"]) == basics["phone"]
    assert unescape(found["TITLE"]) == basics["label"]


def test_card_lines_are_escaped_and_ordered_as_rfc_6350_says() -> None:
    basics = Basics.model_validate(
        {
            "name": "Jean-Luc O'Neil, Jr.",
            "label": "R&D; lead\nrobotics, \\ tools",
            "email": "jl@example.com",
            "phone": "+33 1 23",
            "url": "https://example.com/a,b",
            "location": {"address": "1 Rue; Bât, B", "city": "Lyon", "countryCode": "FR"},
        }
    )
    card = build_vcard(basics)
    assert card is not None
    lines = unfold(card)
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "KIND:individual"]
    assert lines[-1] == "END:VCARD"
    assert "FN:Jean-Luc O'Neil\\, Jr." in lines
    assert "N:Jr.;Jean-Luc O'Neil\\,;;;" in lines
    # A single text value escapes backslash, comma and newline; a semicolon stays as it is.
    assert "TITLE:R&D; lead\\nrobotics\\, \\\\ tools" in lines
    assert "URL:https://example.com/a,b" in lines  # a URI, not text: nothing to escape
    # Components of a structured value escape the semicolon too.
    assert "ADR;TYPE=work:;;1 Rue\\; Bât\\, B;Lyon;;;FR" in lines
    assert unescape("R&D; lead\\nrobotics\\, \\\\ tools") == "R&D; lead\nrobotics, \\ tools"
    assert escape_text("a;b") == "a;b" and escape_component("a;b") == "a\\;b"


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "NOTE:" + "Żółć 数据工程师 محمد \\, é\u0301 " * 12
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 3
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert re.sub(r"\r\n ", "", folded) == line  # unfolding gives back the very line
    for piece in pieces[1:]:
        assert not piece[1].startswith("\u0301")  # a combining mark stays with its letter
    assert all(not piece.endswith("\\") or piece.endswith("\\\\") for piece in pieces)  # escapes stay whole
    assert fold("FN:short") == "FN:short"


def test_family_name_comes_first_only_for_east_asian_names() -> None:
    assert split_name("Åsa Öberg-Sjöström") == ("Öberg-Sjöström", "Åsa")
    assert split_name("Łukasz Żółkiewski-王") == ("Żółkiewski-王", "Łukasz")
    assert split_name("山田 花子") == ("山田", "花子")
    assert split_name("王小明") == ("王小明", "")
    assert split_name("محمد الأحمد") == ("الأحمد", "محمد")


def test_a_long_card_still_scans(tmp_path: Path, serve: Callable[[Path], TestClient]) -> None:
    resume = tmp_path / "long.json"
    basics = {
        "name": "Åsa Öberg-Sjöström",
        "label": "Systemutvecklare, " * 20,
        "email": "asa@example.se",
        "phone": "+46 70 123 45 67",
        "url": "https://example.se/" + "a" * 60,
        "location": {"address": "Storgatan 1", "city": "Göteborg", "postalCode": "411 01", "countryCode": "SE"},
    }
    resume.write_text(json.dumps({"basics": basics}), encoding="utf-8")
    client = serve(resume)
    card = client.get("/api/contact.vcf").content
    assert any(len(line) == 75 for line in card.split(b"\r\n"))  # folded
    assert scan_svg(client.get("/api/contact-qr.svg").content, tmp_path) == card


def test_no_contact_details_is_a_json_404(tmp_path: Path, serve: Callable[[Path], TestClient]) -> None:
    resume = tmp_path / "nobody.json"
    resume.write_text(json.dumps({"basics": {"label": "Engineer"}, "work": []}), encoding="utf-8")
    client = serve(resume)
    for path in ("/api/contact.vcf", "/api/contact-qr.svg"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "not_found"


def test_qr_svg_is_opaque_and_scalable(tmp_path: Path, serve: Callable[[Path], TestClient]) -> None:
    client = serve(SCRIPT_RESUMES[0])
    svg = client.get("/api/contact-qr.svg").text
    assert svg.startswith('<svg shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')
    assert 'fill="#fff"' in svg  # a white background: a transparent code on a dark page would not scan
    assert "<script" not in svg and "width=" not in svg.split(">", 1)[0]
