"""The owner's report for a day or an event: visitors, questions, topics, unanswered questions,
downloads and leads, read from the database with portable queries (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlmodel import Session, col, select

from edgeapp.db import ChatMessageRow, LeadRow, OwnerEventRow, QuestionStatRow, TelemetryEventRow, utcnow
from edgeapp.resume.entries import Entry
from edgeapp.store import as_utc

UNANSWERED = ("absent", "unclear")
"""Outcomes where the resume could not answer: it does not say, or the question was not understood."""

PASSIVE_EVENTS = frozenset({"kiosk_reset", "kiosk_attract_shown", "section_view"})
"""Events that happen without a person: a kiosk reset opens the next session at once, and the
section on screen is reported as viewed. A session with only these had no visitor."""

_PATH = re.compile(r"^[a-z]+(\[\d+\])?(\.[a-zA-Z]+(\[\d+\])?)*$")
_ATTRIBUTE = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")


def clean_topics(raw: object) -> list[dict[str, str]]:
    """Topics fit to keep: resume entry paths and attribute ids only, never free text."""
    topics = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        path = str(item.get("path", ""))
        attribute = str(item.get("attribute", ""))
        if path and len(path) <= 64 and _PATH.match(path) and (not attribute or _ATTRIBUTE.match(attribute)):
            topics.append({"path": path, "attribute": attribute[:40]})
    return topics


@dataclass(frozen=True)
class Span:
    """The time the report covers, half open: [start, end)."""

    label: str
    start: datetime
    end: datetime
    event_id: int | None = None


def local_zone() -> tzinfo:
    """The machine's time zone: days and hours are the owner's."""
    return datetime.now().astimezone().tzinfo or UTC


def day_span(day: date, zone: tzinfo | None = None) -> Span:
    """One calendar day in the owner's time zone."""
    zone = zone or local_zone()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return Span(day.isoformat(), start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC))


def event_span(event: OwnerEventRow, now: datetime | None = None) -> Span:
    """An event's span; a running event reaches until now."""
    end = as_utc(event.ended) if event.ended else (now or utcnow()) + timedelta(seconds=1)
    return Span(event.name, as_utc(event.started), end, event.id)


@dataclass
class TopicCount:
    """How often a resume entry (and attribute) was asked about."""

    path: str
    attribute: str
    label: str
    count: int


@dataclass
class UnansweredQuestion:
    """A question the resume could not answer: its words while the visitor is remembered, else
    only what it was about; with how many times it was asked."""

    text: str | None
    about: str
    outcome: str
    count: int


@dataclass
class Lead:
    """A contact a visitor left."""

    id: int
    name: str
    email: str
    phone: str
    company: str
    note: str
    consent: str
    timestamp: str


