"""``plan-query``: any type, as a table of its default or chosen columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.collectors import draws

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_plan.render.collectors import Context


@draws("query")
def render(ctx: Context) -> list[nodes.Node]:
    """Render a table of the selected objects.

    :param ctx: the collector context
    :return: nodes
    """
    return [ctx.records_table(ctx.select())]
