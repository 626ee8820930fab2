"""The answer pipeline: data-built answers for facts, the guarded model for open questions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Sequence

from edgeapp.chat.engine import Engine, EngineStatus, GenerationRequest
from edgeapp.chat.events import (
    AnswerEvent,
    FinalEvent,
    ReplaceEvent,
    Source,
    SourcesEvent,
    TokenEvent,
    Topic,
    Turn,
)
from edgeapp.chat.facts import FactAnswer, FactFinder
from edgeapp.chat.facts_base import all_strings
from edgeapp.chat.guard import ResumeLexicon, StreamGuard
from edgeapp.chat.prompts import PromptBuilder, history_window
from edgeapp.chat.resume_view import build_view
from edgeapp.chat.retrieval import ResumeIndex
from edgeapp.errors import ModelUnavailable
from edgeapp.resume.entries import Entry, build_entries
from edgeapp.resume.models import Resume

__all__ = [
    "AnswerEvent",
    "Assistant",
    "FinalEvent",
    "ReplaceEvent",
    "Source",
    "SourcesEvent",
    "TokenEvent",
    "Turn",
]

logger = logging.getLogger(__name__)

MODEL_UNAVAILABLE_NOTE = "The assistant's model is not available right now; here is what the resume says:"
_PROMPT_MARGIN_TOKENS = 8


class Assistant:
    """Answers visitors' questions about one resume, never stating what the resume does not hold."""

    def __init__(
        self,
        resume: Resume,
        engine: Engine,
        *,
        max_answer_tokens: int = 160,
        history_turns: int = 6,
        sources_per_answer: int = 3,
        today: Callable[[], dt.date] = dt.date.today,
        bos_token: str = "",
        eos_token: str = "",
    ) -> None:
        self.engine = engine
        self.max_answer_tokens = max_answer_tokens
        self.history_turns = history_turns
        self.sources_per_answer = sources_per_answer
        self._today = today
        self._special_tokens = (bos_token, eos_token)
        self.view = build_view(resume)
        self.entries: list[Entry] = build_entries(resume)
        self.index = ResumeIndex(self.entries, ignore=self.view.name.split())
        self.facts = FactFinder(self.view)
        self._builder: PromptBuilder | None = None
        self._prefix_count: tuple[str, int] | None = None
        self._builder_template: str | None = None
        probe = self.prompts()
        self.lexicon = ResumeLexicon(
            [*all_strings(self.view.raw), probe.resume_text, *(e.text for e in self.entries)],
            extra_words=self.view.name.split(),
        )

    def prompts(self) -> PromptBuilder:
        """The prompt builder for the engine's current chat template (rebuilt if it changes)."""
        template = self.engine.chat_template
        if self._builder is None or template != self._builder_template:
            bos, eos = self._special_tokens
            self._builder = PromptBuilder(
                self.view, chat_template=template, bos_token=bos, eos_token=eos, today=self._today
            )
            self._builder_template = template
        return self._builder

    def prefix(self) -> str:
        """The fixed prompt prefix (instructions + resume) every prompt starts with."""
        return self.prompts().prefix()

    def _count_prompt_tokens(self, text: str) -> int:
        """Tokens of a prompt, counting the shared prefix once (tokenizing it costs ~5 ms)."""
        prefix = self.prefix()
        if not text.startswith(prefix):
            return self.engine.count_tokens(text)
        if self._prefix_count is None or self._prefix_count[0] != prefix:
            self._prefix_count = (prefix, self.engine.count_tokens(prefix))
        return self._prefix_count[1] + self.engine.count_tokens(text[len(prefix) :])

    def retrieve(self, question: str, k: int | None = None) -> list[Entry]:
        """The resume entries most relevant to `question`."""
        return self.index.retrieve(question, k or self.sources_per_answer)

    def sources(self, entries: Sequence[Entry]) -> list[Source]:
        """Entries as the sources shown under an answer."""
        return [Source(e.path, e.title, e.snippet) for e in entries]

    def fact_answer(self, question: str) -> FactAnswer | None:
        """The data-built answer, when the question is one the resume data answers exactly."""
        return self.facts.answer(question, today=self._today())

    def data_answer(self, entries: Sequence[Entry]) -> str:
        """What the resume says about the retrieved entries, for when the model cannot answer."""
        if not entries:
            offer = self.facts.answer("summary", today=self._today())
            base = "The resume doesn't say."
            return f"{base} {offer.text}" if offer else base
        parts = [
            f"{e.title.rstrip('.')}." if e.snippet.rstrip(".") in e.title else f"{e.title}: {e.snippet.rstrip('.')}."
            for e in entries
        ]
        return "Here is what the resume says: " + " ".join(parts)

    async def respond(self, question: str, history: Sequence[Turn] = ()) -> AsyncIterator[AnswerEvent]:
        """Stream the answer: tokens (maybe one replace), then sources, then the final answer."""
        question = " ".join(question.split())
        fact = self.fact_answer(question)
        if fact is not None:
            sources = self.sources(self.index.by_path(fact.paths))
            yield TokenEvent(fact.text)
            yield SourcesEvent(sources)
            topics = tuple(Topic(path) for path in fact.paths)
            yield FinalEvent(fact.text, sources, outcome=fact.kind, topics=topics)
            return
        entries = self.retrieve(question) or self.index.by_path(
            ["basics", *(role.path for role in self.view.work if role.current)]
        )
        sources = self.sources(entries)
        fallback = self.data_answer(entries)
        shown = ""
        async for event in self._model_answer(question, history, entries, fallback):
            shown = event.text if isinstance(event, ReplaceEvent) else shown + event.text
            yield event
        yield SourcesEvent(sources)
        yield FinalEvent(shown, sources, outcome="open", topics=tuple(Topic(e.path) for e in entries))

    async def _model_answer(
        self, question: str, history: Sequence[Turn], entries: Sequence[Entry], fallback: str
    ) -> AsyncIterator[TokenEvent | ReplaceEvent]:
        if self.engine.state.status is not EngineStatus.READY:
            yield TokenEvent(f"{MODEL_UNAVAILABLE_NOTE} {fallback}")
            return
        budget = self.engine.n_ctx - self.max_answer_tokens - _PROMPT_MARGIN_TOKENS
        prompt = self.prompts().build(
            question,
            history_window(history, self.history_turns),
            fits=lambda text: self._count_prompt_tokens(text) <= budget,
        )
        if prompt is None:
            logger.warning("question does not fit the model context; answering from data")
            yield TokenEvent(fallback)
            return
        request = GenerationRequest(
            prompt=prompt.text, max_tokens=self.max_answer_tokens, stop=prompt.stop, temperature=0.0
        )
        guard = StreamGuard(self.lexicon)
        shown = ""
        failed = False
        stream = self.engine.stream(request)
        try:
            async for piece in stream:
                released = guard.feed(piece)
                if released:
                    shown += released
                    yield TokenEvent(released)
                if guard.rejection is not None:
                    break
            else:
                released = guard.finish()
                if released:
                    shown += released
                    yield TokenEvent(released)
        except ModelUnavailable:
            failed = True
        except Exception:
            logger.exception("model generation failed; answering from data")
            failed = True
        finally:
            # Closing the stream stops generation at once when the guard has seen enough.
            closer = getattr(stream, "aclose", None)
            if closer is not None:
                await closer()
        if guard.rejection is None and not failed:
            return
        if guard.rejection is not None:
            logger.info("guard replaced model text (%s: %r)", guard.rejection.reason, guard.rejection.word)
        keep = guard.rejection is None or guard.rejection.keeps_earlier_sentences
        safe = guard.safe_text() if keep else ""
        text = f"{safe} {fallback}" if safe else fallback
        if failed and not shown:
            text = f"{MODEL_UNAVAILABLE_NOTE} {fallback}"
        yield ReplaceEvent(text) if shown else TokenEvent(text)
