"""Who may see the owner's report: sessions opened with the operator PIN, kept in memory.

A session is a random token in an HttpOnly, SameSite=Strict cookie; it ends after
`OWNER_SESSION_IDLE_SECONDS` without a request, on sign-out, or when the app stops.
"""

from __future__ import annotations

import secrets
import threading
import time

COOKIE = "edgeapp_owner"


class OwnerSessions:
    """Open owner sessions and when each was last used."""

    def __init__(self, idle_seconds: float) -> None:
        self.idle_seconds = idle_seconds
        self._last_used: dict[str, float] = {}
        self._lock = threading.Lock()

    def open(self) -> str:
        """A new session token."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._last_used[token] = time.monotonic()
        return token

    def check(self, token: str | None) -> bool:
        """Whether `token` is an open session (and mark it used)."""
        if not token:
            return False
        now = time.monotonic()
        with self._lock:
            for stale in [key for key, used in self._last_used.items() if now - used > self.idle_seconds]:
                del self._last_used[stale]
            known = next((key for key in self._last_used if secrets.compare_digest(key, token)), None)
            if known is None:
                return False
            self._last_used[known] = now
            return True

    def close(self, token: str | None) -> None:
        """End a session."""
        with self._lock:
            self._last_used.pop(token or "", None)
