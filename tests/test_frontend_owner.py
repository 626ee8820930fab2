"""A short event at the kiosk in Chromium, then the owner's report: counts, unanswered questions,
the lead, and the exports (CSV parsed, vCard decoded); screenshots of the owner view."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from edgeapp.server import BackgroundServer
from tests.browser_util import AUDIT_JS, artifact, chromium, open_page
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings

pytestmark = pytest.mark.browser

PIN = "620374"
KIOSK_SCREEN = {"viewport": {"width": 1920, "height": 1080}, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
UNANSWERABLE = "What salary does Avery expect?"
CANARY = "okapi-canary-5K2M"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[BackgroundServer]:
    """A kiosk with a known PIN and a fake model."""
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin=PIN, kiosk_idle_seconds=60)
    with live_server(settings, engine=FakeEngine(["I'd rather not guess."])) as running:
        yield running


def ask(page: Page, question: str) -> None:
    """Type a question and wait for the whole answer."""
    count = page.locator(".message--assistant").count()
    page.fill("#chat-input", question)
    page.press("#chat-input", "Enter")
    page.wait_for_function(f"() => document.querySelectorAll('.message--assistant').length > {count}")
    page.wait_for_selector(".message--assistant:last-child:not([aria-busy])", timeout=20_000)


def idle_reset(page: Page, *, next_visitor: bool = True) -> None:
    """Wait for the idle reset (the page was opened with ?idle=2); the next visitor taps to start."""
    page.wait_for_selector("#attract:not([hidden])", timeout=15_000)
    page.wait_for_function("() => document.querySelectorAll('#chat-log .message').length === 0")
    page.wait_for_function("() => !document.getElementById('lead-name').value")
    if next_visitor:
        page.click("#attract-start")


def leave_lead(page: Page) -> None:
    """The recruiter's 'Stay in touch', with consent, by touch and keyboard."""
    page.click("#show-lead")
    assert "Avery Lindqvist" in (page.text_content("#lead-consent-text") or "")
    page.fill("#lead-name", "Maja Øberg")
    page.fill("#lead-email", "maja@recruit.example")
    page.fill("#lead-phone", "+46 70 555 01 02")
    page.fill("#lead-company", "Nordic Robots AB")
    page.fill("#lead-note", "Hiring a motion-planning lead")
    page.click("#lead-send")
    page.wait_for_function("() => document.getElementById('lead-message').textContent.includes('Tick the box')")
    page.focus("#lead-consent")
    page.keyboard.press("Space")
    page.click("#lead-send")
    page.wait_for_function("() => document.getElementById('lead-message').textContent.includes('will be in touch')")
    page.screenshot(path=artifact("kiosk-lead-thanks.png"))
    assert page.input_value("#lead-email") == ""


def download_text(page: Page, selector: str) -> str:
    """Click a download link and read the file."""
    with page.expect_download() as info:
        page.click(selector)
    with open(str(info.value.path()), encoding="utf-8", newline="") as handle:  # CRLF lines stay as sent
        return handle.read()


def vcard_properties(card: str) -> list[dict[str, str]]:
    """Each card of a vCard file as property -> unescaped value (folds undone)."""
    cards = []
    for block in re.sub(r"\r\n[ \t]", "", card).split("END:VCARD"):
        fields = {}
        for line in block.split("\r\n"):
            name, sep, value = line.partition(":")
            if sep:
                fields[name] = re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
        if fields:
            cards.append(fields)
    return cards


