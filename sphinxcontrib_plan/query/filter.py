"""The ``:filter:`` query language: a tokenizer and recursive-descent parser
into small frozen dataclasses, and a total evaluator over record fields."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, TypeGuard

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
_NUMERIC_STRING = re.compile(r"\s*[-+]?[0-9]+(?:\.[0-9]+)?\s*")
# Each nesting level costs about six Python frames in the parser; this keeps a
# hostile filter far from the recursion limit while allowing any real one.
_MAX_DEPTH = 50
_CLOSERS = {"(": ")", "[": "]"}
_OPENERS = {")": "(", "]": "["}
_BRACKET_WORDS = {"(": "parenthesis", ")": "parenthesis", "[": "bracket", "]": "bracket"}
# Two-character operators first, so ``<=`` is never read as ``<`` then ``=``.
_PUNCTUATION = re.compile(r"==|!=|<=|>=|<|>|[()\[\],]")
_CMP = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge}
_CMP |= {"<": operator.lt, ">": operator.gt}


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
            kind = "OP" if value in _CMP else value
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
        if tok.kind in ("STRING", "NUMBER"):
            self.advance()
            return Literal(tok.value, tok.column)  # type: ignore[arg-type]
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


# ------------------------------------------------------------------ evaluator


def evaluate(
    flt: Filter,
    fields: Mapping[str, object],
    ranks: Mapping[str, Mapping[str, int]] | None = None,
) -> bool:
    """Decide whether a record matches a filter; never raises.

    :param flt: the parsed filter
    :param fields: the record's field values by field name
    :param ranks: for ordered enum fields, the rank of each allowed value
    :return: ``True`` when the record matches
    """
    try:
        return _truthy(_Evaluator(fields, ranks).value(flt.root))
    except RecursionError:
        # Only reachable with hand-built trees or self-containing field values;
        # parsed filters are depth-limited.
        return False


class _Evaluator:
    def __init__(self, fields: object, ranks: object) -> None:
        self.fields: Mapping[object, object] = fields if isinstance(fields, Mapping) else {}
        self.ranks: Mapping[object, object] = ranks if isinstance(ranks, Mapping) else {}

    def value(self, node: object) -> object:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, Name):
            if node.name in self.fields:
                return self.fields[node.name]
            # A known enum field left unset is None, not the bare word: else
            # ``impact <= medium`` would compare the string "impact".
            return None if node.name in self.ranks else node.name
        if isinstance(node, ListLit):
            return tuple(self.value(item) for item in node.items)
        if isinstance(node, Not):
            return not _truthy(self.value(node.item))
        if isinstance(node, BoolOp):
            test = all if node.op == "and" else any
            return test(_truthy(self.value(item)) for item in node.items)
        if isinstance(node, Compare):
            return self.compare(node)
        return None

    def enum(self, node: Node) -> dict[str, int | float] | None:
        enum = self.ranks.get(node.name) if isinstance(node, Name) else None
        if not isinstance(enum, Mapping):
            return None
        return {k.casefold(): r for k, r in enum.items() if isinstance(k, str) and _is_number(r)}

    def operand(self, node: Node, other: Node) -> object:
        """The value of *node*, where a bare word naming a value of the enum on
        the other side is that value even when a field has the same name:
        ``status != done`` compares with the enum value, not the count ``done``."""
        enum = self.enum(other)
        if enum is not None and self.enum(node) is None:
            if isinstance(node, Name) and node.name.casefold() in enum:
                return node.name
            if isinstance(node, ListLit):
                return tuple(item.name if isinstance(item, Name) and item.name.casefold() in enum
                             else self.value(item) for item in node.items)
        return self.value(node)

    def compare(self, node: Compare) -> bool:
        op = node.op
        left, right = self.operand(node.left, node.right), self.operand(node.right, node.left)
        if op in ("in", "not in"):
            return _contains(left, right) == (op == "in")
        left_enum, right_enum = self.enum(node.left), self.enum(node.right)
        # A plain string on one side is ranked in the enum of the other.
        left_enum = left_enum if left_enum is not None else right_enum
        right_enum = right_enum if right_enum is not None else left_enum
        if (left_enum is not None and right_enum is not None) and (
            isinstance(left, str) and isinstance(right, str)
        ):
            left_rank = left_enum.get(left.casefold())
            right_rank = right_enum.get(right.casefold())
            if left_rank is None or right_rank is None:
                return op == "!="
            return bool(_CMP[op](left_rank, right_rank))
        if op in ("==", "!="):
            return _equal(left, right) == (op == "==")
        order = _order(left, right)
        return order is not None and bool(_CMP[op](order, 0))


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _coerce(left: object, right: object) -> tuple[object, object]:
    # Fields such as ``share`` may hold "70". A string that is not a number
    # becomes None, which equals and orders against nothing.
    if _is_number(left) and isinstance(right, str):
        return left, _as_number(right)
    if isinstance(left, str) and _is_number(right):
        return _as_number(left), right
    return left, right


def _as_number(text: str) -> int | float | None:
    return _to_number(text.strip()) if _NUMERIC_STRING.fullmatch(text) else None


def _equal(left: object, right: object) -> bool:
    left, right = _coerce(left, right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if _is_number(left) and _is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(map(_equal, left, right))
    # Never call an unknown type's __eq__: it might raise.
    return left is right


def _order(left: object, right: object) -> int | None:
    """-1, 0 or 1, or None when the two values cannot be ordered."""
    left, right = _coerce(left, right)
    if _is_number(left) and _is_number(right):
        if math.isnan(left) or math.isnan(right):
            return None
        return (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.casefold(), right.casefold()
        return (left > right) - (left < right)
    return None


def _contains(needle: object, haystack: object) -> bool:
    if isinstance(needle, (list, tuple)):
        # ``tags in [a, b]`` asks whether the two lists overlap.
        return any(_contains(item, haystack) for item in needle)
    if isinstance(haystack, (list, tuple)):
        return any(_equal(needle, item) for item in haystack)
    if isinstance(needle, str) and isinstance(haystack, str):
        return needle.casefold() in haystack.casefold()
    return False


def _truthy(value: object) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if _is_number(value):
        return value != 0
    if isinstance(value, (str, list, tuple)):
        return len(value) > 0
    return True
