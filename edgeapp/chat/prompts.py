"""Prompts for the model: a fixed prefix (instructions + the whole resume), then per question only
the recent history and the question, as a completion or through a chat template.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any, NoReturn

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from edgeapp.chat.events import Turn
from edgeapp.chat.resume_view import Item, ResumeView, Role, display_range

logger = logging.getLogger(__name__)

COMPLETION_STOPS = ("\nQ:", "\n\n", "\nA:", "Q:", "===")
TEMPLATE_STOPS = ("<end_of_turn>", "<|im_end|>", "<|eot_id|>", "<|end|>", "</s>", "<|endoftext|>")
_MAX_HISTORY_CHARS = 600
TEMPLATE_SECONDS = 1.0  # longest a chat template may take to render once (a normal one takes ~1 ms)


def _role_line(role: Role) -> str:
    head = " at ".join(part for part in (role.position, role.organisation) if part)
    dates = role.dates()
    parts = [f"- {head}" + (f" ({dates})" if dates else "") + (f", {role.location}" if role.location else "")]
    if role.summary:
        parts.append(role.summary.rstrip(".") + ".")
    parts.extend(h.rstrip(".") + "." for h in role.highlights)
    return " ".join(parts)


def _item_line(item: Item) -> str:
    dates = display_range(item.date, item.end, ongoing=False)
    head = item.name + (f" ({dates})" if dates else "")
    details = [d.rstrip(".") for d in item.details]
    line = f"- {head}" + (": " + "; ".join(details) if details else "")
    if item.keywords:
        line += f" [{', '.join(item.keywords)}]"
    return line


def render_resume(view: ResumeView) -> str:
    """The whole resume as compact plain text for the prompt."""
    lines = [f"Name: {view.name}"] if view.name else []
    for label, value in (
        ("Title", view.label),
        ("Email", view.email),
        ("Phone", view.phone),
        ("Website", view.url),
        ("Location", view.location),
    ):
        if value:
            lines.append(f"{label}: {value}")
    if view.profiles:
        lines.append("Profiles: " + "; ".join(f"{p.network} {p.url or p.username}" for p in view.profiles))
    if view.summary:
        lines.append(f"Summary: {view.summary}")
    if view.work:
        lines.append("Work:")
        lines.extend(_role_line(role) for role in view.work)
    if view.education:
        lines.append("Education:")
        for study in view.education:
            dates = display_range(study.start, study.end, ongoing=False)
            line = f"- {study.degree()} at {study.institution}".replace("-  at", "- ")
            line += f" ({dates})" if dates else ""
            line += f", score {study.score}" if study.score else ""
            line += f". Courses: {', '.join(study.courses)}" if study.courses else ""
            lines.append(line)
    if view.skills:
        lines.append("Skills:")
        for skill in view.skills:
            level = f" ({skill.details[0]})" if skill.details else ""
            lines.append(f"- {skill.name}{level}: {', '.join(skill.keywords)}")
    if view.languages:
        lines.append(
            "Languages: "
            + ", ".join(f"{lang.name} ({lang.details[0]})" if lang.details else lang.name for lang in view.languages)
        )
    for title, items in (
        ("Projects", view.projects),
        ("Certificates", view.certificates),
        ("Awards", view.awards),
        ("Publications", view.publications),
        ("Interests", view.interests),
    ):
        if items:
            lines.append(f"{title}:")
            lines.extend(_item_line(item) for item in items)
    if view.volunteer:
        lines.append("Volunteering:")
        lines.extend(_role_line(role) for role in view.volunteer)
    return "\n".join(lines)


def instructions(view: ResumeView) -> str:
    """What the model is told before the resume."""
    who = view.name or "the owner"
    first = view.first_name
    return (
        f"Below is the resume of {who}, then questions from visitors with short, friendly answers. "
        f"Each answer speaks about {first} in the third person, uses only facts written in the "
        f"resume, and never makes up employers, dates, numbers, skills or contact details. When "
        f"the resume does not say, the answer is: The resume doesn't say."
    )


def _examples(view: ResumeView) -> str:
    # Fixed worked examples teach the small base model the answer shape; they come from the
    # resume itself so the prefix stays identical for every visitor.
    first = view.first_name
    lines = []
    if view.work:
        latest = view.work_by_start()[-1]
        lines.append(
            f"Q: What does {first} do?\nA: {first} works as {latest.position or 'a professional'}"
            f"{' at ' + latest.organisation if latest.organisation else ''}."
        )
    lines.append(f"Q: What is {first}'s favourite food?\nA: The resume doesn't say.")
    return "\n\n".join(lines)


_PRONOUNS = (
    (r"\bare you\b", "is {first}"),
    (r"\bwere you\b", "was {first}"),
    (r"\bdo you\b", "does {first}"),
    (r"\bhave you\b", "has {first}"),
    (r"\byourself\b", "{first}"),
    (r"\byours\b", "{possessive}"),
    (r"\byour\b", "{possessive}"),
    (r"\byou\b", "{first}"),
    (r"\bu\b", "{first}"),
    (r"\bur\b", "{possessive}"),
)


def third_person(text: str, view: ResumeView) -> str:
    """The visitor's "you" rewritten as the owner's name, which keeps the small model in the
    third person the examples use."""
    for pattern, replacement in _PRONOUNS:
        text = re.sub(pattern, replacement.format(first=view.first_name, possessive=view.possessive), text, flags=re.I)
    return text


@dataclass(frozen=True)
class Prompt:
    """A prompt ready for the engine, with the stop sequences that end its answer."""

    text: str
    stop: tuple[str, ...]


def _raise(message: str) -> NoReturn:
    raise TemplateError(message)


class TemplateTooSlow(TemplateError):
    """The chat template ran past TEMPLATE_SECONDS (a huge or endless loop)."""


def render_within(template: Any, seconds: float, **context: Any) -> str:
    """Render a Jinja template, stopping it with TemplateTooSlow once `seconds` have passed.

    Jinja compiles a template into Python code (filename "<template>"), so a trace function on
    this thread sees each of its lines, loops included, and can stop it between two lines.
    """
    deadline = time.monotonic() + seconds

    def on_line(_frame: FrameType, _event: str, _arg: object) -> Any:
        if time.monotonic() > deadline:
            raise TemplateTooSlow(f"rendering took longer than {seconds:g} s")
        return on_line

    def on_call(frame: FrameType, _event: str, _arg: object) -> Any:
        return on_line if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        text: str = template.render(**context)
    finally:
        sys.settrace(previous)
    return text


def describe_template_error(error: BaseException) -> str:
    """Why a chat template failed, for the log and health (never the visitor's words)."""
    if isinstance(error, SecurityError):
        return f"the sandbox refused it: {error}"
    if isinstance(error, TemplateTooSlow):
        return str(error)
    return f"it raised {type(error).__name__}: {error}" if str(error) else f"it raised {type(error).__name__}"


class PromptBuilder:
    """Builds every prompt so that it starts with exactly `prefix()` (the KV-cache prefix)."""

    def __init__(
        self,
        view: ResumeView,
        *,
        chat_template: str | None,
        bos_token: str = "",
        eos_token: str = "",
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.view = view
        self.resume_text = render_resume(view)
        self._system = f"{instructions(view)}\n\n=== Resume ===\n{self.resume_text}\n=== End of resume ==="
        self._bos = bos_token
        self._eos = eos_token
        self._today = today
        self._template: Any = None
        self._merge_system = False
        self.template_problem = ""
        self._completion_prefix = self._system + "\n\n" + _examples(view) + "\n\n"
        self._prefix = self._completion_prefix
        if chat_template:
            self._prepare_template(chat_template)

    @property
    def uses_chat_template(self) -> bool:
        """Whether prompts go through the model's chat template."""
        return self._template is not None

    def prefix(self) -> str:
        """The fixed start of every prompt."""
        return self._prefix

    def _prepare_template(self, source: str) -> None:
        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = _raise
        env.globals["strftime_now"] = lambda fmt: self._today().strftime(str(fmt))
        try:
            self._template = env.from_string(source)
            failures: list[str] = []
            for merge in (False, True):
                self._merge_system = merge
                try:
                    first = self._render([Turn("user", "A")])
                    second = self._render([Turn("user", "B")])
                    prefix = _common_prefix(first, second)
                    sample = self._render([Turn("user", "Q"), Turn("assistant", "R"), Turn("user", "S")])
                except Exception as error:  # any failure of the owner's template: try the other shape
                    failures.append(describe_template_error(error))
                    if isinstance(error, TemplateTooSlow):
                        break  # the other shape would be as slow
                    continue
                if self._system in prefix and sample.startswith(prefix):
                    self._prefix = prefix
                    return
                failures.append("it does not keep the resume at the start of the prompt")
            raise _TemplateUnusable(failures[0])
        except Exception as error:
            # A template that fails, is too slow, or tries something the sandbox forbids is not
            # used: the completion prompt works with any model.
            reason = str(error) if isinstance(error, _TemplateUnusable) else describe_template_error(error)
            self.template_problem = reason
            logger.warning("chat template not used, prompts use the completion format: %s", reason)
            self._template = None
            self._merge_system = False

    def _render(self, turns: Sequence[Turn]) -> str:
        messages = [{"role": t.role, "content": t.content} for t in turns]
        if self._merge_system:
            messages[0] = {"role": "user", "content": f"{self._system}\n\n{messages[0]['content']}"}
        else:
            messages.insert(0, {"role": "system", "content": self._system})
        return render_within(
            self._template,
            TEMPLATE_SECONDS,
            messages=messages,
            bos_token=self._bos,
            eos_token=self._eos,
            add_generation_prompt=True,
        )

    def build(self, question: str, history: Sequence[Turn], *, fits: Callable[[str], bool]) -> Prompt | None:
        """The prompt for `question`, dropping old history, then the last exchange, then question
        text until `fits` accepts it; None when even the bare question does not fit.

        The whole resume is already in the cached prefix, so nothing question-specific is added
        before the question: every extra token here is paid on each question (about 2.5 ms each).
        """
        turns = [
            Turn(t.role, third_person(t.content, self.view) if t.role == "user" else t.content)
            for t in _clean_history(history)
        ]
        text = third_person(question.strip(), self.view)
        while True:
            prompt = self._compose(text, turns)
            if prompt is not None and fits(prompt.text):
                return prompt
            if turns:
                turns = turns[2:]
            elif len(text) > 40:
                text = text[: len(text) * 2 // 3]
            else:
                return None

    def _compose(self, question: str, turns: list[Turn]) -> Prompt | None:
        if self._template is None:
            return self._completion(question, turns)
        try:
            rendered = self._render([*turns, Turn("user", question)])
        except Exception as error:  # the owner's template failed for this question only
            # Only the error's type: its message may quote the question, and visitor words never reach the log.
            logger.warning(
                "chat template failed for one question (%s); it is asked in the completion format",
                type(error).__name__,
            )
            return self._completion(question, turns)
        if not rendered.startswith(self._prefix):
            logger.warning("chat template output does not start with the prompt prefix; completion format used")
            return self._completion(question, turns)
        return Prompt(rendered, TEMPLATE_STOPS)

    def _completion(self, question: str, turns: list[Turn]) -> Prompt:
        history = "".join(f"Q: {turns[i].content}\nA: {turns[i + 1].content}\n\n" for i in range(0, len(turns) - 1, 2))
        return Prompt(f"{self._completion_prefix}{history}Q: {question}\nA:", COMPLETION_STOPS)


class _TemplateUnusable(TemplateError):
    """The chat template renders, but not in a shape the prompts can use."""


def _common_prefix(first: str, second: str) -> str:
    """The longest common start of two strings (the template output before the question)."""
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return first[:size]


def _clean_history(history: Sequence[Turn]) -> list[Turn]:
    """Complete question/answer pairs, oldest first, each cut to a sensible length."""
    turns: list[Turn] = []
    for turn in history:
        content = " ".join(turn.content.split())[:_MAX_HISTORY_CHARS]
        if not content:
            continue
        expected = "user" if len(turns) % 2 == 0 else "assistant"
        if turn.role != expected:
            if turns and turn.role == turns[-1].role:
                turns[-1] = Turn(turn.role, content)
            continue
        turns.append(Turn(turn.role, content))
    if turns and turns[-1].role == "user":
        turns.pop()
    return turns


def history_window(history: Sequence[Turn], turns: int) -> list[Turn]:
    """The last `turns` messages of the history (0 keeps none)."""
    return list(history[-turns:]) if turns > 0 else []
