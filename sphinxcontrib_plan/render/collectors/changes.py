"""``plan-changes``: the objects of the selected plans added, removed or changed
since a baseline, from the rows computed at ``env-updated``
(:attr:`~sphinxcontrib_plan.model.index.ResolvedIndex.changes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.model.changes import ROW_FIELDS, rows_of, spec_label
from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.sort import sort_records
from sphinxcontrib_plan.render.nodes import badge, joined, note, table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.changes import ChangeRow, ChangeSet
    from sphinxcontrib_plan.render.collectors import Context

#: column headers
_LABELS = {
    "change": "Change",
    "type": "Type",
    "id": "ID",
    "plan": "Plan",
    "title": "Title",
    "details": "What changed",
    "breaking": "Breaking",
}


def _cell(ctx: Context, row: ChangeRow, column: str) -> Any:
    # added and changed objects exist in this build and link to it; removed ones are text
    linked = row.change != "removed" and row.id in ctx.index.by_id
    if column in ("id", "title"):
        text = row.id if column == "id" else row.title or row.id
        return ctx.link(ctx.index.by_id[row.id], text) if linked else text
    if column == "plan":
        return _plan(ctx, row.plan) if row.plan else ""
    if column == "change":
        return badge("change", row.change)
    if column == "breaking":
        return badge("breaking", "yes", "breaking") if row.breaking else ""
    if column == "details":
        if len(row.details) <= 1:
            return row.details[0] if row.details else ""
        items = nodes.bullet_list(classes=["plan-change-details"])
        for line in row.details:
            items += nodes.list_item("", nodes.paragraph(line, line))
        return items
    return row.type


def _plan(ctx: Context, plan_id: str) -> nodes.Node:
    plan = ctx.index.by_id.get(plan_id)
    return (
        ctx.link(plan, plan_id) if plan is not None and plan.type == "plan" else nodes.Text(plan_id)
    )


def _baseline_note(ctx: Context, changes: ChangeSet) -> nodes.paragraph:
    para = nodes.paragraph(classes=["plan-baseline"])
    if "" in changes.baselines:
        para += nodes.Text(f"Changes since {changes.baselines['']}.")
        return para
    wanted = ctx.plans or sorted(changes.baselines.keys() | changes.missing.keys())
    parts: list[nodes.Node] = []
    for plan in wanted:
        if plan in changes.baselines:
            parts.append(
                nodes.inline(
                    "", "", _plan(ctx, plan), nodes.Text(f" since {changes.baselines[plan]}")
                )
            )
        elif plan in changes.missing:
            parts.append(
                nodes.inline(
                    "", "", _plan(ctx, plan), nodes.Text(f": no baseline ({changes.missing[plan]})")
                )
            )
    para += nodes.Text("Changes since each plan's last approved revision: ")
    para.extend(joined(parts, "; "))
    para += nodes.Text(".")
    return para


@draws("changes")
def render(ctx: Context) -> list[nodes.Node]:
    """The changes table, what it compares with, and a note when there is nothing to show.

    :param ctx: the collector context
    :return: nodes
    """
    spec = ctx.options.get("since", "")
    changes = ctx.index.changes.get(spec)
    if changes is None:
        return [note("No changes shown: the baseline was not read in this build.")]
    if changes.error:
        return [
            note(
                f"No changes shown: cannot read the baseline {spec_label(spec)!r}: {changes.error}."
            )
        ]
    rows = rows_of(changes.rows, ctx.plans)
    if ctx.filter is not None:
        rows = [r for r in rows if evaluate(ctx.filter, r.values(), {})]
    if ctx.sort:
        rows = sort_records(rows, ctx.sort, lambda r, name: r.values().get(name), {})
    columns = [c for c in (ctx.columns or ctx.defaults) if c in ROW_FIELDS]
    out: list[nodes.Node] = [_baseline_note(ctx, changes)]
    if not rows:
        out.append(note("No changes."))
        return out
    out.append(
        table(
            [_LABELS[c] for c in columns],
            [[_cell(ctx, r, c) for c in columns] for r in rows],
            caption=ctx.caption or None,
            classes=["plan-changes"],
            columns=columns,
            records=[r.id if r.change != "removed" else None for r in rows],
            row_classes=[
                [f"plan-change-{r.change}", *(["plan-breaking"] if r.breaking else [])]
                for r in rows
            ],
        )
    )
    return out
