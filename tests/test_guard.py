"""The guard releases model text word by word and stops at anything the resume does not back."""

from __future__ import annotations

import re

import pytest

from edgeapp.chat.guard import ResumeLexicon, StreamGuard
from edgeapp.chat.prompts import render_resume
from edgeapp.chat.resume_view import build_view
from edgeapp.resume.loader import default_resume_path, load_resume


@pytest.fixture(scope="module")
def lexicon() -> ResumeLexicon:
    """What the sample resume says."""
    view = build_view(load_resume(default_resume_path()))
    return ResumeLexicon([render_resume(view)], extra_words=view.name.split())


def run(lexicon: ResumeLexicon, text: str) -> StreamGuard:
    """Feed `text` word-piece by word-piece, as an engine streams it."""
    guard = StreamGuard(lexicon)
    for piece in re.findall(r"\s*\S+", text):
        guard.feed(piece)
        if guard.rejection:
            return guard
    guard.finish()
    return guard


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("You can email me at jane@gmail.com for details.", "email"),
        ("Avery worked at Contoso on search.", "name"),
        ("Avery started at Northwind Robotics in 2011.", "number"),
        ("Yes, Avery knows Java very well.", "skill"),
        ("Avery knows kubernetes.", "skill"),
        ("Avery also does deep learning.", "skill"),
        ("Call Avery on 555-1234 today.", "number"),
        ("See more at avery-portfolio.dev for details.", "url"),
        ("Avery earned $100k at Northwind Robotics.", "number"),
        ("Avery has 10 years of Rust.", "quantity"),
        ("Avery has 12 years of Rust.", "number"),
        ("Avery speaks French at work.", "name"),
        ("Avery joined in July of that year.", "date"),
        ("Avery is a strong communicator and a natural diplomat.", "ungrounded"),
        ("Contoso was where Avery learned robotics.", "name"),
        ("Microsoft was where Avery learned robotics.", "name"),
        ("Avery Avery Avery Avery Avery Avery", "repetition"),
        ("Avery is a self-taught violinist.", "ungrounded"),
    ],
)
def test_guard_rejects_facts_the_resume_does_not_hold(lexicon: ResumeLexicon, text: str, reason: str) -> None:
    guard = run(lexicon, text)
    assert guard.rejection is not None
    assert guard.rejection.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "Avery leads motion planning at Northwind Robotics.",
        "Avery wrote the Rust safety supervisor, and mentored four engineers.",
        "Avery can be reached at avery@lindqvist.example.com or +1 (503) 555-0147.",
        "Avery joined Northwind Robotics in March 2019.",
        "Avery has over ten years of experience with C++ and Python.",
        "I lead motion planning for autonomous warehouse robots.",
        "The resume doesn't say.",
    ],
)
def test_guard_passes_what_the_resume_says(lexicon: ResumeLexicon, text: str) -> None:
    guard = run(lexicon, text)
    assert guard.rejection is None
    assert guard.released == text


def test_guard_holds_back_only_the_unfinished_word(lexicon: ResumeLexicon) -> None:
    guard = StreamGuard(lexicon)
    assert guard.feed(" Avery") == ""
    assert guard.feed(" leads") == "Avery"
    assert guard.feed(" motion") == " leads"
    assert guard.feed(" planning.") == " motion"
    assert guard.finish() == " planning."
    assert guard.released == "Avery leads motion planning."


def test_guard_keeps_only_clean_sentences_before_a_rejection(lexicon: ResumeLexicon) -> None:
    guard = run(lexicon, "Avery mentors engineers. Avery also worked at Microsoft for years.")
    assert guard.rejection is not None
    assert guard.safe_text() == "Avery mentors engineers."


def test_guard_drops_a_loop_but_keeps_what_came_before(lexicon: ResumeLexicon) -> None:
    text = "Avery leads motion planning. " + "Avery mentors engineers at Northwind Robotics. " * 4
    guard = run(lexicon, text)
    assert guard.rejection is not None and guard.rejection.reason == "repetition"
    assert guard.safe_text() == "Avery leads motion planning. Avery mentors engineers at Northwind Robotics."


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("... --- !!!", "empty"),
        ("No.", "bare yes or no"),
        ("Yes, sure.", "bare yes or no"),
        ("### ?? 12 ## 34 ??", "number"),
        ("ロボット工学のエンジニアです", "garbage"),
    ],
)
def test_guard_rejects_empty_and_garbage_answers(lexicon: ResumeLexicon, text: str, reason: str) -> None:
    guard = run(lexicon, text)
    assert guard.rejection is not None
    assert guard.rejection.reason == reason
    assert not guard.rejection.keeps_earlier_sentences or reason == "number"


def test_guard_stops_releasing_after_a_rejection(lexicon: ResumeLexicon) -> None:
    guard = StreamGuard(lexicon)
    guard.feed("Avery knows Java ")
    assert guard.rejection is not None
    assert guard.feed("and more ") == ""
    assert guard.finish() == ""
