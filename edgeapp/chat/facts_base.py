"""What every data-built answer shares: the answer type, question word lists and resume lookups."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from edgeapp.chat.matching import Question, contains_phrase, distinctive_words
from edgeapp.chat.resume_view import ResumeView, Role
from edgeapp.chat.vocab import (
    COMMON_WORDS,
    ORGANISATIONS,
    SPOKEN_LANGUAGES,
    TECHNOLOGIES,
    word_set,
)

AnswerKind = Literal["fact", "absent"]


@dataclass(frozen=True)
class FactAnswer:
    """A data-built answer and the resume paths it rests on."""

    text: str
    paths: tuple[str, ...] = ()
    kind: AnswerKind = "fact"


SENSITIVE_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "salary",
            "salaries",
            "pay",
            "paid",
            "compensation",
            "earn",
            "earns",
            "earning",
            "wage",
            "income",
            "hourly rate",
            "day rate",
            "rate",
            "how much do you make",
            "how much does",
            "money",
            "expectations",
        ),
        "salary or pay",
    ),
    (("how old", "age", "born", "birthday", "birth", "date of birth"), "age or date of birth"),
    (
        (
            "married",
            "marriage",
            "wife",
            "husband",
            "spouse",
            "kids",
            "children",
            "child",
            "family",
            "girlfriend",
            "boyfriend",
            "single",
            "relationship",
            "pregnant",
        ),
        "family or relationships",
    ),
    (("religion", "religious", "church", "god", "politics", "political", "vote", "party"), "religion or politics"),
    (("health", "sick", "disability", "illness"), "health"),
    (("nationality", "citizenship", "citizen", "visa", "passport", "immigration"), "nationality or visa status"),
    (("gender", "sexuality", "ethnicity", "race"), "personal characteristics"),
    (("weight", "height", "tall"), "physical details"),
)
OPEN_MARKERS = (
    "tell me about",
    "tell me more",
    "describe",
    "what kind",
    "what sort",
    "why",
    "how do you",
    "how would you",
    "proud",
    "favourite",
    "favorite",
    "enjoy",
    "like about",
    "approach",
    "team",
    "culture",
    "strength",
    "strengths",
    "weakness",
    "weaknesses",
    "motivate",
    "motivates",
    "passion",
    "passionate",
    "dream",
    "goal",
    "goals",
    "future",
    "plan",
    "plans",
    "challenge",
    "challenges",
    "learned",
    "learnt",
    "opinion",
    "think about",
    "feel about",
)
WORK_WORDS = (
    "work",
    "job",
    "jobs",
    "employer",
    "employers",
    "company",
    "companies",
    "career",
    "role",
    "position",
    "worked",
    "working",
    "employed",
    "experience",
    "employment",
    "intern",
    "internship",
    "occupation",
)
PROFILE_NETWORKS = (
    "github",
    "gitlab",
    "linkedin",
    "twitter",
    "mastodon",
    "bluesky",
    "stackoverflow",
    "stack overflow",
    "instagram",
    "facebook",
    "youtube",
    "dribbble",
    "behance",
    "medium",
    "soundcloud",
    "kaggle",
    "orcid",
    "researchgate",
    "scholar",
    "bitbucket",
    "codepen",
    "x",
)
# Words the fact answers listen for: a misspelling close to one of these is corrected.
INTENT_WORDS = word_set(
    """absent address afterwards approach article articles award awards bachelor based birth
    birthday boyfriend called certificate certificates certification certifications certified
    challenge challenges charity child children church citizen citizenship classes coding college
    companies company compensation competencies connect contact country course courses culture
    degree degrees describe details diploma disability doctorate dream duration e-mail earliest
    earning earns education email emails employed employer employers employment ended ethnicity
    expectations expert expertise familiar family favorite favourite finish fluent following
    frameworks future gender girlfriend goals grade grades graduate graduated graduation health
    height hired history hobbies hobby homepage hometown honor honors honour honours hourly
    husband illness immigration income interest interests intern internship introduce joined
    latest learnt leave licence license located location major marks marriage married master
    masters media message mobile modules money months motivate motivates nationality non-profit
    nonprofit number occupation online opinion overview paper papers party passion passionate
    passport pastime personal phone physical plans political politics portfolio position postal
    postcode preceding pregnant present prior prize prizes profession proficient profile
    profiles program programming publication publications published qualification
    qualifications reach recommendation recommendations referees reference references
    relationship religion religious relocate resume salaries salary school score single skill
    skilled skills social socials speak speaks spoken spouse stack street strength strengths
    studied studies study summarise summarize summary talking technologies technology telephone
    title tools total touch university volunteer volunteered volunteering weakness weaknesses
    website weight"""
) | frozenset(n for n in PROFILE_NETWORKS if len(n) >= 5)


def join_words(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def clause(text: str) -> str:
    """Text without its closing full stop, to be joined into a longer sentence."""
    return text.strip().rstrip(".;")


def sentence(text: str) -> str:
    """Text ending with sentence punctuation."""
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


class FactBase:
    """The resume and the lookups every kind of fact answer uses."""

    def __init__(self, view: ResumeView) -> None:
        self.view = view
        blob = " ".join(all_strings(view.raw)).lower()
        self._resume_text = blob
        self.resume_terms = {term.lower() for item in [*view.skills, *view.projects] for term in item.keywords}
        # Frozen, so typo corrections are cached per word across questions.
        self.known_words = frozenset(
            set(re.findall(r"[a-z][a-z+#]{4,}", blob))
            | INTENT_WORDS
            | COMMON_WORDS
            | TECHNOLOGIES
            | ORGANISATIONS
            | SPOKEN_LANGUAGES
        )
        # How many resume items mention each word: a name word found in many items ("Robotics")
        # does not identify one employer or project.
        self._item_frequency: Counter[str] = Counter()
        for item in items_of(view.raw):
            self._item_frequency.update(set(re.findall(r"[a-z0-9+#]+", item.lower())))

    def in_resume(self, term: str) -> bool:
        """Whether `term` occurs as whole words anywhere in the resume."""
        return contains_phrase(self._resume_text, term.lower())

    def mentions(self, q: Question, name: str) -> bool:
        """Whether the question names `name`, whole or by a word that identifies it."""
        if not name:
            return False
        if q.has(name.lower()):
            return True
        return any(
            word in q.words and word not in COMMON_WORDS and self._item_frequency[word] <= 3
            for word in distinctive_words(name)
        )

    def _as_written(self, term: str, q: Question | None = None) -> str:
        pattern = re.compile(r"(?<![A-Za-z0-9+#])" + re.escape(term) + r"(?![A-Za-z0-9+#])", re.I)
        for source in (" ".join(all_strings(self.view.raw)), q.original if q else ""):
            match = pattern.search(source)
            if match:
                return match.group(0)
        return term

    def _offer(self) -> str:
        sections = [
            name
            for name, present in (
                ("work history", self.view.work),
                ("education", self.view.education),
                ("skills", self.view.skills),
                ("projects", self.view.projects),
                ("languages", self.view.languages),
                ("certificates", self.view.certificates),
                ("awards", self.view.awards),
                ("volunteering", self.view.volunteer),
                ("publications", self.view.publications),
                ("interests", self.view.interests),
            )
            if present
        ]
        if not sections:
            return ""
        return f" It covers {self.view.possessive} {join_words(sections)}."

    def _absent(self, text: str, paths: tuple[str, ...] = ()) -> FactAnswer:
        return FactAnswer(sentence(text), paths, "absent")

    def _role_line(self, role: Role) -> str:
        parts = [role.position or "a role", f"at {role.organisation}" if role.organisation else ""]
        dates = role.dates()
        line = " ".join(p for p in parts if p)
        return f"{line} ({dates})" if dates else line


def all_strings(value: object) -> list[str]:
    """Every string inside a JSON value, in document order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in all_strings(item)]
    return []


def recency(role: Role) -> tuple[bool, dt.date]:
    """Sort key: ongoing roles first, then by the latest date known."""
    last = role.end or role.start
    return (role.current, last.last_day() if last else dt.date.min)


def items_of(data: dict[str, object]) -> list[str]:
    """One text per resume item (basics, each job, each skill ...), for word statistics."""
    texts: list[str] = []
    for value in data.values():
        if isinstance(value, list):
            texts.extend(" ".join(all_strings(item)) for item in value)
        else:
            texts.append(" ".join(all_strings(value)))
    return texts
