"""Tests of sphinxcontrib_plan.model.sql: schema facts read from plan-table SQL."""

from __future__ import annotations

import json
import logging
import pickle

import pytest

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.model.sql import (
    Column,
    ForeignKey,
    Index,
    SqlError,
    Table,
    parse_schema,
)

# What the plan templates contain: PostgreSQL with MySQL-style inline indexes.
TEMPLATE = """\
CREATE TABLE payment_methods (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    field_name VARCHAR(255) NOT NULL,
    field_value INTEGER CHECK (field_value > 0),
    is_active BOOLEAN DEFAULT true,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),

    -- Indexes
    INDEX idx_user_id (user_id),
    INDEX idx_created_at (created_at DESC),
    UNIQUE INDEX idx_user_field (user_id, field_name)
);
CREATE UNIQUE INDEX idx_pm_default ON payment_methods (user_id) WHERE is_default;
"""

SCHEMA = """\
-- Users own payment methods; transactions charge one of them.
CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email VARCHAR(320) NOT NULL UNIQUE,
    display_name TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'closed')),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE TABLE payment_methods (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL,
    last4 CHAR(4),
    is_default BOOLEAN NOT NULL DEFAULT false,
    INDEX idx_pm_user (user_id)
);
CREATE UNIQUE INDEX idx_pm_one_default ON payment_methods (user_id) WHERE is_default;

CREATE TABLE transactions (
    id BIGSERIAL PRIMARY KEY,
    user_id UUID NOT NULL,
    payment_method_id UUID,
    amount NUMERIC(12,2) NOT NULL CHECK (amount <> 0),
    currency CHAR(3) NOT NULL DEFAULT 'EUR',
    metadata JSONB DEFAULT '{}'::jsonb,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT fk_tx_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT,
    INDEX idx_tx_user_created (user_id, created_at DESC)
);
ALTER TABLE transactions
    ADD CONSTRAINT fk_tx_method FOREIGN KEY (payment_method_id)
    REFERENCES payment_methods(id) ON DELETE SET NULL;
COMMENT ON TABLE transactions IS 'Money movements';
"""


def _table(tables: tuple[Table, ...], name: str) -> Table:
    return next(table for table in tables if table.name == name)


def _columns(table: Table) -> dict[str, Column]:
    return {column.name: column for column in table.columns}


# -- the template example ----------------------------------------------------


def test_template_columns() -> None:
    (table,) = parse_schema(TEMPLATE)
    assert table.name == "payment_methods"
    users_fk = ForeignKey(("user_id",), "users", ("id",), on_delete="CASCADE")
    assert table.columns == (
        Column("id", "UUID", nullable=False, default="gen_random_uuid()", primary_key=True),
        Column("user_id", "UUID", nullable=False, references=users_fk),
        Column("field_name", "VARCHAR(255)", nullable=False),
        Column("field_value", "INTEGER", checks=("field_value > 0",)),
        Column("is_active", "BOOLEAN", default="true"),
        Column("created_at", "TIMESTAMP WITH TIME ZONE", default="NOW()"),
        Column("updated_at", "TIMESTAMP WITH TIME ZONE", default="NOW()"),
    )


def test_template_table_facts() -> None:
    (table,) = parse_schema(TEMPLATE)
    assert table.primary_key == ("id",)
    assert table.foreign_keys == (
        ForeignKey(("user_id",), "users", ("id",), on_delete="CASCADE", on_update=None),
    )
    assert table.uniques == ()
    assert table.checks == ("field_value > 0",)


def test_template_indexes() -> None:
    (table,) = parse_schema(TEMPLATE)
    assert table.indexes == (
        Index("idx_user_id", ("user_id",)),
        Index("idx_created_at", ("created_at DESC",)),
        Index("idx_user_field", ("user_id", "field_name"), unique=True),
        Index("idx_pm_default", ("user_id",), unique=True, where="is_default"),
    )


# -- constraints ---------------------------------------------------------------


def test_table_level_constraints() -> None:
    (table,) = parse_schema(
        """
        CREATE TABLE line_items (
            order_id INT,
            line_no INT,
            product_id INT,
            sku TEXT,
            quantity INT NOT NULL,
            PRIMARY KEY (order_id, line_no),
            CONSTRAINT fk_product FOREIGN KEY (product_id) REFERENCES products(id)
                ON DELETE SET NULL ON UPDATE CASCADE,
            FOREIGN KEY (order_id) REFERENCES orders (id),
            UNIQUE (order_id, sku),
            CHECK (quantity > 0 AND quantity < 1000),
            CONSTRAINT uq_sku UNIQUE (sku)
        )
        """
    )
    assert table.primary_key == ("order_id", "line_no")
    assert table.foreign_keys == (
        ForeignKey(("product_id",), "products", ("id",), "SET NULL", "CASCADE", "fk_product"),
        ForeignKey(("order_id",), "orders", ("id",)),
    )
    assert table.uniques == (("order_id", "sku"), ("sku",))
    assert table.checks == ("quantity > 0 AND quantity < 1000",)
    columns = _columns(table)
    # Table-level keys show through on the columns they cover.
    assert columns["order_id"].primary_key and not columns["order_id"].nullable
    assert columns["line_no"].primary_key and not columns["line_no"].nullable
    assert not columns["product_id"].primary_key and columns["product_id"].nullable
    assert columns["product_id"].references == table.foreign_keys[0]
    assert columns["sku"].unique
    assert not columns["order_id"].unique  # only part of a composite UNIQUE
    assert columns["quantity"].checks == ()  # the CHECK is table-level


