"""The shipped question sets pass with a model that invents on every open question, and the
independent fact checker catches what a model would invent."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from edgeapp.chat.engine import EngineStatus
from edgeapp.chat.evaluation import (
    FactChecker,
    load_question_set,
    main_eval,
    render_report,
    run_eval,
    shipped_question_sets,
)
from edgeapp.config import Settings
from edgeapp.errors import InvalidRequest
from edgeapp.resume.loader import default_resume_path, load_resume
from tests.fakes import FakeEngine

TODAY = dt.date(2025, 6, 1)
INVENTING_OUTPUTS = [
    "You can email me at jane@gmail.com or call +1 415 555 0199.",
    "I worked at Google in 2015 and I am great at Java.",
    "Yes, I know Kubernetes, Go and AWS, and I earned $150k over 12 years.",
    "My website is https://jane-doe.dev and I studied at Harvard University.",
]


def inventing_engine() -> FakeEngine:
    """A model that makes things up on every open question."""
    return FakeEngine(INVENTING_OUTPUTS)


def test_shipped_question_sets_cover_two_resumes_and_every_kind() -> None:
    sets = [load_question_set(path) for path in shipped_question_sets()]
    questions = [q for s in sets for q in s.questions]
    assert len({s.resume_path.name for s in sets}) >= 2
    assert len(questions) >= 60
    kinds = {q.kind for q in questions}
    assert kinds == {"fact", "absent", "open"}
    assert sum(q.kind == "absent" for q in questions) >= 12


@pytest.mark.parametrize("path", shipped_question_sets(), ids=lambda p: p.name)
def test_shipped_sets_pass_with_a_model_that_invents(path: Path) -> None:
    report = run_eval(path, engine=inventing_engine(), today=TODAY)
    failures = [r for r in report.results if not r.correct]
    assert failures == [], render_report(report)
    assert report.invented == 0
    assert report.absent_ok == report.absent_total
    assert any(r.replaced for r in report.results)  # the guard had work to do


@pytest.mark.parametrize("path", shipped_question_sets(), ids=lambda p: p.name)
def test_shipped_sets_pass_without_a_model(path: Path) -> None:
    report = run_eval(path, engine=FakeEngine(status=EngineStatus.UNAVAILABLE), today=TODAY)
    assert report.correct == len(report.results), render_report(report)


def test_fact_checker_catches_inventions_independently() -> None:
    checker = FactChecker(load_resume(default_resume_path()).to_json(), today=TODAY)
    assert checker.invented("Avery leads motion planning at Northwind Robotics since March 2019.", "q") == []
    assert checker.invented("Avery was at Helix Motion Systems for 2 years 8 months.", "q") == []
    for answer in INVENTING_OUTPUTS:
        assert checker.invented(answer, "q"), answer
    assert checker.invented("Avery joined Helix in July 2016.", "q") == ["july 2016"]
    assert checker.invented("Java isn't listed in the resume.", "Do you know Java?") == []


def test_report_lists_each_answer_and_ends_with_the_summary(tmp_path: Path) -> None:
    questions = tmp_path / "mini.questions.json"
    questions.write_text(
        json.dumps(
            {
                "resume": str(default_resume_path()),
                "questions": [
                    {"q": "What is your email?", "kind": "fact", "expect": ["avery@lindqvist.example.com"]},
                    {"q": "Do you know Java?", "kind": "absent"},
                    {"q": "What kind of team suits you?", "kind": "open"},
                ],
            }
        )
    )
    report = run_eval(questions, engine=inventing_engine(), today=TODAY)
    text = render_report(report)
    assert "answer: Avery's email address is avery@lindqvist.example.com." in text
    assert "sources: basics.email" in text
    assert "outside the resume: none" in text
    assert text.splitlines()[-1] == "eval: 3 questions, 3 correct, 0 invented, 1/1 absent answered as absent"


def test_main_eval_writes_reports_and_returns_zero(tmp_path: Path) -> None:
    out = io.StringIO()
    settings = Settings(data_dir=tmp_path, model_enabled=False)
    status = main_eval(None, settings, engine=inventing_engine(), out=out, today=TODAY)
    assert status == 0
    assert out.getvalue().rstrip().splitlines()[-1].startswith("eval: ")
    assert " 0 invented" in out.getvalue()


def test_main_eval_fails_when_an_expected_fact_is_missing(tmp_path: Path) -> None:
    questions = tmp_path / "wrong.questions.json"
    questions.write_text(
        json.dumps(
            {
                "resume": "sample",
                "questions": [{"q": "What is your email?", "kind": "fact", "expect": ["someone@else.example"]}],
            }
        )
    )
    out = io.StringIO()
    assert (
        main_eval(
            questions, Settings(data_dir=tmp_path, model_enabled=False), engine=inventing_engine(), out=out, today=TODAY
        )
        == 1
    )
    assert "[FAIL]" in out.getvalue()


def test_bad_question_set_is_an_invalid_request(tmp_path: Path) -> None:
    questions = tmp_path / "bad.json"
    questions.write_text(json.dumps({"questions": [{"q": "hi", "kind": "chat"}]}))
    with pytest.raises(InvalidRequest, match=r"questions\[0\]"):
        load_question_set(questions)
