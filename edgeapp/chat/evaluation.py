"""Evaluation of the assistant over question sets: is each answer right, and does it state
anything the resume does not hold? The invented-fact check reads the raw resume JSON with its own
patterns, apart from the guard's code, so the two can catch each other's mistakes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TextIO

from edgeapp.chat.assistant import Assistant
from edgeapp.chat.engine import Engine, EngineStatus
from edgeapp.chat.events import FinalEvent, ReplaceEvent, Source
from edgeapp.chat.vocab import AMBIGUOUS_TECH_WORDS, MONTHS, ORGANISATIONS, TECHNOLOGIES
from edgeapp.config import Settings
from edgeapp.errors import InvalidRequest
from edgeapp.resume.loader import alt_resume_path, default_resume_path, load_resume
from edgeapp.resume.models import Resume

logger = logging.getLogger(__name__)

QuestionKind = Literal["fact", "absent", "open"]
ABSENT_MARKERS = ("doesn't", "does not", "isn't listed", "is not listed", "not in the resume")
_BUNDLED_RESUMES = {"sample": default_resume_path, "alt": alt_resume_path}
_MONTHS = MONTHS


@dataclass(frozen=True)
class EvalQuestion:
    """One question of a set, what kind it is and the text its answer must contain."""

    q: str
    kind: QuestionKind
    expect: tuple[str, ...] = ()
    expect_any: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionSet:
    """A question-set file: the resume it is about and its questions."""

    path: Path
    resume_path: Path
    questions: tuple[EvalQuestion, ...]


@dataclass
class EvalResult:
    """The assistant's answer to one question and how it scored."""

    question: EvalQuestion
    answer: str
    sources: list[Source]
    missing: list[str]
    invented: list[str]
    replaced: bool

    @property
    def correct(self) -> bool:
        """Every expected fact present and nothing invented."""
        return not self.missing and not self.invented and bool(self.answer.strip())


@dataclass
class EvalReport:
    """Results of one question set."""

    questions_file: Path
    resume_file: Path
    results: list[EvalResult] = field(default_factory=list)

    @property
    def correct(self) -> int:
        """Answers with every expected fact and nothing invented."""
        return sum(r.correct for r in self.results)

    @property
    def invented(self) -> int:
        """Answers stating at least one fact the resume does not hold."""
        return sum(bool(r.invented) for r in self.results)

    @property
    def absent_total(self) -> int:
        """Questions whose answer is not in the resume."""
        return sum(r.question.kind == "absent" for r in self.results)

    @property
    def absent_ok(self) -> int:
        """Absent-answer questions answered as absent, without invention."""
        return sum(r.question.kind == "absent" and r.correct for r in self.results)

    def summary(self) -> str:
        """The one-line verdict."""
        return (
            f"eval: {len(self.results)} questions, {self.correct} correct, {self.invented} invented, "
            f"{self.absent_ok}/{self.absent_total} absent answered as absent"
        )


def shipped_question_sets() -> list[Path]:
    """The question sets bundled with the app."""
    folder = resources.files("edgeapp.eval")
    if not isinstance(folder, Path):
        folder = Path(__file__).resolve().parent.parent / "eval"
    return sorted(item for item in folder.iterdir() if item.name.endswith(".questions.json"))


