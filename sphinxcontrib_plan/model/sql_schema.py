"""The schema facts read from ``plan-table`` SQL (tables, columns, keys, indexes),
as plain frozen data.

They are kept apart from the parser (:mod:`.sql`) so that reading them back
from a pickled environment never imports the SQL parser: a rebuild with
nothing to parse does not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Column", "ForeignKey", "Index", "Table"]


@dataclass(frozen=True)
class _Record:
    """``to_dict()`` for the frozen records below: fields in declaration order, JSON-able."""

    def to_dict(self) -> dict[str, Any]:
        """Return the record as a JSON-able dict whose keys follow the field order."""
        return {each.name: _plain(getattr(self, each.name)) for each in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class ForeignKey(_Record):
    """A ``REFERENCES`` clause, written on a column or as a table constraint."""

    #: Referencing columns of the owning table, in key order.
    columns: tuple[str, ...]
    #: Referenced table, schema-qualified as written (``billing.invoices``).
    ref_table: str
    #: Referenced columns; empty when the clause names only the table (its primary key).
    ref_columns: tuple[str, ...] = ()
    #: Upper-case ``ON DELETE`` action (``CASCADE``, ``SET NULL``...), or None.
    on_delete: str | None = None
    #: Upper-case ``ON UPDATE`` action, or None.
    on_update: str | None = None
    #: Constraint name from ``CONSTRAINT name``, or None.
    name: str | None = None


@dataclass(frozen=True)
class Index(_Record):
    """An index, inline in ``CREATE TABLE`` or from ``CREATE INDEX``."""

    #: Index name, or None for an anonymous index.
    name: str | None
    #: Key parts as written, ordering words kept (``created_at DESC``, ``lower(email)``).
    columns: tuple[str, ...]
    #: Whether the index is ``UNIQUE``.
    unique: bool = False
    #: Predicate of a partial index (the text after ``WHERE``), or None.
    where: str | None = None


@dataclass(frozen=True)
class Column(_Record):
    """One column of a table, with the constraints that concern it alone."""

    #: Column name, unquoted.
    name: str
    #: Type as written, upper-cased unless user-defined (``TIMESTAMP WITH TIME ZONE``);
    #: empty when none is written.
    type: str
    #: False for ``NOT NULL``, primary-key and ``SERIAL`` columns.
    nullable: bool = True
    #: ``DEFAULT`` expression as written (``gen_random_uuid()``), or None.
    default: str | None = None
    #: Whether the column is (part of) the table's primary key.
    primary_key: bool = False
    #: Whether a single-column ``UNIQUE`` constraint covers the column.
    unique: bool = False
    #: ``CHECK`` expressions written on the column itself.
    checks: tuple[str, ...] = ()
    #: The first single-column foreign key on this column, or None.
    references: ForeignKey | None = None


@dataclass(frozen=True)
class Table(_Record):
    """A table; its key, unique and check lists include those written on columns."""

    #: Table name, schema-qualified as written (``billing.invoices``), unquoted.
    name: str
    #: Columns in declaration order.
    columns: tuple[Column, ...] = ()
    #: Primary-key columns in key order; empty when there is none.
    primary_key: tuple[str, ...] = ()
    #: Foreign keys in declaration order, then those added by ``ALTER TABLE``.
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: Column lists of ``UNIQUE`` constraints (unique indexes are in :attr:`indexes`).
    uniques: tuple[tuple[str, ...], ...] = ()
    #: All ``CHECK`` expressions, column-level ones included.
    checks: tuple[str, ...] = ()
    #: Inline indexes, then those from ``CREATE INDEX``.
    indexes: tuple[Index, ...] = ()
