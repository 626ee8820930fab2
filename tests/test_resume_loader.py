"""Loading resume files: every problem named by JSON path with a plain reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edgeapp.errors import ResumeInvalid, ResumeProblem
from edgeapp.resume import (
    alt_resume_path,
    default_pdf_path,
    default_resume_path,
    load_resume,
    parse_resume,
    validate_file,
)


def _problems(data: Any) -> list[ResumeProblem]:
    with pytest.raises(ResumeInvalid) as caught:
        parse_resume(data, file="resume.json")
    assert caught.value.file == "resume.json"
    return caught.value.problems


def test_bad_date_is_named_by_json_path() -> None:
    problems = _problems({"work": [{"startDate": "2019"}, {"startDate": "2013-13"}]})
    assert [p.path for p in problems] == ["work[1].startDate"]
    assert "YYYY-MM" in problems[0].reason
    assert "2013-13" in problems[0].reason


def test_null_is_rejected_naming_the_field() -> None:
    problems = _problems({"basics": {"profiles": [{"network": "GitHub", "url": None}]}})
    assert problems == [ResumeProblem("basics.profiles[0].url", "must not be null")]


def test_number_for_text_is_rejected_without_pydantic_jargon() -> None:
    problems = _problems({"basics": {"phone": 5550147}, "skills": [{"keywords": ["C", 3]}]})
    assert problems == [
        ResumeProblem("basics.phone", "must be text, not a number"),
        ResumeProblem("skills[0].keywords[1]", "must be text, not a number"),
    ]
    for problem in problems:
        assert "input" not in problem.reason.lower()
        assert "pydantic" not in problem.reason.lower()


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems({"work": {}, "basics": "me", "meta": {"version": 1}})
    assert {p.path for p in problems} == {"work", "basics", "meta.version"}
    assert ResumeProblem("work", "must be a list, not an object") in problems
    assert ResumeProblem("basics", "must be an object, not text") in problems


def test_top_level_must_be_an_object() -> None:
    assert _problems([1, 2]) == [ResumeProblem("$", "must be an object, not a list")]


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"basics": {"name": "A",}}', encoding="utf-8")
    with pytest.raises(ResumeInvalid) as caught:
        load_resume(path)
    assert caught.value.file == str(path)
    [problem] = caught.value.problems
    assert problem.path == "$"
    assert "line 1" in problem.reason


def test_missing_file_is_resume_invalid(tmp_path: Path) -> None:
    problems = validate_file(tmp_path / "nope.json")
    assert problems == [ResumeProblem("$", "the file does not exist")]


def test_folder_and_non_utf8_files_are_resume_invalid(tmp_path: Path) -> None:
    assert validate_file(tmp_path)[0].path == "$"
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"basics": {"name": "Tomás"}}'.encode("latin-1"))
    [problem] = validate_file(latin1)
    assert "UTF-8" in problem.reason


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"basics": {"name": "A"}}).encode())
    assert validate_file(path) == []
    assert load_resume(path).basics is not None


def test_validate_file_lists_problems_for_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "resume.json"
    path.write_text(json.dumps({"work": [{}, {"endDate": 2020}]}), encoding="utf-8")
    assert validate_file(path) == [ResumeProblem("work[1].endDate", "must be text, not a number")]


def test_bundled_samples_exist_and_are_valid() -> None:
    for path in (default_resume_path(), alt_resume_path()):
        assert path.is_file()
        assert validate_file(path) == []
    assert default_pdf_path().read_bytes().startswith(b"%PDF-1.")


def test_error_message_lists_file_and_paths() -> None:
    with pytest.raises(ResumeInvalid) as caught:
        parse_resume({"work": [{"startDate": None}]}, file="r.json")
    assert str(caught.value) == "r.json: work[0].startDate: must not be null"
    assert caught.value.status_code == 422
