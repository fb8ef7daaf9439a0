"""``plan-timeline``: phases over time, one table per plan, with slack and the critical path.

The time columns are weeks, or months, quarters or years for long plans
(:mod:`~sphinxcontrib_plan.render.timescale`). Cells and headers carry the
classes the HTML and LaTeX polish reads (``plan-time``, ``plan-bar``,
``plan-slack``, ``plan-mark``; progress figures carry their percentage):
they never parse text.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render.nodes import badge, table
from sphinxcontrib_plan.render.timescale import choose, slack_text

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.schedule import Schedule
    from sphinxcontrib_plan.render.collectors import Context
    from sphinxcontrib_plan.render.timescale import Scale, TimeColumn

#: the glyphs of a bar cell and of a milestone (LaTeX swaps them for macros
#: that every engine can set)
BAR, MILESTONE = "■", "◆"


def _time_entry(
    phase: ObjectRecord,
    span: tuple[int, int] | None,
    float_: tuple[int, int] | None,
    column: TimeColumn,
) -> nodes.entry:
    entry = nodes.entry(classes=["plan-time"])
    if span is not None and column.holds(*span):
        status = phase.fields.get("status", "planned")
        milestone = bool(phase.fields.get("milestone"))
        entry["classes"] += ["plan-bar", f"plan-bar-{status}"] + (
            ["plan-milestone"] if milestone else []
        )
        mark = MILESTONE if milestone else BAR
        kind = "milestone" if milestone else "bar"
        entry += nodes.paragraph(
            "", "", nodes.inline(mark, mark, classes=["plan-mark", f"plan-mark-{kind}"])
        )
    elif float_ is not None and column.first < float_[1] and column.end > float_[0]:
        # the weeks the phase may slip into without moving the planned end
        entry["classes"].append("plan-slack")
    # other cells stay empty: a timeline of a large plan has tens of thousands
    return entry


def _slack_entry(sched: Schedule, phase: ObjectRecord) -> nodes.entry:
    entry = nodes.entry(classes=["plan-slack-value"])
    weeks = sched.slack_weeks(phase.id)
    if weeks is None:
        return entry
    if weeks == 0:
        entry += nodes.paragraph("", "", badge("critical", "critical", "Critical"))
    else:
        entry += nodes.paragraph("", slack_text(weeks))
    return entry


def _summary(sched: Schedule, scale: Scale, ctx: Context) -> nodes.paragraph:
    """The line under a timeline: planned end, critical path, scale and cut."""
    para = nodes.paragraph(classes=["plan-note", "plan-timeline-summary"])
    if sched.end_week is not None:
        end = f"week {sched.end_week}"
        if sched.end_date is not None:
            end += f" ({sched.end_date.isoformat()})"
        para += nodes.Text(f"Planned end: {end}. ")
    if sched.cycle:
        para += nodes.Text("No critical path: the phases' dependencies form a cycle. ")
    elif sched.path:
        # in the order they run; parallel critical phases are listed side by side
        para += nodes.Text("Critical path: ")
        for i, pid in enumerate(sched.path):
            if i:
                para += nodes.Text(", ")
            para += ctx.link(ctx.index.by_id[pid])
        para += nodes.Text(". ")
    if scale.name != "week":
        para += nodes.Text(f"One column per {scale.name}. ")
    if scale.cut is not None:
        para += nodes.Text(f"Work after column {scale.columns[-1].label} is not drawn.")
    return para


def _headers(scale: Scale) -> list[str | nodes.Node]:
    headers: list[str | nodes.Node] = ["Phase"]
    for column in scale.columns:
        entry = nodes.entry(classes=["plan-time", f"plan-scale-{scale.name}"])
        entry += nodes.paragraph(column.label, column.label)
        headers.append(entry)
    return [*headers, "Depends on", "Slack", "Progress"]


@draws("timeline")
def render(ctx: Context) -> list[nodes.Node]:
    """Render the timelines.

    :param ctx: the collector context
    :return: nodes
    """
    out: list[nodes.Node] = []
    phases = ctx.select()
    by_plan = groupby(sorted(phases, key=lambda p: p.plan or ""), key=lambda p: p.plan or "")
    for plan_id, group in by_plan:
        members = list(group)  # the sort above is stable: selection order is kept
        sched = ctx.index.schedule(plan_id or None)
        spans = {pid: (a.start, a.start + a.duration) for pid, a in sched.placed.items()}
        last = max([sched.last_day or 0, *(max(s, f - 1) for s, f in spans.values())])
        scale = choose(last, sched.origin)
        rows, row_classes = [], []
        for phase in members:
            timing = sched.timings.get(phase.id)
            float_ = (timing.early_finish, timing.late_finish) if timing and timing.slack else None
            cells: list[object] = [ctx.link(phase)]
            cells += [
                _time_entry(phase, spans.get(phase.id), float_, column) for column in scale.columns
            ]
            cells += [
                ctx.cell(phase, "depends-on"),
                _slack_entry(sched, phase),
                ctx.cell(phase, "progress"),
            ]
            rows.append(cells)
            row_classes.append(["plan-critical"] if timing and timing.critical else [])
        plan = ctx.index.by_id.get(plan_id)
        caption = ctx.caption or (
            f"Timeline of plan {plan_id}: {plan.title}"
            if plan
            else "Timeline of phases without a plan"
        )
        classes = ["plan-timeline", f"plan-timeline-{scale.name}"]
        if len(scale.columns) > 12:
            classes.append("plan-timeline-dense")
        out.append(
            table(_headers(scale), rows, caption=caption, classes=classes, row_classes=row_classes)
        )
        out.append(_summary(sched, scale, ctx))
    if not out:
        out.append(
            table(
                ["Phase", "Depends on", "Slack", "Progress"],
                [],
                caption=ctx.caption or None,
                classes=["plan-timeline"],
            )
        )
    return out
