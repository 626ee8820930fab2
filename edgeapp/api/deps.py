"""Dependencies as Annotated aliases, so route signatures read like prose."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from edgeapp.state import AppState


def get_state(request: Request) -> AppState:
    """The app's own state (set by create_app)."""
    state: AppState = request.app.state.edgeapp
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """A database session for one request."""
    with Session(state.db, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """The client's address: the connection's peer, unless that peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right (the hop nearest to us) and
    the first address that is not itself a trusted proxy is the client; anything further left
    was written by the client and proves nothing.
    """
    trusted = set(trusted_proxies)
    if peer not in trusted or not forwarded_for:
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if hop and hop not in trusted:
            return hop
    return peer


def client_key(request: Request, state: StateDep) -> str:
    """Who is asking, for rate limits and fair queueing: the socket's peer address (see client_address)."""
    peer = request.client.host if request.client else "unknown"
    return client_address(peer, request.headers.get("x-forwarded-for"), state.settings.trusted_proxies)


ClientDep = Annotated[str, Depends(client_key)]
