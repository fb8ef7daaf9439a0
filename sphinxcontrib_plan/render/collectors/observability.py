"""``plan-observability``: metrics, then alerts from the most severe down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.render.nodes import table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from docutils import nodes

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context


def _table(ctx: Context, records: Sequence[ObjectRecord], columns: Sequence[str],
           caption: str, klass: str) -> nodes.table:
    headers = [ctx.otype.label if c == "title" else ctx.label(c) for c in columns]
    return table(headers, [[ctx.cell(r, c) for c in columns] for r in records],
                 caption=caption, classes=[klass])


def render(ctx: Context) -> list[nodes.Node]:
    """The metrics table, then the alerts table (critical first) when there are alerts.

    :param ctx: the collector context
    :return: nodes
    """
    columns = ctx.columns or ["title", "type", "labels", "buckets", "unit"]
    out: list[nodes.Node] = [_table(ctx, ctx.select(), columns, ctx.caption or "Metrics",
                                    "plan-observability")]
    # the alert type's own sort, "-severity, id", puts critical alerts first
    sub = ctx.for_type("alert")
    alerts = sub.select()
    if alerts:
        out.append(_table(sub, alerts, ["title", "severity", "condition", "notify", "action"],
                          "Alerts", "plan-alerts"))
    return out
