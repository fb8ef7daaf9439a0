"""``plan-data-model``: tables, their columns, the relationships between them, an ER diagram.

:func:`columns_table` and :func:`schema_notes` also render the schema under
each ``plan-table`` object, so the object and the collector read the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from sphinxcontrib_plan.render import diagrams
from sphinxcontrib_plan.render.nodes import note, table

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinxcontrib_plan.model.records import ObjectRecord
    from sphinxcontrib_plan.render.collectors import Context


def _sql(text: str, **attributes: object) -> nodes.paragraph:
    """A paragraph of SQL text that Sphinx's smart quotes leave alone.

    ``plan-table`` renders its schema while the document is read, before the
    SmartQuotes transform, which would turn the default ``'{}'`` into ``‘{}’``.
    """
    return nodes.paragraph(text, text, support_smartquotes=False, **attributes)


def _target(fk: dict[str, Any]) -> str:
    """``users.id``, ``users.(a, b)``, or ``users`` when the key names no columns."""
    cols = fk["ref_columns"]
    if not cols:
        return fk["ref_table"]
    return f"{fk['ref_table']}.{cols[0] if len(cols) == 1 else '(' + ', '.join(cols) + ')'}"


def _source(table_name: str, fk: dict[str, Any]) -> str:
    cols = fk["columns"]
    return f"{table_name}.{cols[0] if len(cols) == 1 else '(' + ', '.join(cols) + ')'}"


def _actions(fk: dict[str, Any]) -> str:
    """`` (ON DELETE CASCADE, ON UPDATE …)``, or nothing."""
    parts = [f"ON {what} {fk[key]}" for what, key in (("DELETE", "on_delete"), ("UPDATE", "on_update"))
             if fk.get(key)]
    return f" ({', '.join(parts)})" if parts else ""


def columns_table(schema: dict[str, Any], *, caption: str | None = None) -> nodes.table:
    """One row per column: name, type, nullable, default and key markers.

    :param schema: a table as :meth:`Table.to_dict` gives it
    :param caption: the table's title
    :return: the node
    """
    fks = {c: fk for fk in schema["foreign_keys"] for c in fk["columns"]}
    rows = []
    for col in schema["columns"]:
        keys = []
        if col["primary_key"]:
            keys.append("PK")
        fk = fks.get(col["name"])
        if fk is not None:
            keys.append(f"FK → {_target(fk)}")
        if col["unique"]:
            keys.append("UQ")
        rows.append([_sql(col["name"]), _sql(col["type"]), "yes" if col["nullable"] else "no",
                     _sql(col["default"] or ""), ", ".join(keys)])
    return table(["Column", "Type", "Nullable", "Default", "Key"], rows, caption=caption,
                 classes=["plan-columns"])


def schema_notes(schema: dict[str, Any]) -> list[nodes.Node]:
    """Composite unique constraints, checks and indexes, one paragraph each.

    :param schema: a table as :meth:`Table.to_dict` gives it
    :return: paragraphs (none when the table has none of these)
    """
    out: list[nodes.Node] = []
    uniques = [u for u in schema["uniques"] if len(u) > 1]
    indexes = [
        f"{ix['name'] or '(unnamed)'}{' UNIQUE' if ix['unique'] else ''} ({', '.join(ix['columns'])})"
        + (f" WHERE {ix['where']}" if ix["where"] else "")
        for ix in schema["indexes"]
    ]
    for label, items in (("Unique", [f"({', '.join(u)})" for u in uniques]),
                         ("Checks", list(schema["checks"])), ("Indexes", indexes)):
        if items:
            para = _sql("", classes=["plan-schema-note"])
            para += nodes.strong(f"{label}: ", f"{label}: ")
            para += nodes.Text("; ".join(items))
            out.append(para)
    return out


def _schemas(records: Sequence[ObjectRecord]) -> list[tuple[ObjectRecord, dict[str, Any]]]:
    return [(r, t) for r in records for t in r.extra.get("schema", ())]


def render(ctx: Context) -> list[nodes.Node]:
    """A summary of the tables, each table's columns, the relationships and the ER diagram.

    :param ctx: the collector context
    :return: nodes
    """
    records = ctx.select()
    columns = ctx.columns or ["title", "columns"]
    out: list[nodes.Node] = [table(
        [ctx.otype.label if c == "title" else ctx.label(c) for c in columns],
        [[ctx.cell(r, c) for c in columns] for r in records],
        caption=ctx.caption or "Tables", classes=["plan-data-model"])]
    schemas = _schemas(records)
    # a reference links to the declaring plan-table wherever it is, even when
    # the filter left it out of this collector
    declared = {t["name"].lower(): r for r, t in _schemas(ctx.select(apply_query=False))}
    for record, schema in schemas:
        heading = nodes.paragraph(classes=["plan-table-heading"])
        heading += nodes.strong("", "", ctx.link(record, f"Table {schema['name']}"))
        out += [heading, columns_table(schema), *schema_notes(schema)]
    for record in records:
        if not record.extra.get("schema"):
            out.append(note(f"Table {record.title!r}: no columns could be read from its SQL."))
    relations = nodes.bullet_list(classes=["plan-relationships"])
    for record, schema in schemas:
        for fk in schema["foreign_keys"]:
            ref = fk["ref_table"].lower()
            target = declared.get(ref) or declared.get(ref.rsplit(".", 1)[-1])
            para = nodes.paragraph()
            para += ctx.link(record, _source(schema["name"], fk))
            para += nodes.Text(" → ")
            para += ctx.link(target, _target(fk)) if target else nodes.Text(_target(fk))
            para += nodes.Text(_actions(fk))
            relations += nodes.list_item("", para)
    if len(relations):
        out += [nodes.rubric("Relationships", "Relationships"), relations]
    if schemas:
        out += diagrams.figure(ctx, diagrams.er_diagram(ctx, schemas),
                               what="entity-relationship diagram", caption="Entity relationships")
    return out
