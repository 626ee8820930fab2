"""The JSON Resume schema's own fixtures: valid cases accepted, invalid ones rejected by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from edgeapp.errors import ResumeInvalid
from edgeapp.resume import PartialDate, load_resume, parse_resume
from tests.helpers import SHARED as SHARED_ROOT
from tests.prerequisites import SHARED_HINT, require_file

SHARED = SHARED_ROOT / "jsonresume"
CONFORMANCE = require_file(SHARED / "conformance", SHARED_HINT, module_level=True)


def _cases(*, valid: bool) -> list[Any]:
    cases = []
    for fixture in sorted(CONFORMANCE.glob("*.json")):
        if fixture.name == "dates.json":
            continue
        for key, fragment in json.loads(fixture.read_text(encoding="utf-8")).items():
            is_valid = "Valid" in key or key == "valid"
            is_invalid = "Invalid" in key or key == "invalid"
            assert is_valid != is_invalid, f"{fixture.name}:{key} is neither valid nor invalid"
            if is_valid == valid:
                cases.append(pytest.param(fragment, id=f"{fixture.stem}:{key}"))
    return cases


def _date_cases(*, valid: bool) -> list[Any]:
    dates = json.loads((CONFORMANCE / "dates.json").read_text(encoding="utf-8"))
    return [pytest.param(text, id=f"dates:{key}") for key, text in dates.items() if (key != "invalid") == valid]


def _offending_path(fragment: Any) -> str:
    """The JSON path of the one bad value in a fixture: follow single-key objects and lists down."""
    path = ""
    node = fragment
    while True:
        if isinstance(node, dict) and len(node) == 1:
            key, node = next(iter(node.items()))
            path += f".{key}" if path else key
        elif isinstance(node, list) and len(node) == 1:
            path += "[0]"
            node = node[0]
        else:
            return path


def test_fixtures_hold_cases_for_every_section() -> None:
    sections = {fixture.stem for fixture in CONFORMANCE.glob("*.json")}
    expected = {"basics", "work", "education", "skills", "projects", "dates", "meta", "schema"}
    assert expected <= sections


@pytest.mark.parametrize("fragment", _cases(valid=True))
def test_conformance_valid_case_is_accepted_and_round_trips(fragment: Any) -> None:
    resume = parse_resume(fragment, file="fixture.json")
    assert resume.model_dump(by_alias=True, exclude_none=True) == fragment


@pytest.mark.parametrize("fragment", _cases(valid=False))
def test_conformance_invalid_case_is_rejected_naming_the_field(fragment: Any) -> None:
    with pytest.raises(ResumeInvalid) as caught:
        parse_resume(fragment, file="fixture.json")
    paths = [problem.path for problem in caught.value.problems]
    assert _offending_path(fragment) in paths
    assert all(problem.reason for problem in caught.value.problems)


@pytest.mark.parametrize("text", _date_cases(valid=True))
def test_conformance_date_parses(text: str) -> None:
    assert PartialDate.parse(text).isoformat() == text
    resume = parse_resume({"work": [{"startDate": text}]}, file="fixture.json")
    assert resume.work is not None
    assert resume.work[0].start_date == PartialDate.parse(text)


@pytest.mark.parametrize("text", _date_cases(valid=False))
def test_conformance_invalid_date_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)
    with pytest.raises(ResumeInvalid) as caught:
        parse_resume({"work": [{"startDate": text}]}, file="fixture.json")
    assert [problem.path for problem in caught.value.problems] == ["work[0].startDate"]


def test_schema_projects_sample_resume_is_accepted_and_round_trips() -> None:
    sample = SHARED / "sample.resume.json"
    resume = load_resume(sample)
    assert resume.basics is not None
    assert resume.basics.name == "Richard Hendriks"
    original = json.loads(sample.read_text(encoding="utf-8"))
    assert resume.model_dump(by_alias=True, exclude_none=True) == original
