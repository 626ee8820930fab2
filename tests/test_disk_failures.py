"""A small or full disk under DATA_DIR: health names it, requests fail cleanly, no file is left half written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import require_model
from tests.isolated_disk import run_scenario


def test_a_full_disk_is_named_in_health_and_chats_fail_with_503_not_500(tmp_path: Path) -> None:
    report = run_scenario("full_disk", tmp_path / "data", size_mb=40)
    assert report["before"] == [200, 200, 200]
    assert report["health_before"]["status"] == "ok", report["health_before"]["problems"]
    assert [chat["status"] for chat in report["chats"]] == [503] * 10, report["chats"]
    assert {chat["error"] for chat in report["chats"]} == {"storage_unavailable"}
    health = report["health_after"]
    assert health["status"] == "degraded"
    problems = " | ".join(health["problems"])
    assert "disk nearly full" in problems
    assert "database or disk is full" in problems
    assert "logs cannot be written" in problems


@pytest.mark.model
def test_a_prompt_cache_too_big_for_the_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    require_model()
    report = run_scenario("prompt_cache", tmp_path / "data", size_mb=24)  # the cache takes about 25 MB
    assert report["cache_files"] == []
    health = report["health"]
    assert health["status"] == "degraded" and health["model"]["status"] == "ready"
    assert any(p.startswith("prompt cache: not saved") for p in health["problems"]), health["problems"]
