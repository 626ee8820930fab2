"""In-process request metrics: counts, status classes and latency percentiles per route."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from typing import Any

_WINDOW = 1000  # latencies kept per route for percentiles


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


class RequestMetrics:
    """Thread-safe counters fed by the request-log middleware."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started = time.time()
        self._counts: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._latencies: defaultdict[str, deque[float]] = defaultdict(lambda: deque(maxlen=_WINDOW))
        self.errors = 0

    def record(self, route: str, status: int, seconds: float) -> None:
        """Count one finished request."""
        with self._lock:
            self._counts[route] += 1
            self._statuses[f"{status // 100}xx"] += 1
            self._latencies[route].append(seconds)
            if status >= 500:
                self.errors += 1

    def snapshot(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data."""
        with self._lock:
            routes = {}
            for route, count in sorted(self._counts.items()):
                values = sorted(self._latencies[route])
                routes[route] = {
                    "count": count,
                    "p50_ms": round(percentile(values, 0.50) * 1000, 2),
                    "p95_ms": round(percentile(values, 0.95) * 1000, 2),
                    "p99_ms": round(percentile(values, 0.99) * 1000, 2),
                }
            return {
                "uptime_seconds": round(time.time() - self.started, 1),
                "requests": sum(self._counts.values()),
                "statuses": dict(self._statuses),
                "errors": self.errors,
                "routes": routes,
            }
