"""The bundled resumes are rich enough for the assistant's questions, including honest "no"s."""

from __future__ import annotations

import re

from edgeapp.resume import alt_resume_path, default_resume_path, load_resume


def _all_keywords(path_name: str) -> set[str]:
    resume = load_resume(default_resume_path() if path_name == "sample" else alt_resume_path())
    return {k.lower() for skill in resume.skills or [] for k in skill.keywords or []}


def test_sample_owner_has_every_section() -> None:
    resume = load_resume(default_resume_path())
    basics = resume.basics
    assert basics is not None
    assert basics.name and basics.email and basics.phone and basics.url and basics.summary
    assert "555" in basics.phone
    assert {p.network for p in basics.profiles or []} >= {"GitHub", "LinkedIn"}
    work = resume.work or []
    assert len(work) >= 4
    assert all(job.start_date is not None for job in work)
    assert sum(job.end_date is None for job in work) == 1
    assert len(resume.projects or []) >= 3
    assert any("robot" in (p.description or "").lower() for p in resume.projects or [])
    assert len(resume.skills or []) >= 5
    assert len(resume.education or []) == 2
    assert all(language.fluency for language in resume.languages or [])
    assert len(resume.certificates or []) == 2
    assert len(resume.awards or []) == 2
    assert resume.volunteer and resume.publications and resume.interests and resume.references


def test_sample_owner_knows_some_languages_and_not_others() -> None:
    keywords = _all_keywords("sample")
    assert {"python", "c++", "rust", "typescript"} <= keywords
    assert not {"java", "go", "kotlin"} & keywords


def test_sample_uses_only_reserved_example_domains() -> None:
    text = default_resume_path().read_text(encoding="utf-8") + alt_resume_path().read_text(encoding="utf-8")
    hosts = set(re.findall(r"https?://([^/\"]+)", text)) | set(re.findall(r"@([\w.-]+)", text))
    hosts.discard("raw.githubusercontent.com")  # the JSON Resume schema's own address
    assert hosts
    assert all(host.endswith((".example.com", ".example.org")) for host in hosts), hosts


def test_alt_resume_is_a_different_person_with_sections_missing() -> None:
    sample = load_resume(default_resume_path())
    alt = load_resume(alt_resume_path())
    assert alt.basics is not None and sample.basics is not None
    assert alt.basics.name != sample.basics.name
    assert alt.basics.phone is None
    assert alt.certificates is None
    assert alt.work and alt.skills and alt.education and alt.languages