def load_question_set(path: Path) -> QuestionSet:
    """Read a question-set file; its "resume" is "sample", "alt" or a path relative to the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidRequest(f"{path}: cannot read question set: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise InvalidRequest(f'{path}: a question set is {{"resume": ..., "questions": [...]}}')
    resume = data.get("resume", "sample")
    if not isinstance(resume, str):
        raise InvalidRequest(f'{path}: "resume" must be text')
    resume_path = _BUNDLED_RESUMES[resume]() if resume in _BUNDLED_RESUMES else path.parent / resume
    questions = []
    for index, item in enumerate(data["questions"]):
        kind = item.get("kind") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or kind not in ("fact", "absent", "open"):
            raise InvalidRequest(f'{path}: questions[{index}] needs "q" text and a kind (fact, absent or open)')
        questions.append(
            EvalQuestion(
                q=item["q"],
                kind=kind,
                expect=tuple(str(x) for x in item.get("expect", [])),
                expect_any=tuple(str(x) for x in item.get("expect_any", [])),
            )
        )
    return QuestionSet(path, resume_path, tuple(questions))


# -- the invented-fact check --------------------------------------------------------------------


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class FactChecker:
    """Finds statements in an answer that the raw resume JSON does not back."""

    def __init__(self, resume_data: dict[str, Any], *, today: dt.date) -> None:
        strings = _strings(resume_data)
        self.text = "\n".join(strings).lower()
        self.words = set(re.findall(r"[a-z0-9][a-z0-9+#]*", self.text))
        self.numbers = set(re.findall(r"\d+", self.text))
        self.digit_strings = ["".join(re.findall(r"\d", s)) for s in strings]
        dates = [(int(m[0]), int(m[1] or 1)) for m in re.findall(r"\b(\d{4})(?:-(\d{2}))?", self.text)]
        dates.append((today.year, today.month))
        self.durations = {abs((a[0] - b[0]) * 12 + a[1] - b[1]) for a in dates for b in dates}

    def invented(self, answer: str, question: str) -> list[str]:
        """What `answer` states that neither the resume nor the question contains."""
        found: list[str] = []
        allowed = self.text + "\n" + question.lower()
        lower = answer.lower()
        for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", lower):
            if email not in allowed:
                found.append(email)
        for url in re.findall(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s,;)]*)?", lower):
            host = re.sub(r"^https?://", "", url).split("/")[0].removeprefix("www.")
            suffix = host.rsplit(".", 1)[-1]
            if "." in host and suffix.isalpha() and len(suffix) >= 2 and host not in allowed:
                found.append(url)
        for phone in re.findall(r"\+?\(?\d[\d ().-]{6,}\d", answer):
            digits = "".join(re.findall(r"\d", phone))
            if len(digits) >= 7 and not any(digits in s for s in self.digit_strings):
                found.append(phone.strip())
        for amount in re.findall(r"[$€£]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion)?\b", lower):
            if amount.strip() not in allowed:
                found.append(amount.strip())
        stripped = self._strip_durations(lower, found)
        for month, year in re.findall(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})", stripped):
            if f"{year}-{_MONTHS.index(month) + 1:02d}" not in self.text:
                found.append(f"{month} {year}")
        for number in re.findall(r"\d+", stripped):
            if number not in self.numbers and number not in question:
                found.append(number)
        found.extend(self._names(answer, allowed))
        found.extend(self._technologies(answer, allowed))
        return list(dict.fromkeys(found))

    def _strip_durations(self, lower: str, found: list[str]) -> str:
        pattern = re.compile(r"\b(\d+) years?(?: (\d+) months?)?|\b(\d+) months?")

        def _check(match: re.Match[str]) -> str:
            months = int(match.group(3)) if match.group(3) else (int(match.group(1)) * 12 + int(match.group(2) or 0))
            if months not in self.durations and match.group(0) not in self.text:
                found.append(match.group(0))
            return " "

        return pattern.sub(_check, lower)

    def _names(self, answer: str, allowed: str) -> list[str]:
        found = []
        for sentence in re.split(r"(?<=[.!?:;])\s+|\n", answer):
            words = re.findall(r"(?<![\w+#.-])[A-Za-z][\w+#'’-]*", sentence)
            for position, word in enumerate(words):
                core = re.sub(r"['’]s?$", "", word).lower()
                if not word[0].isupper() or core in ("i", "i'm", "i've", "i'd"):
                    continue
                if position == 0 and core not in ORGANISATIONS:
                    continue
                if (
                    core in _MONTHS
                    or core in self.words
                    or re.search(r"(?<![a-z0-9])" + re.escape(core) + r"(?![a-z0-9])", allowed)
                ):
                    continue
                found.append(word)
        return found

    def _technologies(self, answer: str, allowed: str) -> list[str]:
        found = []
        lower = answer.lower()
        for term in TECHNOLOGIES:
            match = re.search(r"(?<![a-z0-9+#.])" + re.escape(term) + r"(?![a-z0-9+#])", lower)
            if match is None:
                continue
            written = answer[match.start() : match.end()]
            if " " not in term and term in AMBIGUOUS_TECH_WORDS and not written[:1].isupper():
                continue
            if not re.search(r"(?<![a-z0-9+#])" + re.escape(term) + r"(?![a-z0-9+#])", allowed):
                found.append(written)
        return found


# -- running ------------------------------------------------------------------------------------


def _missing(result_text: str, question: EvalQuestion) -> list[str]:
    lower = result_text.lower()
    missing = [e for e in question.expect if e.lower() not in lower]
    any_of = question.expect_any or (ABSENT_MARKERS if question.kind == "absent" else ())
    if any_of and not any(e.lower() in lower for e in any_of):
        missing.append(" | ".join(any_of))
    return missing


async def run_eval_async(
    questions_file: Path,
    *,
    engine: Engine,
    resume: Resume | None = None,
    today: dt.date | None = None,
    max_answer_tokens: int = 160,
) -> EvalReport:
    """Ask every question of the set (each as a fresh conversation) and score the answers."""
    question_set = load_question_set(questions_file)
    resume = resume if resume is not None else load_resume(question_set.resume_path)
    day = today or dt.date.today()
    assistant = Assistant(resume, engine, max_answer_tokens=max_answer_tokens, today=lambda: day)
    checker = FactChecker(resume.to_json(), today=day)
    report = EvalReport(questions_file, question_set.resume_path)
    for question in question_set.questions:
        final: FinalEvent | None = None
        replaced = False
        async for event in assistant.respond(question.q, []):
            if isinstance(event, ReplaceEvent):
                replaced = True
            elif isinstance(event, FinalEvent):
                final = event
        answer = final.content if final else ""
        report.results.append(
            EvalResult(
                question=question,
                answer=answer,
                sources=final.sources if final else [],
                missing=_missing(answer, question),
                invented=checker.invented(answer, question.q),
                replaced=replaced,
            )
        )
    return report


def run_eval(
    questions_file: Path,
    *,
    engine: Engine,
    resume: Resume | None = None,
    today: dt.date | None = None,
    max_answer_tokens: int = 160,
) -> EvalReport:
    """Synchronous `run_eval_async` for the CLI and scripts."""
    return asyncio.run(
        run_eval_async(questions_file, engine=engine, resume=resume, today=today, max_answer_tokens=max_answer_tokens)
    )


def render_report(report: EvalReport) -> str:
    """The report as text: each question with its answer and verdicts, then the summary line."""
    lines = [f"# {report.questions_file} (resume: {report.resume_file.name})"]
    for number, result in enumerate(report.results, 1):
        mark = "ok  " if result.correct else "FAIL"
        lines.append(f"[{mark}] {number}. ({result.question.kind}) {result.question.q}")
        lines.append(f"       answer: {result.answer}")
        lines.append(f"       sources: {', '.join(s.path for s in result.sources) or '-'}")
        expected = "yes" if not result.missing else "missing " + "; ".join(result.missing)
        lines.append(f"       expected facts present: {expected}")
        invented = "none" if not result.invented else ", ".join(result.invented)
        lines.append(
            f"       outside the resume: {invented}" + ("   (guard replaced model text)" if result.replaced else "")
        )
    lines.append(report.summary())
    return "\n".join(lines)


async def _wait_until_ready(engine: Engine, timeout: float) -> None:
    waited = 0.0
    while engine.state.status is EngineStatus.LOADING and waited < timeout:
        await asyncio.sleep(0.2)
        waited += 0.2


def main_eval(
    path: Path | None,
    settings: Settings,
    *,
    engine: Engine | None = None,
    out: TextIO | None = None,
    today: dt.date | None = None,
    load_timeout: float = 180.0,
) -> int:
    """CLI `edgeapp eval [QUESTIONS.json]`: run one set (or every shipped set) and write the
    reports; exit status 0 when every answer is correct and nothing is invented.

    Without `engine`, the configured model is loaded (or none when MODEL_ENABLED=false, which
    evaluates the data-built answers alone).
    """
    stream = out or sys.stdout
    own_engine = engine is None
    if engine is None:
        from edgeapp.app import build_engine

        engine = build_engine(settings)
        engine.start()
    try:
        # One event loop for the whole run: the engine hands pieces to the loop that asked.
        return asyncio.run(_evaluate(path, engine, settings, stream, today, load_timeout))
    finally:
        if own_engine:
            engine.close()


async def _evaluate(
    path: Path | None, engine: Engine, settings: Settings, stream: TextIO, today: dt.date | None, load_timeout: float
) -> int:
    await _wait_until_ready(engine, load_timeout)
    stream.write(f"model: {engine.state.status.value} {engine.state.model_name}\n")
    files = [path] if path is not None else shipped_question_sets()
    return await _evaluate_files(files, engine, settings, stream, today)


async def _evaluate_files(
    files: list[Path], engine: Engine, settings: Settings, stream: TextIO, today: dt.date | None
) -> int:
    status = 0
    totals = [0, 0, 0, 0, 0]
    for questions_file in files:
        question_set = load_question_set(questions_file)
        resume = load_resume(question_set.resume_path)
        if engine.state.status is EngineStatus.READY:
            engine.set_prefix(Assistant(resume, engine).prefix)
        report = await run_eval_async(
            questions_file, engine=engine, resume=resume, today=today, max_answer_tokens=settings.max_answer_tokens
        )
        stream.write(render_report(report) + "\n\n")
        for i, value in enumerate(
            (len(report.results), report.correct, report.invented, report.absent_ok, report.absent_total)
        ):
            totals[i] += value
        if report.correct != len(report.results) or report.invented:
            status = 1
    if len(files) > 1:
        stream.write(
            f"eval: {totals[0]} questions, {totals[1]} correct, {totals[2]} invented, "
            f"{totals[3]}/{totals[4]} absent answered as absent\n"
        )
    logger.info("eval finished with model %s", engine.state.status.value)
    return status
