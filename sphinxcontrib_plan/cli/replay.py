"""What a cached ``check`` reads, resolves and replays.

Sphinx's dummy builder resolves every document again on an update, and a
warning emitted while a document is read is not emitted again when the
document is not. This module gives ``check`` a dummy builder with nothing
outdated of its own, tracks the phase and document of every warning as it
is emitted, and merges the warnings of this build with those kept from the
last one, so that a cached check reports what a fresh build would.

The phases: ``read`` (between ``env-before-read-docs`` and ``env-updated``:
kept per document, replayed for a document not read again), ``write`` (while
documents are resolved: kept per document, replayed for one not resolved
again), ``consistency`` (Sphinx's check, which runs only when something was
updated: replayed when it did not run) and ``always`` (everything else, such
as the extension's findings at ``env-updated``: emitted by every build).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.dummy import DummyBuilder
from sphinx.util.build_phase import BuildPhase

from sphinxcontrib_plan.cli.records import BuildWarning

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: the phases whose warnings are kept per document
PER_DOCUMENT = ("read", "write")


class CheckBuilder(DummyBuilder):
    """The ``dummy`` builder of a cached check: nothing is outdated on its own account.

    Sphinx's dummy builder calls every document outdated, so an update would
    load and resolve every doctree. Here only what was read again and what
    ``env-get-updated`` asks for is resolved (:class:`Tracker` asks for every
    document as soon as anything was read or removed). It replaces ``dummy``
    in the check's own application only, so that every extension sees the
    builder it knows.
    """

    name = "dummy"
    #: the tracker of the build, set by :meth:`Tracker.connect`
    tracker: Tracker | None = None

    def get_outdated_docs(self) -> list[str]:
        """Nothing: the documents to write are those the update brings."""
        return []

    def prepare_writing(self, docnames: Set[str]) -> None:
        """Note the documents about to be resolved."""
        if self.tracker is not None:
            self.tracker.writing, self.tracker.written = True, set(docnames)

    def finish(self) -> None:
        """The documents are written."""
        if self.tracker is not None:
            self.tracker.writing = False
        super().finish()


def current_docname(env: BuildEnvironment | None) -> str | None:
    """The document Sphinx is reading or resolving in this process, if any."""
    try:
        return getattr(env, "docname", None) or None
    except (KeyError, AttributeError):  # Sphinx 7.4 outside a document
        return None


class Tracker(logging.Handler):
    """Stamps every warning with its phase and document, and decides what is read.

    A plain logging handler on Sphinx's logger: unlike Sphinx's warning
    handlers it is not held back while Sphinx buffers warnings, so it sees
    each record when it is made, in the phase it belongs to. Records that
    worker processes replay in the main process carry no document: their
    location names it.

    :param read_warned: documents whose read warnings were kept from the last check
    :param everything: read and resolve every document (nothing kept can be used)
    """

    def __init__(self, read_warned: Iterable[str] = (), *, everything: bool = False) -> None:
        super().__init__(logging.WARNING)
        self.read_warned = frozenset(read_warned)
        self.everything = everything
        self.reading = self.writing = self.consistency_ran = False
        #: what the build read, removed and resolved
        self.read: set[str] = set()
        self.removed: set[str] = set()
        self.written: set[str] = set()
        #: a document was edited, added or removed (not only read again by rule)
        self.changed = False
        self.expected: set[str] = set()
        self.app: Sphinx | None = None

    def emit(self, record: logging.LogRecord) -> None:
        """Stamp *record* (once: a worker's record is handled again in the main process)."""
        if hasattr(record, "plan_check_phase"):
            return
        if self.reading:
            phase = "read"
        elif self.writing:
            phase = "write"
        elif self.app is not None and self.app.phase == BuildPhase.CONSISTENCY_CHECK:
            phase = "consistency"
        else:
            phase = "always"
        record.plan_check_phase = phase
        env = self.app.env if self.app is not None and phase in PER_DOCUMENT else None
        record.plan_check_doc = current_docname(env)

    def connect(self, app: Sphinx) -> None:
        """Join *app*'s logger and events (before it builds).

        :param app: the check's application, built with :class:`CheckBuilder`
        """
        self.app = app
        if isinstance(app.builder, CheckBuilder):
            app.builder.tracker = self
        logging.getLogger("sphinx").addHandler(self)
        # first at env-before-read-docs, first at env-updated: the read phase
        # spans every handler in between, and the extension's findings at
        # env-updated are emitted by every build
        app.connect("env-get-outdated", self._outdated, priority=900)
        app.connect("env-before-read-docs", self._before_read, priority=0)
        app.connect("env-updated", self._after_read, priority=0)
        app.connect("env-get-updated", self._updated, priority=900)
        app.connect("env-check-consistency", self._consistency)

    def detach(self) -> None:
        """Leave Sphinx's logger."""
        logging.getLogger("sphinx").removeHandler(self)

    def _outdated(self, app: Sphinx, env: BuildEnvironment, added: set[str],
                  changed: set[str], removed: set[str]) -> Iterable[str]:
        self.removed = set(removed)
        if self.everything:
            self.changed = True
            return sorted(env.found_docs)
        # Sphinx reads some documents on every build (an error in them, a toctree
        # naming a missing document): that alone changes nothing for the others
        self.changed = bool(added or removed or any(
            doc not in env.reread_always or _edited(env, doc) for doc in changed))
        extra: set[str] = set()
        if self.changed:
            # a read warning may be about another document (a duplicate label,
            # a toctree entry that did not exist): read the documents having one again
            extra |= self.read_warned
        if added or removed:
            # toctrees name documents: their warnings depend on which exist
            extra |= set(env.toctree_includes) | env.glob_toctrees
        extra &= env.found_docs
        self.expected = added | changed | extra
        return sorted(extra)

    def _before_read(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        self.read, self.reading = set(docnames), True
        # another extension asked for a document to be read: count it as a change
        self.changed |= bool(self.read - self.expected - env.glob_toctrees)

    def _after_read(self, app: Sphinx, env: BuildEnvironment) -> None:
        self.reading = False

    def _updated(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        # Sphinx resolves again only what was read: a link or a toctree in an
        # unchanged document may now resolve otherwise, so resolve them all
        return sorted(env.found_docs) if self.changed else []

    def _consistency(self, app: Sphinx, env: BuildEnvironment) -> None:
        self.consistency_ran = True


def _edited(env: BuildEnvironment, docname: str) -> bool:
    """Whether *docname* or a file it depends on changed since it was last read."""
    srcdir = Path(env.srcdir)
    read_at = env.all_docs.get(docname, 0)  # microseconds, as Sphinx stores it
    try:
        return any(path.stat().st_mtime_ns // 1_000 > read_at
                   for path in (Path(env.doc2path(docname)),
                                *(srcdir / dep for dep in env.dependencies.get(docname, ()))))
    except OSError:  # a dependency gone
        return True


@dataclass
class Kept:
    """The warnings a check keeps for the next one, by phase and document."""

    read: dict[str, list[BuildWarning]] = field(default_factory=dict)
    write: dict[str, list[BuildWarning]] = field(default_factory=dict)
    consistency: list[BuildWarning] = field(default_factory=list)
    #: every warning of the build could be put in its place
    trusted: bool = True


def _document(env: BuildEnvironment, warning: BuildWarning, record: logging.LogRecord,
              read: set[str]) -> str | None:
    phase = record.plan_check_phase  # type: ignore[attr-defined]
    stamped = getattr(record, "plan_check_doc", None)
    if phase == "read" and stamped:
        return stamped
    located = env.path2doc(warning.path) if warning.path else None
    if located or phase != "read" or not warning.path:
        return located or stamped
    # read by a worker, in a file that is not a document (an include): the one
    # document read this time that depends on it, if there is exactly one
    target = Path(warning.path).resolve()
    srcdir = Path(env.srcdir)
    readers = {doc for doc, deps in env.dependencies.items() if doc in read
               and any((srcdir / dep).resolve() == target for dep in deps)}
    return readers.pop() if len(readers) == 1 else None


def merge(app: Sphinx, tracker: Tracker, records: list[logging.LogRecord],
          last: Kept) -> tuple[list[BuildWarning], Kept, int]:
    """The warnings a fresh build would give, and what to keep for the next check.

    :param app: the finished application
    :param tracker: its tracker
    :param records: the warnings it recorded
    :param last: what the last check kept (empty when it cannot be used)
    :return: the warnings sorted, what to keep, and how many were replayed
    """
    env = app.env
    docs = env.found_docs
    fresh = Kept()
    warnings: list[BuildWarning] = []
    # the extension repeats the read warnings of the documents a build did not
    # read at env-updated itself: those are not replayed twice
    repeated: Counter[BuildWarning] = Counter()
    for record in records:
        warning = BuildWarning.from_record(record)
        warnings.append(warning)
        phase = getattr(record, "plan_check_phase", "always")
        if phase == "always":
            repeated[warning] += 1
        elif phase == "consistency":
            fresh.consistency.append(warning)
        elif phase in PER_DOCUMENT:
            doc = _document(env, warning, record, tracker.read)
            if doc is None:
                fresh.trusted = False
            else:
                getattr(fresh, phase).setdefault(doc, []).append(warning)
    kept = Kept(trusted=fresh.trusted)
    replayed: list[BuildWarning] = []
    for phase, done in (("read", tracker.read), ("write", tracker.written)):
        now, before = getattr(fresh, phase), getattr(last, phase)
        keep = getattr(kept, phase)
        for doc in sorted(docs):
            if doc in done:
                if doc in now:
                    keep[doc] = now[doc]
            elif doc in before:
                keep[doc] = before[doc]
                for warning in before[doc]:
                    if phase == "read" and repeated[warning]:
                        repeated[warning] -= 1
                    else:
                        replayed.append(warning)
    if tracker.consistency_ran:
        kept.consistency = fresh.consistency
    else:
        kept.consistency = [w for w in last.consistency
                            if not w.path or env.path2doc(w.path) in docs]
        replayed += kept.consistency
    warnings += replayed
    return sorted(warnings, key=BuildWarning.sort_key), kept, len(replayed)
