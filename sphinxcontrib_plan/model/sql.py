"""Database schema facts (tables, columns, keys, indexes) read from ``plan-table`` SQL;
the grammar it is parsed with is in :mod:`.sql_grammar`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlglot import exp

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.model.sql_grammar import SPAN, ParsedSql, describe_error
from sphinxcontrib_plan.model.sql_schema import Column, ForeignKey, Index, Table

__all__ = ["Column", "ForeignKey", "Index", "SqlError", "Table", "parse_schema"]


class SqlError(PlanError):
    """The SQL of a ``plan-table`` cannot be read as a schema.

    :param message: what went wrong, on one line
    :param line: 1-based line in the given SQL, when known
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        # Both values go to Exception.args so the error survives pickling (-j builds).
        super().__init__(message, line)
        #: What went wrong, on one line.
        self.message = message
        #: The 1-based line in the given SQL, or None when unknown.
        self.line = line

    def __str__(self) -> str:
        return self.message


def parse_schema(sql: str) -> tuple[Table, ...]:
    """Read the tables defined by *sql*, in definition order.

    ``CREATE TABLE`` statements define tables. ``CREATE INDEX`` and ``ALTER
    TABLE ... ADD COLUMN|CONSTRAINT`` are attached to their table wherever they
    appear; when that table is not defined in *sql* they are dropped, since
    there is nothing to attach them to. Other statements (``INSERT``, ``COMMENT
    ON``, ``CREATE TYPE``, ``CREATE TABLE ... AS SELECT``...) are ignored.

    :param sql: the SQL text, one or more ``;``-separated statements
    :return: the tables, one per ``CREATE TABLE``
    :raises SqlError: when the text does not parse, a ``CREATE TABLE`` or
        ``CREATE INDEX`` uses syntax sqlglot does not model, a table is created
        twice, or there is no ``CREATE TABLE`` at all
    """
    reader = _Reader(sql)
    for statement in reader.statements:
        # CREATE TABLE ... AS SELECT has a bare Table there, not a column list.
        if (
            isinstance(statement, exp.Create)
            and statement.kind == "TABLE"
            and isinstance(statement.this, exp.Schema)
        ):
            reader.create_table(statement)
        elif isinstance(statement, exp.Command):
            reader.reject_opaque(statement)
    if not reader.tables:
        raise SqlError("no CREATE TABLE statement found")
    for statement in reader.statements:
        if isinstance(statement, exp.Create) and isinstance(statement.this, exp.Index):
            reader.create_index(statement)
        elif isinstance(statement, exp.Alter) and statement.args.get("kind") == "TABLE":
            reader.alter_table(statement)
    return tuple(draft.freeze() for draft in reader.tables.values())


# -- reading -----------------------------------------------------------------

_SERIAL_TYPES = {"SMALLSERIAL", "SERIAL", "BIGSERIAL"}


@dataclass
class _TableDraft:
    """A table being read; ``CREATE INDEX`` and ``ALTER TABLE`` may still add to it."""

    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    indexes: list[Index] = field(default_factory=list)

    def freeze(self) -> Table:
        """Return the Table, each column's flags derived from the table constraints."""
        # Unquoted names fold to lower case: PRIMARY KEY (ID) covers column id.
        primary = {name.lower() for name in self.primary_key}
        unique = {names[0].lower() for names in self.uniques if len(names) == 1}
        references: dict[str, ForeignKey] = {}
        for key in self.foreign_keys:
            if len(key.columns) == 1:
                references.setdefault(key.columns[0].lower(), key)
        columns = tuple(
            replace(
                column,
                nullable=column.nullable and column.name.lower() not in primary,
                primary_key=column.name.lower() in primary,
                unique=column.name.lower() in unique,
                references=references.get(column.name.lower()),
            )
            for column in self.columns
        )
        return Table(
            self.name,
            columns,
            tuple(self.primary_key),
            tuple(self.foreign_keys),
            tuple(self.uniques),
            tuple(self.checks),
            tuple(self.indexes),
        )


def _table_key(table: exp.Expression | None) -> tuple[str, ...]:
    if not isinstance(table, exp.Table):
        return ()
    # PostgreSQL folds unquoted names to lower case; quoted ones match exactly.
    return tuple(
        part.name if isinstance(part, exp.Identifier) and part.quoted else part.name.lower()
        for part in table.parts
    )


def _table_name(table: exp.Expression) -> str:
    if not isinstance(table, exp.Table):
        return table.sql(dialect="postgres")
    return ".".join(part.name for part in table.parts)


def _names(nodes: list[exp.Expression]) -> tuple[str, ...]:
    return tuple((node.this if isinstance(node, exp.Ordered) else node).name for node in nodes)


def _add_new(names: list[str], new: tuple[str, ...]) -> None:
    names.extend(name for name in new if name not in names)


