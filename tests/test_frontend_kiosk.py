"""Kiosk mode in headless Chromium: large type, idle wipe of the visitor's session, operator PIN exit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from edgeapp.server import BackgroundServer
from tests.browser_util import AUDIT_JS, artifact, chromium, decode_qr, get_json, open_page
from tests.helpers import live_server, make_settings

pytestmark = pytest.mark.browser

KIOSK_SCREEN = {"viewport": {"width": 1920, "height": 1080}, "has_touch": True}
PIN = "97531"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """The real app in kiosk mode with the model off."""
    settings = make_settings(tmp_path_factory.mktemp("kiosk"), kiosk=True, kiosk_idle_seconds=60, kiosk_pin=PIN)
    with live_server(settings) as running:
        yield running


def ask(page: Page, question: str) -> None:
    """Type a question, press Enter and wait for the answer to finish streaming."""
    page.fill("#chat-input", question)
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".message--assistant:not([aria-busy])", timeout=20_000)


def history_total(server: BackgroundServer, user_id: str) -> int:
    """How many messages the server keeps for a visitor."""
    return int(get_json(f"{server.url}/api/chat/history?user_id={user_id}")["total"])


def test_kiosk_idle_wipes_the_screen_server_history_and_storage(
    browser: Browser, kiosk_server: BackgroundServer
) -> None:
    page, log, errors = open_page(browser, kiosk_server.url + "/?idle=2", **KIOSK_SCREEN)
    assert page.evaluate("document.documentElement.classList.contains('kiosk')")
    old_id = page.evaluate("localStorage.getItem('edgeapp.visitor')")
    page.evaluate("sessionStorage.setItem('scratch', '1')")
    ask(page, "What does Avery do at Northwind Robotics?")
    assert history_total(kiosk_server, old_id) == 2
    page.wait_for_selector("#attract:not([hidden])", timeout=10_000)
    page.wait_for_function("() => document.querySelectorAll('#chat-log .message').length === 0")
    page.wait_for_function(f"() => localStorage.getItem('edgeapp.visitor') !== {old_id!r}")
    page.screenshot(path=artifact("kiosk-attract.png"))
    new_id = page.evaluate("localStorage.getItem('edgeapp.visitor')")
    assert new_id and new_id != old_id
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("Object.keys(localStorage)") == ["edgeapp.visitor"]
    for _ in range(50):
        if history_total(kiosk_server, old_id) == 0:
            break
        page.wait_for_timeout(100)
    assert history_total(kiosk_server, old_id) == 0
    names = [event["event"] for event in log.telemetry()]
    assert "kiosk_attract_shown" in names and "kiosk_reset" in names
    page.click("#attract-start")
    assert page.locator("#attract").is_hidden()
    assert page.locator("#chat-log .chat__intro").is_visible()
    assert errors == []


def test_kiosk_shows_links_as_text_and_does_not_remember_the_theme(
    browser: Browser, kiosk_server: BackgroundServer
) -> None:
    page, log, _errors = open_page(browser, kiosk_server.url + "/", **KIOSK_SCREEN)
    assert page.locator("main a[href^='http'], main a[href^='mailto'], main a[href^='tel']").count() == 0
    assert page.locator('[data-path="basics.profiles[0]"]').inner_text().strip()
    assert page.locator("#download-pdf").is_hidden()
    font_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert font_size >= 20
    page.click("#theme-toggle")
    assert page.evaluate("localStorage.getItem('edgeapp.theme')") is None
    page.reload()
    page.wait_for_selector("body.is-ready")
    assert page.get_attribute("html", "data-theme") is None
    ask(page, "Tell me about Pallet Pilot")
    assert page.evaluate(AUDIT_JS)["problems"] == []
    page.screenshot(path=artifact("kiosk-light-answer.png"))
    assert log.foreign(kiosk_server.url) == []


def test_kiosk_save_contact_scans_in_the_dark_theme_and_offers_no_file(
    browser: Browser, kiosk_server: BackgroundServer
) -> None:
    page, _log, _errors = open_page(browser, kiosk_server.url + "/", color_scheme="dark", **KIOSK_SCREEN)
    page.click("#show-qr")
    page.wait_for_function(
        "() => { const img = document.getElementById('qr-image'); return img.complete && img.naturalWidth > 0; }"
    )
    assert page.locator("#qr-download").is_hidden()  # a file saved on the kiosk's disk helps nobody
    page.screenshot(path=artifact("kiosk-dark-qr.png"))
    shot = artifact("kiosk-qr-image.png")
    page.locator("#qr-image").screenshot(path=shot)
    decoded = decode_qr(shot)
    assert decoded and decoded[0].startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert page.evaluate(AUDIT_JS)["problems"] == []


def test_kiosk_pin_pad_rejects_a_wrong_pin_and_accepts_the_right_one(
    browser: Browser, kiosk_server: BackgroundServer
) -> None:
    page, _log, _errors = open_page(browser, kiosk_server.url + "/", color_scheme="dark", **KIOSK_SCREEN)
    page.keyboard.press("Control+Shift+Q")
    dialog = page.locator("#pin-dialog")
    assert dialog.evaluate("node => node.open")
    page.keyboard.press("Escape")
    assert not dialog.evaluate("node => node.open")
    page.click("#operator-button")
    for digit in "1234":
        page.click(f".pin__key--digit >> text='{digit}'")
    assert page.input_value("#pin-input") == "1234"
    page.click("#pin-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('pin-message').textContent === 'Wrong PIN.'")
    page.screenshot(path=artifact("kiosk-dark-pin.png"))
    page.fill("#pin-input", PIN)
    page.press("#pin-input", "Enter")
    page.wait_for_function("() => document.getElementById('pin-message').textContent.includes('closing')")


def test_idle_override_only_ever_shortens_the_configured_time(browser: Browser, kiosk_server: BackgroundServer) -> None:
    page, _log, _errors = open_page(browser, kiosk_server.url + "/", **KIOSK_SCREEN)
    results = page.evaluate(
        """async () => {
          const { idleSeconds } = await import('/js/kiosk.js');
          return [idleSeconds(60, '?idle=2'), idleSeconds(60, '?idle=600'), idleSeconds(60, '?idle=abc'),
                  idleSeconds(60, ''), idleSeconds(60, '?idle=-5')];
        }"""
    )
    assert results == [2, 60, 60, 60, 60]


def test_screenshots_of_the_kiosk_in_both_themes(browser: Browser, kiosk_server: BackgroundServer) -> None:
    for scheme in ("light", "dark"):
        page, _log, errors = open_page(browser, kiosk_server.url + "/", color_scheme=scheme, **KIOSK_SCREEN)
        page.screenshot(path=artifact(f"kiosk-{scheme}.png"))
        assert errors == []
