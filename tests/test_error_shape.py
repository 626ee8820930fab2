"""Every error the app answers with has the one JSON shape, whichever layer raised it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from edgeapp.errors import EdgeAppError, HttpError, RateLimited


def assert_error(response_json: object, error_type: str) -> None:
    """`{"error": {"type": error_type, "message": <text>}}` and nothing else."""
    assert isinstance(response_json, dict) and set(response_json) == {"error"}
    error = response_json["error"]
    assert set(error) == {"type", "message"}, error
    assert error["type"] == error_type and error["message"]


def test_route_framework_and_middleware_errors_share_one_shape(client: TestClient) -> None:
    assert_error(client.get("/api/nothing-here").json(), "not_found")  # the framework's 404
    wrong_method = client.put("/api/resume_data")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["allow"]
    assert_error(wrong_method.json(), "method_not_allowed")
    assert_error(client.post("/api/chat", json={"user_id": "v1"}).json(), "invalid_request")  # validation
    assert_error(client.get("/api/health", headers={"Host": "evil.example"}).json(), "bad_host")  # middleware
    assert_error(client.post("/api/kiosk/exit", json={"pin": "0000"}).json(), "not_found")  # a route's own error


def test_payload_carries_an_error_id_only_when_given() -> None:
    assert EdgeAppError("boom").payload() == {"error": {"type": "internal_error", "message": "boom"}}
    assert EdgeAppError("boom").payload(error_id="ab12")["error"]["id"] == "ab12"
    limited = RateLimited("slow down", retry_after=3)
    assert limited.payload()["error"]["type"] == "rate_limited" and limited.headers() == {"Retry-After": "3"}


def test_framework_errors_keep_their_status_and_headers() -> None:
    error = HttpError(405, "Method Not Allowed", {"Allow": "GET"})
    assert (error.status_code, error.error_type, error.headers()) == (405, "method_not_allowed", {"Allow": "GET"})
    assert HttpError(418, "teapot").error_type == "http_error"
