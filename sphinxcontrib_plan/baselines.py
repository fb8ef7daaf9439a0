"""The baselines of ``plan-changes`` collectors, read once per build at ``env-updated``.

A ``plan.json`` file is read as it is. A git revision is built only when the
project opts in (``plan_baseline_builds = True``: building a revision runs
its ``conf.py``); without it, each collector naming one gets a
``plan.baseline`` warning saying how to opt in or to name a ``plan.json``
instead, and nothing runs git. Opted in, a revision is resolved to its
commit and, unless the build state (:class:`.BuildState`) already holds that
commit's data from an earlier build, built the way ``sphinx-plan diff``
builds one (:mod:`.revisions`: ``git archive`` into a temporary directory and
an export in a subprocess, all revisions at once, in the main process,
before any page is written). Each commit's data is kept in the state under
its hash, so incremental and no-change builds build nothing; only the
commits of this build are kept. Builds started here set
:data:`.revisions.NO_BASELINES`, so a revision's own collectors never build
older revisions in turn.

The approved versions' object digests found on the way name the objects a
stale sign-off's plan changed (``plan.stale``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.diff import DiffError
from sphinxcontrib_plan.diff.changeset import change_rows, of_plan, slim
from sphinxcontrib_plan.diff.compare import Side
from sphinxcontrib_plan.export.json import plan_document
from sphinxcontrib_plan.model.changes import APPROVED, ChangeSet, spec_label
from sphinxcontrib_plan.model.fingerprint import object_digests, plan_fingerprint
from sphinxcontrib_plan.model.index import Finding
from sphinxcontrib_plan.revisions import (
    NO_BASELINES,
    PendingBuild,
    build_revision,
    git_toplevel,
    read_plan_json,
    resolve_revision,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinxcontrib_plan.domain import PlanDomain
    from sphinxcontrib_plan.model.index import ResolvedIndex
    from sphinxcontrib_plan.model.records import ObjectRecord


@dataclass
class Loaded:
    """One baseline as read (or why it could not be)."""

    #: what it is, for the page: ``v1 (1a2b3c4d5e6f)`` or the file's path
    label: str
    #: its slimmed ``plan.json`` data, or ``None``
    data: dict[str, Any] | None = None
    #: why it could not be read
    error: str | None = None
    #: the commit of a git baseline
    commit: str | None = None


#: why a git baseline is not built without the opt-in
NOT_ALLOWED = (
    "building another revision runs its conf.py: set plan_baseline_builds = True "
    "in conf.py to allow it, or point :since: at a plan.json file"
)


def approved_revision(index: ResolvedIndex, plan_id: str) -> ObjectRecord | None:
    """The approved sign-off of a plan whose ``approved-at`` is the latest: the one with
    the latest ``date``, the last in document order among equals.

    :param index: the index
    :param plan_id: the plan's id
    :return: the sign-off, or ``None`` when no approved one names a revision
    """
    found = [
        s
        for s in index.of_type("signoff", (plan_id,))
        if s.fields.get("status") == "approved" and s.fields.get("approved-at")
    ]
    return max(reversed(found), key=lambda s: str(s.fields.get("date") or "")) if found else None


def load(
    srcdir: Path, specs: Iterable[str], cache: Mapping[str, dict[str, Any]], *, builds: bool
) -> dict[str, Loaded]:
    """Read every baseline *specs* name (``git:REV`` or ``file:PATH``).

    :param srcdir: the Sphinx source directory
    :param specs: the specs
    :param cache: data of commits built before, by commit
    :param builds: git revisions may be built (``plan_baseline_builds``)
    :return: each spec's baseline
    """
    found: dict[str, Loaded] = {}
    pending: dict[str, tuple[PendingBuild, list[str]]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="sphinx-plan-baseline-"))
    try:
        for spec in sorted(set(specs)):
            kind, _, value = spec.partition(":")
            found[spec] = Loaded(value)
            try:
                if kind == "file":
                    found[spec].data = slim(read_plan_json(srcdir / value))
                    continue
                if not builds:
                    found[spec].error = NOT_ALLOWED
                    continue
                top = git_toplevel(srcdir)
                commit = resolve_revision(top, value)
            except DiffError as err:
                found[spec].error = str(err)
                continue
            found[spec].commit = commit
            if not commit.startswith(value):
                found[spec].label = f"{value} ({commit[:12]})"
            else:
                found[spec].label = commit[:12]
            if commit in cache:
                found[spec].data = cache[commit]
            elif commit in pending:
                pending[commit][1].append(spec)
            else:
                try:
                    side = Side(commit[:12], "git", commit)
                    pending[commit] = (
                        build_revision(top, commit, srcdir, tmp / commit, side),
                        [spec],
                    )
                except DiffError as err:
                    found[spec].error = str(err)
        for build, waiting in pending.values():
            try:
                data: dict[str, Any] | None = slim(build.result())
                error = None
            except DiffError as err:
                data, error = None, str(err)
            for spec in waiting:
                found[spec].data, found[spec].error = data, error
    finally:
        for build, _ in pending.values():
            if build.process.poll() is None:
                build.process.kill()
                build.process.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return found


def _approved(index: ResolvedIndex, plan_id: str) -> str | None:
    signoff = approved_revision(index, plan_id)
    return f"git:{str(signoff.fields['approved-at']).strip()}" if signoff is not None else None


def update_changes(
    domain: PlanDomain, index: ResolvedIndex, srcdir: Path
) -> tuple[list[Finding], dict[str, dict[str, str]]]:
    """Read the baselines the project's ``plan-changes`` collectors name and set
    :attr:`.ResolvedIndex.changes`.

    :param domain: the plan domain (requests by document; the cache in its state)
    :param index: this build's index
    :param srcdir: the Sphinx source directory
    :return: ``plan.baseline`` findings at the collectors, and the object digests of
        every baseline plan by its fingerprint (approved versions name what changed)
    """
    requests = {spec for entries in domain.baselines.values() for spec, _ in entries}
    # cleared, not replaced: the portfolio index shares this dict
    index.changes.clear()
    if not requests:
        domain.state.baselines = {}
        return [], {}
    plans = sorted({p.id for p in index.of_type("plan")})
    wanted = {s for s in requests if s != APPROVED}
    if APPROVED in requests:
        wanted |= {s for s in map(lambda p: _approved(index, p), plans) if s}
    if os.environ.get(NO_BASELINES):
        loaded = {
            s: Loaded(
                spec_label(s),
                error="this build was started by sphinx-plan, which reads no baselines",
            )
            for s in wanted
        }
    else:
        loaded = load(srcdir, wanted, domain.state.baselines, builds=domain.config.baseline_builds)
    domain.state.baselines = {b.commit: b.data for b in loaded.values() if b.commit and b.data}
    head = plan_document(index, "", lambda record: None)
    failed: dict[str, str] = {}
    for spec in sorted(requests):
        if spec != APPROVED:
            one = loaded[spec]
            rows = change_rows(one.data, head, one.label) if one.data is not None else []
            index.changes[spec] = ChangeSet(spec, {"": one.label}, {}, one.error, tuple(rows))
            continue
        baselines, missing, rows = {}, {}, []
        for plan in plans:
            revision = _approved(index, plan)
            got = loaded.get(revision) if revision else None
            if got is None or got.data is None:
                missing[plan] = (
                    (got.error or "")
                    if got
                    else "no approved sign-off names its revision (approved-at)"
                )
                if got is not None:
                    failed[plan] = f"of plan {plan!r} (approved-at {got.label}): {got.error}"
                continue
            baselines[plan] = got.label
            rows += change_rows(
                of_plan(got.data, plan), of_plan(head, plan), got.label, signoffs=False
            )
        index.changes[spec] = ChangeSet(spec, baselines, missing, None, tuple(rows))
    findings = []
    for docname in sorted(domain.baselines):
        for spec, location in domain.baselines[docname]:
            error = index.changes[spec].error
            problems = (
                [f"{spec_label(spec)!r}: {error}"]
                if error
                else list(failed.values())
                if spec == APPROVED
                else []
            )
            findings += [
                Finding("baseline", f"plan-changes: cannot read the baseline {problem}", location)
                for problem in problems
            ]
    return findings, _digests(b.data for b in loaded.values() if b.data)


def _digests(documents: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for document in documents:
        objects = [*document.get("plans", ()), *document.get("objects", ())]
        for plan in {str(p.get("id")) for p in document.get("plans", ())}:
            found.setdefault(plan_fingerprint(plan, objects), object_digests(plan, objects))
    return found
