"""The ``:sort:`` option of collectors: parsing ``-severity, id`` and a stable,
natural, rank-aware multi-key sort of records."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from sphinxcontrib_plan.query.filter import NAME_RE, QueryError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")

_DIGITS = re.compile(r"([0-9]+)")
# Groups of a sort pass. Known enum values come first, then any other value,
# then missing ones; descending passes flip the groups so that missing values
# still come last (see ``sort_records``).
_RANKED, _OTHER, _MISSING = 0, 1, 2


class SortError(QueryError):
    """A ``:sort:`` specification that cannot be parsed."""


@dataclass(frozen=True)
class SortKey:
    """One key of a ``:sort:`` specification."""

    #: The field to sort on.
    field: str
    #: Sort from the highest value down (written ``-field``).
    descending: bool = False


def parse_sort(text: str) -> tuple[SortKey, ...]:
    """Parse a ``:sort:`` specification such as ``-severity, id``.

    :param text: comma-separated field names, each with an optional leading ``-``
    :return: the keys, most significant first
    :raises SortError: with the message and 1-based column of the first problem
    """
    if not text.strip():
        raise SortError("empty sort specification", 1)
    keys: list[SortKey] = []
    pos = 0
    while True:
        pos = _skip_spaces(text, pos)
        descending = text.startswith("-", pos)
        if descending:
            pos = _skip_spaces(text, pos + 1)
        match = NAME_RE.match(text, pos)
        if match is None:
            if descending and (pos == len(text) or text[pos] == ","):
                raise SortError("expected a field name after '-'", pos + 1)
            if pos == len(text) or text[pos] == ",":
                raise SortError("empty sort key", pos + 1)
            raise SortError(f"unexpected character {text[pos]!r} in sort key", pos + 1)
        keys.append(SortKey(match.group(), descending))
        pos = _skip_spaces(text, match.end())
        if pos == len(text):
            return tuple(keys)
        if text[pos] != ",":
            message = f"unexpected character {text[pos]!r} after '{match.group()}'"
            raise SortError(f"{message}; separate sort keys with ','", pos + 1)
        pos += 1


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def natural_key(value: object) -> tuple[object, ...]:
    """A key that orders values naturally: ``"R2"`` before ``"R10"``, numbers
    numerically, text case-insensitively, and ``None`` after everything.

    Keys of any two values compare without error, whatever their types.

    :param value: a field value: ``None``, a string, a number, a bool or a list
    :return: the sort key
    """
    if isinstance(value, (list, tuple)):
        # A list sorts as its items joined, so ``[a, b]`` sits near ``"a, b"``.
        value = ", ".join(str(item) for item in value if item is not None) or None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (1,)
    if isinstance(value, (int, float)):  # bools included: False before True
        return (0, ((0, value),))
    chunks = _DIGITS.split(str(value))
    # split() alternates text and digit runs. Tagging each part (0 for numbers,
    # 1 for text) keeps tuples comparable and puts digits before letters.
    parts = tuple(
        _number_part(chunk) if index % 2 else (1, chunk.casefold())
        for index, chunk in enumerate(chunks)
        if chunk
    )
    return (0, parts)


def _number_part(digits: str) -> tuple[object, ...]:
    digits = digits.lstrip("0") or "0"
    if len(digits) <= 4000:
        return (0, int(digits))
    # int() refuses strings past 4300 digits: order these after every normal
    # number, by length and then digit by digit.
    return (0, math.inf, len(digits), digits)


def sort_records(
    items: Sequence[T],
    keys: Sequence[SortKey],
    get: Callable[[T, str], object],
    ranks: Mapping[str, Mapping[str, int]] | None = None,
) -> list[T]:
    """Sort records by several keys, stably.

    Enum fields (those in *ranks*) sort by rank, case-insensitively, with
    values outside the enum after the ranked ones; other fields sort by
    :func:`natural_key`. Missing values (``None``, empty lists) come last
    whatever the direction.

    :param items: the records
    :param keys: the sort keys, most significant first
    :param get: returns the value of a field of a record
    :param ranks: for ordered enum fields, the rank of each allowed value
    :return: a new sorted list
    """
    result = list(items)
    # One stable pass per key, least significant first: O(k · n log n), and
    # each key can have its own direction without negating strings.
    for key in reversed(keys):
        enum = ranks.get(key.field) if isinstance(ranks, Mapping) else None
        folded = _fold(enum) if isinstance(enum, Mapping) else None
        result.sort(key=partial(_record_key, get, key, folded), reverse=key.descending)
    return result


def _fold(enum: Mapping[str, int]) -> dict[str, int | float]:
    return {
        name.casefold(): rank
        for name, rank in enum.items()
        if isinstance(name, str) and isinstance(rank, (int, float)) and not isinstance(rank, bool)
    }


def _record_key(
    get: Callable[[T, str], object], key: SortKey, enum: dict[str, int | float] | None, item: T
) -> tuple[int, object]:
    value = get(item, key.field)
    natural = natural_key(value)
    order: object
    if natural[0] == 1:
        group, order = _MISSING, None
    elif enum is not None and isinstance(value, str) and value.casefold() in enum:
        group, order = _RANKED, enum[value.casefold()]
    else:
        group, order = _OTHER, natural
    # ``reverse=True`` reverses the groups too; flip them back. Two keys only
    # compare their orders within one group, so the orders' types never mix.
    return (_MISSING - group if key.descending else group, order)
