"""Resume entries: one per item, with a path, a readable title and a short snippet."""

from __future__ import annotations

from edgeapp.resume import Resume, build_entries, default_resume_path, load_resume
from edgeapp.resume.entries import SNIPPET_CHARS, shorten


def test_sample_entries_cover_every_item_with_its_path() -> None:
    resume = load_resume(default_resume_path())
    paths = [entry.path for entry in build_entries(resume)]
    assert len(paths) == len(set(paths))
    expected = {
        "basics",
        "basics.email",
        "basics.phone",
        "basics.url",
        "basics.location",
        "basics.profiles[0]",
        "basics.profiles[1]",
    }
    sections = {
        "work": resume.work,
        "projects": resume.projects,
        "skills": resume.skills,
        "education": resume.education,
        "volunteer": resume.volunteer,
        "awards": resume.awards,
        "certificates": resume.certificates,
        "publications": resume.publications,
        "languages": resume.languages,
        "interests": resume.interests,
        "references": resume.references,
    }
    for name, items in sections.items():
        expected |= {f"{name}[{index}]" for index in range(len(items or []))}
    assert set(paths) == expected


def test_work_entry_title_reads_naturally() -> None:
    entries = {entry.path: entry for entry in build_entries(load_resume(default_resume_path()))}
    current = entries["work[0]"]
    assert current.section == "work"
    assert current.title == "Senior Robotics Engineer at Northwind Robotics (March 2019 – present)"
    assert "Northwind Robotics" in current.text
    assert "From March 2019 to present." in current.text
    assert entries["work[1]"].title.endswith("(June 2016 – February 2019)")
    assert entries["basics.email"].text == "Email: avery@lindqvist.example.com."
    assert "Rust" in entries["skills[0]"].text


def test_snippets_are_short_and_titles_are_not_empty() -> None:
    for entry in build_entries(load_resume(default_resume_path())):
        assert 0 < len(entry.snippet) <= SNIPPET_CHARS
        assert entry.title
        assert entry.text


def test_shorten_cuts_at_a_word_boundary() -> None:
    text = "word " * 100
    short = shorten(text, 50)
    assert len(short) <= 50
    assert short.endswith("word…")
    assert shorten("  a   b  ") == "a b"


def test_entries_are_deterministic() -> None:
    resume = load_resume(default_resume_path())
    assert build_entries(resume) == build_entries(resume)


def test_empty_items_and_missing_sections_make_no_entries() -> None:
    resume = Resume.model_validate({"work": [{}, {"name": "Acme"}], "basics": {"name": "A"}})
    entries = build_entries(resume)
    assert [entry.path for entry in entries] == ["basics", "work[1]"]
    assert entries[1].title == "Acme"
    assert build_entries(Resume()) == []
