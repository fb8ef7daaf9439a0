"""``plan-event-catalog``: publishers → event → consumers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.render.nodes import table

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_plan.render.collectors import Context


def render(ctx: Context) -> list[nodes.Node]:
    """One row per event, its publishers left of it and its consumers right of it.

    :param ctx: the collector context
    :return: nodes
    """
    events = ctx.select()
    columns = ctx.columns or ["published-by", "title", "consumed-by"]
    headers = ["Event" if c == "title" else ctx.label(c) for c in columns]
    rows = [[ctx.cell(event, c) for c in columns] for event in events]
    return [table(headers, rows, caption=ctx.caption or "Event catalog",
                  classes=["plan-event-catalog"])]
