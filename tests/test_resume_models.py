"""Resume models: strict types, no nulls, unknown keys kept, JSON Resume keys on output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from edgeapp.resume import PartialDate, Resume, default_resume_path
from edgeapp.resume.models import Work


def test_resume_round_trips_json_resume_keys_and_unknown_keys() -> None:
    data: dict[str, Any] = {
        "$schema": "https://example.com/schema.json",
        "basics": {"name": "A", "location": {"postalCode": "1000", "x-note": [1, 2]}},
        "work": [{"startDate": "2019-03", "endDate": "2020", "customField": {"a": True}}],
        "education": [{"studyType": "Bachelor"}],
        "publications": [{"releaseDate": "2020-10-01"}],
        "meta": {"lastModified": "2017-12-24T15:53:00", "theme": "even"},
        "x-extra-section": {"anything": "goes"},
    }
    resume = Resume.model_validate(data)
    assert resume.work is not None
    assert resume.work[0].start_date == PartialDate(2019, 3)
    assert resume.meta is not None
    assert resume.meta.last_modified == "2017-12-24T15:53:00"
    assert resume.model_dump(by_alias=True, exclude_none=True) == data
    assert resume.to_json() == data
    assert json.loads(resume.model_dump_json(exclude_none=True)) == data


def test_to_json_keeps_unknown_keys_even_when_null() -> None:
    data = {"basics": {"name": "A", "x-pronouns": None}, "x-flags": None}
    assert Resume.model_validate(data).to_json() == data


def test_models_accept_snake_case_names_in_python() -> None:
    work = Work(position="Engineer", start_date=PartialDate.parse("2019"))
    assert work.to_json() == {"position": "Engineer", "startDate": "2019"}


@pytest.mark.parametrize(
    "data",
    [
        {"basics": {"name": 42}},
        {"basics": {"phone": 5551234}},
        {"skills": [{"keywords": ["Python", 3]}]},
        {"work": [{"startDate": 2019}]},
        {"work": [{"highlights": "one string, not a list"}]},
        {"basics": {"email": None}},
        {"work": None},
        {"basics": {"name": True}},
    ],
)
def test_resume_rejects_wrong_types_and_nulls(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Resume.model_validate(data)


def test_resume_json_mode_rejects_numbers_for_strings() -> None:
    with pytest.raises(ValidationError):
        Resume.model_validate_json('{"basics": {"name": 1}}')


def test_empty_resume_is_valid() -> None:
    assert Resume.model_validate({}).to_json() == {}


def test_bundled_sample_round_trips() -> None:
    data = json.loads(default_resume_path().read_text(encoding="utf-8"))
    assert Resume.model_validate(data).to_json() == data
