"""The operator PIN: a global back-off that bounds guessing from any number of clients, and no
weak default (a generated PIN, kept in DATA_DIR, shown once)."""

from __future__ import annotations

import signal
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from edgeapp.api.rate_limits import PinBackoff
from edgeapp.app import create_app
from edgeapp.errors import RateLimited
from edgeapp.kiosk_pin import pin_file
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings
from tests.serve_process import serve_process, token_for


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def guesses_in(seconds: float, backoff: PinBackoff, clock: Clock) -> int:
    """How many wrong PINs a guesser gets checked in `seconds`, trying again the moment it may."""
    checked = 0
    end = clock.now + seconds
    while clock.now < end:
        try:
            backoff.attempt(lambda: False)
            checked += 1
            clock.now += 0.01
        except RateLimited as refused:
            clock.now += refused.retry_after
    return checked


def test_guessing_gets_at_most_69_tries_in_the_first_hour_and_60_after() -> None:
    clock = Clock()
    backoff = PinBackoff(clock=clock)
    assert guesses_in(3600, backoff, clock) == 69
    assert guesses_in(3600, backoff, clock) == 60
    # a pause long enough to be forgiven buys back only the free tries
    clock.now += 900
    assert guesses_in(3600, backoff, clock) == 69


def test_the_operator_waits_at_most_a_minute_after_someone_guessed() -> None:
    clock = Clock()
    backoff = PinBackoff(clock=clock)
    guesses_in(600, backoff, clock)
    waited = 0.0
    while True:
        try:
            assert backoff.attempt(lambda: True)
            break
        except RateLimited as refused:
            assert refused.retry_after <= 60
            clock.now += 0.5
            waited += 0.5
    assert waited <= 60
    # the right PIN starts over: the next typos are free again
    assert [backoff.attempt(lambda: False) for _ in range(5)] == [False] * 5


def test_a_few_typos_cost_the_operator_nothing() -> None:
    clock = Clock()
    backoff = PinBackoff(clock=clock)
    assert [backoff.attempt(lambda: False) for _ in range(5)] == [False] * 5
    assert backoff.attempt(lambda: True)


def test_the_lock_holds_across_client_addresses(tmp_path: Path) -> None:
    """Behind a trusted proxy every forwarded address is its own client; the lock is for all of them."""
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin="482913", trusted_proxies="127.0.0.1")
    with live_server(settings, engine=FakeEngine(["ok"])) as server:
        app: Any = server.server.config.app
        app.state.edgeapp.limits.kiosk_pin.clock = Clock()  # time stands still
        token = token_for(server.url)
        codes = []
        for number in range(30):
            response = httpx.post(
                f"{server.url}/api/kiosk/exit",
                json={"pin": f"{number:06d}"},
                headers={"X-EdgeApp-Token": token, "X-Forwarded-For": f"10.0.{number}.9"},
            )
            codes.append(response.status_code)
    assert codes[:6] == [403] * 6  # five free, the sixth checked and locking
    assert set(codes[6:]) == {429}, codes


def test_without_a_configured_pin_a_kiosk_generates_one_and_keeps_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk=True)
    assert settings.kiosk_pin is None
    with TestClient(create_app(settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        state = client.app.state.edgeapp  # type: ignore[attr-defined]
        pin = state.kiosk_pin
        assert state.kiosk_pin_generated
        token = client.get("/api/client_config").json()["csrf_token"]
        assert pin != "2468" and len(pin) == 6 and pin.isdigit()
        assert (
            client.post("/api/kiosk/exit", json={"pin": "2468"}, headers={"X-EdgeApp-Token": token}).status_code == 403
        )
        assert client.post("/api/kiosk/exit", json={"pin": pin}, headers={"X-EdgeApp-Token": token}).status_code == 200
    stored = pin_file(settings.data_dir)
    assert stored.read_text().strip() == pin
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    with TestClient(create_app(settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        state = client.app.state.edgeapp  # type: ignore[attr-defined]
        assert (state.kiosk_pin, state.kiosk_pin_generated) == (pin, False)


def test_a_configured_pin_is_used_and_nothing_is_generated(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin="7391")
    with TestClient(create_app(settings, engine=FakeEngine()), base_url=BASE_URL) as client:
        assert client.app.state.edgeapp.kiosk_pin == "7391"  # type: ignore[attr-defined]
    assert not pin_file(settings.data_dir).exists()


def _printed(data_dir: Path) -> str:
    with serve_process(data_dir, "--kiosk", "--no-model") as (process, _url):
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert process.stdout is not None
        return process.stdout.read()


@pytest.mark.parametrize("runs", [2])
def test_the_terminal_shows_a_generated_pin_once(tmp_path: Path, runs: int) -> None:
    shown = [_printed(tmp_path / "data") for _ in range(runs)]
    pin = pin_file(tmp_path / "data").read_text().strip()
    assert f"kiosk operator PIN: {pin}" in shown[0]
    assert "PIN" not in shown[1] and pin not in shown[1]
