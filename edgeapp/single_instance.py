"""One running app per data directory: an advisory file lock that also records the running URL."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)

LOCK_FILE_NAME = "edgeapp.lock"

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)  # both processes must lock the same byte
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class RunningInstance:
    """What the lock file says about the app that holds it."""

    pid: int
    url: str | None


class InstanceLock:
    """An exclusive lock on `DATA_DIR/edgeapp.lock`, holding the owner's pid and URL as JSON.

    The operating system drops the lock when its process ends, however it ends, so a crashed
    app never blocks the next launch: the stale file is simply locked and rewritten.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE_NAME
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        """Whether this process holds the lock."""
        return self._handle is not None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" neither truncates (the holder's URL stays readable) nor fails when the file is absent
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open while we run
        if not _try_lock(handle):
            handle.close()
            return False
        self._handle = handle
        self._write({"pid": os.getpid(), "url": None})
        return True

    def publish(self, url: str) -> None:
        """Record the URL this process serves, for a second launch to report."""
        self._write({"pid": os.getpid(), "url": url})

    def release(self) -> None:
        """Drop the lock (the file stays; an unlocked file means nothing runs)."""
        if self._handle is None:
            return
        self._write({"pid": os.getpid(), "url": None})
        self._handle.close()  # closing the descriptor releases the lock
        self._handle = None

    def read(self) -> RunningInstance | None:
        """The holder's pid and URL as recorded, or None when the file is absent or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            pid = data["pid"]
            url = data["url"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(pid, int) or not (url is None or isinstance(url, str)):
            return None
        return RunningInstance(pid=pid, url=url)

    def wait_for_url(self, timeout: float = 10.0) -> RunningInstance | None:
        """Poll until the holder has published its URL (it may still be starting)."""
        deadline = time.monotonic() + timeout
        while True:
            running = self.read()
            if running is not None and running.url:
                return running
            if time.monotonic() >= deadline:
                return running
            time.sleep(0.1)

    def _write(self, data: dict[str, object]) -> None:
        if self._handle is None:
            return
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(json.dumps(data))
        self._handle.flush()


def ask_to_raise(pid: int) -> bool:
    """Ask the running app to bring its window forward (SIGUSR1); False where that is impossible."""
    raise_signal = getattr(signal, "SIGUSR1", None)
    if raise_signal is None or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, raise_signal)
    except OSError as exc:
        logger.info("could not signal the running app", extra={"pid": pid, "error": str(exc)})
        return False
    return True