def test_column_level_unique_and_named_constraints() -> None:
    (table,) = parse_schema(
        """
        CREATE TABLE accounts (
            id INT CONSTRAINT pk_accounts PRIMARY KEY,
            email TEXT UNIQUE NOT NULL,
            owner_id INT CONSTRAINT fk_owner REFERENCES people ON DELETE NO ACTION,
            note TEXT NULL
        )
        """
    )
    columns = _columns(table)
    assert table.primary_key == ("id",)
    assert columns["email"].unique and not columns["email"].nullable
    assert table.uniques == (("email",),)
    # REFERENCES without a column list targets the primary key: no ref columns.
    assert columns["owner_id"].references == ForeignKey(
        ("owner_id",), "people", (), "NO ACTION", None, "fk_owner"
    )
    assert columns["note"].nullable


def test_alter_table_add_constraint_and_column() -> None:
    (table,) = parse_schema(
        """
        CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT);
        ALTER TABLE orders ADD CONSTRAINT fk_customer FOREIGN KEY (customer_id)
            REFERENCES customers(id) ON DELETE CASCADE;
        ALTER TABLE orders ADD COLUMN placed_at TIMESTAMP NOT NULL;
        ALTER TABLE orders ADD CONSTRAINT uq_customer_placed UNIQUE (customer_id, placed_at);
        """
    )
    assert table.foreign_keys == (
        ForeignKey(("customer_id",), "customers", ("id",), "CASCADE", None, "fk_customer"),
    )
    assert _columns(table)["customer_id"].references == table.foreign_keys[0]
    assert _columns(table)["placed_at"] == Column("placed_at", "TIMESTAMP", nullable=False)
    assert table.uniques == (("customer_id", "placed_at"),)


def test_index_forms() -> None:
    (table,) = parse_schema(
        """
        CREATE INDEX idx_lower_email ON people USING btree (lower(email));
        CREATE TABLE people (
            id INT,
            email TEXT,
            born DATE,
            KEY (born),
            UNIQUE KEY uq_email (email ASC)
        );
        CREATE INDEX ON people (born DESC NULLS LAST, id);
        """
    )
    assert table.indexes == (
        Index(None, ("born",)),
        Index("uq_email", ("email ASC",), unique=True),
        # Attached whatever its position in the text.
        Index("idx_lower_email", ("lower(email)",)),
        Index(None, ("born DESC NULLS LAST", "id")),
    )


def test_index_on_unknown_table_is_dropped() -> None:
    (table,) = parse_schema(
        "CREATE TABLE a (id INT); CREATE INDEX idx_b ON b (id); ALTER TABLE b ADD UNIQUE (id);"
    )
    assert table.indexes == ()
    assert table.uniques == ()


def test_columns_named_like_index_keywords() -> None:
    (table,) = parse_schema("CREATE TABLE kv (key TEXT PRIMARY KEY, index INT, INDEX (index))")
    assert [column.name for column in table.columns] == ["key", "index"]
    assert table.indexes == (Index(None, ("index",)),)


# -- types, names and text ------------------------------------------------------


def test_types_are_faithful() -> None:
    (table,) = parse_schema(
        """
        CREATE TABLE t (
            a integer, b varchar(20), c numeric(10,2), d text[], e jsonb,
            f double precision, g timestamp(3) with time zone, h bigserial,
            i user_status, j ENUM('low', 'High')
        )
        """
    )
    assert [(c.name, c.type) for c in table.columns] == [
        ("a", "INTEGER"),
        ("b", "VARCHAR(20)"),
        ("c", "NUMERIC(10,2)"),
        ("d", "TEXT[]"),
        ("e", "JSONB"),
        ("f", "DOUBLE PRECISION"),
        ("g", "TIMESTAMP(3) WITH TIME ZONE"),
        ("h", "BIGSERIAL"),
        ("i", "user_status"),  # user-defined: spelling kept
        ("j", "ENUM('low', 'High')"),  # string literals are not upper-cased
    ]
    assert not _columns(table)["h"].nullable  # SERIAL implies NOT NULL


