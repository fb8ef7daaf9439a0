"""The sqlglot grammar ``plan-table`` SQL is parsed with, the source text behind
its nodes, and its errors in plain words; private to :mod:`.sql`."""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, SqlglotError

# sqlglot.tokens, the public path since sqlglot 25, imports these without re-exporting
# them for type checkers (tokenizer_core, where they live now, is new in sqlglot 30)
from sqlglot.tokens import TokenType  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlglot.tokens import Token  # type: ignore[attr-defined]  # as TokenType

#: ``meta`` key under which the parser leaves the source span of a node.
SPAN = "plan_span"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Some sqlglot messages embed a repr: "but got <Token token_type: ..., text: (, ...>"
# or "missing for <class 'sqlglot.expressions....DefaultColumnConstraint'>".
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")
_CLASS_REPR = re.compile(r"<class '(?:\w+\.)*(\w+)'>")


def _spanning(name: str) -> Callable[..., Any]:
    """Wrap parser method *name* so that its result records the characters it consumed.

    sqlglot normalises what it regenerates (``INTEGER`` becomes ``INT``,
    ``gen_random_uuid()`` becomes ``GEN_RANDOM_UUID()``), so the text of types,
    defaults, checks and index keys is quoted from the source instead.
    """
    base = getattr(Postgres.Parser, name)

    def parse(self: Any, *args: Any, **kwargs: Any) -> Any:
        first = self._index
        node = base(self, *args, **kwargs)
        if isinstance(node, exp.Expression) and self._index > first:
            # Nested calls may return the same node; the outermost call ends last and wins.
            node.meta[SPAN] = (self._tokens[first].start, self._tokens[self._index - 1].end)
        return node

    return parse


class _PlanTokenizer(Postgres.Tokenizer):
    IDENTIFIERS = [*Postgres.Tokenizer.IDENTIFIERS, "`"]


# sqlglot makes each dialect's Parser class at run time: mypy sees a variable
class _PlanParser(Postgres.Parser):  # type: ignore[misc,valid-type]
    """PostgreSQL grammar plus MySQL's inline ``[UNIQUE] INDEX|KEY [name] (keys)``.

    sqlglot's mysql dialect parses those elements but not the PostgreSQL around
    them (double-quoted identifiers, ``TEXT[]``, ``::`` casts), hence this mix.
    """

    CONSTRAINT_PARSERS = {
        **Postgres.Parser.CONSTRAINT_PARSERS,
        "INDEX": lambda self: self._parse_inline_index(),
        "KEY": lambda self: self._parse_inline_index(),
        "UNIQUE": lambda self: self._parse_unique_or_index(),
    }
    SCHEMA_UNNAMED_CONSTRAINTS = {*Postgres.Parser.SCHEMA_UNNAMED_CONSTRAINTS, "INDEX", "KEY"}

    _parse_types = _spanning("_parse_types")
    _parse_bitwise = _spanning("_parse_bitwise")
    _parse_assignment = _spanning("_parse_assignment")
    _parse_ordered = _spanning("_parse_ordered")
    _parse_as_command = _spanning("_parse_as_command")

    def _parse_inline_index(self, kind: str | None = None) -> exp.Expression | None:
        start = self._index
        name = None
        if not self._match(TokenType.L_PAREN, advance=False):
            name = self._parse_id_var(any_token=False)
        if not self._match(TokenType.L_PAREN, advance=False):
            # A column named "key" or "index": hand the tokens back to the caller,
            # which then parses a column definition.
            self._retreat(start)
            return None
        keys = self._parse_wrapped_csv(self._parse_ordered)
        index: exp.Expression = self.expression(
            exp.IndexColumnConstraint(this=name, expressions=keys, kind=kind)
        )
        return index

    def _parse_unique_or_index(self) -> exp.Expression | None:
        start = self._index
        if self._match_texts(("INDEX", "KEY")):
            index = self._parse_inline_index(kind="UNIQUE")
            if index is not None:
                return index
            self._retreat(start)
        unique: exp.Expression | None = self._parse_unique()
        return unique


def _drop(record: logging.LogRecord) -> bool:
    return False


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    # sqlglot logs a warning whenever it falls back to an opaque Command (CREATE
    # EXTENSION, exotic ALTERs). Those are ignored or become a SqlError, and a
    # Sphinx build must not print them: drop its records during the parse only.
    logger = logging.getLogger("sqlglot")
    logger.addFilter(_drop)
    try:
        yield
    finally:
        logger.removeFilter(_drop)


class ParsedSql:
    """SQL parsed, never executed, as PostgreSQL with the MySQL habits plan templates
    carry: inline ``[UNIQUE] INDEX|KEY name (cols)`` elements and back-quoted identifiers.

    :param sql: the SQL text, one or more ``;``-separated statements
    :raises Exception: whatever sqlglot raises; :func:`describe_error` words it
    """

    def __init__(self, sql: str) -> None:
        #: The SQL text as given.
        self.sql = sql
        dialect = Postgres()
        with _quiet_sqlglot():
            self.tokens = _PlanTokenizer(dialect=dialect).tokenize(sql)
            statements = _PlanParser(dialect=dialect).parse(self.tokens, sql)
        #: The statements, in order, empty ones dropped.
        self.statements = [statement for statement in statements if statement is not None]
        self._starts = [token.start for token in self.tokens]

    def between(self, start: int, end: int, upper: bool = False) -> str:
        """Return the tokens within ``sql[start:end + 1]``, comments dropped, spacing collapsed.

        :param upper: upper-case the words, leaving quoted strings and identifiers alone
        """
        parts: list[str] = []
        previous: Token | None = None
        for token in self.tokens[bisect_left(self._starts, start) :]:
            if token.end > end:
                break
            if previous is not None and token.start > previous.end + 1:
                parts.append(" ")
            raw = self.sql[token.start : token.end + 1]
            # A quoted token's raw text differs from its value ('a' vs a); a word's
            # only by case and spacing ("double  precision" vs DOUBLE PRECISION).
            words = " ".join(raw.split())
            if token.token_type != TokenType.IDENTIFIER and words.upper() == token.text.upper():
                raw = words.upper() if upper else words
            parts.append(raw)
            previous = token
        return "".join(parts)

    def text(self, node: exp.Expression, upper: bool = False) -> str:
        span = node.meta.get(SPAN)
        # Without a span (not produced by a spanning method): sqlglot's own rendering.
        if span:
            first, last = span
            return self.between(first, last, upper=upper)
        return node.sql(dialect="postgres")


def describe_error(error: Exception, sql: str) -> tuple[str, int | None]:
    """Word an exception raised while parsing *sql*.

    :return: the message on one line, and the 1-based line in *sql* when known
    """
    line = None
    if isinstance(error, ParseError) and error.errors:
        first = error.errors[0]
        message = _TOKEN_REPR.sub(r"'\1'", first.get("description") or "syntax error")
        message = _CLASS_REPR.sub(r"\1", message)
        if first.get("highlight"):
            message += f", near {first['highlight']!r}"
        line = first.get("line")
    elif isinstance(error, SqlglotError):
        # A TokenError quotes sql[start:end]; the bad character is at its end.
        message = str(error)
        end = getattr(error, "end", None)  # a TokenError's; other errors have none
        if isinstance(end, int):
            line = sql.count("\n", 0, end) + 1
    else:
        # sqlglot has crashed with plain TypeErrors on some malformed input; a
        # typo in a plan must give a warning, not stop the build.
        message = f"sqlglot failed on this SQL: {type(error).__name__}: {error}"
    return " ".join(_ANSI.sub("", message).split()), line
