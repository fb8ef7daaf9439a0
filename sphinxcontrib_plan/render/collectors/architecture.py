"""``plan-architecture``: components with their dependencies both ways, a graph, patterns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render import diagrams
from sphinxcontrib_plan.render.nodes import joined, table

if TYPE_CHECKING:
    from docutils import nodes

    from sphinxcontrib_plan.render.collectors import Context


def used_by(ctx: Context) -> dict[str, list[str]]:
    """The reverse ``depends-on`` edges: component id to the ids of the components using it.

    Counted over every component of the chosen plans, so a filter that hides
    a user does not hide the use.

    :param ctx: the collector context
    :return: the users of each component, in document order
    """
    users: dict[str, list[str]] = {}
    for comp in ctx.select("component", apply_query=False):
        for dep in comp.fields.get("depends-on", ()):
            users.setdefault(dep, []).append(comp.id)
    return users


@draws("architecture")
def render(ctx: Context) -> list[nodes.Node]:
    """The components table (with a "Used by" column), the dependency graph, then patterns.

    :param ctx: the collector context
    :return: nodes
    """
    components = ctx.select()
    columns = ctx.shown
    users = used_by(ctx)
    rows = [
        [
            *(ctx.cell(comp, c) for c in columns),
            joined([ctx.link(ctx.index.by_id[u]) for u in users.get(comp.id, ())]),
        ]
        for comp in components
    ]
    headers = [*(ctx.heading(c) for c in columns), "Used by"]
    out: list[nodes.Node] = [
        table(
            headers,
            rows,
            caption=ctx.caption or "Components",
            classes=["plan-architecture"],
            columns=[*columns, None],
            records=[c.id for c in components],
            mode=ctx.mode,
        )
    ]
    if any(c.fields.get("depends-on") for c in components):
        out += diagrams.figure(
            ctx,
            diagrams.component_graph(ctx, components),
            what="component dependency graph",
            caption="Component dependencies (an arrow points at what a component depends on)",
        )
    sub = ctx.for_type("pattern")
    patterns = sub.select()
    if patterns:
        out.append(
            sub.records_table(
                patterns, caption="Design patterns", classes=["plan-patterns"], typed_title=True
            )
        )
    return out
