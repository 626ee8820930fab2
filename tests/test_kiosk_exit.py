"""The server side of kiosk mode: the page's kiosk settings and the operator's PIN exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import make_settings


@pytest.fixture
def kiosk_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client on an app in kiosk mode with a known PIN and idle time."""
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin="9731", kiosk_idle_seconds=45)
    with TestClient(create_app(settings, engine=FakeEngine(["ok"])), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        yield client


def _exits(client: TestClient) -> list[int]:
    calls: list[int] = []
    client.app.state.edgeapp.on_kiosk_exit = lambda: calls.append(1)  # type: ignore[attr-defined]
    return calls


def test_client_config_tells_the_page_it_is_a_kiosk(kiosk_client: TestClient) -> None:
    kiosk = kiosk_client.get("/api/client_config").json()["kiosk"]
    assert kiosk == {"enabled": True, "idle_seconds": 45}


def test_right_pin_closes_the_kiosk(kiosk_client: TestClient) -> None:
    calls = _exits(kiosk_client)
    response = kiosk_client.post("/api/kiosk/exit", json={"pin": "9731"})
    assert response.status_code == 200
    assert response.json() == {"exited": True}
    assert calls == [1]


def test_wrong_pin_leaves_the_kiosk_running(kiosk_client: TestClient) -> None:
    calls = _exits(kiosk_client)
    response = kiosk_client.post("/api/kiosk/exit", json={"pin": "0000"})
    assert response.status_code == 403
    assert response.json()["error"]["type"]
    assert calls == []


def test_pin_exit_needs_the_page_token(kiosk_client: TestClient) -> None:
    calls = _exits(kiosk_client)
    del kiosk_client.headers["X-EdgeApp-Token"]
    response = kiosk_client.post("/api/kiosk/exit", json={"pin": "9731"})
    assert response.status_code == 403
    assert calls == []


def test_pin_guessing_is_rate_limited(kiosk_client: TestClient) -> None:
    calls = _exits(kiosk_client)
    kiosk_client.app.state.edgeapp.limits.kiosk_pin.clock = lambda: 0.0  # type: ignore[attr-defined]
    codes = [kiosk_client.post("/api/kiosk/exit", json={"pin": f"{n:04d}"}).status_code for n in range(8)]
    assert codes == [403] * 6 + [429] * 2  # five free wrong PINs; the sixth locks the pad
    assert kiosk_client.post("/api/kiosk/exit", json={"pin": "9731"}).status_code == 429
    assert calls == []
