"""JSON text of the exports, byte for byte what ``json.dumps(data, indent=2,
sort_keys=True, ensure_ascii=False)`` gives, written piece by piece.

With ``indent`` the standard library leaves its C encoder for a chain of
generators, one per level of nesting, every piece of text passing up through
all of them: ``plan.json`` of 5,000 objects spent most of its writing time
there. Here each piece goes straight to ``write``; strings are still quoted
by the standard library's C function. A value the exports never hold (a
non-string key, an object of another type) is refused with the same
``TypeError``/``ValueError`` as the standard library's, and callers fall back
to it.
"""

from __future__ import annotations

import math
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


class Unsupported(TypeError):
    """A value :func:`write_json_text` does not write the standard library's way."""


def _float(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def write_json_text(data: Any, write: Callable[[str], object], level: int = 0) -> None:
    """Write *data* as indented JSON through *write*.

    :param data: dicts with string keys, lists, tuples, strings, numbers, booleans, ``None``
    :param write: receives the text piece by piece
    :param level: the nesting level of *data* (0 at the top)
    :raise Unsupported: on a value outside those types (nothing is promised of what was written)
    """
    if isinstance(data, str):
        write(encode_basestring(data))
    elif data is None:
        write("null")
    elif data is True:
        write("true")
    elif data is False:
        write("false")
    elif isinstance(data, int):
        write(int.__repr__(data))
    elif isinstance(data, float):
        write(_float(data))
    elif isinstance(data, dict):
        if not data:
            write("{}")
            return
        if not all(isinstance(key, str) for key in data):
            raise Unsupported("only string keys are written here")
        inner = "\n" + "  " * (level + 1)
        separator = "{" + inner
        for key in sorted(data):
            write(separator + encode_basestring(key) + ": ")
            write_json_text(data[key], write, level + 1)
            separator = "," + inner
        write("\n" + "  " * level + "}")
    elif isinstance(data, (list, tuple)):
        if not data:
            write("[]")
            return
        inner = "\n" + "  " * (level + 1)
        separator = "[" + inner
        for item in data:
            write(separator)
            write_json_text(item, write, level + 1)
            separator = "," + inner
        write("\n" + "  " * level + "]")
    else:
        raise Unsupported(f"Object of type {type(data).__name__} is not JSON serializable")
