"""Holding Python's cyclic garbage collector back while data that stays alive is made.

The collector runs when enough containers have been allocated since its last
run, so whatever allocates pays, and a full collection walks the whole heap
(a build's environment and doctrees: millions of objects). While a register
page, an export or the two sides of a diff are being made, everything
allocated stays reachable: a collection then finds nothing to free. See
``docs/explanation/performance.md`` ("Garbage collection").
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def held_collector(*, collect_first: bool = False) -> Iterator[None]:
    """Run the block with the collector off, then as it was (also after an error,
    and left off when it was off).

    :param collect_first: collect the garbage made before the block once, so
        that what the block makes is not built on top of it (peak memory)
    """
    if collect_first:
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