@dataclass
class Report:
    """Everything the owner view, the exports and `edgeapp report` show."""

    label: str
    start: str
    end: str
    event_id: int | None
    visitors: int
    questions: int
    questions_per_hour: list[dict[str, object]]
    outcomes: dict[str, int]
    topics: list[TopicCount]
    unanswered: list[UnansweredQuestion]
    unanswered_total: int
    pdf_downloads: int
    qr_shows: int
    contact_downloads: int
    session_seconds_median: float | None
    session_seconds_mean: float | None
    leads: list[Lead] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The report as plain JSON data."""
        return asdict(self)


def _label(path: str, attribute: str, titles: dict[str, str]) -> str:
    title = titles.get(path) or titles.get(path.split(".")[0]) or path
    return f"{title} · {attribute.replace('_', ' ').replace('.', ' ')}" if attribute else title


def _hours(stamps: Sequence[datetime], span: Span, zone: tzinfo) -> list[dict[str, object]]:
    if not stamps:
        return []
    counts = Counter(stamp.astimezone(zone).replace(minute=0, second=0, microsecond=0) for stamp in stamps)
    first, last = min(counts), max(counts)
    hours = []
    moment = first
    while moment <= last:
        hours.append({"hour": moment.isoformat(), "count": counts.get(moment, 0)})
        moment += timedelta(hours=1)
    return hours


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip("?!.")


def build_report(session: Session, span: Span, *, entries: Iterable[Entry] = (), zone: tzinfo | None = None) -> Report:
    """The report for `span`, entries giving readable names to resume paths."""
    zone = zone or local_zone()
    titles = {entry.path: entry.title for entry in entries}
    titles.setdefault("basics", "About the owner")
    stats = session.exec(
        select(QuestionStatRow)
        .where(col(QuestionStatRow.timestamp) >= span.start, col(QuestionStatRow.timestamp) < span.end)
        .order_by(col(QuestionStatRow.id))
    ).all()
    texts: dict[int, str] = {}
    linked = [stat.message_id for stat in stats if stat.message_id is not None]
    if linked:
        rows = session.exec(select(ChatMessageRow.id, ChatMessageRow.content).where(col(ChatMessageRow.id).in_(linked)))
        texts = {int(row_id): content for row_id, content in rows if row_id is not None}

    topic_counts: Counter[tuple[str, str]] = Counter()
    unanswered: dict[tuple[str, str], UnansweredQuestion] = {}
    for stat in stats:
        topics = clean_topics(json.loads(stat.topics_json or "[]"))
        for topic in topics:
            topic_counts[(topic["path"], topic["attribute"])] += 1
        if stat.outcome not in UNANSWERED:
            continue
        about = ", ".join(_label(t["path"], t["attribute"], titles) for t in topics) or "not about any resume entry"
        words = texts.get(stat.message_id) if stat.message_id is not None else None
        key = (_normalised(words), "") if words else ("", about)
        if key in unanswered:
            unanswered[key].count += 1
        else:
            unanswered[key] = UnansweredQuestion(words, about, stat.outcome, 1)

    events = session.exec(
        select(TelemetryEventRow.event, TelemetryEventRow.user_id, TelemetryEventRow.timestamp).where(
            col(TelemetryEventRow.timestamp) >= span.start, col(TelemetryEventRow.timestamp) < span.end
        )
    ).all()
    sessions: dict[str, list[datetime]] = {}
    names: Counter[str] = Counter()
    for name, user_id, stamp in events:
        names[name] += 1
        sessions.setdefault(user_id, []).append(as_utc(stamp))
    used = {user_id for name, user_id, _stamp in events if name not in PASSIVE_EVENTS}
    lengths = [(max(stamps) - min(stamps)).total_seconds() for user_id, stamps in sessions.items() if user_id in used]
    leads = session.exec(
        select(LeadRow)
        .where(col(LeadRow.timestamp) >= span.start, col(LeadRow.timestamp) < span.end)
        .order_by(col(LeadRow.id))
    ).all()
    return Report(
        label=span.label,
        start=span.start.isoformat(),
        end=span.end.isoformat(),
        event_id=span.event_id,
        visitors=len(used),
        questions=len(stats),
        questions_per_hour=_hours([as_utc(stat.timestamp) for stat in stats], span, zone),
        outcomes=dict(Counter(stat.outcome for stat in stats)),
        topics=[
            TopicCount(path, attribute, _label(path, attribute, titles), count)
            for (path, attribute), count in topic_counts.most_common()
        ],
        unanswered=sorted(unanswered.values(), key=lambda item: (-item.count, item.text or item.about)),
        unanswered_total=sum(item.count for item in unanswered.values()),
        pdf_downloads=names["resume_download"],
        qr_shows=names["qr_shown"],
        contact_downloads=names["contact_download"],
        session_seconds_median=statistics.median(lengths) if lengths else None,
        session_seconds_mean=statistics.fmean(lengths) if lengths else None,
        leads=[
            Lead(
                int(lead.id or 0),
                lead.name,
                lead.email,
                lead.phone,
                lead.company,
                lead.note,
                lead.consent,
                as_utc(lead.timestamp).isoformat(),
            )
            for lead in leads
        ],
    )