def test_an_event_at_the_kiosk_then_the_owner_report(browser: Browser, kiosk: BackgroundServer) -> None:
    page, _log, errors = open_page(browser, kiosk.url + "/?idle=2", **KIOSK_SCREEN)
    # Visitor 1: one question the resume answers, one it does not; then walks away.
    ask(page, "Tell me about Pallet Pilot")
    ask(page, f"{UNANSWERABLE} {CANARY}")
    idle_reset(page)
    # Visitor 2: the same unanswerable question, and leaves a contact.
    ask(page, UNANSWERABLE)
    leave_lead(page)
    page.keyboard.press("Escape")
    idle_reset(page)
    # Visitor 3: only scans the contact card.
    page.click("#show-qr")
    page.keyboard.press("Escape")
    idle_reset(page, next_visitor=False)
    assert CANARY not in page.content()
    assert page.locator("#lead-dialog").evaluate("dialog => !dialog.open")

    # The owner: the PIN pad, then the report.
    page.keyboard.press("Control+Shift+Q")
    page.fill("#pin-input", "000000")
    page.click("#pin-owner")
    page.wait_for_function("() => document.getElementById('pin-message').textContent === 'Wrong PIN.'")
    page.fill("#pin-input", PIN)
    page.click("#pin-owner")
    page.wait_for_url("**/owner.html")
    page.wait_for_selector("#owner-report:not([hidden])")
    names = ("visitors", "questions", "unanswered", "leads", "qr")
    figures = {name: page.text_content(f"#stat-{name}") for name in names}
    assert figures == {"visitors": "3", "questions": "3", "unanswered": "2", "leads": "1", "qr": "1"}
    unanswered = page.locator("#owner-unanswered li").all_inner_texts()
    assert unanswered == ["2×\nAbout: not about any resume entry"] or unanswered == [
        "2×\tAbout: not about any resume entry"
    ], unanswered
    assert "Pallet Pilot" in (page.text_content("#owner-topics") or "")
    assert page.locator("#owner-chart svg rect").count() >= 1
    lead_row = page.locator("#owner-leads tbody tr").first.inner_text()
    assert "Maja Øberg" in lead_row and "Nordic Robots AB" in lead_row and "maja@recruit.example" in lead_row
    assert CANARY not in page.content()
    assert page.evaluate(AUDIT_JS)["problems"] == []
    page.screenshot(path=artifact("owner-kiosk.png"), full_page=True)

    leads = list(csv.DictReader(io.StringIO(download_text(page, "#export-leads-csv"))))
    assert [(lead["name"], lead["email"], lead["company"]) for lead in leads] == [
        ("Maja Øberg", "maja@recruit.example", "Nordic Robots AB")
    ]
    vcf = download_text(page, "#export-leads-vcf")
    cards = vcard_properties(vcf)
    assert cards and "FN" in cards[0], repr(vcf[:300])
    assert [(card["FN"], card["EMAIL"], card["TEL"], card["ORG"]) for card in cards] == [
        ("Maja Øberg", "maja@recruit.example", "+46 70 555 01 02", "Nordic Robots AB")
    ]
    report = json.loads(download_text(page, "#export-report-json"))
    assert report["visitors"] == 3 and report["questions"] == 3 and report["unanswered_total"] == 2
    assert CANARY not in json.dumps(report)

    # Back to the kiosk signs the owner out: the report is the owner's only.
    page.click("#owner-back")
    page.wait_for_selector("body.is-ready")
    page.goto(kiosk.url + "/owner.html")
    page.wait_for_selector("#owner-sign-in:not([hidden])")
    assert page.locator("#owner-report").is_hidden()
    assert errors == []


def test_owner_view_on_the_desktop_in_both_themes(browser: Browser, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk_pin=PIN)
    with live_server(settings, engine=FakeEngine()) as server:
        page, _log, _errors = open_page(browser, server.url + "/", color_scheme="light", **DESKTOP)
        page.click("#show-lead")
        page.fill("#lead-email", "sam@example.org")
        page.check("#lead-consent")
        page.click("#lead-send")
        page.wait_for_function("() => document.getElementById('lead-message').textContent.includes('in touch')")
        page.keyboard.press("Escape")
        ask(page, "Tell me about Pallet Pilot")
        ask(page, UNANSWERABLE)
        page.goto(server.url + "/owner.html")
        page.wait_for_selector("#owner-sign-in:not([hidden])")
        page.fill("#owner-pin", PIN)
        page.press("#owner-pin", "Enter")
        page.wait_for_selector("#owner-report:not([hidden])")
        page.fill("#owner-event-name", "Open day")
        page.click("#owner-event-form button[type=submit]")
        page.wait_for_function("() => document.getElementById('owner-title').textContent.includes('Open day')")
        page.select_option("#owner-span", "")
        page.fill("#owner-day", date.today().isoformat())
        page.dispatch_event("#owner-day", "change")
        page.wait_for_function("() => document.getElementById('stat-questions').textContent === '2'")
        # Desktop visitors are not wiped: their words are shown with the count.
        assert UNANSWERABLE in (page.text_content("#owner-unanswered") or "")
        assert page.evaluate(AUDIT_JS)["problems"] == []
        page.screenshot(path=artifact("owner-desktop-light.png"), full_page=True)
        page.emulate_media(color_scheme="dark")
        assert page.evaluate(AUDIT_JS)["problems"] == []
        page.screenshot(path=artifact("owner-desktop-dark.png"), full_page=True)
