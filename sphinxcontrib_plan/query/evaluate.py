"""Evaluation of a parsed ``:filter:`` against one record's fields: total, never raises."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeGuard

from sphinxcontrib_plan.query.filter import BoolOp, Compare, ListLit, Literal, Name, Not

if TYPE_CHECKING:
    from sphinxcontrib_plan.query.filter import Filter, Node

_NUMERIC_STRING = re.compile(r"\s*[-+]?[0-9]+(?:\.[0-9]+)?\s*")
_CMP = {"==": operator.eq, "!=": operator.ne, "<=": operator.le, ">=": operator.ge}
_CMP |= {"<": operator.lt, ">": operator.gt}


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
                return tuple(
                    item.name
                    if isinstance(item, Name) and item.name.casefold() in enum
                    else self.value(item)
                    for item in node.items
                )
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
    if not _NUMERIC_STRING.fullmatch(text):
        return None
    word = text.strip()
    # Past 4300 digits int() refuses to parse; the magnitude is all that matters.
    return float(word) if "." in word or len(word) > 4000 else int(word)


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
