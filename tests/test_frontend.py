"""The visitor page in headless Chromium against the real app: resume, chat, privacy, accessibility."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from edgeapp.resume.data import ResumeData
from edgeapp.server import BackgroundServer
from tests.browser_util import AUDIT_JS, artifact, chromium, decode_qr, get_json, open_page
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings, shared_path

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1440, "height": 900}}
SECTION_KEYS = [name for name in ResumeData.model_fields if name not in {"personal_info", "meta"}]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """The real app with the bundled sample resume and the model off (answers built from data)."""
    settings = make_settings(
        tmp_path_factory.mktemp("frontend"), chat_rate_per_minute=500, telemetry_rate_per_minute=5000
    )
    with live_server(settings) as running:
        yield running


def write_resume(path: Path, resume: dict[str, Any]) -> Path:
    """Write a JSON Resume file for a test."""
    path.write_text(json.dumps(resume), encoding="utf-8")
    return path


def ask(page: Page, question: str) -> None:
    """Type a question, press Enter and wait for the answer to finish streaming."""
    page.fill("#chat-input", question)
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".message--assistant:not([aria-busy])", timeout=20_000)


def assert_every_entry_rendered(page: Page, data: dict[str, Any]) -> None:
    """Every section present in the data is shown, with an element per entry path."""
    for key in SECTION_KEYS:
        entries = data.get(key) or []
        section = page.locator(f"section#{key}")
        if not entries:
            assert section.count() == 0, f"{key} is empty but shown"
            continue
        assert section.is_visible(), f"{key} is missing"
        for entry in entries:
            path = entry["path"]
            node = page.locator(f'[data-path="{path}"]')
            assert node.count() == 1, f"{path} rendered {node.count()} times"
            assert node.get_attribute("id") == path
            assert node.inner_text().strip(), f"{path} is empty"
    basics = data["personal_info"]
    assert page.text_content("h1") == basics["name"]
    for field in ("email", "phone", "url"):
        if basics.get(field):
            assert page.locator(f'[data-path="basics.{field}"]').is_visible()
    for profile in basics.get("profiles") or []:
        assert page.locator(f'[data-path="{profile["path"]}"]').is_visible()


def test_page_renders_every_section_of_the_bundled_resume(browser: Browser, server: BackgroundServer) -> None:
    page, _log, errors = open_page(browser, server.url + "/", **DESKTOP)
    data = get_json(server.url + "/api/resume_data")
    assert sum(bool(data.get(key)) for key in SECTION_KEYS) == len(SECTION_KEYS)
    assert_every_entry_rendered(page, data)
    nav = page.eval_on_selector_all("#section-nav a", "links => links.map(a => a.getAttribute('href'))")
    assert nav == [f"#{key}" for key in SECTION_KEYS]
    assert errors == []


def test_page_renders_every_section_of_the_shared_sample_resume(browser: Browser, tmp_path: Path) -> None:
    resume_file = shared_path("jsonresume", "sample.resume.json")
    with live_server(make_settings(tmp_path / "data", resume_data=resume_file)) as running:
        page, _log, errors = open_page(browser, running.url + "/", **DESKTOP)
        assert_every_entry_rendered(page, get_json(running.url + "/api/resume_data"))
        page.screenshot(path=artifact("shared-sample-full.png"), full_page=True)
    assert errors == []


def test_missing_sections_are_not_shown_and_remote_photo_is_never_loaded(browser: Browser, tmp_path: Path) -> None:
    resume = {
        "basics": {
            "name": "Mina Okafor",
            "label": "Data Engineer",
            "image": "https://photos.example.com/mina.jpg",
            "email": "mina@example.com",
            "profiles": [{"network": "GitHub", "username": "minao", "url": "https://github.com/minao"}],
        },
        "work": [{"name": "Riverbank Analytics", "position": "Data Engineer", "startDate": "2021-04"}],
    }
    settings = make_settings(tmp_path / "data", resume_data=write_resume(tmp_path / "r.json", resume))
    with live_server(settings) as running:
        page, log, _errors = open_page(browser, running.url + "/", **DESKTOP)
        shown = page.eval_on_selector_all("#sections > section", "nodes => nodes.map(n => n.id)")
        assert shown == ["experience"]
        assert "April 2021 – present" in page.inner_text('[data-path="work[0]"]')  # the server's dates
        assert page.locator("#avatar img").count() == 0
        assert page.text_content("#avatar .avatar-initials") == "MO"
        link = page.locator('[data-path="basics.profiles[0]"] a')
        assert link.get_attribute("href") == "https://github.com/minao"
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert link.get_attribute("target") == "_blank"
        assert log.foreign(running.url) == []


def test_question_streams_an_answer_with_source_chips_that_highlight_the_entry(
    browser: Browser, server: BackgroundServer
) -> None:
    page, log, errors = open_page(browser, server.url + "/", **DESKTOP)
    page.wait_for_function("() => document.getElementById('model-badge').dataset.state !== 'loading'")
    assert page.get_attribute("#model-badge", "data-state") == "degraded"
    ask(page, "What does Avery do at Northwind Robotics?")
    answer = page.text_content(".message--assistant .message__text") or ""
    assert "Northwind Robotics" in answer
    chip = page.locator(".message--assistant .chip").first
    path = chip.get_attribute("data-source")
    assert path == "work[0]"
    chip.press("Enter")
    target = page.locator(f'[data-path="{path}"]')
    page.wait_for_function(
        "(path) => document.querySelector(`[data-path=\"${path}\"]`).classList.contains('is-highlighted')", arg=path
    )
    assert target.evaluate("node => node === document.activeElement")
    assert target.is_visible()
    page.screenshot(path=artifact("desktop-light-answer.png"))
    events = [event["event"] for event in log.telemetry()]
    assert {"page_view", "question_asked", "source_clicked"} <= set(events)
    assert page.is_enabled("#chat-send")
    assert errors == []


def test_chat_history_is_shown_again_after_a_reload(browser: Browser, server: BackgroundServer) -> None:
    page, _log, _errors = open_page(browser, server.url + "/", **DESKTOP)
    ask(page, "How do I contact Avery?")
    page.reload()
    page.wait_for_selector("body.is-ready")
    page.wait_for_selector(".message--user")
    texts = page.eval_on_selector_all(".message .message__text", "nodes => nodes.map(n => n.textContent)")
    assert "How do I contact Avery?" in texts
    assert len(texts) >= 2


def test_keyboard_tab_reaches_the_chat_input_and_enter_sends(browser: Browser, server: BackgroundServer) -> None:
    page, _log, _errors = open_page(browser, server.url + "/", **DESKTOP)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "chat-input":
            break
    else:
        pytest.fail("Tab never reached the chat input")
    page.keyboard.type("Do you know Rust?")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message--assistant:not([aria-busy])", timeout=20_000)
    assert page.text_content(".message--user .message__text") == "Do you know Rust?"
    suggestion = page.locator(".suggestion").first
    suggestion.focus()
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelectorAll('.message--assistant').length === 2")


def test_markup_in_questions_and_answers_is_shown_as_text(browser: Browser, server: BackgroundServer) -> None:
    page, _log, _errors = open_page(browser, server.url + "/", **DESKTOP)
    payload = '<img src=x onerror="window.__owned=1"><b>bold</b>'
    ask(page, payload)
    assert page.text_content(".message--user .message__text") == payload
    assert page.locator("#chat-log img, #chat-log b").count() == 0
    assert page.evaluate("window.__owned") is None


def test_no_request_ever_leaves_the_local_server(browser: Browser, server: BackgroundServer) -> None:
    page, log, _errors = open_page(browser, server.url + "/", **DESKTOP)
    ask(page, "Tell me about Pallet Pilot")
    page.click("#theme-toggle")
    page.click("#show-qr")
    page.keyboard.press("Escape")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    assert len(log.urls()) > 5
    assert log.foreign(server.url) == []


def test_telemetry_reports_events_without_question_text(browser: Browser, server: BackgroundServer) -> None:
    page, log, _errors = open_page(browser, server.url + "/", **DESKTOP)
    page.locator(".suggestion").first.click()
    page.wait_for_selector(".message--assistant:not([aria-busy])", timeout=20_000)
    question = "Which robots has Avery worked on lately?"
    ask(page, question)
    page.click("#theme-toggle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    events = log.telemetry()
    names = {event["event"] for event in events}
    assert {"page_view", "suggestion_clicked", "question_asked", "theme_changed", "section_view"} <= names
    for event in events:
        assert set(event) == {"event", "user_id", "properties"}
        for value in event["properties"].values():
            assert not isinstance(value, str) or (len(value) <= 80 and "robots" not in value)


def test_theme_toggle_is_remembered_and_both_themes_pass_the_audit(browser: Browser, server: BackgroundServer) -> None:
    page, _log, _errors = open_page(browser, server.url + "/", color_scheme="light", **DESKTOP)
    ask(page, "Do you know Rust?")
    light = page.evaluate(AUDIT_JS)
    assert light["problems"] == []
    assert light["bodyRatio"] >= 4.5
    page.click("#theme-toggle")
    assert page.get_attribute("html", "data-theme") == "dark"
    assert page.get_attribute("#theme-toggle", "aria-pressed") == "true"
    page.reload()
    page.wait_for_selector("body.is-ready")
    assert page.get_attribute("html", "data-theme") == "dark"
    ask(page, "Do you know Rust?")
    dark = page.evaluate(AUDIT_JS)
    assert dark["problems"] == []
    assert dark["bodyRatio"] >= 4.5
    page.screenshot(path=artifact("desktop-dark-answer.png"))
    page.screenshot(path=artifact("desktop-dark-full.png"), full_page=True)


def test_audit_passes_on_a_phone_with_system_dark_theme(browser: Browser, server: BackgroundServer) -> None:
    page, _log, _errors = open_page(
        browser,
        server.url + "/",
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        is_mobile=True,
        has_touch=True,
    )
    assert page.evaluate(AUDIT_JS)["problems"] == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifact("phone-dark.png"))
    page.screenshot(path=artifact("phone-dark-full.png"), full_page=True)


def test_pdf_download_and_contact_qr_code_that_scans(browser: Browser, server: BackgroundServer) -> None:
    page, log, _errors = open_page(browser, server.url + "/", reduced_motion="reduce", **DESKTOP)
    download = page.locator("#download-pdf")
    download.wait_for(state="visible")  # shown once the page has asked for the file name
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".pdf")
    page.click("#show-qr")
    assert page.locator("#qr-dialog").evaluate("dialog => dialog.open")
    page.wait_for_function(
        "() => { const img = document.getElementById('qr-image'); return img.complete && img.naturalWidth > 0; }"
    )
    page.screenshot(path=artifact("desktop-qr-dialog.png"))
    qr_shot = artifact("qr-image.png")
    page.locator("#qr-image").screenshot(path=qr_shot)
    decoded = decode_qr(qr_shot)
    assert decoded, "the contact QR code on screen does not scan"
    card = decoded[0]
    basics = get_json(server.url + "/api/resume_data")["personal_info"]
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert f"FN:{basics['name']}\r\n" in card
    assert f"EMAIL;TYPE=work:{basics['email']}\r\n" in card
    assert f"TEL;TYPE=voice:{basics['phone']}\r\n" in card
    assert "URL:" in card and "ADR;" in card and "TITLE:" in card
    with urllib.request.urlopen(server.url + "/api/contact.vcf", timeout=10) as response:
        assert response.read().decode("utf-8") == card  # the code carries the downloadable card
    card_link = page.locator("#qr-download")
    assert card_link.is_visible()
    with page.expect_download() as card_info:
        card_link.click()
    assert card_info.value.suggested_filename == "Avery-Lindqvist.vcf"
    page.keyboard.press("Escape")
    assert not page.locator("#qr-dialog").evaluate("dialog => dialog.open")
    names = [event["event"] for event in log.telemetry()]
    assert "qr_shown" in names and "resume_download" in names and "contact_download" in names


def test_screenshots_of_the_light_desktop_page(browser: Browser, server: BackgroundServer) -> None:
    page, _log, errors = open_page(browser, server.url + "/", color_scheme="light", **DESKTOP)
    page.wait_for_function("() => document.getElementById('model-badge').dataset.state !== 'loading'")
    page.screenshot(path=artifact("desktop-light.png"))
    page.screenshot(path=artifact("desktop-light-full.png"), full_page=True)
    tablet, _log, _errors = open_page(browser, server.url + "/", viewport={"width": 820, "height": 1180})
    tablet.screenshot(path=artifact("tablet-light.png"))
    assert errors == []


def test_send_is_disabled_while_answering_and_stop_ends_the_answer(browser: Browser, tmp_path: Path) -> None:
    slow = FakeEngine(["Avery builds motion planners for warehouse robots. " * 40], token_delay=0.05)
    with live_server(make_settings(tmp_path / "data"), engine=slow) as running:
        page, _log, errors = open_page(browser, running.url + "/", **DESKTOP)
        page.fill("#chat-input", "What kind of engineer is Avery?")
        page.press("#chat-input", "Enter")
        page.wait_for_selector("#chat-stop:not([hidden])")
        assert page.is_disabled("#chat-send")
        assert page.locator(".suggestion").first.is_disabled()
        page.click("#chat-stop")
        page.wait_for_selector(".message--assistant .message__note")
        assert page.text_content(".message--assistant .message__note") == "Stopped."
        assert page.is_enabled("#chat-send")
        assert page.locator("#chat-stop").is_hidden()
    assert errors == []
