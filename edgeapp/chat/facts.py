"""Answers built straight from resume data: contact, jobs, dates, education, skills and the like.

These are correct whatever the model does, so every question they can answer is answered here.
"""

from __future__ import annotations

import datetime as dt

from edgeapp.chat.facts_base import (
    OPEN_MARKERS,
    PROFILE_NETWORKS,
    SENSITIVE_TOPICS,
    WORK_WORDS,
    AnswerKind,
    FactAnswer,
    clause,
    join_words,
    sentence,
)
from edgeapp.chat.facts_career import CareerFacts
from edgeapp.chat.matching import Question, contains_phrase
from edgeapp.chat.resume_view import Item, display_date, display_range
from edgeapp.chat.vocab import ORGANISATIONS, SPOKEN_LANGUAGES

__all__ = ["AnswerKind", "FactAnswer", "FactFinder"]


class FactFinder(CareerFacts):
    """Answers the questions the resume data can answer exactly; `answer` returns None otherwise."""

    def answer(self, question: str, *, today: dt.date) -> FactAnswer | None:
        """The data-built answer to `question`, or None when it needs the model."""
        q = Question(question, self.known_words)
        if not q.words:
            return None
        for step in (
            self._sensitive,
            self._reasons,
            self._contact,
            self._identity,
            self._technology,
            self._spoken_language,
            self._named_role,
            self._named_project,
            self._unknown_organisation,
        ):
            found = step(q, today)
            if found is not None:
                return found
        if q.has(*OPEN_MARKERS):
            return None
        for step in (self._projects, self._work, self._education, self._skills, self._languages, self._other_sections):
            found = step(q, today)
            if found is not None:
                return found
        return None

    def _sensitive(self, q: Question, today: dt.date) -> FactAnswer | None:
        for phrases, topic in SENSITIVE_TOPICS:
            # "Health" in "Alvorada Health" is an employer, not a question about health.
            if q.has(*(p for p in phrases if not self.in_resume(p))):
                if topic == "salary or pay" and q.has("experience", "years of"):
                    continue
                return self._absent(f"The resume doesn't say anything about {topic}.{self._offer()}")
        return None

    def _contact(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        who = v.possessive
        networks = [n for n in PROFILE_NETWORKS if q.has(n) and (n != "x" or q.has("on x"))]
        if networks:
            wanted = networks[0].replace(" ", "")
            for profile in v.profiles:
                if profile.network.lower().replace(" ", "") == wanted:
                    where = profile.url or profile.username
                    user = f" (username {profile.username})" if profile.username and profile.url else ""
                    return FactAnswer(f"{who} {profile.network} profile: {where}{user}.", (profile.path,))
            listed = join_words([p.network for p in v.profiles])
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
        if q.has("website", "web site", "homepage", "home page", "url", "blog", "site", "personal page"):
            if v.url:
                return FactAnswer(f"{who} website is {v.url}.", ("basics.url",))
            return self._absent(f"The resume doesn't list a website.{self._contact_tail()}")
        if q.has("profiles", "social media", "socials", "online profile", "online"):
            if v.profiles:
                listed = join_words([f"{p.network}: {p.url or p.username}" for p in v.profiles])
                return FactAnswer(f"{who} profiles: {listed}.", tuple(p.path for p in v.profiles))
            return self._absent("The resume doesn't list any online profiles.")
        if q.has("address", "street", "postcode", "postal code", "zip"):
            if v.address:
                return FactAnswer(f"{who} address is {v.address}, {v.location}.", ("basics.location",))
            where = f" It only gives the location: {v.location}." if v.location else ""
            return self._absent(f"The resume doesn't list a street address.{where}")
        if q.has(
            "where do you live",
            "where does",
            "live",
            "based",
            "located",
            "location",
            "where are you from",
            "from where",
            "city",
            "country",
            "hometown",
            "relocate",
        ):
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
            f"You can reach {v.first_name} by {join_words([text for text, _ in parts])}.",
            tuple(path for _, path in parts),
        )

    def _identity(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        if q.has(
            "your name",
            "his name",
            "her name",
            "their name",
            "called",
            "who are you",
            "who is this",
            "who am i talking",
            "introduce",
            "about yourself",
            "about himself",
            "about herself",
            "who is",
            "summary",
            "summarise",
            "summarize",
            "overview",
            "what do you do",
            "what does",
            "your title",
            "job title",
            "profession",
        ):
            if q.has("who is") and not (q.has(v.first_name.lower()) or q.has(v.name.lower())):
                return None
            if q.has("what does", "what do you do") and q.has("company", "project", "mean", "stand", "at", "for"):
                return None
            first = f"{v.name or 'The owner'}" + (f" is a {v.label}" if v.label else "")
            current = [r for r in v.work if r.current]
            now = f" Currently {self._role_line(current[0])}." if current else ""
            summary = f" {sentence(v.summary)}" if v.summary and not q.has("name", "called") else ""
            return FactAnswer(sentence(first) + now + summary, ("basics", *(r.path for r in current[:1])))
        return None

    def _technology(self, q: Question, today: dt.date) -> FactAnswer | None:
        mentioned = q.technologies(self.resume_terms)
        about_employers = q.has(*WORK_WORDS, "study", "studied", "university", "college")
        mentioned = [
            t
            for t in mentioned
            if t not in SPOKEN_LANGUAGES and not (about_employers and t in ORGANISATIONS) and t not in PROFILE_NETWORKS
        ]
        if not mentioned:
            return None
        unlisted = [t for t in mentioned if not self.in_resume(t)]
        if not unlisted and q.has(*OPEN_MARKERS):
            return None
        lines: list[str] = []
        paths: list[str] = []
        for term in mentioned:
            if term in unlisted:
                continue
            places, where_paths = self._where_listed(term)
            paths.extend(where_paths)
            shown = self._as_written(term)
            lines.append(f"Yes: {shown} is listed in the resume ({join_words(places)}).")
        for term in unlisted:
            lines.append(f"{self._as_written(term, q)} isn't listed in the resume.")
        kind: AnswerKind = "absent" if unlisted else "fact"
        if unlisted:
            skills = self._skills_summary()
            if skills:
                lines.append(f"The skills it lists are: {skills}.")
                paths.extend(s.path for s in self.view.skills)
        return FactAnswer(" ".join(lines), tuple(dict.fromkeys(paths)), kind)

    def _where_listed(self, term: str) -> tuple[list[str], list[str]]:
        places: list[str] = []
        paths: list[str] = []
        for skill in self.view.skills:
            if any(contains_phrase(t.lower(), term) for t in (skill.name, *skill.keywords)):
                level = f", {skill.details[0]}" if skill.details else ""
                places.append(f"skills: {skill.name}{level}")
                paths.append(skill.path)
        for project in self.view.projects:
            if any(contains_phrase(t.lower(), term) for t in (project.name, *project.keywords, *project.details)):
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
        return join_words(
            [f"{lang.name} ({lang.details[0]})" if lang.details else lang.name for lang in self.view.languages]
        )

    def _skills(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has(
            "skill",
            "skills",
            "technologies",
            "technology",
            "tech stack",
            "stack",
            "tools",
            "programming",
            "programming languages",
            "coding",
            "expertise",
            "good at",
            "strong at",
            "frameworks",
            "competencies",
        ):
            return None
        if not self.view.skills:
            return self._absent(f"The resume doesn't list skills.{self._offer()}")
        named = [s for s in self.view.skills if q.has(s.name.lower())]
        if named:
            lines = "; ".join(f"{s.name}: {', '.join(s.keywords)}" for s in named)
            return FactAnswer(f"{self.view.possessive} {lines}.", tuple(s.path for s in named))
        return FactAnswer(
            f"{self.view.possessive} skills: {self._skills_summary()}.", tuple(s.path for s in self.view.skills)
        )

    def _languages(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has("languages", "language", "speak", "speaks", "spoken", "fluent"):
            return None
        if not self.view.languages:
            return self._absent("The resume doesn't list spoken languages.")
        return FactAnswer(
            f"{self.view.first_name} speaks {self._languages_list()}.", tuple(lang.path for lang in self.view.languages)
        )

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
        lines = "; ".join(f"{p.name}: {clause(p.details[0])}" if p.details else p.name for p in self.view.projects)
        return FactAnswer(f"{self.view.possessive} projects: {lines}.", tuple(p.path for p in self.view.projects))

    def _item_detail(self, item: Item) -> str:
        dates = display_range(item.date, item.end, ongoing=False)
        text = f"{item.name}" + (f" ({dates})" if dates else "") + ": "
        text += "; ".join(clause(d) for d in item.details)
        if item.keywords:
            text += f". Keywords: {', '.join(item.keywords)}"
        return sentence(text)

    def _other_sections(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        sections: tuple[tuple[tuple[str, ...], str, list[Item]], ...] = (
            (
                ("certificate", "certificates", "certification", "certifications", "certified", "license", "licence"),
                "certificates",
                v.certificates,
            ),
            (("award", "awards", "prize", "prizes", "honor", "honour", "honors", "honours", "won"), "awards", v.awards),
            (
                ("publication", "publications", "paper", "papers", "published", "articles", "article"),
                "publications",
                v.publications,
            ),
            (
                ("interest", "interests", "hobby", "hobbies", "free time", "spare time", "pastime"),
                "interests",
                v.interests,
            ),
            (("reference", "references", "recommendation", "recommendations", "referees"), "references", v.references),
        )
        for words, label, items in sections:
            if not q.has(*words):
                continue
            if not items:
                return self._absent(f"The resume doesn't list any {label}.{self._offer()}")
            lines = []
            for item in items:
                date = display_date(item.date)
                detail = f" ({', '.join(d for d in (*item.details[:1], date) if d)})" if (item.details or date) else ""
                keywords = f": {', '.join(item.keywords)}" if item.keywords else ""
                lines.append(f"{item.name}{detail}{keywords}")
            return FactAnswer(f"{v.possessive} {label}: {'; '.join(lines)}.", tuple(i.path for i in items))
        if q.has("volunteer", "volunteering", "volunteered", "charity", "nonprofit", "non-profit"):
            if not v.volunteer:
                return self._absent(f"The resume doesn't list volunteering.{self._offer()}")
            roles = "; ".join(self._role_line(r) for r in v.volunteer)
            return FactAnswer(f"{v.possessive} volunteering: {roles}.", tuple(r.path for r in v.volunteer))
        return None
