"""Running the app under uvicorn on a socket bound before the server starts."""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

logger = logging.getLogger(__name__)


class PortBusy(OSError):
    """The requested port is taken by another program."""


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen first, so a busy port is a clear error before anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio only turns on TCP_NODELAY for sockets that say they are TCP;
    # without it, small responses wait on delayed ACKs (about 6x fewer requests/s).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortBusy(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket serves."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if host in {"0.0.0.0", "::"}:
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


def make_server(app: FastAPI, *, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for `app`, logging through our own handlers."""
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        # Never believe X-Forwarded-For from the network layer: uvicorn's default trusts it from
        # 127.0.0.1, so any local program could pick the address that rate limits key on. The app
        # reads it itself, only from the proxies named in TRUSTED_PROXIES.
        proxy_headers=False,
        log_level=log_level.lower(),
        timeout_graceful_shutdown=3,
        lifespan="on",
    )
    return uvicorn.Server(config)


class BackgroundServer:
    """uvicorn on a daemon thread (for the desktop window and tests); `stop()` shuts it down."""

    def __init__(self, app: FastAPI, sock: socket.socket, *, log_level: str = "info") -> None:
        self.server = make_server(app, log_level=log_level)
        self.sock = sock
        self.url = url_of(sock)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, name="edgeapp-server", daemon=True
        )

    def start(self, timeout: float = 30.0) -> None:
        """Start serving and wait until uvicorn has started."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        logger.info("serving", extra={"url": self.url})  # in the log file; the CLI tells the person

    def stop(self, timeout: float = 75.0) -> None:
        """Ask uvicorn to exit and wait for it (its shutdown waits for the model's current step)."""
        self.server.should_exit = True
        self.thread.join(timeout=timeout)
        self.sock.close()
