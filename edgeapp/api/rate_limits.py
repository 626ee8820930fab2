"""The API's rate limits: a sliding-window limiter, and the app's limits sized from Settings.

The routes decide who a client is (`ClientDep`); this module decides how often each may ask.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

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


class PinBackoff:
    """Wrong operator PINs slow down every later try, from whichever client it comes.

    The first `free_attempts` wrong PINs in a row cost nothing (typos). Each wrong PIN after them
    locks the PIN pad for everyone, twice as long as the lock before, from `first_lock` up to
    `max_lock` seconds; tries during a lock are refused unchecked and do not count. A right PIN,
    or `forget_after` seconds without a wrong one, starts over. So guessing gets at most about
    3600 / max_lock tries an hour however many addresses it comes from (69 in the first hour
    with the defaults, 60 in each hour after), while the real operator, after someone's wrong
    tries, waits at most `max_lock` seconds.
    """

    def __init__(
        self,
        *,
        free_attempts: int = 5,
        first_lock: float = 2.0,
        max_lock: float = 60.0,
        forget_after: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_attempts = free_attempts
        self.first_lock = first_lock
        self.max_lock = max_lock
        self.forget_after = forget_after
        self.clock = clock
        self._wrong = 0
        self._last_wrong = -math.inf
        self._locked_until = -math.inf
        self._lock = threading.Lock()

    def attempt(self, is_right: Callable[[], bool]) -> bool:
        """Check one PIN with `is_right` unless the pad is locked (RateLimited); count the outcome."""
        with self._lock:  # check and count at once: parallel tries cannot slip in before a lock
            now = self.clock()
            if now < self._locked_until:
                retry_after = max(1, math.ceil(self._locked_until - now))
                raise RateLimited(
                    f"too many wrong PINs; the PIN pad opens again in {retry_after} s", retry_after=retry_after
                )
            if now - self._last_wrong >= self.forget_after:
                self._wrong = 0
            if is_right():
                self._wrong = 0
                return True
            self._wrong += 1
            self._last_wrong = now
            beyond = self._wrong - self.free_attempts
            if beyond > 0:
                self._locked_until = now + min(self.max_lock, self.first_lock * 2 ** (beyond - 1))
            return False


@dataclass(frozen=True)
class RateLimits:
    """Every limit one app applies; built from Settings, so each number is configured in one place."""

    chat_per_visitor: RateLimiter
    chat_per_address: RateLimiter
    telemetry: RateLimiter
    kiosk_pin: PinBackoff = field(default_factory=PinBackoff)
    leads: RateLimiter = field(default_factory=lambda: RateLimiter(5))

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The limits `settings` configure, per minute."""
        return cls(
            chat_per_visitor=RateLimiter(settings.chat_rate_per_minute),
            chat_per_address=RateLimiter(settings.chat_rate_per_address_per_minute),
            telemetry=RateLimiter(settings.telemetry_rate_per_minute),
            kiosk_pin=PinBackoff(
                free_attempts=settings.kiosk_pin_free_attempts, max_lock=settings.kiosk_pin_max_lock_seconds
            ),
            leads=RateLimiter(settings.lead_rate_per_minute),
        )

    def check_chat(self, client: str, user_id: str) -> None:
        """One question: limited per visitor, and per address (visitor ids are the client's to pick)."""
        self.chat_per_address.hit(client)
        self.chat_per_visitor.hit(f"{client}/{user_id}")

    def check_telemetry(self, client: str, user_id: str) -> None:
        """One usage event from a visitor."""
        self.telemetry.hit(f"{client}/{user_id}")

    def check_lead(self, client: str) -> None:
        """One 'stay in touch' contact, per address (at a kiosk every visitor shares one)."""
        self.leads.hit(client)

    def check_kiosk_pin(self, is_right: Callable[[], bool]) -> bool:
        """One attempt at the operator PIN, for every client together (see PinBackoff)."""
        return self.kiosk_pin.attempt(is_right)
