"""PartialDate: the three JSON Resume date shapes, ordering, durations and display."""

from __future__ import annotations

import datetime as dt

import pytest

from edgeapp.resume.dates import PartialDate, format_date, format_months, format_range, months_between, period_sentence


@pytest.mark.parametrize(
    ("text", "precision", "parts"),
    [
        ("2013", "year", (2013, None, None)),
        ("2013-12", "month", (2013, 12, None)),
        ("2013-12-02", "day", (2013, 12, 2)),
        ("2024-02-29", "day", (2024, 2, 29)),
    ],
)
def test_partial_date_parses_each_precision(
    text: str, precision: str, parts: tuple[int, int | None, int | None]
) -> None:
    date = PartialDate.parse(text)
    assert (date.year, date.month, date.day) == parts
    assert date.precision == precision
    assert date.isoformat() == text
    assert str(date) == text


@pytest.mark.parametrize(
    "text",
    [
        "2013-13",
        "2013-00",
        "2013-12-021",
        "2023-02-29",
        "2013-1",
        "13",
        "abc",
        "",
        " 2013",
        "2013-12-",
    ],
)
def test_partial_date_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_partial_date_rejects_non_strings() -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(2013)  # type: ignore[arg-type]


def test_partial_dates_order_by_time_with_coarser_first() -> None:
    dates = [PartialDate.parse(t) for t in ["2020-01-05", "2019", "2019-03", "2019-01", "2020"]]
    assert [d.isoformat() for d in sorted(dates)] == [
        "2019",
        "2019-01",
        "2019-03",
        "2020",
        "2020-01-05",
    ]
    assert PartialDate.parse("2019-03") == PartialDate(2019, 3)
    assert PartialDate.parse("2019") != PartialDate.parse("2019-01")
    assert len({PartialDate.parse("2019-03"), PartialDate(2019, 3)}) == 1


def test_partial_date_spans_its_whole_period() -> None:
    assert PartialDate.parse("2020-02").first_day() == dt.date(2020, 2, 1)
    assert PartialDate.parse("2020-02").last_day() == dt.date(2020, 2, 29)
    assert PartialDate.parse("2020").last_day() == dt.date(2020, 12, 31)


def test_months_between_counts_to_today_when_ongoing() -> None:
    start = PartialDate.parse("2019-03")
    today = dt.date(2025, 1, 20)
    assert months_between(start, None, today=today) == 70
    assert months_between(start, PartialDate.parse("2021-06"), today=today) == 27
    assert months_between(PartialDate.parse("2015"), PartialDate.parse("2017"), today=today) == 24
    assert months_between(PartialDate.parse("2030"), None, today=today) == 0


def test_format_months_reads_like_speech() -> None:
    assert format_months(0) == "0 months"
    assert format_months(1) == "1 month"
    assert format_months(12) == "1 year"
    assert format_months(29) == "2 years 5 months"


def test_format_range_marks_ongoing_entries_as_present() -> None:
    start = PartialDate.parse("2019-03")
    assert format_range(start, None, ongoing=True) == "March 2019 – present"
    assert format_range(start, None, ongoing=False) == "March 2019"
    assert format_range(start, PartialDate.parse("2021"), ongoing=True) == "March 2019 – 2021"
    assert format_range(start, start, ongoing=True) == "March 2019"
    assert format_range(None, start, ongoing=True) == "until March 2019"
    assert format_range(None, None, ongoing=True) == ""
    assert format_range(start, None, ongoing=True, joiner=" to ") == "March 2019 to present"


def test_dates_are_written_one_way() -> None:
    assert [format_date(PartialDate.parse(text)) for text in ("2019", "2019-03", "2019-03-04", "2019-12")] == [
        "2019",
        "March 2019",
        "4 March 2019",
        "December 2019",
    ]
    assert format_date(None) == ""


def test_period_sentence() -> None:
    start, end = PartialDate.parse("2019-03"), PartialDate.parse("2021-06")
    assert period_sentence(start, end, ongoing=True) == "From March 2019 to June 2021."
    assert period_sentence(start, None, ongoing=True) == "From March 2019 to present."
    assert period_sentence(start, None, ongoing=False) == "From March 2019."
    assert period_sentence(start, start, ongoing=True) == "In March 2019."
    assert period_sentence(None, end, ongoing=True) == "Until June 2021."
    assert period_sentence(None, None, ongoing=True) == ""
