"""Finding the resume entries a question is about: BM25 over entry text with light stemming and synonyms."""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from edgeapp.chat.vocab import word_set
from edgeapp.resume.entries import Entry

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9+#]*")

STOPWORDS = word_set(
    """a about above after again all am an and any are as at be been before being below between both
    but by can could did do does doing during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just me more most my myself
    no nor not of off on once only or other our ours out over own same she should so some such than
    that the their theirs them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself
    tell please know let us ever also much many really get got like"""
)

# Words a visitor uses for the same idea map to one canonical term, on both the question and the
# entry side, so "employer" finds a work entry and "university" an education entry.
_SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "work",
        "job",
        "jobs",
        "employer",
        "employers",
        "company",
        "companies",
        "employment",
        "worked",
        "career",
        "position",
        "positions",
        "role",
        "roles",
        "firm",
        "experience",
        "employed",
        "occupation",
    ),
    (
        "education",
        "school",
        "schools",
        "university",
        "universities",
        "college",
        "degree",
        "degrees",
        "study",
        "studied",
        "studying",
        "studies",
        "graduate",
        "graduated",
        "diploma",
        "bachelor",
        "master",
        "masters",
        "phd",
        "doctorate",
        "academic",
        "institution",
        "alma",
    ),
    (
        "contact",
        "email",
        "mail",
        "e-mail",
        "reach",
        "phone",
        "call",
        "telephone",
        "number",
        "website",
        "site",
        "url",
        "homepage",
    ),
    (
        "skill",
        "skills",
        "technology",
        "technologies",
        "tech",
        "stack",
        "tools",
        "tool",
        "programming",
        "expertise",
        "competence",
        "competencies",
        "proficient",
        "proficiency",
    ),
    ("project", "projects", "built", "build", "side", "portfolio"),
    ("certificate", "certificates", "certification", "certifications", "certified", "license", "licence"),
    ("award", "awards", "prize", "prizes", "honor", "honour", "honors", "honours", "recognition", "won", "win"),
    ("volunteer", "volunteering", "volunteered", "charity", "nonprofit", "unpaid"),
    (
        "publication",
        "publications",
        "paper",
        "papers",
        "published",
        "article",
        "articles",
        "publish",
        "wrote",
        "writing",
    ),
    ("interest", "interests", "hobby", "hobbies", "pastime", "free", "leisure", "fun", "enjoy"),
    ("language", "languages", "speak", "spoken", "speaks", "fluent", "fluency", "tongue"),
    ("robot", "robots", "robotics", "robotic"),
    ("location", "live", "lives", "based", "located", "city", "country", "from"),
    ("reference", "references", "recommendation", "recommend", "testimonial"),
)
# Canonical terms carry a mark so a stem of some other word ("working" -> "work") cannot collide.
SYNONYMS: dict[str, str] = {word: "~" + group[0] for group in _SYNONYM_GROUPS for word in group}


def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match "developing"/"developer"/"develops"."""
    for suffix, min_len in (
        ("ations", 4),
        ("ation", 4),
        ("ments", 4),
        ("ment", 4),
        ("ings", 4),
        ("ing", 4),
        ("ers", 4),
        ("ies", 3),
        ("ied", 3),
        ("ed", 4),
        ("er", 4),
        ("ly", 4),
        ("es", 4),
        ("s", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_len - 1:
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens of `text` (keeps `c++`, `c#`)."""
    return _WORD_RE.findall(text.lower())


def terms(text: str) -> list[str]:
    """Index terms: words without stopwords, synonyms folded to one term, then stemmed."""
    result = []
    for word in words(text):
        if word in STOPWORDS:
            continue
        result.append(SYNONYMS.get(word) or stem(word))
    return result


class ResumeIndex:
    """BM25 over resume entries (section name, title and text), with cheap typo tolerance."""

    def __init__(
        self, entries: Sequence[Entry], *, ignore: Sequence[str] = (), k1: float = 1.4, b: float = 0.75
    ) -> None:
        self.entries = list(entries)
        # The owner's name says nothing about relevance (every entry is about them), yet it is
        # written into the email and profile entries, which would then answer any question
        # that names the owner.
        self._ignore = {term for word in ignore for term in terms(word)}
        self._k1 = k1
        self._b = b
        self._docs = [Counter(terms(f"{e.section} {e.title} {e.text}")) for e in self.entries]
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._avg_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0
        document_frequency: Counter[str] = Counter()
        for doc in self._docs:
            document_frequency.update(doc.keys())
        total = len(self._docs)
        self._idf = {
            term: math.log(1 + (total - count + 0.5) / (count + 0.5)) for term, count in document_frequency.items()
        }
        self._vocabulary = sorted(self._idf)

    def _query_terms(self, question: str) -> list[str]:
        found = []
        for term in terms(question):
            if term in self._ignore:
                continue
            if term in self._idf:
                found.append(term)
            elif len(term) >= 5:
                # One misspelt word ("robtics") should still find its entry.
                close = difflib.get_close_matches(term, self._vocabulary, n=1, cutoff=0.8)
                found.extend(close)
        return found

    def scores(self, question: str) -> list[float]:
        """The BM25 score of every entry for `question` (same order as `entries`)."""
        query = self._query_terms(question)
        result = []
        for doc, length in zip(self._docs, self._lengths, strict=True):
            score = 0.0
            norm = self._k1 * (1 - self._b + self._b * length / self._avg_length)
            for term in query:
                frequency = doc.get(term, 0)
                if frequency:
                    score += self._idf[term] * frequency * (self._k1 + 1) / (frequency + norm)
            result.append(score)
        return result

    def retrieve(self, question: str, k: int = 3) -> list[Entry]:
        """The `k` entries that best match `question`, best first; entries that match nothing are left out."""
        scored = [(score, i) for i, score in enumerate(self.scores(question)) if score > 0]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.entries[i] for _, i in scored[:k]]

    def by_path(self, paths: Iterable[str]) -> list[Entry]:
        """The entries with the given JSON Resume paths, in the order asked (unknown paths skipped)."""
        lookup = {entry.path: entry for entry in self.entries}
        return [lookup[path] for path in paths if path in lookup]
