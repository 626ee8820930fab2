"""Health with the real model: a resume whose prompt prefix cannot fit the context is named."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edgeapp.app import create_app
from edgeapp.resume.loader import default_resume_path
from tests.helpers import make_settings, require_model

pytestmark = pytest.mark.model


def test_a_resume_too_big_for_the_context_makes_health_degraded(tmp_path: Path) -> None:
    resume = json.loads(default_resume_path().read_text())
    role = resume["work"][0]
    resume["work"] = [{**copy.deepcopy(role), "name": f"Company number {n}"} for n in range(80)]
    big = tmp_path / "big.resume.json"
    big.write_text(json.dumps(resume))
    settings = make_settings(
        tmp_path / "data", model_enabled=True, model_path=require_model(), resume_data=big, n_ctx=2048
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        deadline = time.monotonic() + 240
        while (response := client.get("/api/health")).status_code == 503:
            assert time.monotonic() < deadline, response.json()
            time.sleep(0.1)
        health = response.json()
        token = client.get("/api/client_config").json()["csrf_token"]
        chat = client.post(
            "/api/chat",
            json={"content": "What kind of team suits you?", "user_id": "v1"},
            headers={"X-EdgeApp-Token": token},
        )
    assert health["status"] == "degraded", health
    assert health["model"]["prefix_in_cache"] is False
    assert any("prompt prefix" in p and "2048" in p for p in health["problems"]), health["problems"]
    assert chat.status_code == 200  # answered from the resume data