def test_defaults_and_checks_are_quoted_as_written() -> None:
    (table,) = parse_schema(
        """
        CREATE TABLE t (
            a JSONB DEFAULT '{}'::jsonb,
            b TEXT DEFAULT 'it''s',
            c INT DEFAULT (1 + 2) CHECK (c BETWEEN 0 AND 10),
            d TIMESTAMP DEFAULT CURRENT_TIMESTAMP
        )
        """
    )
    columns = _columns(table)
    assert columns["a"].default == "'{}'::jsonb"
    assert columns["b"].default == "'it''s'"
    assert columns["c"].default == "(1 + 2)"
    assert columns["c"].checks == ("c BETWEEN 0 AND 10",)
    assert columns["d"].default == "CURRENT_TIMESTAMP"


def test_quoted_and_schema_qualified_names() -> None:
    tables = parse_schema(
        """
        CREATE TABLE IF NOT EXISTS billing.invoices (id BIGINT PRIMARY KEY);
        CREATE TABLE billing."Invoice Lines" (
            "Line Id" INT PRIMARY KEY,
            "invoiceId" BIGINT REFERENCES billing.invoices ("id")
        );
        CREATE INDEX idx_lines_invoice ON billing."Invoice Lines" ("invoiceId");
        CREATE TABLE `legacy` (`select` INT);
        """
    )
    names = [table.name for table in tables]
    assert names == ["billing.invoices", "billing.Invoice Lines", "legacy"]
    lines = tables[1]
    assert [column.name for column in lines.columns] == ["Line Id", "invoiceId"]
    assert lines.primary_key == ("Line Id",)
    assert lines.foreign_keys == (ForeignKey(("invoiceId",), "billing.invoices", ("id",)),)
    assert lines.indexes == (Index("idx_lines_invoice", ("invoiceId",)),)
    assert [column.name for column in tables[2].columns] == ["select"]


def test_comments_are_ignored() -> None:
    (table,) = parse_schema(
        """
        /* The audit log. */
        CREATE TABLE audit ( -- one row per event
            id INT PRIMARY KEY, /* surrogate key */
            -- what happened
            event TEXT NOT NULL CHECK (event <> '' /* not empty */),
            at TIMESTAMP DEFAULT NOW() -- server time
        );
        """
    )
    assert [column.name for column in table.columns] == ["id", "event", "at"]
    assert _columns(table)["event"].checks == ("event <> ''",)
    assert _columns(table)["at"].default == "NOW()"


def test_multiple_tables_keep_definition_order() -> None:
    tables = parse_schema("CREATE TABLE b (x INT); CREATE TABLE a (y INT); CREATE TABLE c (z INT)")
    assert [table.name for table in tables] == ["b", "a", "c"]


def test_other_statements_are_ignored() -> None:
    tables = parse_schema(
        """
        CREATE EXTENSION IF NOT EXISTS pgcrypto;
        CREATE TYPE user_status AS ENUM ('active', 'closed');
        CREATE TABLE t (id INT);
        INSERT INTO t VALUES (1);
        COMMENT ON COLUMN t.id IS 'the id';
        CREATE VIEW v AS SELECT id FROM t;
        """
    )
    assert [table.name for table in tables] == ["t"]


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "message", "line"),
    [
        ("hello world, this is not SQL", "Invalid expression / Unexpected token", 1),
        ("CREATE TABLE t (\n  id INT,\n  name TEXT", "Expecting )", 3),
        ("CREATE TABLE t (\n  id INT\n));", "Invalid expression / Unexpected token", 3),
        ("CREATE TABLE t (a TEXT DEFAULT 'open\n, b INT)", "Error tokenizing", 2),
        ("CREATE TABLE (a INT)", "Expected table name but got '('", 1),
    ],
)
def test_unparsable_sql(sql: str, message: str, line: int) -> None:
    with pytest.raises(SqlError) as info:
        parse_schema(sql)
    assert info.value.message.startswith(message)
    assert str(info.value) == info.value.message
    assert "\n" not in info.value.message
    assert "\x1b" not in info.value.message  # sqlglot underlines with ANSI codes
    assert "<Token" not in info.value.message
    assert info.value.line == line


@pytest.mark.parametrize("sql", ["", "   \n", "-- nothing\n", "INSERT INTO t VALUES (1);"])
def test_no_create_table(sql: str) -> None:
    with pytest.raises(SqlError, match="no CREATE TABLE statement found") as info:
        parse_schema(sql)
    assert info.value.line is None


