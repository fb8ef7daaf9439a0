"""The two sides of a diff as ``plan.json`` data: a file, a git revision, or the working tree.

Revisions and the working tree are built in subprocesses by
:mod:`sphinxcontrib_plan.revisions` (whose helpers are imported from here
too); builds of both sides run at the same time. Every failure is a
:class:`DiffError` with one line of text.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from sphinxcontrib_plan.diff import DiffError
from sphinxcontrib_plan.diff.compare import Side
from sphinxcontrib_plan.model import planjson
from sphinxcontrib_plan.revisions import (
    PendingBuild,
    build_revision,
    git_toplevel,
    head_revision,
    read_plan_json,
    resolve_revision,
    start_build,
)

#: imported from here by ``approve``
__all__ = ["SOURCE_CANDIDATES", "SideLoader", "find_source", "head_revision"]

#: where a project's Sphinx sources usually are, looked for in this order
SOURCE_CANDIDATES = (".", "docs", "doc", "docs/source", "doc/source", "source")


def find_source(given: Path | None) -> Path:
    """The Sphinx source directory: *given*, or the first candidate holding ``conf.py``.

    :param given: ``--source`` if given
    :return: the directory
    :raise DiffError: when there is none
    """
    if given is not None:
        if not (given / "conf.py").is_file():
            raise DiffError(f"there is no conf.py in {str(given)!r}")
        return given
    for candidate in SOURCE_CANDIDATES:
        if Path(candidate, "conf.py").is_file():
            return Path(candidate)
    raise DiffError(
        "no conf.py here or in docs/, doc/ or source/; "
        "give the Sphinx source directory with --source DIR"
    )


class SideLoader:
    """Turns command-line sides into ``plan.json`` data, cleaning up its scratch files."""

    def __init__(self, source: Path | None) -> None:
        self.given_source = source
        self._tmp = Path(tempfile.mkdtemp(prefix="sphinx-plan-diff-"))
        self._pending: list[tuple[int, PendingBuild]] = []
        self._done: dict[int, dict[str, Any]] = {}
        #: records read once for both sides
        self._shared = planjson.Shared()

    def __enter__(self) -> SideLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        for _, build in self._pending:
            if build.process.poll() is None:
                build.process.kill()
                build.process.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def add(self, spec: str | None) -> tuple[int, Side]:
        """Start reading one side.

        :param spec: a plan.json path, a git revision, or ``None`` for the working tree
        :return: a ticket for :meth:`get`, and what the side is
        :raise DiffError: when the side cannot be read or started
        """
        ticket = len(self._pending) + len(self._done)
        if spec is not None and Path(spec).is_file():
            side = Side(spec, "file")
            self._done[ticket] = read_plan_json(Path(spec), self._shared)
            return ticket, side
        source = find_source(self.given_source)
        work = self._tmp / f"side{ticket}"
        work.mkdir()
        if spec is None:
            side = Side("working tree", "worktree", head_revision(source))
            self._pending.append((ticket, start_build(side, source.resolve(), work)))
            return ticket, side
        top = git_toplevel(source)
        commit = resolve_revision(top, spec)
        side = Side(spec, "git", commit)
        self._pending.append((ticket, build_revision(top, commit, source, work, side)))
        return ticket, side

    def get(self, ticket: int) -> dict[str, Any]:
        """The data of a side (waiting for its build).

        :param ticket: from :meth:`add`
        :return: plan.json data
        """
        if ticket not in self._done:
            build = next(b for t, b in self._pending if t == ticket)
            self._done[ticket] = build.result(self._shared)
        return self._done[ticket]
