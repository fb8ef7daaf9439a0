"""The ``:filter:`` query language: a tokenizer and recursive-descent parser into
small frozen dataclasses; :mod:`~sphinxcontrib_plan.query.evaluate` runs them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from sphinxcontrib_plan.errors import PlanError

if TYPE_CHECKING:
    from collections.abc import Iterator

#: A field name or bare word; hyphens allowed for names like ``rate-limit``.
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "none", "null"})
_CONSTANTS: dict[str, bool | None] = {"true": True, "false": False, "none": None, "null": None}
# Characters users bring from other languages, and what to write instead.
_HINTS = {"=": "use '==' to compare", "!": "use '!=' or 'not'", "&": "use 'and'", "|": "use 'or'"}
# Only \\, \' and \" are escapes; other backslashes stay, so paths need no doubling.
_STRING = re.compile(r"""(['"])((?:\\.|(?!\1)[^\\])*)\1""", re.DOTALL)
_ESCAPE = re.compile(r"""\\([\\'"])""")
# Everything that could belong to one number-like word, so that ``2024-06-01``
# is reported whole rather than as the number 2024 followed by junk.
_NUMBER_RUN = re.compile(r"-?[0-9][A-Za-z0-9_.-]*")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Each nesting level costs about six Python frames in the parser; this keeps a
# hostile filter far from the recursion limit while allowing any real one.
_MAX_DEPTH = 50
_CLOSERS = {"(": ")", "[": "]"}
_OPENERS = {")": "(", "]": "["}
_BRACKET_WORDS = {"(": "parenthesis", ")": "parenthesis", "[": "bracket", "]": "bracket"}
# Two-character operators first, so ``<=`` is never read as ``<`` then ``=``.
_PUNCTUATION = re.compile(r"==|!=|<=|>=|<|>|[()\[\],]")
_COMPARISONS = frozenset({"==", "!=", "<=", ">=", "<", ">"})


class QueryError(PlanError):
    """A query text (``:filter:`` or ``:sort:``) that cannot be parsed."""

    def __init__(self, message: str, column: int) -> None:
        # Both values go to ``args`` so the error survives pickling between
        # the processes of a parallel build.
        super().__init__(message, column)
        #: What is wrong, without the position.
        self.message = message
        #: 1-based column in the query text where the problem is.
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} (column {self.column})"


class FilterError(QueryError):
    """A ``:filter:`` expression that cannot be parsed."""


# ---------------------------------------------------------------- syntax tree
# Every node records the 1-based column where it starts. Columns are left out
# of equality so that trees compare by shape.


@dataclass(frozen=True)
class Literal:
    """A string, number, ``true``, ``false`` or ``none`` (``null``) as its Python value."""

    value: str | int | float | bool | None
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    """A NAME: a field of the record, or else a bare word standing for itself."""

    name: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ListLit:
    """A ``[a, b]`` or ``(a, b)`` list of operands; the column is the opening bracket's."""

    items: tuple[Node, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Compare:
    """``left op right``; *op* is one of ``== != < <= > >= in`` and ``not in``."""

    op: str
    left: Node
    right: Node
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BoolOp:
    """Two or more *items* joined by *op*, ``"and"`` or ``"or"``."""

    op: str
    items: tuple[Node, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    """The negation of *item*; the column is the ``not`` keyword's."""

    item: Node
    column: int = field(default=0, compare=False)


Node = Literal | Name | ListLit | Compare | BoolOp | Not


@dataclass(frozen=True)
class Filter:
    """A parsed filter: plain data, picklable, stored on collector nodes."""

    #: The filter text as written.
    source: str
    #: The root of the syntax tree.
    root: Node

    def names(self) -> frozenset[str]:
        """Every NAME in the filter, fields and bare words alike.

        :return: the names as written
        """
        return frozenset(_walk_names(self.root))


def _walk_names(node: Node) -> Iterator[str]:
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Compare):
        yield from _walk_names(node.left)
        yield from _walk_names(node.right)
    elif isinstance(node, (BoolOp, ListLit)):
        for item in node.items:
            yield from _walk_names(item)
    elif isinstance(node, Not):
        yield from _walk_names(node.item)


# ------------------------------------------------------------------ tokenizer


class _Token(NamedTuple):
    kind: str  # NAME, KEYWORD, STRING, NUMBER, OP, END, or the punctuation itself
    value: object
    text: str
    column: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        char, column = text[pos], pos + 1
        if char.isspace():
            pos += 1
            continue
        if match := _STRING.match(text, pos):
            value: object = _ESCAPE.sub(r"\1", match.group(2))
            kind = "STRING"
        elif char in "'\"":
            raise FilterError("unterminated string", column)
        elif match := NAME_RE.match(text, pos):
            word = match.group()
            kind = "KEYWORD" if word.lower() in _KEYWORDS else "NAME"
            value = word.lower() if kind == "KEYWORD" else word
        elif match := _NUMBER_RUN.match(text, pos):
            if not _NUMBER.fullmatch(match.group()):
                message = f"'{match.group()}' is not a number; quote it as a string"
                raise FilterError(message, column)
            value, kind = _to_number(match.group()), "NUMBER"
        elif match := _PUNCTUATION.match(text, pos):
            value = match.group()
            kind = "OP" if value in _COMPARISONS else value
        else:
            hint = f"; {_HINTS[char]}" if char in _HINTS else ""
            raise FilterError(f"unexpected character {char!r}{hint}", column)
        tokens.append(_Token(kind, value, match.group(), column))
        pos = match.end()
    # The end sits just after the last visible character, where a missing
    # operand would have been typed.
    tokens.append(_Token("END", None, "", len(text.rstrip()) + 1))
    return tokens


def _to_number(word: str) -> int | float:
    # Past 4300 digits int() refuses to parse; the magnitude is all that matters.
    return float(word) if "." in word or len(word) > 4000 else int(word)


# --------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.depth = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return tok

    def at_keyword(self, word: str, offset: int = 0) -> bool:
        tok = self.tokens[min(self.pos + offset, len(self.tokens) - 1)]
        return tok.kind == "KEYWORD" and tok.value == word

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise FilterError("filter is nested too deeply", tok.column)

    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise FilterError("empty filter", 1)
        node = self.parse_bool()
        self.expect_close(None)
        return node

    # ``or`` binds loosest, then ``and``. Every level accepts an already parsed
    # first operand, so that ``(`` can read one operand and only then decide
    # between a list and a grouping.
    def parse_bool(self, op: str = "or", first: Node | None = None) -> Node:
        def parse_item(first: Node | None = None) -> Node:
            return self.parse_bool("and", first) if op == "or" else self.parse_not(first)

        items = [parse_item(first)]
        while self.at_keyword(op):
            self.advance()
            items.append(parse_item())
        return items[0] if len(items) == 1 else BoolOp(op, tuple(items), items[0].column)

    def parse_not(self, first: Node | None = None) -> Node:
        if first is None and self.at_keyword("not"):
            tok = self.advance()
            self.enter(tok)
            item = self.parse_not()
            self.depth -= 1
            return Not(item, tok.column)
        return self.parse_compare(first)

    def parse_compare(self, first: Node | None = None) -> Node:
        left = first if first is not None else self.parse_operand()
        tok = self.tok
        if tok.kind == "OP" or self.at_keyword("in"):
            op = str(tok.value)
            self.advance()
        elif self.at_keyword("not"):
            if not self.at_keyword("in", 1):
                after = self.tokens[self.pos + 1]
                if after.kind == "END":
                    message = "unexpected end of filter: expected 'in' after 'not'"
                else:
                    message = f"expected 'in' after 'not', got {_describe(after)}"
                raise FilterError(message, after.column)
            op = "not in"
            self.advance()
            self.advance()
        else:
            return left
        return Compare(op, left, self.parse_operand(after=op), left.column)

    def parse_operand(self, after: str | None = None) -> Node:
        tok = self.tok
        if tok.kind in ("STRING", "NUMBER") and isinstance(tok.value, (str, int, float)):
            self.advance()
            return Literal(tok.value, tok.column)
        if tok.kind == "KEYWORD" and tok.value in _CONSTANTS:
            self.advance()
            return Literal(_CONSTANTS[str(tok.value)], tok.column)
        if tok.kind == "NAME":
            self.advance()
            return Name(tok.text, tok.column)
        if tok.kind in _CLOSERS:
            return self.parse_bracketed()
        if after is None and self.pos > 0:
            after = self.tokens[self.pos - 1].text
        where = f" after '{after}'" if after else ""
        if tok.kind == "END":
            raise FilterError(f"expected a value{where}", tok.column)
        raise FilterError(f"expected a value{where}, got {_describe(tok)}", tok.column)

    def parse_bracketed(self) -> Node:
        opener = self.advance()
        closer = _CLOSERS[opener.kind]
        self.enter(opener)
        items: list[Node] = []
        if opener.kind == "(" and self.tok.kind not in (closer, "END"):
            # A grouping, unless a comma follows the first operand.
            first = None if self.at_keyword("not") else self.parse_operand()
            if first is None or self.tok.kind != ",":
                node = self.parse_bool("or", first)
                self.expect_close(opener)
                return node
            items.append(first)
        want_item = not items
        while self.tok.kind != closer:
            if self.tok.kind == "END":
                raise self.never_closed(opener)
            if want_item:
                items.append(self.parse_operand())
            elif self.tok.kind == ",":
                self.advance()
            else:
                break
            want_item = not want_item
        self.expect_close(opener)
        return ListLit(tuple(items), opener.column)

    def expect_close(self, opener: _Token | None) -> None:
        """Consume the bracket closing *opener*, or check for the end when it is None."""
        tok = self.tok
        closer = _CLOSERS[opener.kind] if opener else "END"
        if tok.kind == closer:
            if opener:
                self.advance()
                self.depth -= 1
            return
        if tok.kind == "END" and opener:
            raise self.never_closed(opener)
        if (
            tok.kind == "OP"
            or self.at_keyword("in")
            or (self.at_keyword("not") and self.at_keyword("in", 1))
        ):
            message = "comparisons cannot be chained; join them with 'and'"
            raise FilterError(f"unexpected '{tok.text}': {message}", tok.column)
        where = f"the '{opener.text}' at column {opener.column}" if opener else ""
        if tok.kind in (")", "]"):
            problem = f"has no matching '{_OPENERS[tok.kind]}'"
            problem = f"cannot close {where}" if opener else problem
            message = f"unbalanced {_BRACKET_WORDS[tok.kind]}: '{tok.text}' {problem}"
            raise FilterError(message, tok.column)
        expected = f"'{closer}' to close {where}" if opener else "'and', 'or' or the end"
        raise FilterError(f"unexpected {_describe(tok)}; expected {expected}", tok.column)

    @staticmethod
    def never_closed(opener: _Token) -> FilterError:
        message = f"unbalanced {_BRACKET_WORDS[opener.kind]}: '{opener.text}' is never closed"
        return FilterError(message, opener.column)


def _describe(tok: _Token) -> str:
    return "end of filter" if tok.kind == "END" else f"'{tok.text}'"


def parse_filter(text: str) -> Filter:
    """Parse a ``:filter:`` expression.

    :param text: the expression, e.g. ``impact >= medium and status != closed``
    :return: the parsed filter
    :raises FilterError: with the message and 1-based column of the first problem
    """
    return Filter(text, _Parser(text).parse())
