"""Rate limits: the sliding window itself, and that every limit the API applies comes from Settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.api.rate_limits import RateLimiter, RateLimits
from edgeapp.app import create_app
from edgeapp.errors import RateLimited
from tests.conftest import BASE_URL
from tests.fakes import FakeEngine
from tests.helpers import make_settings


def test_limiter_refuses_the_hit_over_the_limit_until_the_window_passes() -> None:
    limiter = RateLimiter(2, window=10.0)
    limiter.hit("a", now=0.0)
    limiter.hit("a", now=1.0)
    with pytest.raises(RateLimited) as refused:
        limiter.hit("a", now=2.0)
    assert refused.value.retry_after == 8  # the oldest hit leaves the window at 10 s
    assert refused.value.headers() == {"Retry-After": "8"}
    limiter.hit("b", now=2.0)  # another key has its own budget
    limiter.hit("a", now=10.0)  # the hit at 0 s has left the window
    with pytest.raises(RateLimited):
        limiter.hit("a", now=10.5)


def test_refused_hits_do_not_extend_the_wait() -> None:
    limiter = RateLimiter(1, window=10.0)
    limiter.hit("a", now=0.0)
    for moment in (1.0, 5.0, 9.0):
        with pytest.raises(RateLimited):
            limiter.hit("a", now=moment)
    limiter.hit("a", now=10.0)


def test_retry_after_is_at_least_one_second() -> None:
    limiter = RateLimiter(1, window=10.0)
    limiter.hit("a", now=0.0)
    with pytest.raises(RateLimited) as refused:
        limiter.hit("a", now=9.99)
    assert refused.value.retry_after == 1


def test_idle_keys_are_forgotten_when_many_clients_came() -> None:
    limiter = RateLimiter(1, window=1.0)
    for number in range(9_999):
        limiter.hit(f"client-{number}", now=0.0)
    limiter.hit("later", now=5.0)
    assert len(limiter._hits) == 10_000  # up to 10,000 clients are all remembered, idle or not
    limiter.hit("latest", now=5.0)  # one more: the idle ones are forgotten
    assert set(limiter._hits) == {"later", "latest"}


def test_the_clean_up_keeps_a_client_whose_latest_hit_is_recent() -> None:
    limiter = RateLimiter(2, window=10.0)
    limiter.hit("steady", now=0.0)
    limiter.hit("steady", now=9.0)
    for number in range(10_000):
        limiter.hit(f"client-{number}", now=0.0)
    limiter.hit("late", now=10.5)  # past 10,000 keys: the idle ones are forgotten, "steady" is not
    limiter.hit("steady", now=10.6)  # the hit at 0 s has left the window, the one at 9 s has not
    with pytest.raises(RateLimited):
        limiter.hit("steady", now=10.7)


def test_clients_still_inside_the_window_are_remembered() -> None:
    limiter = RateLimiter(1, window=10.0)
    for number in range(10_001):
        limiter.hit(f"client-{number}", now=1.0)
    limiter.hit("late", now=5.0)  # the others hit 4 s ago: still counting
    assert len(limiter._hits) == 10_002
    with pytest.raises(RateLimited):
        limiter.hit("client-0", now=5.0)


def test_limits_come_from_settings(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        chat_rate_per_minute=7,
        chat_rate_per_address_per_minute=11,
        telemetry_rate_per_minute=13,
        kiosk_pin_free_attempts=3,
        kiosk_pin_max_lock_seconds=30,
    )
    limits = RateLimits.from_settings(settings)
    assert (limits.chat_per_visitor.limit, limits.chat_per_address.limit) == (7, 11)
    assert limits.telemetry.limit == 13
    assert (limits.kiosk_pin.free_attempts, limits.kiosk_pin.max_lock) == (3, 30)
    windows = {limiter.window for limiter in vars(limits).values() if isinstance(limiter, RateLimiter)}
    assert windows == {60.0}


def test_many_visitor_ids_from_one_address_share_its_chat_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", chat_rate_per_minute=5, chat_rate_per_address_per_minute=3)
    with TestClient(create_app(settings, engine=FakeEngine(["ok"])), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        codes = [client.post("/api/chat", json={"content": "hi", "user_id": f"v{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_kiosk_pin_attempts_are_configurable(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin="9731", kiosk_pin_free_attempts=2)
    with TestClient(create_app(settings, engine=FakeEngine(["ok"])), base_url=BASE_URL) as client:
        client.headers["X-EdgeApp-Token"] = client.get("/api/client_config").json()["csrf_token"]
        codes = [client.post("/api/kiosk/exit", json={"pin": "0000"}).status_code for _ in range(4)]
    assert codes == [403, 403, 403, 429]  # two free, the third checked and locking
