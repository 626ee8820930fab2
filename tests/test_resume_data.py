"""The API view of a resume: UI section names, JSON Resume keys, a path on every entry."""

from __future__ import annotations

from edgeapp.resume import Resume, alt_resume_path, default_resume_path, load_resume, to_resume_data


def test_resume_data_names_sections_for_the_ui() -> None:
    data = to_resume_data(load_resume(default_resume_path())).model_dump(mode="json")
    assert list(data) == [
        "personal_info",
        "experience",
        "projects",
        "skills",
        "education",
        "volunteer",
        "awards",
        "certificates",
        "publications",
        "languages",
        "interests",
        "references",
        "meta",
    ]
    assert data["personal_info"]["path"] == "basics"
    assert data["personal_info"]["name"] == "Avery Lindqvist"
    assert data["personal_info"]["profiles"][1]["path"] == "basics.profiles[1]"
    assert data["experience"][0]["path"] == "work[0]"
    assert data["experience"][0]["startDate"] == "2019-03"
    assert "endDate" not in data["experience"][0]
    # the page shows the dates the server wrote, in the one style of the whole app
    assert data["experience"][0]["dates"] == "March 2019 – present"
    assert data["education"][0]["dates"] == "September 2014 – June 2016"
    assert data["awards"][0]["dates"] == "December 2021"
    assert "dates" not in data["skills"][0]
    assert data["skills"][2]["path"] == "skills[2]"
    assert data["education"][0]["studyType"] == "Master of Science"
    assert data["meta"]["path"] == "meta"


def test_every_entry_carries_its_path() -> None:
    data = to_resume_data(load_resume(default_resume_path())).model_dump(mode="json")
    section_keys = {"experience": "work"}
    for section, entries in data.items():
        if not isinstance(entries, list):
            continue
        key = section_keys.get(section, section)
        assert [entry["path"] for entry in entries] == [f"{key}[{i}]" for i in range(len(entries))]


def test_missing_sections_are_empty() -> None:
    data = to_resume_data(load_resume(alt_resume_path()))
    assert data.certificates == []
    assert data.meta is None
    assert "phone" not in data.personal_info
    empty = to_resume_data(Resume())
    assert empty.personal_info == {"path": "basics"}
    assert empty.experience == []


def test_a_resume_key_named_dates_cannot_replace_the_written_dates() -> None:
    resume = Resume.model_validate({"work": [{"name": "X", "startDate": "2020-01", "dates": "whenever"}]})
    assert to_resume_data(resume).experience[0]["dates"] == "January 2020 – present"
