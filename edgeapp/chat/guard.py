"""The guard between the model and the visitor: model text is released word by word, and only
while every word is backed by the resume (emails, phones, URLs, dates, names, skills, amounts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from edgeapp.chat.matching import contains_phrase
from edgeapp.chat.retrieval import stem
from edgeapp.chat.vocab import (
    AMBIGUOUS_TECH_WORDS,
    COMMON_WORDS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    ORGANISATIONS,
    SPOKEN_LANGUAGES,
    TECHNOLOGIES,
    word_set,
)

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|dev|ai|co|edu|gov|app|"
    r"me|info|biz|tech|xyz|us|uk|de|fr|nl|se|es|it|pt|eu|ca|au|in|jp|cn|ru|ly|gg|sh)\b(?:/\S*)?",
    re.I,
)
_DIGITS_RE = re.compile(r"\d+")
_WORD_CORE_RE = re.compile(r"^[^\w@+#$€£]*(.*?)[^\w+#%]*$")
_SENTENCE_END_RE = re.compile(r"[.!?](?=[\"')\]]*(?:\s|$))|\n")
_NUMBER_WORDS = word_set(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion dozen dozens several many"""
)
_UNITS = word_set(
    """year years yr yrs month months week weeks day days hour hours people person engineers
    employees staff users customers clients students members projects teams countries percent %
    k m million billion dollars usd eur euros pounds gbp"""
)
_ALWAYS_ALLOWED = frozenset({"i", "i'm", "i've", "i'd", "i'll", "ok", "okay"})
_MAX_WORD_CHARS = 40
_ACCENTED = "áàâãäåçéèêëíìîïñóòôõöúùûüýÿæøœßÁÀÂÃÄÅÇÉÈÊËÍÌÎÏÑÓÒÔÕÖÚÙÛÜÝÆØŒ"
# Words of the honest "the resume doesn't list that" answers the prompt teaches.
_ANSWER_WORDS = word_set("resume resumes doesn't does say says listed list lists mention mentions")


_SPOILS_WHOLE_ANSWER = frozenset({"garbage", "empty", "format", "bare yes or no"})


@dataclass(frozen=True)
class Rejection:
    """Why the guard stopped the model: a short reason and the offending word."""

    reason: str
    word: str

    @property
    def keeps_earlier_sentences(self) -> bool:
        """Whether the sentences released before the offending one may stay (not for loops/garbage)."""
        return self.reason not in _SPOILS_WHOLE_ANSWER


class ResumeLexicon:
    """Everything the resume says, in the forms the guard looks words up in."""

    def __init__(self, texts: Iterable[str], *, extra_words: Iterable[str] = ()) -> None:
        joined = "\n".join(texts)
        self.text = joined.lower()
        self.words = set(re.findall(r"[a-z0-9][a-z0-9+#'-]*", self.text))
        self.words |= {w.strip("'-") for w in self.words}
        self.words |= {part for w in list(self.words) for part in re.split(r"[-']", w) if part}
        self.words |= {w.lower() for w in extra_words}
        self.stems = {stem(w) for w in self.words}
        self.digit_runs = set(_DIGITS_RE.findall(self.text))
        self.emails = {m.lower() for m in _EMAIL_RE.findall(joined)}
        self.urls = {_bare_url(m) for m in _URL_RE.findall(joined)}
        self.hosts = {url.split("/")[0] for url in self.urls} | {e.split("@")[1] for e in self.emails}

    def has_word(self, word: str) -> bool:
        """Whether the lower-cased word (or its stem) occurs in the resume."""
        return word in self.words or stem(word) in self.stems

    def has_phrase(self, phrase: str) -> bool:
        """Whether the words occur together in the resume."""
        return contains_phrase(self.text, phrase.lower())


def _bare_url(url: str) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower())
    return url.rstrip("/.,;:!?)\"'")


def _core(word: str) -> str:
    match = _WORD_CORE_RE.match(word)
    core = match.group(1) if match else word
    return re.sub(r"'s$|’s$", "", core)