@pytest.mark.parametrize(
    ("sql", "kind", "line"),
    [
        # The line is where sqlglot gave up, not where the statement starts.
        ("CREATE TABLE t (a INT)\n  SOME EXTENSION OPTION", "TABLE", 2),
        ("CREATE TABLE t (a INT);\nCREATE INDEX i ON t (a) TABLESPACE x junk;", "INDEX", 2),
    ],
)
def test_statement_sqlglot_cannot_model(sql: str, kind: str, line: int) -> None:
    # sqlglot keeps such statements as raw text; dropping them silently would lose facts.
    with pytest.raises(SqlError, match=f"unsupported syntax in CREATE {kind} statement") as info:
        parse_schema(sql)
    assert info.value.line == line


def test_table_created_twice() -> None:
    with pytest.raises(SqlError, match="created twice") as info:
        parse_schema("CREATE TABLE t (a INT);\n\nCREATE TABLE T (b INT);")
    assert info.value.line == 3


def test_sql_error_is_a_plan_error_and_pickles() -> None:
    error = SqlError("Expecting )", 4)
    assert isinstance(error, PlanError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.line, str(copy)) == ("Expecting )", 4, "Expecting )")


def test_sqlglot_logs_nothing(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = logging.getLogger("sqlglot")
    filters = list(logger.filters)
    with caplog.at_level(logging.DEBUG):
        # sqlglot warns about "unsupported syntax" for CREATE EXTENSION.
        parse_schema("CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE TABLE t (a INT);")
    assert caplog.records == []
    assert capsys.readouterr().err == ""
    assert logger.filters == filters  # silenced for the call only


# -- records ---------------------------------------------------------------------


def test_to_dict_round_trips_through_json() -> None:
    tables = parse_schema(SCHEMA)
    for table in tables:
        data = table.to_dict()
        assert json.loads(json.dumps(data)) == data
    data = _table(tables, "payment_methods").to_dict()
    assert list(data) == [
        "name",
        "columns",
        "primary_key",
        "foreign_keys",
        "uniques",
        "checks",
        "indexes",
    ]
    assert list(data["columns"][0]) == [
        "name",
        "type",
        "nullable",
        "default",
        "primary_key",
        "unique",
        "checks",
        "references",
    ]
    assert data["columns"][1]["references"] == {
        "columns": ["user_id"],
        "ref_table": "users",
        "ref_columns": ["id"],
        "on_delete": "CASCADE",
        "on_update": None,
        "name": None,
    }
    assert data["indexes"][-1] == {
        "name": "idx_pm_one_default",
        "columns": ["user_id"],
        "unique": True,
        "where": "is_default",
    }


def test_records_are_frozen_and_picklable() -> None:
    tables = parse_schema(SCHEMA)
    assert pickle.loads(pickle.dumps(tables)) == tables
    with pytest.raises(AttributeError):
        tables[0].name = "other"  # type: ignore[misc]


# -- a realistic schema ----------------------------------------------------------


def test_realistic_schema_relationships() -> None:
    tables = parse_schema(SCHEMA)
    assert [table.name for table in tables] == ["users", "payment_methods", "transactions"]
    users = _table(tables, "users")
    methods = _table(tables, "payment_methods")
    transactions = _table(tables, "transactions")

    assert users.primary_key == ("id",)
    assert users.foreign_keys == ()
    assert _columns(users)["email"].unique
    assert users.checks == ("status IN ('active', 'suspended', 'closed')",)
    assert _columns(users)["status"].default == "'active'"

    assert methods.foreign_keys == (
        ForeignKey(("user_id",), "users", ("id",), on_delete="CASCADE"),
    )
    assert [index.name for index in methods.indexes] == ["idx_pm_user", "idx_pm_one_default"]
    assert methods.indexes[1].where == "is_default"

    assert transactions.foreign_keys == (
        ForeignKey(("user_id",), "users", ("id",), "RESTRICT", None, "fk_tx_user"),
        ForeignKey(
            ("payment_method_id",), "payment_methods", ("id",), "SET NULL", None, "fk_tx_method"
        ),
    )
    columns = _columns(transactions)
    assert columns["id"] == Column("id", "BIGSERIAL", nullable=False, primary_key=True)
    assert columns["payment_method_id"].nullable  # SET NULL needs a nullable column
    assert columns["payment_method_id"].references == transactions.foreign_keys[1]
    assert columns["amount"].type == "NUMERIC(12,2)"
    assert columns["amount"].checks == ("amount <> 0",)
    assert columns["metadata"].default == "'{}'::jsonb"
    assert transactions.indexes == (Index("idx_tx_user_created", ("user_id", "created_at DESC")),)

    # Every foreign key points at a table and columns defined in the same schema.
    by_name = {table.name: table for table in tables}
    for table in tables:
        for key in table.foreign_keys:
            target = by_name[key.ref_table]
            assert set(key.ref_columns) <= {column.name for column in target.columns}
