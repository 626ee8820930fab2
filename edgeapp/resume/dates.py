"""JSON Resume dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept at the precision the owner wrote."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

Precision = Literal["year", "month", "day"]

_DATE_RE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")

DATE_FORMAT_REASON = "must be a date written YYYY, YYYY-MM or YYYY-MM-DD"


class PartialDate:
    """A date known to the year, month or day: `2019`, `2019-03` or `2019-03-14`."""

    __slots__ = ("_text", "day", "month", "year")

    year: int
    month: int | None
    day: int | None

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        if day is not None and month is None:
            raise ValueError("a day needs a month")
        if not 1 <= year <= 9999:
            raise ValueError(f"year {year} is out of range")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} is not between 1 and 12")
        if month is not None and day is not None:
            last_day = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last_day:
                raise ValueError(f"day {day} does not exist in {year:04d}-{month:02d}")
        self.year = year
        self.month = month
        self.day = day
        parts = [f"{year:04d}"]
        if month is not None:
            parts.append(f"{month:02d}")
        if day is not None:
            parts.append(f"{day:02d}")
        self._text = "-".join(parts)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError for anything else."""
        if not isinstance(text, str):
            raise ValueError(f"{DATE_FORMAT_REASON}, not {type(text).__name__}")
        match = _DATE_RE.fullmatch(text)
        if match is None:
            raise ValueError(f"{DATE_FORMAT_REASON}, not {text!r}")
        month = match["month"]
        day = match["day"]
        return cls(int(match["year"]), int(month) if month else None, int(day) if day else None)

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        """A day-precision PartialDate for a `datetime.date`."""
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        """How much of the date is known: "year", "month" or "day"."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def isoformat(self) -> str:
        """The date as JSON Resume writes it (`2019`, `2019-03` or `2019-03-14`)."""
        return self._text

    def first_day(self) -> dt.date:
        """The earliest calendar day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        """The latest calendar day this date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def _sort_key(self) -> tuple[int, int, int]:
        # Missing parts sort first, so `2019` < `2019-01` < `2019-01-01`: a total order that agrees
        # with equality (which compares the written precision too).
        return (self.year, self.month or 0, self.day or 0)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() == other._sort_key()

    def __lt__(self, other: PartialDate) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __le__(self, other: PartialDate) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() <= other._sort_key()

    def __gt__(self, other: PartialDate) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() > other._sort_key()

    def __ge__(self, other: PartialDate) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._sort_key() >= other._sort_key()

    def __hash__(self) -> int:
        return hash(self._sort_key())

    def __repr__(self) -> str:
        return f"PartialDate({self._text!r})"

    def __str__(self) -> str:
        return self._text

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Validate from a JSON string only (never a number) and serialise back to the same text."""
        return core_schema.no_info_wrap_validator_function(
            _validate_date,
            core_schema.str_schema(strict=True),
            serialization=core_schema.plain_serializer_function_ser_schema(
                PartialDate.isoformat, return_schema=core_schema.str_schema()
            ),
        )


def _validate_date(value: Any, validate_text: core_schema.ValidatorFunctionWrapHandler) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = validate_text(value)
    try:
        return PartialDate.parse(text)
    except ValueError:
        raise PydanticCustomError("partial_date", DATE_FORMAT_REASON + ", not '{text}'", {"text": text}) from None


def months_between(start: PartialDate, end: PartialDate | None, *, today: dt.date) -> int:
    """Whole months from `start` to `end` (None = ongoing, counted to `today`), never negative.

    Unknown months count as January on both ends, so `2015`–`2017` is 24 months, and days are
    ignored: `2019-03`–`2021-06` is 27 months.
    """
    end_year, end_month = (today.year, today.month) if end is None else (end.year, end.month or 1)
    months = (end_year - start.year) * 12 + (end_month - (start.month or 1))
    return max(months, 0)


def format_months(months: int) -> str:
    """A duration as people say it: `3 months`, `1 year`, `2 years 5 months`."""
    years, rest = divmod(max(months, 0), 12)
    parts = []
    if years:
        parts.append(f"{years} year" + ("s" if years != 1 else ""))
    if rest or not years:
        parts.append(f"{rest} month" + ("s" if rest != 1 else ""))
    return " ".join(parts)


# How the app writes dates to people, everywhere (page, entries, chat, PDF): full month names.
MONTH_NAMES = tuple(calendar.month_name[1:])


def format_date(date: PartialDate | None) -> str:
    """A date as people read it: `2019`, `March 2019` or `14 March 2019`; "" for none."""
    if date is None:
        return ""
    if date.month is None:
        return f"{date.year:04d}"
    month = MONTH_NAMES[date.month - 1]
    return f"{month} {date.year:04d}" if date.day is None else f"{date.day} {month} {date.year:04d}"


def format_range(start: PartialDate | None, end: PartialDate | None, *, ongoing: bool, joiner: str = " – ") -> str:
    """A date range: `March 2019 – present`, `2015 – 2017`, `January 2020`; "" when undated.

    `ongoing` says whether a missing end means "present" (work, projects) or just unknown
    (education); `joiner=" to "` gives the form for sentences (`March 2019 to present`).
    """
    if start is None and end is None:
        return ""
    if start is None:
        return f"until {format_date(end)}"
    if end is None:
        return f"{format_date(start)}{joiner}present" if ongoing else format_date(start)
    if end == start:
        return format_date(start)
    return f"{format_date(start)}{joiner}{format_date(end)}"


def period_sentence(start: PartialDate | None, end: PartialDate | None, *, ongoing: bool) -> str:
    """The range as a sentence: `From March 2019 to present.`; "" when undated."""
    if start is None and end is None:
        return ""
    if start is None:
        return f"Until {format_date(end)}."
    if end is None and not ongoing:
        return f"From {format_date(start)}."
    if end == start:
        return f"In {format_date(start)}."
    return f"From {format_range(start, end, ongoing=True, joiner=' to ')}."
