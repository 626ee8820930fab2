"""The page's own QR encoder and vCard builder, checked by decoding real renders with zbarimg."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser_util import chromium, decode_qr, open_page
from tests.helpers import live_server, make_settings

pytestmark = pytest.mark.browser

RENDER_JS = """
async ({ text, ecl, mask }) => {
  const { encodeQr, drawQr } = await import('/js/qr.js');
  const qr = encodeQr(text, { ecl, mask });
  const canvas = document.createElement('canvas');
  drawQr(canvas, qr, { scale: 4, border: 4 });
  return { version: qr.version, ecl: qr.ecl, mask: qr.mask, png: canvas.toDataURL('image/png') };
}
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A page of the real app, used to run the frontend's modules."""
    with live_server(make_settings(tmp_path_factory.mktemp("qr"))) as running, chromium() as browser:
        opened, _log, _errors = open_page(browser, running.url + "/")
        yield opened


def render(page: Page, text: str, ecl: str, folder: Path, mask: int = -1) -> tuple[dict[str, object], Path]:
    """Encode and draw `text` in the page; returns the symbol facts and the PNG file."""
    result = page.evaluate(RENDER_JS, {"text": text, "ecl": ecl, "mask": mask})
    png = folder / f"qr-{result['version']}-{ecl}-{result['mask']}-{len(text)}.png"
    png.write_bytes(base64.b64decode(str(result["png"]).split(",", 1)[1]))
    return result, png


@pytest.mark.parametrize("ecl", ["M", "L"])
def test_qr_codes_from_version_1_past_version_20_scan_back_to_their_text(page: Page, tmp_path: Path, ecl: str) -> None:
    versions: set[int] = set()
    for length in [1, 10, 20, 40, 60, 90, 120, 160, 200, 250, 300, 360, 420, 500, 580, 660, 750, 850, 1000]:
        text = ("Ünïcode ✓ résumé; " * 80)[:length] if length % 20 == 0 else "A7,z;\\:" * (length // 7 + 1)
        text = text[:length]
        result, png = render(page, text, ecl, tmp_path)
        versions.add(int(str(result["version"])))
        assert decode_qr(png) == [text], f"version {result['version']} mask {result['mask']} does not scan"
    assert min(versions) == 1
    assert max(versions) >= 20
    assert len(versions) >= 15


@pytest.mark.parametrize("mask", range(8))
def test_every_mask_pattern_scans_in_small_and_large_versions(page: Page, tmp_path: Path, mask: int) -> None:
    for text in ["BEGIN:VCARD", "FN:Avery Lindqvist; EMAIL:avery@example.com " * 8]:
        result, png = render(page, text, "M", tmp_path, mask)
        assert result["mask"] == mask
        assert decode_qr(png) == [text], f"mask {mask} at version {result['version']} does not scan"


def test_mask_choice_varies_with_the_data(page: Page, tmp_path: Path) -> None:
    masks = {render(page, f"visitor {index} " + "x" * index, "M", tmp_path)[0]["mask"] for index in range(40)}
    assert len(masks) >= 3


def test_vcard_escapes_separators_and_keeps_crlf_lines(page: Page) -> None:
    card = page.evaluate(
        """async () => {
          const { buildVCard } = await import('/js/vcard.js');
          return buildVCard({
            name: 'Jean-Luc O\\'Neil, Jr.', label: 'R&D; lead\\nrobotics', email: 'jl@example.com',
            phone: '+33 1 23', url: 'https://example.com/a,b',
            location: { address: '1 Rue; Bât, B', city: 'Lyon', countryCode: 'FR' },
          });
        }"""
    )
    lines = card.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:3.0" and lines[-2] == "END:VCARD"
    assert "N:Jr.;Jean-Luc O'Neil\\,;;;" in lines
    assert "FN:Jean-Luc O'Neil\\, Jr." in lines
    assert "TITLE:R&D\\; lead\\nrobotics" in lines
    assert "URL:https://example.com/a,b" in lines
    assert "ADR;TYPE=WORK:;;1 Rue\\; Bât\\, B;Lyon;;;FR" in lines
    assert "\n" not in card.replace("\r\n", "")
