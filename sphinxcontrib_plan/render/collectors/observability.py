"""``plan-observability``: metrics, then alerts from the most severe down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.collectors import draws

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_plan.render.collectors import Context


@draws("observability")
def render(ctx: Context) -> list[nodes.Node]:
    """The metrics table, then the alerts table (critical first) when there are alerts.

    :param ctx: the collector context
    :return: nodes
    """
    out: list[nodes.Node] = [
        ctx.records_table(ctx.select(), caption=ctx.caption or "Metrics", typed_title=True)
    ]
    # the alert type's own sort, "-severity, id", puts critical alerts first
    sub = ctx.for_type("alert")
    alerts = sub.select()
    if alerts:
        out.append(
            sub.records_table(alerts, caption="Alerts", classes=["plan-alerts"], typed_title=True)
        )
    return out
