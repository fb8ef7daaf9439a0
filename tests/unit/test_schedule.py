"""The critical path method over phases: planned end, critical path, slack."""

from __future__ import annotations

import datetime as dt

from sphinxcontrib_plan.model.schedule import Activity, date_of, plan_schedule, schedule, workday


def _weeks(first, last=None, *deps, milestone=False):
    fields = {"weeks": [first, last or first], "depends-on": list(deps)}
    if milestone:
        fields["milestone"] = True
    return fields


def test_chain_is_critical_and_ends_with_its_last_phase():
    result = plan_schedule(
        [("a", _weeks(1, 2)), ("b", _weeks(3, 4, "a")), ("c", _weeks(5, 6, "b"))]
    )
    assert result.path == ("a", "b", "c")
    assert result.end_week == 6 and result.end_date is None and not result.cycle
    assert [result.slack_weeks(p) for p in "abc"] == [0, 0, 0]


def test_parallel_branches_the_shorter_one_has_slack():
    # a → (long: weeks 3-8 | short: weeks 3-4) → join at week 9
    result = plan_schedule(
        [
            ("a", _weeks(1, 2)),
            ("long", _weeks(3, 8, "a")),
            ("short", _weeks(3, 4, "a")),
            ("join", _weeks(9, 10, "long", "short")),
        ]
    )
    assert result.path == ("a", "long", "join")
    assert result.slack_weeks("short") == 4
    assert result.timings["short"].late_finish == 8 * 5
    assert not result.timings["short"].critical and result.timings["long"].critical
    assert result.end_week == 10


def test_independent_phase_ending_early_has_slack_to_the_planned_end():
    result = plan_schedule([("a", _weeks(1, 6)), ("docs", _weeks(1, 2))])
    assert result.path == ("a",)
    assert result.slack_weeks("docs") == 4


def test_a_milestone_is_zero_length_at_the_start_of_its_week():
    result = plan_schedule(
        [
            ("build", _weeks(1, 18)),
            ("launch", _weeks(19, None, "build", milestone=True)),
        ]
    )
    timing = result.timings["launch"]
    assert timing.early_start == timing.early_finish == 18 * 5
    assert result.path == ("build", "launch")
    # the plan ends in the milestone's week
    assert result.end_week == 19


def test_a_milestone_before_the_end_may_have_slack():
    result = plan_schedule(
        [
            ("a", _weeks(1, 2)),
            ("gate", _weeks(3, None, "a", milestone=True)),
            ("b", _weeks(3, 8, "a")),
        ]
    )
    assert result.timings["gate"].slack == 6 * 5
    assert result.path == ("a", "b")


def test_dependency_pushes_a_phase_written_too_early():
    # b is written at weeks 2-3 but must wait for a (weeks 1-3)
    result = plan_schedule([("a", _weeks(1, 3)), ("b", _weeks(2, 3, "a"))])
    assert result.timings["b"].early_start == 3 * 5
    assert result.end_week == 5


def test_a_written_gap_gives_the_predecessor_slack():
    result = plan_schedule([("a", _weeks(1, 2)), ("b", _weeks(5, 6, "a"))])
    assert result.slack_weeks("a") == 2
    assert result.path == ("b",)


def test_dated_and_week_phases_mix_on_one_axis():
    # week 1 begins on the earliest start date, Monday 2024-01-01; days are working days
    result = plan_schedule(
        [
            ("design", {"start": "2024-01-01", "end": "2024-01-12"}),  # days 0-9
            ("build", _weeks(3, 5, "design")),  # days 10-24
            ("audit", {"start": "2024-01-15", "end": "2024-01-18"}),  # days 10-13
            (
                "release",
                {"start": "2024-02-05", "depends-on": ["build", "audit"], "milestone": True},
            ),  # day 25
        ]
    )
    assert result.origin == dt.date(2024, 1, 1)
    assert result.timings["design"].early_finish == 10
    assert result.timings["build"].early_start == 10
    # a phase ending on a Friday is followed by one starting on Monday without slack
    assert result.path == ("design", "build", "release")
    assert result.timings["audit"].slack == 11
    assert result.slack_weeks("audit") == 2.2
    assert result.end_date == dt.date(2024, 2, 5)
    assert result.end_week == 6


def test_weekends_count_as_the_nearest_working_day():
    # starts on a Saturday (→ Monday 2024-01-08), ends on a Sunday (→ Friday 2024-01-19)
    result = plan_schedule(
        [
            ("a", {"start": "2024-01-06", "end": "2024-01-21"}),
            ("b", {"start": "2024-01-22", "end": "2024-01-26", "depends-on": ["a"]}),
        ]
    )
    assert result.origin == dt.date(2024, 1, 8)
    assert result.timings["a"].early_finish == 10 == result.timings["b"].early_start
    assert result.path == ("a", "b")
    assert result.end_date == dt.date(2024, 1, 26)


def test_working_days_and_dates_convert_both_ways():
    origin = dt.date(2024, 1, 3)  # a Wednesday
    for index in range(0, 40):
        assert workday(origin, date_of(origin, index)) == index
    assert date_of(origin, 3) == dt.date(2024, 1, 8)


def test_cycle_gives_no_path_and_no_slack():
    result = plan_schedule(
        [
            ("a", _weeks(1, 2, "c")),
            ("b", _weeks(3, 4, "a")),
            ("c", _weeks(5, 6, "b")),
            ("free", _weeks(1, 9)),
        ]
    )
    assert result.cycle
    assert result.path == () and result.timings == {}
    assert result.slack_weeks("free") is None
    # the planned end falls back to the written positions
    assert result.end_week == 9


def test_unplaced_phases_and_foreign_dependencies_are_left_out():
    result = plan_schedule(
        [
            ("a", _weeks(1, 2, "other-plan-phase")),
            ("floating", {"depends-on": ["a"]}),
            ("b", _weeks(3, 3, "a", "floating")),
        ]
    )
    assert set(result.timings) == {"a", "b"}
    assert result.path == ("a", "b")
    assert result.slack_weeks("floating") is None


def test_empty_plan_has_no_end():
    result = plan_schedule([])
    assert result.end_week is None and result.end_date is None and result.path == ()


def test_schedule_accepts_activities_directly():
    result = schedule([Activity("x", 0, 3), Activity("y", 0, 1), Activity("z", 3, 0, ("x", "y"))])
    assert result.path == ("x", "z")
    assert result.timings["y"].slack == 2
    assert result.last_day == 3
