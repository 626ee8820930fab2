"""Reading a visitor's question: normalised words, phrase tests, and mentions of names and technologies."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from edgeapp.chat.vocab import AMBIGUOUS_TECH_WORDS, TECHNOLOGIES, word_set

_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#.\-']*[A-Za-z0-9+#]|[A-Za-z0-9]")
GENERIC_NAME_WORDS = word_set(
    """the of and a an at for in on inc ltd llc gmbh ag sa bv co corp corporation company group
    university college school institute academy labs lab technologies technology solutions systems
    services studio studios partners international global department faculty center centre"""
)


def tokens(text: str) -> list[str]:
    """Words of `text` as written (case kept), with `c++`, `node.js`, `don't` kept whole."""
    return _TOKEN_RE.findall(text.replace("’", "'"))


@lru_cache(maxsize=512)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9+#])" + re.escape(phrase) + r"(?![a-z0-9+#])")


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether lower-case `text` contains `phrase` as whole words."""
    needle = phrase.lower()
    # The plain substring test rules out almost every phrase before the (slower) regex runs.
    return bool(needle) and needle in text and _phrase_re(needle).search(text) is not None


@lru_cache(maxsize=4096)
def _correct(word: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.8)
    return close[0] if close else word


class Question:
    """A question prepared for keyword tests: lower-cased, typos near known words corrected."""

    def __init__(self, text: str, known_words: Iterable[str] = ()) -> None:
        self.original = text.strip()
        self.words_as_written = tokens(self.original)
        known = known_words if isinstance(known_words, frozenset) else frozenset(known_words)
        corrected = []
        for word in (w.lower() for w in self.words_as_written):
            if len(word) >= 5 and known and word not in known:
                # Only words of five letters or more: short ones have too many near neighbours.
                corrected.append(_correct(word, known))
            else:
                corrected.append(word)
        self.words = corrected
        self.text = " ".join(corrected)

    def has(self, *phrases: str) -> bool:
        """Whether any of `phrases` occurs as whole words."""
        return any(contains_phrase(self.text, phrase) for phrase in phrases)

    def capitalised(self) -> set[str]:
        """Lower-cased words the visitor wrote with a capital, except the first word."""
        return {w.lower() for w in self.words_as_written[1:] if w[:1].isupper()}

    def ngrams(self, max_n: int = 3) -> list[str]:
        """Word n-grams of the corrected question, longest first."""
        grams: list[str] = []
        for n in range(max_n, 0, -1):
            grams.extend(" ".join(self.words[i : i + n]) for i in range(len(self.words) - n + 1))
        return grams

    def technologies(self, extra_terms: Iterable[str] = ()) -> list[str]:
        """Technologies named in the question (vocabulary terms plus `extra_terms`), as lower-case."""
        extra = {term.lower() for term in extra_terms}
        capitalised = self.capitalised() | {
            w.lower() for w in self.words_as_written[:1] if w[:1].isupper() and len(w) > 1
        }
        found: list[str] = []
        for gram in self.ngrams():
            if any(contains_phrase(existing, gram) for existing in found):
                continue
            is_tech = gram in extra or (
                gram in TECHNOLOGIES and (gram not in AMBIGUOUS_TECH_WORDS or gram in capitalised)
            )
            if is_tech:
                found.append(gram)
        return found


def distinctive_words(name: str) -> set[str]:
    """Words of an organisation or project name that identify it (not "University", "Inc", "of")."""
    parts = {w.lower() for w in re.split(r"[^A-Za-z0-9+#]+", name)} | {w.lower() for w in tokens(name)}
    return {w for w in parts if w not in GENERIC_NAME_WORDS and len(w) >= 3}


def mentions_name(question: Question, name: str) -> bool:
    """Whether the question names `name` (whole, or by one of its distinctive words)."""
    if not name:
        return False
    if question.has(name.lower()):
        return True
    return bool(distinctive_words(name) & set(question.words))
