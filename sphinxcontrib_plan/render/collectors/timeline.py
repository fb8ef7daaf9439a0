"""``plan-timeline``: phases over weeks, one table per plan."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.render.nodes import table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context

#: widest timeline drawn; longer plans are cut with a note rather than a
#: table no page can hold
MAX_WEEKS = 52


def week_span(ctx: Context, phases: list[ObjectRecord]) -> dict[str, tuple[int, int]]:
    """Week numbers of each phase, as computed by the resolved index.

    :param ctx: the collector context
    :param phases: phases
    :return: phase id to ``(first week, last week)``; phases without either are left out
    """
    spans = {}
    for phase in phases:
        view = ctx.index.view(phase)
        if view.get("start-week") is not None:
            spans[phase.id] = (view["start-week"], view["end-week"])
    return spans


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
        spans = week_span(ctx, members)
        last = min(max((e for _, e in spans.values()), default=1), MAX_WEEKS)
        headers = ["Phase", *(f"W{w}" for w in range(1, last + 1)), "Depends on", "Progress"]
        rows = []
        for phase in members:
            span = spans.get(phase.id)
            status = phase.fields.get("status", "planned")
            cells: list[object] = [ctx.link(phase)]
            for week in range(1, last + 1):
                entry = nodes.entry()
                active = span is not None and span[0] <= week <= span[1]
                if active:
                    milestone = phase.fields.get("milestone")
                    entry["classes"] += ["plan-bar", f"plan-bar-{status}"] + (
                        ["plan-milestone"] if milestone else [])
                    mark = "◆" if milestone else "■"
                    entry += nodes.paragraph(mark, mark)
                # an inactive week stays an empty cell: a timeline of a large plan
                # has tens of thousands of them
                cells.append(entry)
            cells.append(ctx.cell(phase, "depends-on"))
            cells.append(ctx.cell(phase, "progress"))
            rows.append(cells)
        plan = ctx.index.by_id.get(plan_id)
        caption = ctx.caption or (f"Timeline of plan {plan_id}: {plan.title}" if plan
                                  else "Timeline of phases without a plan")
        out.append(table(headers, rows, caption=caption, classes=["plan-timeline"]))
        if any(e > MAX_WEEKS for _, e in spans.values()):
            out.append(nodes.paragraph("", f"Weeks after {MAX_WEEKS} are not drawn.",
                                       classes=["plan-note"]))
    if not out:
        out.append(table(["Phase", "Depends on", "Progress"], [], caption=ctx.caption or None,
                         classes=["plan-timeline"]))
    return out
