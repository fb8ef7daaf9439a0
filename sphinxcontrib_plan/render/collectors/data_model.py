"""``plan-data-model``: tables, their columns, the relationships between them, an ER diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.model.collectors import draws
from sphinxcontrib_plan.render import diagrams
from sphinxcontrib_plan.render.nodes import note
from sphinxcontrib_plan.render.schema import (
    columns_table,
    fk_actions,
    fk_source,
    fk_target,
    schema_notes,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.model.sql import Table
    from sphinxcontrib_plan.render.collectors import Context


def _schemas(records: Sequence[ObjectRecord]) -> list[tuple[ObjectRecord, Table]]:
    return [(r, t) for r in records for t in r.tables]


@draws("data-model")
def render(ctx: Context) -> list[nodes.Node]:
    """A summary of the tables, each table's columns, the relationships and the ER diagram.

    :param ctx: the collector context
    :return: nodes
    """
    records = ctx.select()
    out: list[nodes.Node] = [
        ctx.records_table(records, caption=ctx.caption or "Tables", typed_title=True)
    ]
    schemas = _schemas(records)
    # a reference links to the declaring plan-table wherever it is, even when
    # the filter left it out of this collector
    declared = {t.name.lower(): r for r, t in _schemas(ctx.select(apply_query=False))}
    for record, schema in schemas:
        heading = nodes.paragraph(classes=["plan-table-heading"])
        heading += nodes.strong("", "", ctx.link(record, f"Table {schema.name}"))
        out += [heading, columns_table(schema), *schema_notes(schema)]
    for record in records:
        if not record.tables:
            out.append(note(f"Table {record.title!r}: no columns could be read from its SQL."))
    relations = nodes.bullet_list(classes=["plan-relationships"])
    for record, schema in schemas:
        for fk in schema.foreign_keys:
            ref = fk.ref_table.lower()
            target = declared.get(ref) or declared.get(ref.rsplit(".", 1)[-1])
            para = nodes.paragraph()
            para += ctx.link(record, fk_source(schema.name, fk))
            para += nodes.Text(" → ")
            para += ctx.link(target, fk_target(fk)) if target else nodes.Text(fk_target(fk))
            para += nodes.Text(fk_actions(fk))
            relations += nodes.list_item("", para)
    if len(relations):
        out += [nodes.rubric("Relationships", "Relationships"), relations]
    if schemas:
        out += diagrams.figure(
            ctx,
            diagrams.er_diagram(ctx, schemas),
            what="entity-relationship diagram",
            caption="Entity relationships",
        )
    return out
