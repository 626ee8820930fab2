"""The API's rate limits: a sliding-window limiter, and the app's limits sized from Settings.

The routes decide who a client is (`ClientDep`); this module decides how often each may ask.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from edgeapp.config import Settings
from edgeapp.errors import RateLimited


class RateLimiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, *, now: float | None = None) -> None:
        """Count one hit for `key`, or raise RateLimited (the refused hit is not counted)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry_after = max(1, math.ceil(hits[0] + self.window - moment))
                raise RateLimited(f"too many requests; retry in {retry_after} s", retry_after=retry_after)
            hits.append(moment)
            if len(self._hits) > 10_000:  # forget idle clients so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= moment - self.window]:
                    del self._hits[stale]


@dataclass(frozen=True)
class RateLimits:
    """Every limit one app applies; built from Settings, so each number is configured in one place."""

    chat_per_visitor: RateLimiter
    chat_per_address: RateLimiter
    telemetry: RateLimiter
    kiosk_pin: RateLimiter

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The limits `settings` configure, per minute."""
        return cls(
            chat_per_visitor=RateLimiter(settings.chat_rate_per_minute),
            chat_per_address=RateLimiter(settings.chat_rate_per_address_per_minute),
            telemetry=RateLimiter(settings.telemetry_rate_per_minute),
            kiosk_pin=RateLimiter(settings.kiosk_pin_attempts_per_minute),
        )

    def check_chat(self, client: str, user_id: str) -> None:
        """One question: limited per visitor, and per address (visitor ids are the client's to pick)."""
        self.chat_per_address.hit(client)
        self.chat_per_visitor.hit(f"{client}/{user_id}")

    def check_telemetry(self, client: str, user_id: str) -> None:
        """One usage event from a visitor."""
        self.telemetry.hit(f"{client}/{user_id}")

    def check_kiosk_pin(self, client: str) -> None:
        """One attempt at the operator PIN."""
        self.kiosk_pin.hit(client)
