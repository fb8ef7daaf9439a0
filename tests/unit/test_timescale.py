"""Time columns of a timeline: weeks, then coarser scales, never more than MAX_COLUMNS."""

from __future__ import annotations

import datetime as dt

from sphinxcontrib_plan.model.schedule import WEEK, workday
from sphinxcontrib_plan.render.timescale import MAX_COLUMNS, choose


def _last_day(weeks: int) -> int:
    return weeks * WEEK - 1


def test_short_plans_get_one_column_per_week():
    scale = choose(_last_day(12))
    assert scale.name == "week" and scale.cut is None
    assert [c.label for c in scale.columns] == [f"W{n}" for n in range(1, 13)]
    assert choose(_last_day(MAX_COLUMNS)).name == "week"


def test_up_to_104_weeks_get_four_week_blocks():
    scale = choose(_last_day(104))
    assert scale.name == "month"
    labels = [c.label for c in scale.columns]
    assert len(labels) == 26 and labels[0] == "W1–4" and labels[-1] == "W101–104"
    assert choose(_last_day(27)).name == "month"


def test_longer_plans_get_quarters_then_years_then_a_cut():
    assert choose(_last_day(105)).name == "quarter"
    assert [c.label for c in choose(_last_day(105)).columns][-1] == "W105–117"
    assert choose(_last_day(52 * 7)).name == "year"
    cut = choose(_last_day(52 * 30))
    assert cut.name == "year" and len(cut.columns) == MAX_COLUMNS
    assert cut.cut == cut.columns[-1].end


def test_dated_plans_get_calendar_columns():
    origin = dt.date(2024, 1, 8)
    last = workday(origin, dt.date(2025, 12, 19))
    scale = choose(last, origin)
    labels = [c.label for c in scale.columns]
    assert scale.name == "month" and labels[0] == "2024-01" and labels[-1] == "2025-12"
    # a month column covers its working days: January 2024 from the origin on
    assert scale.columns[0].end == workday(origin, dt.date(2024, 2, 1))
    quarters = choose(workday(origin, dt.date(2027, 3, 1)), origin)
    assert quarters.name == "quarter"
    assert [c.label for c in quarters.columns][:2] == ["2024 Q1", "2024 Q2"]


def test_a_milestone_falls_in_the_column_of_its_day():
    column = choose(_last_day(8)).columns[1]  # week 2: working days 5-9
    assert column.holds(5, 5) and column.holds(9, 9) and not column.holds(10, 10)
    assert column.holds(0, 6) and not column.holds(0, 5)
