"""The time columns of a timeline: weeks, or a coarser scale when a plan runs long.

A timeline has at most :data:`MAX_COLUMNS` time columns, so that its labels
stay legible on a page and on a phone. The finest scale that fits is chosen:
weeks, then months, quarters, years. A plan with dates gets calendar months
(``2024-03``), quarters (``2024 Q2``) and years; a plan counted in weeks
gets blocks of weeks (``W5–8``). Pure: no docutils, no Sphinx.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.schedule import WEEK, date_of, workday

if TYPE_CHECKING:
    from collections.abc import Iterator

#: most time columns a timeline shows
MAX_COLUMNS = 26
#: scales from finest to coarsest: name, and weeks per block for plans without dates
SCALES = (("week", 1), ("month", 4), ("quarter", 13), ("year", 52))


@dataclass(frozen=True)
class TimeColumn:
    """One time column: a label and the days it covers."""

    #: header text
    label: str
    #: first working day, counted from the plan's origin
    first: int
    #: the working day after the last one
    end: int

    def holds(self, start: int, finish: int) -> bool:
        """Whether work from *start* to *finish* (exclusive) falls in this column;
        a zero-length span (a milestone) falls in the column of its day.

        :param start: first day
        :param finish: day after the last, equal to *start* for a milestone
        :return: ``True`` when they overlap
        """
        if finish == start:
            return self.first <= start < self.end
        return start < self.end and finish > self.first


@dataclass(frozen=True)
class Scale:
    """The time columns of one timeline."""

    #: ``week``, ``month``, ``quarter`` or ``year``
    name: str
    #: the columns, in order
    columns: tuple[TimeColumn, ...]
    #: days after this one are not drawn (``None``: everything is drawn)
    cut: int | None = None


def _blocks(weeks: int, size: int) -> Iterator[TimeColumn]:
    for first in range(1, weeks + 1, size):
        last = first + size - 1
        label = f"W{first}" if size == 1 else f"W{first}–{last}"
        yield TimeColumn(label, (first - 1) * WEEK, last * WEEK)


def _month_start(day: dt.date, months: int) -> dt.date:
    """The first day of the block of *months* months that holds *day*."""
    index = (day.month - 1) // months * months
    return dt.date(day.year, index + 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    return dt.date(day.year + total // 12, total % 12 + 1, 1)


def _calendar(origin: dt.date, last: int, months: int, name: str) -> Iterator[TimeColumn]:
    start = _month_start(origin, months)
    stop = date_of(origin, last)
    while start <= stop:
        following = _add_months(start, months)
        if name == "month":
            label = f"{start.year}-{start.month:02d}"
        elif name == "quarter":
            label = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        else:
            label = str(start.year)
        yield TimeColumn(label, workday(origin, start), workday(origin, following))
        start = following


def choose(last_day: int, origin: dt.date | None = None) -> Scale:
    """The finest scale whose columns cover days 0 to *last_day* in at most
    :data:`MAX_COLUMNS` columns.

    :param last_day: the last day to show (inclusive), from the origin
    :param origin: the date of day 0; calendar columns when given
    :return: the scale
    """
    weeks = max(0, last_day) // WEEK + 1
    columns: list[TimeColumn] = []
    for name, size in SCALES:
        if name == "week" or origin is None:
            columns = list(_blocks(weeks, size))
        else:
            months = {"month": 1, "quarter": 3, "year": 12}[name]
            columns = list(_calendar(origin, last_day, months, name))
        if len(columns) <= MAX_COLUMNS:
            return Scale(name, tuple(columns))
    shown = tuple(columns[:MAX_COLUMNS])
    return Scale(SCALES[-1][0], shown, cut=shown[-1].end)


def slack_text(weeks: float | None) -> str:
    """A phase's slack as read in a table: ``Critical`` is shown apart, so this is
    ``1 week``, ``2.4 weeks``, or empty when the phase is not scheduled.

    :param weeks: slack in weeks, ``None`` when unknown
    :return: the text
    """
    if weeks is None:
        return ""
    return "1 week" if weeks == 1 else f"{weeks} weeks"
