"""Suggestions for a misspelt name: every lookup of a name by the user (options,
fields, ids, columns, roles) offers the nearest valid one the same way."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable


def nearest(name: str, known: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The known name closest to *name*, if one is close enough.

    :param name: the name as written
    :param known: the valid names
    :param cutoff: similarity needed, 0 to 1
    :return: the suggestion, or ``None``
    """
    found = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(name: str, known: Iterable[str], *, cutoff: float = 0.6) -> str:
    """``; did you mean 'x'?`` for the nearest known name, or nothing.

    :param name: the name as written
    :param known: the valid names
    :param cutoff: similarity needed, 0 to 1
    :return: the hint, to append to a message
    """
    found = nearest(name, known, cutoff=cutoff)
    return f"; did you mean {found!r}?" if found else ""


def unknown_key(where: str, key: str, known: Collection[str]) -> str:
    """``WHERE: unknown key 'x'; did you mean 'y'?``, or the keys when none is near,
    for a table of the configuration (``plan_stages``, ``plan_coverage_rules``).

    :param where: the table, e.g. ``plan_stages[0]``
    :param key: the key as written
    :param known: the keys the table takes, in their documented order
    :return: the problem
    """
    return f"{where}: unknown key {key!r}" + (
        did_you_mean(key, known) or f"; keys: {', '.join(known)}"
    )
