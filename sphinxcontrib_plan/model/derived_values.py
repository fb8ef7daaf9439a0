"""How each derived value is computed from the index: progress, schedule
weeks, sign-off, coverage, test results and gates (declared in
:data:`~sphinxcontrib_plan.model.derived.DERIVED_FIELDS`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.approval import is_stale
from sphinxcontrib_plan.model.severity import Severity

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord

    Compute = Callable[[ResolvedIndex, ObjectRecord], Any]


def progress(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


def plan_checks(index: ResolvedIndex, plan: ObjectRecord) -> tuple[int, int]:
    phases = index.of_type("phase", (plan.id,))
    return (
        sum(p.checks[0] for p in phases if p.checks),
        sum(p.checks[1] for p in phases if p.checks),
    )


def signoff(index: ResolvedIndex, plan: ObjectRecord) -> str:
    signoffs = index.of_type("signoff", (plan.id,))
    states = {s.fields.get("status") for s in signoffs}
    if not states:
        return "none"
    # an approval of an older version is worse news than one not given yet
    for state in ("rejected", "stale", "pending"):
        if state in states or (state == "stale" and any(is_stale(index, s) for s in signoffs)):
            return state
    return "approved"


def open_high_risks(index: ResolvedIndex, plan: ObjectRecord) -> int:
    return sum(
        1
        for r in index.of_type("risk", (plan.id,))
        if (s := Severity.of(r.fields)) is not None
        and s.high
        and r.fields.get("status") not in ("closed", "accepted")
    )


def severity(index: ResolvedIndex, record: ObjectRecord) -> int | None:
    found = Severity.of(record.fields)
    return found.score if found else None


def phase_weeks(index: ResolvedIndex, phase: ObjectRecord) -> tuple[int, int] | None:
    """The weeks a phase spans: its ``weeks``, or its dates counted in weeks from
    the earliest start date of its plan.

    :param index: the index
    :param phase: a phase
    :return: ``(first, last)`` week, or ``None`` when it has neither
    """
    weeks = phase.fields.get("weeks")
    if weeks:
        return weeks[0], weeks[1]
    if not phase.fields.get("start"):
        return None
    origin = index.week_origins.get(phase.plan)
    if origin is None:
        # once per plan, not once per phase and derived value
        origin = index.week_origins[phase.plan] = min(
            dt.date.fromisoformat(p.fields["start"])
            for p in index.of_type("phase", (phase.plan,) if phase.plan else ())
            if p.plan == phase.plan and p.fields.get("start")
        )
    start = dt.date.fromisoformat(phase.fields["start"])
    end = dt.date.fromisoformat(phase.fields.get("end") or phase.fields["start"])
    first = (start - origin).days // 7 + 1
    return first, max(first, (end - origin).days // 7 + 1)


def week(i: int) -> Compute:
    def compute(index: ResolvedIndex, record: ObjectRecord) -> int | None:
        weeks = phase_weeks(index, record)
        return weeks[i] if weeks else None

    return compute


def critical(index: ResolvedIndex, phase: ObjectRecord) -> bool | None:
    timing = index.schedule(phase.plan or None).timings.get(phase.id)
    return timing.critical if timing else None


def planned_end(index: ResolvedIndex, plan: ObjectRecord) -> str | None:
    found = index.schedule(plan.id)
    if found.end_date is not None:
        return found.end_date.isoformat()
    return None if found.end_week is None else f"week {found.end_week}"


def checks(i: int | None) -> Compute:
    def compute(index: ResolvedIndex, record: ObjectRecord) -> int | None:
        if record.checks is None:
            return None
        return record.checks[i] if i is not None else progress(*record.checks)

    return compute


def plan_checks_part(i: int | None) -> Compute:
    def compute(index: ResolvedIndex, record: ObjectRecord) -> int | None:
        done_total = plan_checks(index, record)
        return done_total[i] if i is not None else progress(*done_total)

    return compute


def parameters(record: ObjectRecord) -> str | None:
    data = record.endpoint
    if data is None or not data.parameters:
        return None
    return ", ".join(
        f"{p['name']}{'*' if p.get('required') and p['in'] != 'path' else ''} ({p['in']})"
        for p in data.parameters
    )


def schema_text(record: ObjectRecord) -> str | None:
    from sphinxcontrib_plan.model.params import type_text

    body = record.body_schema
    if body is None or body.schema is None:
        return None
    return type_text(body.schema) or "inline"


def covered(index: ResolvedIndex, record: ObjectRecord) -> bool | None:
    found = index.coverage.by_object.get(record.id) if index.coverage is not None else None
    return all(r.covered for r in found) if found else None


def covered_by(index: ResolvedIndex, record: ObjectRecord) -> list[str] | None:
    found = index.coverage.by_object.get(record.id) if index.coverage is not None else None
    return list(dict.fromkeys(i for r in found for i in r.by if i != record.id)) if found else None


def test_result(name: str) -> Compute:
    def compute(index: ResolvedIndex, test: ObjectRecord) -> Any:
        patterns = test.fields.get("junit")
        if not patterns:
            return None
        found = index.test_summaries.get(test.id)
        if found is None:
            from sphinxcontrib_plan.model.junit import case_summary

            cases = index.results.matching(patterns) if index.results is not None else []
            found = index.test_summaries[test.id] = case_summary(cases)
        return found[name]

    return compute


def plan_coverage(index: ResolvedIndex, plan: ObjectRecord) -> int | None:
    if index.coverage is None:
        return None
    from sphinxcontrib_plan.model.coverage import percent

    return percent(
        [r for rule in index.coverage.rules for r in index.coverage.of_rule(rule.name, (plan.id,))]
    )


def gate(index: ResolvedIndex, plan: ObjectRecord) -> str | None:
    missing = index.gates.get(plan.id)
    return None if missing is None else "unmet" if missing else "met"


def coverage_values(index: ResolvedIndex, record: ObjectRecord) -> dict[str, Any]:
    """The derived values the coverage rules give an object, once they ran.

    :param index: the index, its coverage checked
    :param record: a plan, or an object some rule checks
    :return: ``coverage`` of a plan, ``covered`` and ``covered-by`` of another object
    """
    if record.type == "plan":
        return {"coverage": plan_coverage(index, record), "gate": gate(index, record)}
    return {"covered": covered(index, record), "covered-by": covered_by(index, record)}
