"""Client identity comes from the socket: a forged X-Forwarded-For buys no extra requests."""

from __future__ import annotations

from pathlib import Path

import httpx

from edgeapp.api.deps import client_address
from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings
from tests.serve_process import token_for

CHAT = {"content": "What is your email?", "user_id": "v1"}


def _chat_codes(url: str, count: int) -> list[int]:
    token = token_for(url)
    codes = []
    with httpx.Client(base_url=url, headers={"X-EdgeApp-Token": token}) as http:
        for number in range(count):
            forged = {"X-Forwarded-For": f"10.{number // 250}.{number % 250}.7"}
            codes.append(http.post("/api/chat", json=CHAT, headers=forged).status_code)
    return codes


def test_rotating_forwarded_for_does_not_dodge_the_rate_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", chat_rate_per_minute=3)
    with live_server(settings, engine=FakeEngine(["ok"])) as server:
        codes = _chat_codes(server.url, 6)
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429, 429]


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", chat_rate_per_minute=3, trusted_proxies="127.0.0.1")
    with live_server(settings, engine=FakeEngine(["ok"])) as server:
        codes = _chat_codes(server.url, 6)
    assert codes == [200] * 6  # each forwarded address is its own client behind the proxy


def test_client_address_reads_forwarded_for_from_the_nearest_hop() -> None:
    trusted = ["10.0.0.1", "10.0.0.2"]
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"
    assert client_address("127.0.0.1", "1.2.3.4", trusted) == "127.0.0.1"
    assert client_address("10.0.0.1", "1.2.3.4", trusted) == "1.2.3.4"
    # a client-written address on the left is ignored; the proxies' own hops are skipped
    assert client_address("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", trusted) == "1.2.3.4"
    assert client_address("10.0.0.1", "", trusted) == "10.0.0.1"
    assert client_address("10.0.0.1", "10.0.0.2", trusted) == "10.0.0.1"
