"""Dependencies as Annotated aliases, so route signatures read like prose."""

from __future__ import annotations

from collections.abc import Iterator
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


def client_key(request: Request) -> str:
    """Who is asking, for rate limits: the peer address."""
    return request.client.host if request.client else "unknown"


ClientDep = Annotated[str, Depends(client_key)]