class StreamGuard:
    """Checks model text as it streams and releases it a whole word at a time.

    `feed` returns the text safe to show now (everything up to the last finished word); after a
    rejection it returns "" and `rejection` says why. `finish` flushes the last word and checks the
    answer as a whole (empty, garbage, loops).
    """

    def __init__(self, lexicon: ResumeLexicon) -> None:
        self.lexicon = lexicon
        self.released = ""
        self.rejection: Rejection | None = None
        self._pending = ""
        self._sentence_words: list[str] = []
        self._all_words: list[str] = []
        self._previous_core = ""

    def feed(self, piece: str) -> str:
        """Take more model text; return what may be shown now."""
        if self.rejection is not None:
            return ""
        self._pending += piece
        cut = max(self._pending.rfind(" "), self._pending.rfind("\n"), self._pending.rfind("\t"))
        if cut < 0:
            return ""
        complete, self._pending = self._pending[:cut], self._pending[cut:]
        return self._release(complete)

    def finish(self) -> str:
        """End of the model's text: release the held-back word and check the answer as a whole."""
        if self.rejection is not None:
            return ""
        tail = self._pending.rstrip()
        self._pending = ""
        released = self._release(tail) if tail.strip() else ""
        if self.rejection is not None:
            return ""
        if (
            self._sentence_words
            and not _SENTENCE_END_RE.search(self.released[-1:] or ".")
            and not self._grounded(self._sentence_words)
        ):
            self.rejection = Rejection("ungrounded", self._sentence_words[-1])
            return ""
        problem = _whole_answer_problem(self.released)
        if problem:
            self.rejection = Rejection(problem, "")
            return ""
        return released

    def safe_text(self) -> str:
        """The released text up to the last finished sentence (what may stay after a rejection)."""
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(self.released)]
        kept: list[str] = []
        seen: set[tuple[str, ...]] = set()
        start = 0
        for end in ends:
            sentence = self.released[start:end].strip()
            start = end
            if not sentence:
                continue
            words = sentence.lower().split()
            grams = {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1))}
            if grams & seen:
                break  # the loop starts here: keep only what came before it
            seen |= grams
            kept.append(sentence)
        return " ".join(kept)

    def _release(self, chunk: str) -> str:
        if not self.released:
            chunk = chunk.lstrip()
        for match in re.finditer(r"\S+", chunk):
            problem = self._check_word(match.group(0), self._at_sentence_start(chunk, match.start()))
            if problem is not None:
                self.rejection = Rejection(problem, match.group(0))
                return ""
        self.released += chunk
        return chunk

    def _at_sentence_start(self, chunk: str, offset: int) -> bool:
        before = (self.released + chunk[:offset]).rstrip(" \t")
        if not before or before.endswith("\n"):
            return True
        before = before.rstrip("\"'“”‘’()[]*-•")
        return not before or before[-1] in ".!?:\n"

    def _check_word(self, word: str, sentence_start: bool) -> str | None:
        lex = self.lexicon
        if sentence_start:
            self._sentence_words = []
        core = _core(word)
        lower = core.lower()
        self._all_words.append(lower)
        self._sentence_words.append(lower)
        previous, self._previous_core = self._previous_core, lower
        if not core:
            return None
        if len(core) > _MAX_WORD_CHARS or not _latin(core):
            return "garbage"
        if "q:" in lower or lower in ("a:", "question:", "answer:"):
            return "format"
        if "@" in core:
            return None if any(e in lower for e in lex.emails) else "email"
        url = _URL_RE.search(core)
        if url:
            bare = _bare_url(url.group(0))
            if bare not in lex.urls and bare.split("/")[0] not in lex.hosts:
                return "url"
            return None
        if any(run not in lex.digit_runs for run in _DIGITS_RE.findall(core)):
            return "number"
        if re.search(r"[$€£]\s*\d|\d\s*[km]\b", word.lower()) and not lex.has_phrase(core):
            return "amount"
        counted = previous in _NUMBER_WORDS or _DIGITS_RE.fullmatch(previous or "x")
        if lower in _UNITS and counted and not lex.has_phrase(f"{previous} {lower}"):
            return "quantity"
        if lower in _NUMBER_WORDS and lower not in COMMON_WORDS and not lex.has_word(lower):
            return "number"
        problem = self._check_terms(core, lower, sentence_start)
        if problem:
            return problem
        if _looping(self._all_words):
            return "repetition"
        if _SENTENCE_END_RE.search(word) and not self._grounded(self._sentence_words):
            return "ungrounded"
        return None

    def _grounded(self, sentence: list[str]) -> bool:
        # A sentence is kept only when nearly all of its content words occur in the resume: the
        # small model's own claims ("a strong communicator") are not facts the resume holds.
        parts = [part for w in sentence for part in re.split(r"[-/]", _core(w))]
        content = [w for w in parts if len(w) >= 4 and w not in COMMON_WORDS and w.isalpha()]
        unknown = [w for w in content if not self.lexicon.has_word(w) and w not in _ANSWER_WORDS]
        return not unknown or (len(unknown) == 1 and len(content) >= 3)

    def _check_terms(self, core: str, lower: str, sentence_start: bool) -> str | None:
        lex = self.lexicon
        capitalised = core[:1].isupper()
        for n in (3, 2, 1):
            gram = " ".join(self._sentence_words[-n:]) if len(self._sentence_words) >= n else ""
            if not gram or gram not in TECHNOLOGIES:
                continue
            if n == 1 and gram in AMBIGUOUS_TECH_WORDS and not capitalised:
                continue
            if not lex.has_phrase(gram):
                return "skill"
        if lower in _ALWAYS_ALLOWED or not capitalised:
            if lower in MONTHS and not lex.has_word(lower):
                return "date"
            return None
        if lower in MONTHS or lower in MONTH_ABBREVIATIONS:
            return None if lex.has_word(lower) else "date"
        known = lex.has_word(lower) or all(lex.has_word(p) for p in re.split(r"[-']", lower) if p)
        if known:
            return None
        if sentence_start:
            if lower in ORGANISATIONS or lower in SPOKEN_LANGUAGES or lower in TECHNOLOGIES:
                return "name"
            return None if lower in COMMON_WORDS or lex.has_word(lower) else "name"
        return "name"


def _looping(words: list[str]) -> bool:
    """The small model repeats itself: the same word many times in a row, or a phrase thrice."""
    if len(words) >= 5 and len(set(words[-5:])) == 1:
        return True
    for size, most in ((3, 2), (6, 1)):
        if len(words) >= size * (most + 1):
            last = words[-size:]
            count = sum(1 for i in range(len(words) - size + 1) if words[i : i + size] == last)
            if count > most:
                return True
    return False


def _whole_answer_problem(text: str) -> str:
    """Why a finished answer is unusable as a whole ("" when it is fine)."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2:
        return "empty"
    words = re.findall(r"[a-z']+", text.lower())
    if len(words) <= 2 and words[0] in ("yes", "no", "yeah", "nope", "sure"):
        # A bare yes or no from the small model is a guess: the data answer says what is known.
        return "bare yes or no"
    if letters < 0.5 * len(text.replace(" ", "")):
        return "garbage"
    if not _latin(text):
        return "garbage"
    return ""


def _latin(text: str) -> bool:
    """Mostly Latin letters (the resume's script); the small model sometimes drifts into others."""
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(ch.isascii() or ch in _ACCENTED for ch in letters)
    return latin >= 0.8 * len(letters)
