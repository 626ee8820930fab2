"""Answers built straight from resume data: contact, jobs, dates, education, skills and the like.

These are correct whatever the model does, so every question they can answer is answered here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from edgeapp.chat.matching import Question, contains_phrase, distinctive_words
from edgeapp.chat.resume_view import Item, ResumeView, Role, display_date, display_range
from edgeapp.chat.vocab import (
    COMMON_WORDS,
    ORGANISATIONS,
    SPOKEN_LANGUAGES,
    TECHNOLOGIES,
    word_set,
)
from edgeapp.resume.dates import PartialDate, format_months, months_between

AnswerKind = Literal["fact", "absent"]


@dataclass(frozen=True)
class FactAnswer:
    """A data-built answer and the resume paths it rests on."""

    text: str
    paths: tuple[str, ...] = ()
    kind: AnswerKind = "fact"


_SENSITIVE_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("salary", "salaries", "pay", "paid", "compensation", "earn", "earns", "earning", "wage",
      "income", "hourly rate", "day rate", "rate", "how much do you make", "how much does",
      "money", "expectations"), "salary or pay"),
    (("how old", "age", "born", "birthday", "birth", "date of birth"), "age or date of birth"),
    (("married", "marriage", "wife", "husband", "spouse", "kids", "children", "child", "family",
      "girlfriend", "boyfriend", "single", "relationship", "pregnant"),
     "family or relationships"),
    (("religion", "religious", "church", "god", "politics", "political", "vote", "party"),
     "religion or politics"),
    (("health", "sick", "disability", "illness"), "health"),
    (("nationality", "citizenship", "citizen", "visa", "passport", "immigration"),
     "nationality or visa status"),
    (("gender", "sexuality", "ethnicity", "race"), "personal characteristics"),
    (("weight", "height", "tall"), "physical details"),
)
_OPEN_MARKERS = (
    "tell me about", "tell me more", "describe", "what kind", "what sort", "why", "how do you",
    "how would you", "proud", "favourite", "favorite", "enjoy", "like about", "approach",
    "team", "culture", "strength", "strengths", "weakness", "weaknesses", "motivate",
    "motivates", "passion", "passionate", "dream", "goal", "goals", "future", "plan", "plans",
    "challenge", "challenges", "learned", "learnt", "opinion", "think about", "feel about",
)
_WORK_WORDS = (
    "work", "job", "jobs", "employer", "employers", "company", "companies", "career", "role",
    "position", "worked", "working", "employed", "experience", "employment", "intern",
    "internship", "occupation",
)
_PROFILE_NETWORKS = (
    "github", "gitlab", "linkedin", "twitter", "mastodon", "bluesky", "stackoverflow",
    "stack overflow", "instagram", "facebook", "youtube", "dribbble", "behance", "medium",
    "soundcloud", "kaggle", "orcid", "researchgate", "scholar", "bitbucket", "codepen", "x",
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
) | frozenset(n for n in _PROFILE_NETWORKS if len(n) >= 5)


def _join(items: list[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _clause(text: str) -> str:
    return text.strip().rstrip(".;")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


class FactFinder:
    """Answers the questions the resume data can answer exactly; `answer` returns None otherwise."""

    def __init__(self, view: ResumeView) -> None:
        self.view = view
        blob = " ".join(_all_strings(view.raw)).lower()
        self._resume_text = blob
        self.resume_terms = {
            term.lower() for item in [*view.skills, *view.projects] for term in item.keywords
        }
        self.known_words = (
            set(re.findall(r"[a-z][a-z+#]{4,}", blob)) | INTENT_WORDS | COMMON_WORDS
            | TECHNOLOGIES | ORGANISATIONS | SPOKEN_LANGUAGES
        )
        # How many resume items mention each word: a name word found in many items ("Robotics")
        # does not identify one employer or project.
        self._item_frequency: Counter[str] = Counter()
        for item in _items_of(view.raw):
            self._item_frequency.update(set(re.findall(r"[a-z0-9+#]+", item.lower())))

    # -- helpers -------------------------------------------------------------------------------

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

    def _offer(self) -> str:
        sections = [
            name for name, present in (
                ("work history", self.view.work), ("education", self.view.education),
                ("skills", self.view.skills), ("projects", self.view.projects),
                ("languages", self.view.languages), ("certificates", self.view.certificates),
                ("awards", self.view.awards), ("volunteering", self.view.volunteer),
                ("publications", self.view.publications), ("interests", self.view.interests),
            ) if present
        ]
        if not sections:
            return ""
        return f" It covers {self.view.possessive} {_join(sections)}."

    def _absent(self, text: str, paths: tuple[str, ...] = ()) -> FactAnswer:
        return FactAnswer(_sentence(text), paths, "absent")

    def _role_line(self, role: Role) -> str:
        parts = [role.position or "a role", f"at {role.organisation}" if role.organisation else ""]
        dates = role.dates()
        line = " ".join(p for p in parts if p)
        return f"{line} ({dates})" if dates else line

    # -- entry point ---------------------------------------------------------------------------

    def answer(self, question: str, *, today: dt.date) -> FactAnswer | None:
        """The data-built answer to `question`, or None when it needs the model."""
        q = Question(question, self.known_words)
        if not q.words:
            return None
        for step in (self._sensitive, self._reasons, self._contact, self._identity, self._technology,
                     self._spoken_language, self._named_role, self._named_project,
                     self._unknown_organisation):
            found = step(q, today)
            if found is not None:
                return found
        if q.has(*_OPEN_MARKERS):
            return None
        for step in (self._projects, self._work, self._education, self._skills, self._languages,
                     self._other_sections):
            found = step(q, today)
            if found is not None:
                return found
        return None

    # -- intents -------------------------------------------------------------------------------

    def _sensitive(self, q: Question, today: dt.date) -> FactAnswer | None:
        for phrases, topic in _SENSITIVE_TOPICS:
            # "Health" in "Alvorada Health" is an employer, not a question about health.
            if q.has(*(p for p in phrases if not self.in_resume(p))):
                if topic == "salary or pay" and q.has("experience", "years of"):
                    continue
                return self._absent(f"The resume doesn't say anything about {topic}.{self._offer()}")
        return None

    def _reasons(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not (q.has("why") and q.has("leave", "left", "quit", "join", "joined", "choose", "chose",
                                       "move", "moved", "switch", "switched", "change", "changed")):
            return None
        roles = [r for r in self.view.work if self.mentions(q, r.organisation)]
        facts = "; ".join(self._role_line(r) for r in (roles or self.view.work_by_start()[::-1]))
        tail = f" What it shows: {facts}." if facts else ""
        return self._absent(f"The resume doesn't give reasons for job changes.{tail}",
                            tuple(r.path for r in (roles or self.view.work)))

    def _contact(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        who = v.possessive
        networks = [n for n in _PROFILE_NETWORKS if q.has(n) and (n != "x" or q.has("on x"))]
        if networks:
            wanted = networks[0].replace(" ", "")
            for profile in v.profiles:
                if profile.network.lower().replace(" ", "") == wanted:
                    where = profile.url or profile.username
                    user = f" (username {profile.username})" if profile.username and profile.url else ""
                    return FactAnswer(f"{who} {profile.network} profile: {where}{user}.", (profile.path,))
            listed = _join([p.network for p in v.profiles])
            tail = f" The profiles it lists are: {listed}." if listed else ""
            return self._absent(
                f"A {networks[0].title()} profile isn't listed in the resume.{tail}",
                tuple(p.path for p in v.profiles),
            )
        if q.has("email", "e-mail", "mail", "emails"):
            if v.email:
                return FactAnswer(f"{who} email address is {v.email}.", ("basics.email",))
            return self._absent(f"The resume doesn't list an email address.{self._contact_tail()}")
        if q.has("phone", "telephone", "call", "mobile", "cell", "phone number", "ring", "whatsapp"):
            if v.phone:
                return FactAnswer(f"{who} phone number is {v.phone}.", ("basics.phone",))
            return self._absent(f"The resume doesn't list a phone number.{self._contact_tail()}")
        if q.has("website", "web site", "homepage", "home page", "url", "blog", "site",
                 "personal page"):
            if v.url:
                return FactAnswer(f"{who} website is {v.url}.", ("basics.url",))
            return self._absent(f"The resume doesn't list a website.{self._contact_tail()}")
        if q.has("profiles", "social media", "socials", "online profile", "online"):
            if v.profiles:
                listed = _join([f"{p.network}: {p.url or p.username}" for p in v.profiles])
                return FactAnswer(f"{who} profiles: {listed}.", tuple(p.path for p in v.profiles))
            return self._absent("The resume doesn't list any online profiles.")
        if q.has("address", "street", "postcode", "postal code", "zip"):
            if v.address:
                return FactAnswer(f"{who} address is {v.address}, {v.location}.", ("basics.location",))
            where = f" It only gives the location: {v.location}." if v.location else ""
            return self._absent(f"The resume doesn't list a street address.{where}")
        if q.has("where do you live", "where does", "live", "based", "located", "location",
                 "where are you from", "from where", "city", "country", "hometown", "relocate"):
            if v.location:
                return FactAnswer(f"{v.first_name} is based in {v.location}.", ("basics.location",))
            return self._absent("The resume doesn't give a location.")
        if q.has("contact", "reach", "get in touch", "hire", "message", "connect"):
            return self._all_contact()
        return None

    def _contact_tail(self) -> str:
        answer = self._all_contact()
        return " " + answer.text if answer.kind == "fact" else ""

    def _all_contact(self) -> FactAnswer:
        v = self.view
        parts: list[tuple[str, str]] = []
        if v.email:
            parts.append((f"email {v.email}", "basics.email"))
        if v.phone:
            parts.append((f"phone {v.phone}", "basics.phone"))
        if v.url:
            parts.append((f"website {v.url}", "basics.url"))
        parts.extend((f"{p.network} {p.url or p.username}", p.path) for p in v.profiles)
        if not parts:
            return self._absent("The resume doesn't list any contact details.")
        return FactAnswer(
            f"You can reach {v.first_name} by {_join([text for text, _ in parts])}.",
            tuple(path for _, path in parts),
        )

    def _identity(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        if q.has("your name", "his name", "her name", "their name", "called", "who are you",
                 "who is this", "who am i talking", "introduce", "about yourself", "about himself",
                 "about herself", "who is", "summary", "summarise", "summarize", "overview",
                 "what do you do", "what does", "your title", "job title", "profession"):
            if q.has("who is") and not (q.has(v.first_name.lower()) or q.has(v.name.lower())):
                return None
            if q.has("what does", "what do you do") and q.has(
                    "company", "project", "mean", "stand", "at", "for"):
                return None
            first = f"{v.name or 'The owner'}" + (f" is a {v.label}" if v.label else "")
            current = [r for r in v.work if r.current]
            now = (f" Currently {self._role_line(current[0])}." if current else "")
            summary = f" {_sentence(v.summary)}" if v.summary and not q.has("name", "called") else ""
            return FactAnswer(_sentence(first) + now + summary,
                              ("basics", *(r.path for r in current[:1])))
        return None

    def _technology(self, q: Question, today: dt.date) -> FactAnswer | None:
        mentioned = q.technologies(self.resume_terms)
        about_employers = q.has(*_WORK_WORDS, "study", "studied", "university", "college")
        mentioned = [
            t for t in mentioned
            if t not in SPOKEN_LANGUAGES and not (about_employers and t in ORGANISATIONS)
            and t not in _PROFILE_NETWORKS
        ]
        if not mentioned:
            return None
        unlisted = [t for t in mentioned if not self.in_resume(t)]
        if not unlisted and q.has(*_OPEN_MARKERS):
            return None
        lines: list[str] = []
        paths: list[str] = []
        for term in mentioned:
            if term in unlisted:
                continue
            places, where_paths = self._where_listed(term)
            paths.extend(where_paths)
            shown = self._as_written(term)
            lines.append(f"Yes: {shown} is listed in the resume ({_join(places)}).")
        for term in unlisted:
            lines.append(f"{self._as_written(term, q)} isn't listed in the resume.")
        kind: AnswerKind = "absent" if unlisted else "fact"
        if unlisted:
            skills = self._skills_summary()
            if skills:
                lines.append(f"The skills it lists are: {skills}.")
                paths.extend(s.path for s in self.view.skills)
        return FactAnswer(" ".join(lines), tuple(dict.fromkeys(paths)), kind)

    def _as_written(self, term: str, q: Question | None = None) -> str:
        pattern = re.compile(r"(?<![A-Za-z0-9+#])" + re.escape(term) + r"(?![A-Za-z0-9+#])", re.I)
        for source in (" ".join(_all_strings(self.view.raw)), q.original if q else ""):
            match = pattern.search(source)
            if match:
                return match.group(0)
        return term

    def _where_listed(self, term: str) -> tuple[list[str], list[str]]:
        places: list[str] = []
        paths: list[str] = []
        for skill in self.view.skills:
            if any(contains_phrase(t.lower(), term) for t in (skill.name, *skill.keywords)):
                level = f", {skill.details[0]}" if skill.details else ""
                places.append(f"skills: {skill.name}{level}")
                paths.append(skill.path)
        for project in self.view.projects:
            if any(contains_phrase(t.lower(), term) for t in (project.name, *project.keywords,
                                                              *project.details)):
                places.append(f"project {project.name}")
                paths.append(project.path)
        for role in self.view.work:
            if any(contains_phrase(t.lower(), term) for t in (role.summary, *role.highlights)):
                places.append(f"work at {role.organisation}")
                paths.append(role.path)
        for study in self.view.education:
            if any(contains_phrase(t.lower(), term) for t in (study.area, *study.courses)):
                places.append(f"studies at {study.institution}")
                paths.append(study.path)
        return (places or ["in the resume text"]), paths

    def _skills_summary(self) -> str:
        parts = []
        for skill in self.view.skills:
            keywords = f" ({', '.join(skill.keywords)})" if skill.keywords else ""
            parts.append(f"{skill.name}{keywords}")
        return "; ".join(parts)

    def _spoken_language(self, q: Question, today: dt.date) -> FactAnswer | None:
        named = [w for w in q.words if w in SPOKEN_LANGUAGES]
        if not named:
            return None
        listed = {lang.name.lower(): lang for lang in self.view.languages}
        lines = []
        paths = []
        absent = False
        for name in dict.fromkeys(named):
            lang = listed.get(name)
            if lang is not None:
                fluency = f" ({lang.details[0]})" if lang.details else ""
                lines.append(f"Yes: {lang.name}{fluency} is listed.")
                paths.append(lang.path)
            else:
                absent = True
                lines.append(f"{name.title()} isn't listed in the resume.")
        if absent and self.view.languages:
            lines.append(f"The languages it lists are: {self._languages_list()}.")
            paths.extend(lang.path for lang in self.view.languages)
        return FactAnswer(" ".join(lines), tuple(dict.fromkeys(paths)), "absent" if absent else "fact")

    def _languages_list(self) -> str:
        return _join([
            f"{lang.name} ({lang.details[0]})" if lang.details else lang.name
            for lang in self.view.languages
        ])

    def _named_role(self, q: Question, today: dt.date) -> FactAnswer | None:
        roles = [r for r in [*self.view.work, *self.view.volunteer]
                 if self.mentions(q, r.organisation)]
        if not roles:
            for study in self.view.education:
                if self.mentions(q, study.institution):
                    return self._study_answer(q, [study.path])
            return None
        role = roles[0]
        ordered = self.view.work_by_start()
        org = role.organisation
        if q.has("how long", "duration", "how many years", "how many months", "long"):
            duration = role.duration(today)
            if not duration:
                return self._absent(f"The resume doesn't give dates for the role at {org}.", (role.path,))
            state = "has been" if role.current else "was"
            return FactAnswer(
                f"{self.view.first_name} {state} at {org} for {duration} ({role.dates()}).",
                (role.path,),
            )
        if q.has("before", "prior", "previous", "previously", "preceding"):
            return self._neighbour(role, ordered, -1)
        if q.has("after", "next", "then", "afterwards", "following"):
            return self._neighbour(role, ordered, 1)
        if q.has("when") and q.has("leave", "left", "quit", "end", "ended", "finish", "stop",
                                   "stopped"):
            if role.end is None:
                text = (f"{self.view.first_name} is still at {org} (since "
                        f"{display_date(role.start)}).") if role.start else \
                    f"The resume doesn't give an end date for {org}."
                return FactAnswer(text, (role.path,))
            return FactAnswer(f"{self.view.first_name} left {org} in {display_date(role.end)}.",
                              (role.path,))
        if q.has("when", "what year", "which year", "since", "start", "started", "join",
                 "joined", "begin", "began", "hired"):
            if role.start is None:
                return self._absent(f"The resume doesn't say when the role at {org} started.",
                                    (role.path,))
            return FactAnswer(
                f"{self.view.first_name} joined {org} in {display_date(role.start)} as "
                f"{role.position or 'a team member'} ({role.dates()}).",
                (role.path,),
            )
        return FactAnswer(self._role_detail(role), (role.path,))

    def _role_detail(self, role: Role) -> str:
        text = f"At {role.organisation}, {self.view.first_name} worked as {role.position or 'a team member'}"
        text += f" ({role.dates()})" if role.dates() else ""
        text += f" in {role.location}." if role.location else "."
        if role.summary:
            text += " " + _sentence(role.summary)
        if role.highlights:
            text += " Highlights: " + "; ".join(_clause(h) for h in role.highlights[:4]) + "."
        return text

    def _neighbour(self, role: Role, ordered: list[Role], step: int) -> FactAnswer:
        if role not in ordered:
            return FactAnswer(self._role_detail(role), (role.path,))
        index = ordered.index(role) + step
        if not 0 <= index < len(ordered):
            if step < 0:
                return FactAnswer(f"{role.organisation} is the first job listed in the resume.",
                                  (role.path,))
            return FactAnswer(f"{role.organisation} is the most recent job listed in the resume.",
                              (role.path,))
        other = ordered[index]
        when = "Before" if step < 0 else "After"
        return FactAnswer(
            f"{when} {role.organisation}, {self.view.first_name} was {self._role_line(other)}.",
            (other.path, role.path),
        )

    def _unknown_organisation(self, q: Question, today: dt.date) -> FactAnswer | None:
        written = q.capitalised()
        candidates = [w for w in q.words if w in ORGANISATIONS and not self.in_resume(w)]
        match = re.search(r"\b(?:at|for|with|in)\s+([A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*)", q.original)
        if match and not candidates and q.has("work", "worked", "working", "job", "employed",
                                               "intern", "internship", "study", "studied"):
            name = match.group(1)
            if (not self.in_resume(name) and name.lower() in written) or (not self.in_resume(name) and " " in name):
                candidates.append(name)
        if not candidates:
            return None
        name = candidates[0]
        shown = self._as_written(name, q)
        if q.has("study", "studied", "school", "university", "college", "degree"):
            schools = _join([s.institution for s in self.view.education])
            tail = f" The education it lists: {schools}." if schools else ""
            return self._absent(f"{shown} isn't listed in the resume.{tail}",
                                tuple(s.path for s in self.view.education))
        employers = _join([r.organisation for r in self.view.work_by_start()])
        tail = f" The employers it lists are: {employers}." if employers else ""
        return self._absent(f"{shown} isn't listed in the resume.{tail}",
                            tuple(r.path for r in self.view.work))

    def _work(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        ordered = v.work_by_start()
        if not q.has(*_WORK_WORDS, "years of", "how long have you"):
            return None
        if not ordered:
            return self._absent(f"The resume doesn't list any work history.{self._offer()}")
        if q.has("how many years", "how long", "years of", "how experienced", "how much experience",
                 "total"):
            first = next((r for r in ordered if r.start), None)
            if first is None or first.start is None:
                return self._absent("The resume doesn't date the work history.")
            ends = [r.end for r in ordered if r.end]
            end = None if any(r.current for r in ordered) or not ends else max(ends)
            span = format_months(months_between(first.start, end, today=today))
            until = "now" if end is None else display_date(end)
            return FactAnswer(
                f"{v.possessive} work history runs from {display_date(first.start)} ({first.organisation}) "
                f"to {until}: {span}.",
                tuple(r.path for r in ordered),
            )
        if q.has("first", "earliest", "start your career", "started your career"):
            first = ordered[0]
            return FactAnswer(f"{v.possessive} first job listed is {self._role_line(first)}.",
                              (first.path,))
        current = [r for r in ordered if r.current]
        if q.has("current", "currently", "now", "present", "today", "these days", "where do you work",
                 "where does", "who do you work for", "do you work", "latest", "most recent",
                 "recent", "last"):
            if (current and not q.has("last", "latest", "most recent", "recent")) or (
                    current and q.has("current", "currently", "now")):
                lines = _join([self._role_line(r) for r in current])
                return FactAnswer(f"{v.first_name} currently works as {lines}.",
                                  tuple(r.path for r in current))
            latest = max(ordered, key=_recency)
            prefix = "The resume lists no current job. " if not current and q.has(
                "current", "currently", "now") else ""
            return FactAnswer(f"{prefix}{v.possessive} most recent job listed is "
                              f"{self._role_line(latest)}.", (latest.path,))
        if q.has("previous job", "previous employer", "previous role", "last job", "prior job",
                 "job before"):
            past = sorted((r for r in ordered if not r.current),
                          key=lambda r: r.end or r.start or PartialDate(1))
            if past:
                return FactAnswer(f"{v.possessive} previous job was {self._role_line(past[-1])}.",
                                  (past[-1].path,))
        if q.has("previous", "before", "prior", "past"):
            past = [r for r in ordered if not r.current]
            if not past:
                return FactAnswer(f"The resume lists no earlier jobs than {self._role_line(ordered[0])}.",
                                  (ordered[0].path,))
            lines = "; ".join(self._role_line(r) for r in reversed(past))
            return FactAnswer(f"{v.possessive} earlier jobs: {lines}.", tuple(r.path for r in past))
        lines = "; ".join(self._role_line(r) for r in reversed(ordered))
        return FactAnswer(f"{v.possessive} work history (most recent first): {lines}.",
                          tuple(r.path for r in reversed(ordered)))

    def _education(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has("education", "study", "studied", "studies", "school", "university", "college",
                     "degree", "degrees", "graduate", "graduated", "graduation", "diploma",
                     "bachelor", "master", "masters", "phd", "doctorate", "major", "gpa", "grade",
                     "grades", "courses", "course", "qualification", "qualifications"):
            return None
        return self._study_answer(q, [s.path for s in self.view.education])

    def _study_answer(self, q: Question, paths: list[str]) -> FactAnswer:
        v = self.view
        studies = [s for s in v.education if s.path in paths]
        if not studies:
            return self._absent(f"The resume doesn't list any education.{self._offer()}")
        if q.has("gpa", "grade", "grades", "score", "marks"):
            scored = [s for s in studies if s.score]
            if not scored:
                return self._absent("The resume doesn't give grades.", tuple(paths))
            return FactAnswer("; ".join(f"{s.institution}: {s.score}" for s in scored) + ".",
                              tuple(s.path for s in scored))
        if q.has("courses", "course", "classes", "modules"):
            with_courses = [s for s in studies if s.courses]
            if not with_courses:
                return self._absent("The resume doesn't list courses.", tuple(paths))
            return FactAnswer(
                " ".join(f"At {s.institution}: {', '.join(s.courses)}." for s in with_courses),
                tuple(s.path for s in with_courses),
            )
        if q.has("when", "what year", "which year", "graduate", "graduated", "graduation", "finish"):
            lines = [f"{s.degree() or 'studies'} at {s.institution}: "
                     f"{display_range(s.start, s.end, ongoing=False) or 'undated'}" for s in studies]
            return FactAnswer(_sentence("; ".join(lines)), tuple(s.path for s in studies))
        lines = []
        for s in studies:
            dates = display_range(s.start, s.end, ongoing=False)
            degree = s.degree()
            line = f"{degree} at {s.institution}" if degree else s.institution
            lines.append(f"{line} ({dates})" if dates else line)
        return FactAnswer(f"{v.possessive} education: {'; '.join(lines)}.",
                          tuple(s.path for s in studies))

    def _skills(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has("skill", "skills", "technologies", "technology", "tech stack", "stack",
                     "tools", "programming", "programming languages", "coding", "expertise",
                     "good at", "strong at", "frameworks", "competencies"):
            return None
        if not self.view.skills:
            return self._absent(f"The resume doesn't list skills.{self._offer()}")
        named = [s for s in self.view.skills if q.has(s.name.lower())]
        if named:
            lines = "; ".join(f"{s.name}: {', '.join(s.keywords)}" for s in named)
            return FactAnswer(f"{self.view.possessive} {lines}.", tuple(s.path for s in named))
        return FactAnswer(f"{self.view.possessive} skills: {self._skills_summary()}.",
                          tuple(s.path for s in self.view.skills))

    def _languages(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has("languages", "language", "speak", "speaks", "spoken", "fluent"):
            return None
        if not self.view.languages:
            return self._absent("The resume doesn't list spoken languages.")
        return FactAnswer(f"{self.view.first_name} speaks {self._languages_list()}.",
                          tuple(lang.path for lang in self.view.languages))

    def _named_project(self, q: Question, today: dt.date) -> FactAnswer | None:
        for project in self.view.projects:
            if self.mentions(q, project.name):
                return FactAnswer(self._item_detail(project), (project.path,))
        return None

    def _projects(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has("project", "projects", "built", "side project", "portfolio"):
            return None
        if not self.view.projects:
            return self._absent(f"The resume doesn't list projects.{self._offer()}")
        lines = "; ".join(
            f"{p.name}: {_clause(p.details[0])}" if p.details else p.name for p in self.view.projects
        )
        return FactAnswer(f"{self.view.possessive} projects: {lines}.",
                          tuple(p.path for p in self.view.projects))

    def _item_detail(self, item: Item) -> str:
        dates = display_range(item.date, item.end, ongoing=False)
        text = f"{item.name}" + (f" ({dates})" if dates else "") + ": "
        text += "; ".join(_clause(d) for d in item.details)
        if item.keywords:
            text += f". Keywords: {', '.join(item.keywords)}"
        return _sentence(text)

    def _other_sections(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        sections: tuple[tuple[tuple[str, ...], str, list[Item]], ...] = (
            (("certificate", "certificates", "certification", "certifications", "certified",
              "license", "licence"), "certificates", v.certificates),
            (("award", "awards", "prize", "prizes", "honor", "honour", "honors", "honours", "won"),
             "awards", v.awards),
            (("publication", "publications", "paper", "papers", "published", "articles", "article"),
             "publications", v.publications),
            (("interest", "interests", "hobby", "hobbies", "free time", "spare time", "pastime"),
             "interests", v.interests),
            (("reference", "references", "recommendation", "recommendations", "referees"),
             "references", v.references),
        )
        for words, label, items in sections:
            if not q.has(*words):
                continue
            if not items:
                return self._absent(f"The resume doesn't list any {label}.{self._offer()}")
            lines = []
            for item in items:
                date = display_date(item.date)
                detail = f" ({', '.join(d for d in (*item.details[:1], date) if d)})" if (
                    item.details or date) else ""
                keywords = f": {', '.join(item.keywords)}" if item.keywords else ""
                lines.append(f"{item.name}{detail}{keywords}")
            return FactAnswer(f"{v.possessive} {label}: {'; '.join(lines)}.",
                              tuple(i.path for i in items))
        if q.has("volunteer", "volunteering", "volunteered", "charity", "nonprofit", "non-profit"):
            if not v.volunteer:
                return self._absent(f"The resume doesn't list volunteering.{self._offer()}")
            roles = "; ".join(self._role_line(r) for r in v.volunteer)
            return FactAnswer(f"{v.possessive} volunteering: {roles}.",
                              tuple(r.path for r in v.volunteer))
        return None


def _all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _all_strings(item)]
    return []


def _recency(role: Role) -> tuple[bool, dt.date]:
    """Sort key: ongoing roles first, then by the latest date known."""
    last = role.end or role.start
    return (role.current, last.last_day() if last else dt.date.min)


def _items_of(data: dict[str, object]) -> list[str]:
    """One text per resume item (basics, each job, each skill ...), for word statistics."""
    texts: list[str] = []
    for value in data.values():
        if isinstance(value, list):
            texts.extend(" ".join(_all_strings(item)) for item in value)
        else:
            texts.append(" ".join(_all_strings(value)))
    return texts
