"""Data access: each visitor sees only their own messages, pages and counts are exact, forgetting
one visitor leaves the others, and telemetry counts what was recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import Session

from edgeapp import store
from edgeapp.db import create_db_engine


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A session on a fresh, migrated SQLite file."""
    engine = create_db_engine(tmp_path / "store.sqlite3")
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
    engine.dispose()


def add_conversation(session: Session, user_id: str, count: int) -> None:
    """`count` alternating user/assistant messages numbered from 0."""
    for number in range(count):
        role = "user" if number % 2 == 0 else "assistant"
        store.add_message(session, user_id=user_id, role=role, content=f"{user_id}-{number}")


def test_stored_message_keeps_what_was_given(session: Session) -> None:
    row = store.add_message(
        session, user_id="v1", role="assistant", content="hi", sources=[{"path": "work[0]"}], meta={"outcome": "fact"}
    )
    assert row.id is not None and row.content == "hi" and row.role == "assistant"
    assert json.loads(row.sources_json) == [{"path": "work[0]"}]
    assert json.loads(row.meta_json) == {"outcome": "fact"}
    assert row.timestamp is not None


def test_pages_list_only_that_visitors_messages_oldest_first(session: Session) -> None:
    add_conversation(session, "a", 5)
    add_conversation(session, "b", 3)
    rows, total = store.list_messages(session, user_id="a", limit=2, offset=1)
    assert total == 5
    assert [row.content for row in rows] == ["a-1", "a-2"]
    rows, total = store.list_messages(session, user_id="b", limit=10, offset=0)
    assert (total, [row.content for row in rows]) == (3, ["b-0", "b-1", "b-2"])
    assert store.list_messages(session, user_id="nobody", limit=10, offset=0) == ([], 0)
    assert store.list_messages(session, user_id="a", limit=10, offset=5)[0] == []


def test_recent_messages_are_the_last_ones_of_that_visitor_in_order(session: Session) -> None:
    add_conversation(session, "a", 5)
    add_conversation(session, "b", 2)
    assert [row.content for row in store.recent_messages(session, user_id="a", limit=3)] == ["a-2", "a-3", "a-4"]
    assert [row.content for row in store.recent_messages(session, user_id="a", limit=1)] == ["a-4"]
    assert [row.content for row in store.recent_messages(session, user_id="b", limit=9)] == ["b-0", "b-1"]
    assert store.recent_messages(session, user_id="a", limit=0) == []
    assert store.recent_messages(session, user_id="a", limit=-1) == []


def test_forgetting_a_visitor_counts_and_leaves_the_others(session: Session) -> None:
    add_conversation(session, "a", 1)
    add_conversation(session, "b", 4)
    add_conversation(session, "c", 2)
    assert store.delete_messages(session, user_id="b") == 4
    assert store.list_messages(session, user_id="b", limit=10, offset=0) == ([], 0)
    assert [store.list_messages(session, user_id=user, limit=10, offset=0)[1] for user in "ac"] == [1, 2]
    assert store.delete_messages(session, user_id="b") == 0


def test_naive_timestamps_are_read_as_utc_and_aware_ones_converted() -> None:
    naive = datetime(2026, 3, 1, 12, 30)
    assert store.as_utc(naive) == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    # PostgreSQL hands moments back in its session's time zone: the same moment, shown in UTC.
    aware = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    assert store.as_utc(aware) == aware and store.as_utc(aware).utcoffset() == timedelta(0)


def test_stored_timestamps_come_back_as_utc_now(session: Session) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    row = store.add_message(session, user_id="v1", role="user", content="hi")
    (fetched,), _ = store.list_messages(session, user_id="v1", limit=1, offset=0)
    moment = store.as_utc(fetched.timestamp)
    assert before <= moment <= datetime.now(UTC) + timedelta(seconds=5)
    assert fetched.id == row.id


def test_telemetry_counts_events_and_distinct_visitors(session: Session) -> None:
    assert store.event_counts(session) == {} and store.visitor_count(session) == 0
    for user_id, event in [("a", "page_view"), ("a", "page_view"), ("b", "page_view"), ("b", "qr_shown")]:
        row = store.add_event(session, event=event, user_id=user_id, properties={"kiosk": False})
        assert json.loads(row.properties_json) == {"kiosk": False}
    assert store.event_counts(session) == {"page_view": 3, "qr_shown": 1}
    assert store.visitor_count(session) == 2