class _Reader:
    """Parses the SQL, then accumulates table drafts from its statements."""

    def __init__(self, sql: str) -> None:
        try:
            self.source = ParsedSql(sql)
        except Exception as error:
            raise SqlError(*describe_error(error, sql)) from error
        self.sql = sql
        self.statements = self.source.statements
        self.tables: dict[tuple[str, ...], _TableDraft] = {}

    def reject_opaque(self, command: exp.Command) -> None:
        """Raise for a CREATE TABLE or CREATE INDEX that sqlglot kept as raw text."""
        words = f"{command.this} {command.expression}".upper().split()
        kind = "TABLE" if "TABLE" in words[1:4] else "INDEX" if "INDEX" in words[1:3] else None
        if words[:1] == ["CREATE"] and kind:
            # The span starts where sqlglot gave up on the statement.
            span = command.meta.get(SPAN)
            line = self.sql.count("\n", 0, span[0]) + 1 if span else None
            raise SqlError(f"unsupported syntax in CREATE {kind} statement", line)

    def create_table(self, create: exp.Create) -> None:
        table = create.this.this
        key = _table_key(table) or (_table_name(table),)
        if key in self.tables:
            first = table.find(exp.Identifier)
            line = first.meta.get("line") if first else None
            raise SqlError(f"table {_table_name(table)!r} is created twice", line)
        draft = self.tables[key] = _TableDraft(_table_name(table))
        for element in create.this.expressions:
            self._element(draft, element)

    def create_index(self, create: exp.Create) -> None:
        index = create.this
        draft = self.tables.get(_table_key(index.args.get("table")))
        params = index.args.get("params")
        if draft is None or params is None:
            return
        keys = tuple(self._key_part(part) for part in params.args.get("columns") or ())
        where = params.args.get("where")
        predicate = self.source.text(where.this) if where else None
        unique = bool(create.args.get("unique"))
        draft.indexes.append(Index(index.name or None, keys, unique, predicate))

    def alter_table(self, alter: exp.Alter) -> None:
        draft = self.tables.get(_table_key(alter.this))
        if draft is None:
            return
        for action in alter.args.get("actions") or ():
            # ADD COLUMN comes as a bare ColumnDef; other actions are not schema facts.
            if isinstance(action, exp.ColumnDef):
                self._element(draft, action)
            elif isinstance(action, exp.AddConstraint):
                for element in action.expressions:
                    self._element(draft, element)

    def _element(self, draft: _TableDraft, node: exp.Expression, name: str | None = None) -> None:
        """Read one element of a table body or of ``ALTER TABLE ... ADD``."""
        if isinstance(node, exp.ColumnDef):
            self._column(draft, node)
        elif isinstance(node, exp.Constraint):
            for inner in node.expressions:
                self._element(draft, inner, node.name or None)
        elif isinstance(node, exp.PrimaryKey):
            _add_new(draft.primary_key, _names(node.expressions))
        elif isinstance(node, exp.ForeignKey) and node.args.get("reference"):
            fk = self._foreign_key(_names(node.expressions), node.args["reference"], name)
            draft.foreign_keys.append(fk)
        elif isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema):
            draft.uniques.append(_names(node.this.expressions))
        elif isinstance(node, exp.CheckColumnConstraint):
            draft.checks.append(self.source.text(node.this))
        elif isinstance(node, exp.IndexColumnConstraint):
            keys = tuple(self._key_part(part) for part in node.expressions)
            unique = node.args.get("kind") == "UNIQUE"
            draft.indexes.append(Index(node.name or None, keys, unique))

    def _column(self, draft: _TableDraft, node: exp.ColumnDef) -> None:
        kind = node.args.get("kind")
        # SERIAL types imply NOT NULL in PostgreSQL.
        not_null = isinstance(kind, exp.DataType) and kind.this.name in _SERIAL_TYPES
        default = None
        checks: list[str] = []
        for constraint in node.constraints:
            spec = constraint.args.get("kind")
            if isinstance(spec, exp.NotNullColumnConstraint):
                not_null = not spec.args.get("allow_null")
            elif isinstance(spec, exp.PrimaryKeyColumnConstraint):
                _add_new(draft.primary_key, (node.name,))
            elif isinstance(spec, exp.DefaultColumnConstraint):
                default = self.source.text(spec.this)
            elif isinstance(spec, exp.UniqueColumnConstraint):
                draft.uniques.append((node.name,))
            elif isinstance(spec, exp.CheckColumnConstraint):
                checks.append(self.source.text(spec.this))
                draft.checks.append(checks[-1])
            elif isinstance(spec, exp.Reference):
                fk = self._foreign_key((node.name,), spec, constraint.name or None)
                draft.foreign_keys.append(fk)
        type_text = self._type(kind) if kind else ""
        column = Column(node.name, type_text, not not_null, default, checks=tuple(checks))
        draft.columns.append(column)

    def _type(self, kind: exp.Expression) -> str:
        # Built-in type names are case-insensitive keywords; a user-defined type
        # (an enum, a domain) keeps its spelling.
        user_defined = any(
            part.this == exp.DataType.Type.USERDEFINED for part in kind.find_all(exp.DataType)
        )
        return self.source.text(kind, upper=not user_defined)

    def _key_part(self, part: exp.Expression) -> str:
        inner = part.this if isinstance(part, exp.Ordered) else part
        if isinstance(inner, exp.Column) and not inner.table and SPAN in inner.meta:
            # Name a plain column as Column.name does (unquoted), then keep the
            # ordering words that follow it: "created_at DESC NULLS LAST".
            end = part.meta.get(SPAN, inner.meta[SPAN])[1]
            return f"{inner.name} {self.source.between(inner.meta[SPAN][1] + 1, end)}".strip()
        return self.source.text(part)

    def _foreign_key(
        self, columns: tuple[str, ...], reference: exp.Expression, name: str | None
    ) -> ForeignKey:
        target = reference.this
        ref_columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            target, ref_columns = target.this, _names(target.expressions)
        actions: dict[str, str] = {}
        for option in reference.args.get("options") or ():
            # sqlglot keeps referential actions as plain text: "ON DELETE SET NULL".
            words = str(option).upper().split()
            if words[:2] in (["ON", "DELETE"], ["ON", "UPDATE"]):
                actions[words[1]] = " ".join(words[2:])
        on_delete, on_update = actions.get("DELETE"), actions.get("UPDATE")
        return ForeignKey(columns, _table_name(target), ref_columns, on_delete, on_update, name)
