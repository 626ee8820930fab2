"""The socket layer: bind first, clear errors, and no delayed-ACK stalls."""

from __future__ import annotations

import socket

import pytest

from edgeapp.server import PortBusy, bind_socket, url_of


def test_bound_socket_is_tcp_so_asyncio_disables_nagle() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert url_of(sock).startswith("http://127.0.0.1:")
    finally:
        sock.close()


def test_busy_port_raises_port_busy() -> None:
    first = bind_socket("127.0.0.1", 0)
    try:
        with pytest.raises(PortBusy, match="cannot listen"):
            bind_socket("127.0.0.1", first.getsockname()[1])
    finally:
        first.close()
