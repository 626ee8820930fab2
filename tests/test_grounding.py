"""The assistant answers facts from resume data, prompts the model with the fixed prefix, and
never lets the model's inventions reach the visitor."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from edgeapp.chat.assistant import (
    AnswerEvent,
    Assistant,
    FinalEvent,
    ReplaceEvent,
    SourcesEvent,
    TokenEvent,
    Turn,
)
from edgeapp.chat.engine import EngineStatus
from edgeapp.chat.retrieval import ResumeIndex
from edgeapp.resume.entries import build_entries
from edgeapp.resume.loader import alt_resume_path, default_resume_path, load_resume
from edgeapp.resume.models import Resume
from tests.fakes import FakeEngine

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def sample() -> Resume:
    """The bundled sample owner (Avery Lindqvist)."""
    return load_resume(default_resume_path())


@pytest.fixture(scope="module")
def alt() -> Resume:
    """The second bundled resume (Tomás Ferreira: no phone, no certificates)."""
    return load_resume(alt_resume_path())


def make(resume: Resume, engine: FakeEngine | None = None) -> Assistant:
    """An assistant over `resume` with a fixed today."""
    return Assistant(resume, engine or FakeEngine(), max_answer_tokens=64, history_turns=6, today=lambda: TODAY)


def collect(assistant: Assistant, question: str, history: list[Turn] | None = None) -> list[AnswerEvent]:
    """Every event of one answer."""

    async def run() -> list[AnswerEvent]:
        return [event async for event in assistant.respond(question, history or [])]

    return asyncio.run(run())


def final(events: list[AnswerEvent]) -> FinalEvent:
    """The last event, which must be the final answer."""
    last = events[-1]
    assert isinstance(last, FinalEvent)
    return last


def shown(events: list[AnswerEvent]) -> str:
    """What the visitor saw: tokens appended, a replace resets."""
    text = ""
    for event in events:
        if isinstance(event, TokenEvent):
            text += event.text
        elif isinstance(event, ReplaceEvent):
            text = event.text
    return text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is your email?", "avery@lindqvist.example.com"),
        ("whats ur emial", "avery@lindqvist.example.com"),
        ("What's Avery's phone number?", "+1 (503) 555-0147"),
        ("Do you have a GitHub?", "https://github.example.com/alindqvist"),
        ("LinkedIn?", "https://linkedin.example.com/in/avery-lindqvist"),
        ("Where is she based?", "Portland"),
        ("Where do you work now?", "Senior Robotics Engineer at Northwind Robotics"),
        ("How long have you been at Northwind?", "6 years 3 months"),
        ("How long did Avery work at Helix?", "2 years 8 months"),
        ("When did you join Helix Motion Systems?", "June 2016"),
        ("When did you leave Helix?", "February 2019"),
        ("Where did you work before Helix?", "Cobalt Harbor Software"),
        ("What was your first job?", "Embedded Software Intern at Tidewater Instruments"),
        ("How many years of experience do you have?", "13 years"),
        ("Where did you study?", "Master of Science in Robotics at Cascadia Institute of Technology"),
        ("Do you know Rust?", "Yes: Rust is listed"),
        ("What languages do you speak?", "Swedish (Professional working proficiency)"),
        ("Any certifications?", "Professional ROS 2 Developer"),
        ("Tell me about Pallet Pilot", "salvaged forklift base"),
        ("What are your hobbies?", "Bouldering"),
    ],
)
def test_fact_questions_are_answered_exactly_from_data(sample: Resume, question: str, expected: str) -> None:
    engine = FakeEngine(["I worked at Google in 2015."])
    events = collect(make(sample, engine), question)
    assert expected in final(events).content
    assert engine.prompts == []  # the model is not asked


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do you know Java?", "Java isn't listed in the resume. The skills it lists are: Programming Languages"),
        ("What is your salary expectation?", "doesn't say anything about salary"),
        ("How old are you?", "doesn't say anything about age"),
        ("Did you work at Google?", "Google isn't listed in the resume. The employers it lists are"),
        ("Do you speak French?", "French isn't listed in the resume"),
        ("What's your twitter?", "Twitter profile isn't listed"),
    ],
)
def test_absent_facts_are_said_to_be_absent(sample: Resume, question: str, expected: str) -> None:
    assert expected in final(collect(make(sample), question)).content


def test_missing_phone_is_absent_and_offers_other_contact(alt: Resume) -> None:
    content = final(collect(make(alt), "Can I call Tomás?")).content
    assert "doesn't list a phone number" in content
    assert "tomas.ferreira@studio.example.org" in content


def test_fact_answer_streams_at_once_then_sources_then_final(sample: Resume) -> None:
    events = collect(make(sample), "What is your email?")
    assert [type(e) for e in events] == [TokenEvent, SourcesEvent, FinalEvent]
    assert final(events).content == shown(events)
    assert [s.path for s in final(events).sources] == ["basics.email"]


def test_retrieval_folds_synonyms_and_tolerates_typos(sample: Resume) -> None:
    index = ResumeIndex(build_entries(sample))
    assert index.retrieve("which university", 1)[0].section == "education"
    assert index.retrieve("your employer", 1)[0].section == "work"
    assert index.retrieve("robtics mentoring", 3)[0].path == "volunteer[0]"


def test_open_question_prompt_starts_with_the_prefix(sample: Resume) -> None:
    engine = FakeEngine(["Avery leads motion planning at Northwind Robotics."])
    assistant = make(sample, engine)
    events = collect(assistant, "What kind of team suits you?")
    assert engine.prompts[0].startswith(assistant.prefix())
    assert "Avery Lindqvist" in assistant.prefix() and "Northwind Robotics" in assistant.prefix()
    assert engine.prompts[0].endswith("Q: What kind of team suits Avery?\nA:")
    assert final(events).content == "Avery leads motion planning at Northwind Robotics."
    assert isinstance(events[-2], SourcesEvent)


def test_prefix_is_the_same_for_every_question(sample: Resume) -> None:
    engine = FakeEngine(["Avery mentors engineers."])
    assistant = make(sample, engine)
    collect(assistant, "What kind of team suits you?")
    collect(assistant, "What are you proud of?", [Turn("user", "hi"), Turn("assistant", "Hello!")])
    prefix = assistant.prefix()
    assert all(prompt.startswith(prefix) for prompt in engine.prompts)
    assert prefix not in engine.prompts[0][len(prefix) :]


def test_invented_email_is_replaced_by_data(sample: Resume) -> None:
    engine = FakeEngine(["Avery mentors engineers. You can email me at jane@gmail.com today."], token_delay=0)
    events = collect(make(sample, engine), "What makes you a good mentor?")
    content = final(events).content
    assert "jane@gmail.com" not in content and "gmail" not in content
    assert any(isinstance(e, ReplaceEvent) for e in events)
    assert content.startswith("Avery mentors engineers.")
    assert content == shown(events)
    assert engine.cancelled == 1  # the stream was closed as soon as the guard objected


def test_invented_employer_and_year_never_reach_the_visitor(sample: Resume) -> None:
    engine = FakeEngine(["I worked at Google in 2015 on search."])
    events = collect(make(sample, engine), "What kind of team suits you?")
    seen = [e.text for e in events if isinstance(e, TokenEvent)]
    assert not any("Google" in text for text in seen)
    assert "Google" not in final(events).content


def test_model_unavailable_gives_an_honest_data_answer(sample: Resume) -> None:
    engine = FakeEngine(["never used"], status=EngineStatus.LOADING)
    events = collect(make(sample, engine), "Tell me about your robotics work")
    content = final(events).content
    assert content.startswith("The assistant's model is not available")
    assert "Northwind Robotics" in content
    assert final(events).sources
    assert final(collect(make(sample, engine), "What is your email?")).content.endswith("avery@lindqvist.example.com.")


def test_long_history_is_trimmed_to_fit_the_context(sample: Resume) -> None:
    engine = FakeEngine(["Avery mentors engineers."], n_ctx=2048)
    assistant = make(sample, engine)
    history = [Turn("user" if i % 2 == 0 else "assistant", f"message {i} " + "word " * 100) for i in range(40)]
    events = collect(assistant, "What kind of team suits you?", history)
    prompt = engine.prompts[0]
    assert prompt.startswith(assistant.prefix())
    assert engine.count_tokens(prompt) + assistant.max_answer_tokens <= engine.n_ctx
    assert "message 39" in prompt and "message 0 " not in prompt
    assert final(events).content == "Avery mentors engineers."


def test_question_that_cannot_fit_falls_back_to_data(sample: Resume) -> None:
    engine = FakeEngine(["unused"], n_ctx=512)
    events = collect(make(sample, engine), "What kind of team suits you?")
    assert engine.prompts == []
    assert final(events).content.startswith("Here is what the resume says")


def test_looping_model_output_falls_back_to_data(sample: Resume) -> None:
    engine = FakeEngine(["Avery is a robotics engineer. " + "She is very hands-on with her team. " * 6])
    content = final(collect(make(sample, engine), "Describe your approach to mentoring")).content
    assert content.count("hands-on") <= 1
    assert "Here is what the resume says" in content


GEMMA_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{% set first_user_prefix = messages[0]['content'] + '\n\n' %}{% set loop_messages = messages[1:] %}"
    "{% else %}{% set first_user_prefix = '' %}{% set loop_messages = messages %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '') }}"
    "{{ message['content'] | trim }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)
CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content']"
    " + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
    "{% endif %}"
)


@pytest.mark.parametrize("template", [GEMMA_TEMPLATE, CHATML_TEMPLATE])
def test_chat_template_renders_sandboxed_with_the_prefix_first(sample: Resume, template: str) -> None:
    engine = FakeEngine(["Avery leads motion planning at Northwind Robotics."], chat_template=template)
    assistant = make(sample, engine)
    assert assistant.prompts().uses_chat_template
    history = [Turn("user", "What do you do?"), Turn("assistant", "Robotics.")]
    events = collect(assistant, "What kind of team suits you?", history)
    prompt = engine.prompts[0]
    assert prompt.startswith(assistant.prefix())
    assert "Northwind Robotics" in assistant.prefix()
    assert "What kind of team suits Avery?" in prompt
    assert prompt.rstrip().endswith(("<start_of_turn>model", "<|im_start|>assistant"))
    assert final(events).content == "Avery leads motion planning at Northwind Robotics."


def test_chat_template_with_invented_facts_is_guarded_too(sample: Resume) -> None:
    engine = FakeEngine(["Yes, I know Java."], chat_template=CHATML_TEMPLATE)
    content = final(collect(make(sample, engine), "What kind of team suits you?")).content
    assert "Java" not in content


def test_unsafe_chat_template_is_refused(sample: Resume) -> None:
    unsafe = "{{ messages.__class__.__mro__[1].__subclasses__() }}{% for m in messages %}{{ m.content }}{% endfor %}"
    engine = FakeEngine(["Avery mentors engineers."], chat_template=unsafe)
    assistant = make(sample, engine)
    builder = assistant.prompts()
    assert not builder.uses_chat_template
    assert builder.template_problem
    collect(assistant, "What kind of team suits you?")
    assert engine.prompts[0].startswith(assistant.prefix())
    assert engine.prompts[0].endswith("A:")


def test_broken_chat_template_falls_back_to_completion(sample: Resume) -> None:
    engine = FakeEngine(["Avery mentors engineers."], chat_template="{{ raise_exception('no') }}")
    assert not make(sample, engine).prompts().uses_chat_template
