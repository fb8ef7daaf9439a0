"""The schedule of a plan's phases: planned end, critical path and slack (critical path method).

Pure: it reads the canonical field values of phases (``weeks``, ``start``,
``end``, ``depends-on``, ``milestone``) and knows nothing of Sphinx.

Time is counted in working days (Monday to Friday) from the plan's
*origin*: the earliest ``start`` date of its phases, or day 0 of week 1 when
no phase is dated. Week ``N`` spans working days ``5(N-1)`` to ``5N``, so
dated and week phases mix on one axis (week 1 begins on the origin date), and
a phase ending on a Friday is followed without slack by one starting on the
Monday after. A written position is a "start no
earlier than" constraint: a phase starts when it is written to start, or
later when a phase it depends on ends later. Milestones are zero-length
checkpoints at the start of their week or day. Phases with neither weeks
nor dates, and dependencies on phases of other plans, are not scheduled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence


#: working days in a week, the unit of ``weeks``
WEEK = 5


@dataclass(frozen=True)
class Activity:
    """One phase as the scheduler sees it."""

    #: the phase id
    id: str
    #: earliest start, in working days from the origin (the written position)
    start: int
    #: length in working days; 0 for a milestone
    duration: int
    #: ids of the phases that must end first (same plan, scheduled)
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timing:
    """Where a scheduled phase lies, early and late, in working days from the origin."""

    #: earliest start
    early_start: int
    #: earliest end (exclusive: the first day after the phase)
    early_finish: int
    #: latest start that keeps the planned end
    late_start: int
    #: latest end that keeps the planned end
    late_finish: int

    @property
    def slack(self) -> int:
        """Working days the phase may slip without moving the planned end."""
        return self.late_start - self.early_start

    @property
    def critical(self) -> bool:
        """Whether the phase cannot slip at all."""
        return self.slack == 0


@dataclass(frozen=True)
class Schedule:
    """The computed schedule of one plan."""

    #: the date of day 0, when some phase is dated
    origin: dt.date | None
    #: timing of each scheduled phase; empty when the dependencies form a cycle
    timings: Mapping[str, Timing] = field(default_factory=dict)
    #: the critical phases in the order they run (empty when there is a cycle)
    path: tuple[str, ...] = ()
    #: the last day holding work or a milestone (inclusive), ``None`` without phases
    last_day: int | None = None
    #: whether the dependencies form a cycle (then there is no path and no slack)
    cycle: bool = False
    #: every placed phase at its written position, by id
    placed: Mapping[str, Activity] = field(default_factory=dict)

    @property
    def end_week(self) -> int | None:
        """The week of the planned end (week 1 is the first)."""
        return None if self.last_day is None else self.last_day // WEEK + 1

    @property
    def end_date(self) -> dt.date | None:
        """The date of the planned end, when the plan has dates."""
        if self.origin is None or self.last_day is None:
            return None
        return date_of(self.origin, self.last_day)

    def slack_weeks(self, phase: str) -> float | int | None:
        """Slack of *phase* in weeks: whole when it is, else to one decimal.

        :param phase: a phase id
        :return: weeks, or ``None`` when the phase is not scheduled
        """
        timing = self.timings.get(phase)
        if timing is None:
            return None
        weeks, rest = divmod(timing.slack, WEEK)
        return weeks if not rest else round(timing.slack / WEEK, 1)


def weekday_on_or_after(day: dt.date) -> dt.date:
    """*day*, or the Monday after it when it falls on a weekend.

    :param day: a date
    :return: a weekday
    """
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def workday(origin: dt.date, day: dt.date, *, end: bool = False) -> int:
    """Working days from *origin* (a weekday) to *day*.

    :param origin: day 0
    :param day: a date; on a weekend it counts as the Monday after, or with
        *end* as the Friday before
    :param end: *day* is the last day of something
    :return: the working-day index of *day*
    """
    if day.weekday() >= 5:
        day = day - dt.timedelta(days=day.weekday() - 4) if end else weekday_on_or_after(day)
    weeks, rest = divmod((day - origin).days, 7)
    return weeks * WEEK + sum(1 for i in range(rest) if (origin.weekday() + i) % 7 < 5)


def date_of(origin: dt.date, index: int) -> dt.date:
    """The date of working day *index* counted from *origin* (a weekday).

    :param origin: day 0
    :param index: a working-day index
    :return: the date
    """
    weeks, rest = divmod(index, WEEK)
    day = origin + dt.timedelta(days=7 * weeks)
    while rest:
        day += dt.timedelta(days=1)
        rest -= day.weekday() < 5
    return day


def _day(origin: dt.date | None, iso: str, *, end: bool = False) -> int:
    return workday(origin, dt.date.fromisoformat(iso), end=end) if origin else 0


def activities(
    phases: Iterable[tuple[str, Mapping[str, object]]],
) -> tuple[dt.date | None, list[Activity]]:
    """Phases with a position, as activities on one day axis.

    :param phases: ``(id, fields)`` of the phases of one plan, fields canonical
        (``weeks`` as ``[first, last]``, dates as ISO strings)
    :return: the origin date (``None`` when no phase is dated) and the activities
    """
    phases = list(phases)
    starts = [dt.date.fromisoformat(str(f["start"])) for _, f in phases if f.get("start")]
    origin = weekday_on_or_after(min(starts)) if starts else None
    placed: list[Activity] = []
    for pid, fields in phases:
        weeks = fields.get("weeks")
        milestone = bool(fields.get("milestone"))
        if weeks:
            first, last = cast("tuple[int, int]", weeks)
            start, finish = (first - 1) * WEEK, last * WEEK
        elif fields.get("start"):
            start = _day(origin, str(fields["start"]))
            # an end before the start is warned about elsewhere; it reads as one day
            finish = (
                max(start, _day(origin, str(fields.get("end") or fields["start"]), end=True)) + 1
            )
        else:
            continue
        depends = fields.get("depends-on")
        after = tuple(str(d) for d in depends) if isinstance(depends, (list, tuple)) else ()
        placed.append(Activity(pid, start, 0 if milestone else finish - start, after))
    return origin, placed


def _order(acts: Mapping[str, Activity]) -> list[str] | None:
    """Activities in an order where each comes after what it depends on; ``None`` on a cycle."""
    graph = {a.id: [d for d in a.depends_on if d in acts] for a in acts.values()}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError:
        return None


def schedule(acts: Sequence[Activity], origin: dt.date | None = None) -> Schedule:
    """Forward and backward pass of the critical path method over *acts*.

    :param acts: the activities of one plan (ids unique)
    :param origin: the date of day 0, if any
    :return: the schedule; on a dependency cycle, no timings and no path, with
        the planned end taken from the written positions alone
    """
    if not acts:
        return Schedule(origin)
    by_id = {a.id: a for a in acts}
    order = _order(by_id)
    if order is None:
        written = max(_last_day(a.start, a.start + a.duration, a.duration) for a in acts)
        return Schedule(origin, last_day=written, cycle=True, placed=by_id)
    early: dict[str, tuple[int, int]] = {}
    for aid in order:
        act = by_id[aid]
        start = max([act.start, *(early[d][1] for d in act.depends_on if d in by_id)])
        early[aid] = (start, start + act.duration)
    end = max(finish for _, finish in early.values())
    dependents: dict[str, list[str]] = {}
    for act in acts:
        for d in act.depends_on:
            if d in by_id:
                dependents.setdefault(d, []).append(act.id)
    late: dict[str, tuple[int, int]] = {}
    for aid in reversed(order):
        finish = min([end, *(late[n][0] for n in dependents.get(aid, ()))])
        late[aid] = (finish - by_id[aid].duration, finish)
    timings = {
        aid: Timing(early[aid][0], early[aid][1], late[aid][0], late[aid][1]) for aid in order
    }
    path = tuple(
        sorted(
            (aid for aid, t in timings.items() if t.critical),
            key=lambda aid: (timings[aid].early_start, timings[aid].early_finish, aid),
        )
    )
    last = max(
        _last_day(t.early_start, t.early_finish, by_id[aid].duration) for aid, t in timings.items()
    )
    return Schedule(origin, timings, path, last, placed=by_id)


def _last_day(start: int, finish: int, duration: int) -> int:
    # a phase's last day is the one before its (exclusive) finish; a
    # milestone is reached on the day it stands at
    return finish - 1 if duration else start


def plan_schedule(phases: Iterable[tuple[str, Mapping[str, object]]]) -> Schedule:
    """The schedule of one plan from its phases' fields.

    :param phases: ``(id, fields)`` of the plan's phases
    :return: the schedule
    """
    origin, acts = activities(phases)
    return schedule(acts, origin)
