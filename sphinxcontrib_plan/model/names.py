"""Suggestions for a misspelt name: every lookup of a name by the user (options,
fields, ids, columns, roles) offers the nearest valid one the same way."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


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
