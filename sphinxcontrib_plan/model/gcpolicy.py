"""Holding Python's cyclic garbage collector back while data that stays alive is made.

The collector runs when enough containers have been allocated since its last
run, so whatever allocates pays, and a full collection walks the whole heap
(a build's environment and doctrees: millions of objects). While a register
page, an export or the two sides of a diff are being made, everything
allocated stays reachable: a collection then finds nothing to free.

The build's side of the same policy: what a held block made goes to the
oldest generation as a whole; what the build reads is frozen a document at a
time until ``env-updated`` (:func:`reading_starts`); the collector is held
from there to the first page resolved (:func:`hold_until_resolved`); the heap
is frozen at exit (:func:`no_collection_at_exit`). See
``docs/explanation/performance.md`` ("Garbage collection").
"""

from __future__ import annotations

import atexit
import gc
import os
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
            _promote()
            gc.enable()


def _promote() -> None:
    """Move every object the collector tracks to its oldest generation.

    What a held block made is in the youngest generation when the collector
    comes back: the next young collection would walk all of it (millions of
    objects after a register page), and whatever it could not free would count
    toward the next full collection. Freezing and unfreezing moves the
    generations' lists as a whole, without walking them; a full collection
    still looks at everything, as before. Left alone when something else
    froze objects (unfreezing would hand them back).
    """
    if _reading_here():  # the build froze what it read: what the block made joins it
        gc.freeze()
    elif gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


#: while the build keeps what it reads frozen (until ``env-updated``): the reading
#: process (not the ``-j`` workers it forks, which have a hook of their own,
#: :mod:`sphinxcontrib_plan.workers`) and how many documents it has read
_reading: list[int] = []


def _reading_here() -> bool:
    return bool(_reading) and _reading[0] == os.getpid()


def reading_starts() -> None:
    """Keep what the build reads out of the collector's walks until it ends.

    Sphinx keeps every doctree it reads in memory until the page is written.
    The heap grows by a document at a time, and each full collection walks
    all of it: at 50,000 objects, 25 full collections while reading, 95 s of
    a 480 s build, for a few thousand objects freed each time. After each
    document is read (:func:`document_read`) everything alive is frozen
    (:func:`gc.freeze`: moved aside, not walked), so collections look only at
    what the next document makes. At ``env-updated`` it all goes back to the
    oldest generation (:func:`reading_ends`, no walk), where the doctrees
    Sphinx lets go of as it writes the pages are collected as before. Not done
    when something else froze objects or the collector is off.
    """
    if not _reading and gc.isenabled() and gc.get_freeze_count() == 0:
        _reading[:] = [os.getpid(), 0]


def document_read() -> None:
    """Freeze what is alive after a document is read (see :func:`reading_starts`).

    Its garbage is collected first, by a collection that walks only what was
    made since the last document (the rest is frozen); before the first
    document, whatever the build made is left for later (unfrozen at
    ``env-updated``), rather than walked once more.
    """
    if _reading_here():
        if _reading[1]:
            gc.collect()
        _reading[1] += 1
        gc.freeze()


def reading_ends() -> None:
    """Give back what reading froze (see :func:`reading_starts`)."""
    if _reading:
        here = _reading_here()
        _reading.clear()
        if here:
            gc.unfreeze()


#: set while the collector is held from ``env-updated`` to the first page resolved
_span: list[bool] = []


def hold_until_resolved() -> None:
    """Hold the collector from the end of ``env-updated`` until :func:`release_held`.

    Between them Sphinx pickles the environment, checks its consistency, loads
    the search index and resolves the first page: it allocates in bursts that
    stay alive (one full collection each at 50,000 objects, 0.6 s apiece) and
    leaves little garbage, since no page has been written yet. Does nothing
    when the collector is off already.
    """
    if gc.isenabled() and not _span:
        gc.disable()
        _span.append(True)


def release_held() -> None:
    """Give the collector back after :func:`hold_until_resolved` (at the first
    ``doctree-resolved``, and at ``build-finished`` whatever happened)."""
    if _span:
        _span.clear()
        _promote()
        gc.enable()


_exit_hook: list[bool] = []


def no_collection_at_exit() -> None:
    """Skip the collection Python runs over the whole heap as the process ends.

    At exit the interpreter clears its modules, then collects what they kept in
    cycles: after a build of 50,000 objects, 1.5 s spent walking millions of
    objects that the operating system frees anyway. An exit handler freezes
    them first (:func:`gc.freeze`), so that collection finds nothing to walk.
    Nothing changes before the process ends; Python does not promise to
    finalize what is still alive at exit. Registered once per process.
    """
    if not _exit_hook:
        atexit.register(gc.freeze)
        _exit_hook.append(True)
