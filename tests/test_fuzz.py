"""Fuzzing the HTTP API from its OpenAPI schema (schemathesis): valid and invalid requests, no 5xx.

Every operation gets FUZZ_EXAMPLES generated requests of each kind (default 60; derandomized, so a
run is repeatable), against a real uvicorn server in kiosk mode with the per-launch token.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case
from schemathesis.generation import GenerationMode

from tests.fakes import FakeEngine
from tests.helpers import live_server, make_settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    app_settings = make_settings(tmp_path / "data", kiosk=True, kiosk_pin="482913")
    with live_server(app_settings, engine=FakeEngine(["I like small teams."])) as server:
        schema = schemathesis.openapi.from_dict(httpx.get(f"{server.url}/api/openapi.json").json())
        token = httpx.get(f"{server.url}/api/client_config").json()["csrf_token"]
        for result in schema.get_all_operations():
            operation = result.ok()  # type: ignore[union-attr]  # Err only for a schema that does not load
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(operation.as_strategy(generation_mode=mode))
                def call(case: Case[Any]) -> None:
                    response = case.call(base_url=server.url, headers={"X-EdgeApp-Token": token}, timeout=30)
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        server_errors.append(f"{response.status_code} {case.as_curl_command()}: {response.text[:300]}")

                with contextlib.suppress(Unsatisfiable):  # no invalid request exists for an operation without inputs
                    call()
    total = sum(statuses.values())
    print(f"fuzz: {total} requests, statuses {dict(sorted(statuses.items()))}")
    assert not server_errors, "\n".join(server_errors[:10])
    assert total >= 10 * EXAMPLES, statuses  # every operation with inputs was fuzzed both ways
