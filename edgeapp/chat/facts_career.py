"""Data-built answers about the career: employers, roles, dates, durations and education."""

from __future__ import annotations

import datetime as dt
import re

from edgeapp.chat.facts_base import (
    WORK_WORDS,
    FactAnswer,
    FactBase,
    clause,
    join_words,
    recency,
    sentence,
)
from edgeapp.chat.matching import Question
from edgeapp.chat.resume_view import Role, display_date, display_range
from edgeapp.chat.vocab import ORGANISATIONS
from edgeapp.resume.dates import PartialDate, format_months, months_between


class CareerFacts(FactBase):
    """Answers about jobs and studies."""

    def _reasons(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not (
            q.has("why")
            and q.has(
                "leave",
                "left",
                "quit",
                "join",
                "joined",
                "choose",
                "chose",
                "move",
                "moved",
                "switch",
                "switched",
                "change",
                "changed",
            )
        ):
            return None
        roles = [r for r in self.view.work if self.mentions(q, r.organisation)]
        facts = "; ".join(self._role_line(r) for r in (roles or self.view.work_by_start()[::-1]))
        tail = f" What it shows: {facts}." if facts else ""
        return self._absent(
            f"The resume doesn't give reasons for job changes.{tail}", tuple(r.path for r in (roles or self.view.work))
        )

    def _named_role(self, q: Question, today: dt.date) -> FactAnswer | None:
        roles = [r for r in [*self.view.work, *self.view.volunteer] if self.mentions(q, r.organisation)]
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
        if q.has("when") and q.has("leave", "left", "quit", "end", "ended", "finish", "stop", "stopped"):
            if role.end is None:
                text = (
                    (f"{self.view.first_name} is still at {org} (since {display_date(role.start)}).")
                    if role.start
                    else f"The resume doesn't give an end date for {org}."
                )
                return FactAnswer(text, (role.path,))
            return FactAnswer(f"{self.view.first_name} left {org} in {display_date(role.end)}.", (role.path,))
        if q.has(
            "when", "what year", "which year", "since", "start", "started", "join", "joined", "begin", "began", "hired"
        ):
            if role.start is None:
                return self._absent(f"The resume doesn't say when the role at {org} started.", (role.path,))
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
            text += " " + sentence(role.summary)
        if role.highlights:
            text += " Highlights: " + "; ".join(clause(h) for h in role.highlights[:4]) + "."
        return text

    def _neighbour(self, role: Role, ordered: list[Role], step: int) -> FactAnswer:
        if role not in ordered:
            return FactAnswer(self._role_detail(role), (role.path,))
        index = ordered.index(role) + step
        if not 0 <= index < len(ordered):
            if step < 0:
                return FactAnswer(f"{role.organisation} is the first job listed in the resume.", (role.path,))
            return FactAnswer(f"{role.organisation} is the most recent job listed in the resume.", (role.path,))
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
        if (
            match
            and not candidates
            and q.has("work", "worked", "working", "job", "employed", "intern", "internship", "study", "studied")
        ):
            name = match.group(1)
            if (not self.in_resume(name) and name.lower() in written) or (not self.in_resume(name) and " " in name):
                candidates.append(name)
        if not candidates:
            return None
        name = candidates[0]
        shown = self._as_written(name, q)
        if q.has("study", "studied", "school", "university", "college", "degree"):
            schools = join_words([s.institution for s in self.view.education])
            tail = f" The education it lists: {schools}." if schools else ""
            return self._absent(
                f"{shown} isn't listed in the resume.{tail}", tuple(s.path for s in self.view.education)
            )
        employers = join_words([r.organisation for r in self.view.work_by_start()])
        tail = f" The employers it lists are: {employers}." if employers else ""
        return self._absent(f"{shown} isn't listed in the resume.{tail}", tuple(r.path for r in self.view.work))

    def _work(self, q: Question, today: dt.date) -> FactAnswer | None:
        v = self.view
        ordered = v.work_by_start()
        if not q.has(*WORK_WORDS, "years of", "how long have you"):
            return None
        if not ordered:
            return self._absent(f"The resume doesn't list any work history.{self._offer()}")
        if q.has("how many years", "how long", "years of", "how experienced", "how much experience", "total"):
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
            return FactAnswer(f"{v.possessive} first job listed is {self._role_line(first)}.", (first.path,))
        current = [r for r in ordered if r.current]
        if q.has(
            "current",
            "currently",
            "now",
            "present",
            "today",
            "these days",
            "where do you work",
            "where does",
            "who do you work for",
            "do you work",
            "latest",
            "most recent",
            "recent",
            "last",
        ):
            if (current and not q.has("last", "latest", "most recent", "recent")) or (
                current and q.has("current", "currently", "now")
            ):
                lines = join_words([self._role_line(r) for r in current])
                return FactAnswer(f"{v.first_name} currently works as {lines}.", tuple(r.path for r in current))
            latest = max(ordered, key=recency)
            prefix = "The resume lists no current job. " if not current and q.has("current", "currently", "now") else ""
            return FactAnswer(
                f"{prefix}{v.possessive} most recent job listed is {self._role_line(latest)}.", (latest.path,)
            )
        if q.has("previous job", "previous employer", "previous role", "last job", "prior job", "job before"):
            past = sorted((r for r in ordered if not r.current), key=lambda r: r.end or r.start or PartialDate(1))
            if past:
                return FactAnswer(f"{v.possessive} previous job was {self._role_line(past[-1])}.", (past[-1].path,))
        if q.has("previous", "before", "prior", "past"):
            past = [r for r in ordered if not r.current]
            if not past:
                return FactAnswer(
                    f"The resume lists no earlier jobs than {self._role_line(ordered[0])}.", (ordered[0].path,)
                )
            lines = "; ".join(self._role_line(r) for r in reversed(past))
            return FactAnswer(f"{v.possessive} earlier jobs: {lines}.", tuple(r.path for r in past))
        lines = "; ".join(self._role_line(r) for r in reversed(ordered))
        return FactAnswer(
            f"{v.possessive} work history (most recent first): {lines}.", tuple(r.path for r in reversed(ordered))
        )

    def _education(self, q: Question, today: dt.date) -> FactAnswer | None:
        if not q.has(
            "education",
            "study",
            "studied",
            "studies",
            "school",
            "university",
            "college",
            "degree",
            "degrees",
            "graduate",
            "graduated",
            "graduation",
            "diploma",
            "bachelor",
            "master",
            "masters",
            "phd",
            "doctorate",
            "major",
            "gpa",
            "grade",
            "grades",
            "courses",
            "course",
            "qualification",
            "qualifications",
        ):
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
            return FactAnswer(
                "; ".join(f"{s.institution}: {s.score}" for s in scored) + ".", tuple(s.path for s in scored)
            )
        if q.has("courses", "course", "classes", "modules"):
            with_courses = [s for s in studies if s.courses]
            if not with_courses:
                return self._absent("The resume doesn't list courses.", tuple(paths))
            return FactAnswer(
                " ".join(f"At {s.institution}: {', '.join(s.courses)}." for s in with_courses),
                tuple(s.path for s in with_courses),
            )
        if q.has("when", "what year", "which year", "graduate", "graduated", "graduation", "finish"):
            lines = [
                f"{s.degree() or 'studies'} at {s.institution}: "
                f"{display_range(s.start, s.end, ongoing=False) or 'undated'}"
                for s in studies
            ]
            return FactAnswer(sentence("; ".join(lines)), tuple(s.path for s in studies))
        lines = []
        for s in studies:
            dates = display_range(s.start, s.end, ongoing=False)
            degree = s.degree()
            line = f"{degree} at {s.institution}" if degree else s.institution
            lines.append(f"{line} ({dates})" if dates else line)
        return FactAnswer(f"{v.possessive} education: {'; '.join(lines)}.", tuple(s.path for s in studies))
