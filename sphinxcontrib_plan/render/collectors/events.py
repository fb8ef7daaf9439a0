"""``plan-event-catalog``: publishers → event → consumers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.collectors import draws

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_plan.render.collectors import Context


@draws("event-catalog")
def render(ctx: Context) -> list[nodes.Node]:
    """One row per event, its publishers left of it and its consumers right of it.

    :param ctx: the collector context
    :return: nodes
    """
    return [
        ctx.records_table(ctx.select(), caption=ctx.caption or "Event catalog", typed_title=True)
    ]
