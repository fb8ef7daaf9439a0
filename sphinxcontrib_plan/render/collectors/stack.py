"""``plan-tech-stack``: technologies grouped by layer, third-party services, new dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render.nodes import table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context

#: layer of technologies written without ``:layer:``
NO_LAYER = "Other"


def _group_row(layer: str, width: int) -> list[object]:
    """A row naming the layer in bold, as the template's ``| **Frontend** | | |`` rows do.

    Empty cells rather than one spanning cell: the man page writer cannot span.
    """
    entry = nodes.entry(classes=["plan-group"])
    entry += nodes.paragraph("", "", nodes.strong(layer, layer))
    return [entry, *([""] * (width - 1))]


@draws("tech-stack")
def render(ctx: Context) -> list[nodes.Node]:
    """The stack table (layer group rows), then services and dependencies when there are any.

    :param ctx: the collector context
    :return: nodes
    """
    techs = ctx.select()
    if not ctx.sort:
        # the author's order (Frontend before Backend...) rather than the alphabet
        techs.sort(key=lambda r: (r.plan or "", r.sort_key))
    columns = ctx.shown
    layers: dict[str, list[ObjectRecord]] = {}
    names: dict[str, str] = {}
    for tech in techs:
        layer = (tech.fields.get("layer") or NO_LAYER).strip()
        layers.setdefault(layer.lower(), []).append(tech)
        names.setdefault(layer.lower(), layer)
    rows: list[list[object]] = []
    row_classes: list[list[str]] = []
    ids: list[str | None] = []
    for key, members in layers.items():
        rows.append(_group_row(names[key], len(columns)))
        row_classes.append(["plan-group-row"])
        ids.append(None)
        for tech in members:
            rows.append([ctx.cell(tech, c) for c in columns])
            row_classes.append([])
            ids.append(tech.id)
    headers = [ctx.heading(c) for c in columns]
    out: list[nodes.Node] = [
        table(
            headers,
            rows,
            caption=ctx.caption or "Technology stack",
            classes=["plan-tech-stack"],
            row_classes=row_classes,
            columns=columns,
            records=ids,
            mode=ctx.mode,
        )
    ]
    for typ, caption in (("service", "Third-party services"), ("dependency", "New dependencies")):
        sub = ctx.for_type(typ)
        records = sub.select()
        if records:
            out.append(
                sub.records_table(
                    records, caption=caption, classes=[f"plan-{typ}-table"], typed_title=True
                )
            )
    return out
