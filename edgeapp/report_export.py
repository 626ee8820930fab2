"""The report's exports: leads as CSV and vCard, the report as CSV and JSON, and a terminal summary."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from edgeapp.report import Lead, Report
from edgeapp.resume.vcard import CRLF, escape_component, escape_text, fold, split_name

LEAD_COLUMNS = ("name", "email", "phone", "company", "note", "left_at", "consent")


def _spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def leads_csv(leads: list[Lead]) -> str:
    """The leads as CSV (UTF-8, a header row, one lead a row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LEAD_COLUMNS)
    for lead in leads:
        values = (lead.name, lead.email, lead.phone, lead.company, lead.note, lead.timestamp, lead.consent)
        writer.writerow([_spreadsheet_safe(value) for value in values])
    return buffer.getvalue()


def leads_vcard(leads: list[Lead]) -> str:
    """The leads as one vCard 4.0 file with a card each (RFC 6350)."""
    cards = []
    for lead in leads:
        shown = lead.name or lead.email or lead.phone
        family, given = split_name(lead.name)
        lines = [
            "BEGIN:VCARD",
            "VERSION:4.0",
            "KIND:individual",
            f"FN:{escape_text(shown)}",
            f"N:{escape_component(family)};{escape_component(given)};;;",
        ]
        if lead.company:
            lines.append(f"ORG:{escape_component(lead.company)}")
        if lead.email:
            lines.append(f"EMAIL:{escape_text(lead.email)}")
        if lead.phone:
            lines.append(f"TEL:{escape_text(lead.phone)}")
        if lead.note:
            lines.append(f"NOTE:{escape_text(lead.note)}")
        lines.append(f"REV:{lead.timestamp.replace('-', '').replace(':', '').split('.')[0].split('+')[0]}Z")
        lines.append("END:VCARD")
        cards.append("".join(fold(line) + CRLF for line in lines))
    return "".join(cards)


def report_csv(report: Report) -> str:
    """The report's figures as CSV rows: section, item, count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("section", "item", "count"))
    for name, value in (
        ("visitors", report.visitors),
        ("questions", report.questions),
        ("unanswered", report.unanswered_total),
        ("pdf downloads", report.pdf_downloads),
        ("qr shows", report.qr_shows),
        ("contact card downloads", report.contact_downloads),
        ("leads", len(report.leads)),
    ):
        writer.writerow(("summary", name, value))
    for outcome, count in sorted(report.outcomes.items()):
        writer.writerow(("outcome", outcome, count))
    for hour in report.questions_per_hour:
        writer.writerow(("questions per hour", hour["hour"], hour["count"]))
    for topic in report.topics:
        writer.writerow(("topic", _spreadsheet_safe(topic.label), topic.count))
    for item in report.unanswered:
        writer.writerow(("unanswered", _spreadsheet_safe(item.text or f"({item.about})"), item.count))
    return buffer.getvalue()


def report_json(report: Report) -> str:
    """The report as JSON."""
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds / 60:.1f} min" if seconds >= 60 else f"{seconds:.0f} s"


def summary_text(report: Report, *, width: int = 30) -> str:
    """The report for a terminal: figures, an hourly bar chart, topics, unanswered questions, leads."""
    lines = [
        f"Report: {report.label}  ({report.start[:16].replace('T', ' ')} – {report.end[:16].replace('T', ' ')} UTC)",
        f"  visitors {report.visitors} · questions {report.questions} · unanswered {report.unanswered_total}"
        f" · leads {len(report.leads)}",
        f"  PDF downloads {report.pdf_downloads} · QR shows {report.qr_shows}"
        f" · session median {_minutes(report.session_seconds_median)}",
    ]
    if report.questions_per_hour:
        top = max(int(str(hour["count"])) for hour in report.questions_per_hour) or 1
        lines.append("Questions per hour")
        for hour in report.questions_per_hour:
            count = int(str(hour["count"]))
            lines.append(f"  {str(hour['hour'])[11:16]}  {'█' * round(count / top * width):<{width}} {count}")
    if report.topics:
        lines.append("Most asked about")
        lines += [f"  {topic.count:>3}  {topic.label}" for topic in report.topics[:10]]
    if report.unanswered:
        lines.append("Asked, but the resume does not say")
        lines += [f"  {item.count:>3}  {item.text or '(' + item.about + ')'}" for item in report.unanswered]
    if report.leads:
        lines.append("Leads")
        for lead in report.leads:
            contact = " · ".join(part for part in (lead.email, lead.phone) if part)
            lines.append(f"  {lead.name or '(no name)'} {('– ' + lead.company) if lead.company else ''}  {contact}")
    return "\n".join(lines) + "\n"


def write_exports(report: Report, folder: Path) -> list[Path]:
    """Write every export of `report` into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "leads.csv": leads_csv(report.leads),
        "leads.vcf": leads_vcard(report.leads),
        "report.csv": report_csv(report),
        "report.json": report_json(report),
    }
    written = []
    for name, content in files.items():
        path = folder / name
        path.write_text(content, encoding="utf-8", newline="")
        written.append(path)
    return written
