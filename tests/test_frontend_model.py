"""The visitor page in headless Chromium with the real default model: a streamed, cited answer."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from edgeapp.server import BackgroundServer
from tests.browser_util import artifact, chromium, open_page
from tests.helpers import live_server, make_settings, require_model

pytestmark = [pytest.mark.browser, pytest.mark.model]


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """The real app with the real model, ready."""
    settings = make_settings(tmp_path_factory.mktemp("frontend-model"), model_enabled=True, model_path=require_model())
    with live_server(settings) as running:
        deadline = time.monotonic() + 180
        while httpx.get(f"{running.url}/api/health").status_code != 200:
            assert time.monotonic() < deadline, "model not ready"
            time.sleep(0.1)
        yield running


def test_open_question_streams_a_model_answer_with_sources(
    browser_model: Browser, model_server: BackgroundServer
) -> None:
    page, log, errors = open_page(browser_model, model_server.url + "/", viewport={"width": 1440, "height": 900})
    page.wait_for_function("() => document.getElementById('model-badge').dataset.state === 'ready'", timeout=15_000)
    tokens_before = httpx.get(f"{model_server.url}/api/metrics").json()["model"]["tokens_generated"]
    page.fill("#chat-input", "What kind of team suits Avery?")
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".message--assistant:not([aria-busy])", timeout=60_000)
    answer = (page.text_content(".message--assistant .message__text") or "").strip()
    assert len(answer) > 10
    chips = page.locator(".message--assistant .chip")
    assert chips.count() >= 1
    stored = httpx.get(
        f"{model_server.url}/api/chat/history", params={"user_id": page.evaluate("localStorage['edgeapp.visitor']")}
    ).json()
    assert stored["messages"][-1]["content"].strip() == answer
    deadline = time.monotonic() + 10
    while httpx.get(f"{model_server.url}/api/metrics").json()["model"]["tokens_generated"] == tokens_before:
        assert time.monotonic() < deadline, "the answer did not come from the model"
        time.sleep(0.05)
    page.screenshot(path=artifact("desktop-model-answer.png"))
    assert log.foreign(model_server.url) == []
    assert errors == []


@pytest.fixture(scope="module")
def browser_model() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    with chromium() as launched:
        yield launched
