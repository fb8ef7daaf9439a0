"""SQL tables read by ``plan-table`` → standard nodes: the columns table and notes.

Shared by the ``plan-table`` object and the ``plan-data-model`` collector, so
both show a schema the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_plan.render.nodes import table

if TYPE_CHECKING:
    from sphinxcontrib_plan.model.sql import ForeignKey, Table


def _sql(text: str, **attributes: object) -> nodes.paragraph:
    """A paragraph of SQL text that Sphinx's smart quotes leave alone.

    ``plan-table`` renders its schema while the document is read, before the
    SmartQuotes transform, which would turn the default ``'{}'`` into ``‘{}’``.
    """
    return nodes.paragraph(text, text, support_smartquotes=False, **attributes)


def fk_target(fk: ForeignKey) -> str:
    """``users.id``, ``users.(a, b)``, or ``users`` when the key names no columns."""
    cols = fk.ref_columns
    if not cols:
        return fk.ref_table
    return f"{fk.ref_table}.{cols[0] if len(cols) == 1 else '(' + ', '.join(cols) + ')'}"


def fk_source(table_name: str, fk: ForeignKey) -> str:
    cols = fk.columns
    return f"{table_name}.{cols[0] if len(cols) == 1 else '(' + ', '.join(cols) + ')'}"


def fk_actions(fk: ForeignKey) -> str:
    """`` (ON DELETE CASCADE, ON UPDATE …)``, or nothing."""
    parts = [
        f"ON {what} {action}"
        for what, action in (("DELETE", fk.on_delete), ("UPDATE", fk.on_update))
        if action
    ]
    return f" ({', '.join(parts)})" if parts else ""


def columns_table(schema: Table, *, caption: str | None = None) -> nodes.table:
    """One row per column: name, type, nullable, default and key markers.

    :param schema: a table read from SQL
    :param caption: the table's title
    :return: the node
    """
    fks = {c: fk for fk in schema.foreign_keys for c in fk.columns}
    rows = []
    for col in schema.columns:
        keys = []
        if col.primary_key:
            keys.append("PK")
        fk = fks.get(col.name)
        if fk is not None:
            keys.append(f"FK → {fk_target(fk)}")
        if col.unique:
            keys.append("UQ")
        rows.append(
            [
                _sql(col.name),
                _sql(col.type),
                "yes" if col.nullable else "no",
                _sql(col.default or ""),
                ", ".join(keys),
            ]
        )
    return table(
        ["Column", "Type", "Nullable", "Default", "Key"],
        rows,
        caption=caption,
        classes=["plan-columns"],
    )


def schema_notes(schema: Table) -> list[nodes.Node]:
    """Composite unique constraints, checks and indexes, one paragraph each.

    :param schema: a table read from SQL
    :return: paragraphs (none when the table has none of these)
    """
    out: list[nodes.Node] = []
    uniques = [u for u in schema.uniques if len(u) > 1]
    indexes = [
        f"{ix.name or '(unnamed)'}{' UNIQUE' if ix.unique else ''} ({', '.join(ix.columns)})"
        + (f" WHERE {ix.where}" if ix.where else "")
        for ix in schema.indexes
    ]
    for label, items in (
        ("Unique", [f"({', '.join(u)})" for u in uniques]),
        ("Checks", list(schema.checks)),
        ("Indexes", indexes),
    ):
        if items:
            para = _sql("", classes=["plan-schema-note"])
            para += nodes.strong(f"{label}: ", f"{label}: ")
            para += nodes.Text("; ".join(items))
            out.append(para)
    return out
