"""A sliding-window rate limiter keyed by client; the routes decide what a client is."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque

from edgeapp.errors import RateLimited


class RateLimiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit_scale: int = 1, now: float | None = None) -> None:
        """Count one hit for `key` (allowing `limit * limit_scale`), or raise RateLimited."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= moment - self.window:
                hits.popleft()
            if len(hits) >= self.limit * limit_scale:
                retry_after = max(1, math.ceil(hits[0] + self.window - moment))
                raise RateLimited(f"too many requests; retry in {retry_after} s", retry_after=retry_after)
            hits.append(moment)
            if len(self._hits) > 10_000:  # forget idle clients so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= moment - self.window]:
                    del self._hits[stale]
