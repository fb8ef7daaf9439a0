"""Other revisions of a project, and builds of a project in a subprocess.

A git revision is exported with ``git archive`` into a temporary directory
(the repository and its working tree are only read) and built there; every
build runs ``python -P -m sphinxcontrib_plan export`` with this interpreter,
so that every revision is built by the same, installed extension code and
never by a copy of the package that a revision may contain. Building a
revision runs that revision's ``conf.py``. Used by ``sphinx-plan diff`` and
``approve`` (:mod:`sphinxcontrib_plan.cli.sources`) and, when the project
opts in, by the ``plan-changes`` baselines of a build
(:mod:`sphinxcontrib_plan.baselines`). Every failure is a :class:`DiffError`
with one line of text.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinxcontrib_plan.diff import DiffError
from sphinxcontrib_plan.diff.compare import Side
from sphinxcontrib_plan.model import planjson

#: set in the environment of every build started here: such a build reads no
#: ``plan-changes`` baseline (its plan.json does not depend on one), so a baseline's
#: own collectors never start builds of older revisions in turn
NO_BASELINES = "SPHINXCONTRIB_PLAN_NO_BASELINES"


def read_plan_json(path: Path, shared: planjson.Shared | None = None) -> dict[str, Any]:
    """Read and check a ``plan.json`` file (:func:`~sphinxcontrib_plan.model.planjson.read`).

    :param path: the file
    :param shared: what reading the other side did already (:class:`.planjson.Shared`)
    :return: its data
    :raise DiffError: when it cannot be read or is not a plan.json
    """
    try:
        return planjson.read(path, shared=shared)
    except planjson.PlanJsonError as err:
        raise DiffError(str(err)) from None


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as err:
        raise DiffError(f"cannot run git: {err.strerror or err}") from None


def git_toplevel(source: Path) -> Path:
    """The root of the git work tree holding *source*.

    :param source: a directory
    :return: the root
    :raise DiffError: when *source* is not in a git repository
    """
    run = _git(source, "rev-parse", "--show-toplevel")
    if run.returncode != 0:
        raise DiffError(
            f"{str(source)!r} is not in a git repository; compare plan.json files instead"
        )
    return Path(run.stdout.decode().strip())


def resolve_revision(top: Path, revision: str) -> str:
    """The commit a revision names.

    :param top: the repository's root
    :param revision: e.g. ``origin/main``, ``v1.2``, ``HEAD~2``
    :return: the full commit id
    :raise DiffError: when it names no commit
    """
    if revision.startswith("-"):
        raise DiffError(f"unknown revision {revision!r}")
    run = _git(
        top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    if run.returncode != 0:
        raise DiffError(
            f"unknown revision {revision!r}: not a commit, branch or tag of "
            f"the repository at {str(top)!r}, and no such plan.json file"
        )
    return run.stdout.decode().strip()


def head_revision(source: Path) -> str | None:
    """The commit checked out where *source* is, or ``None`` outside git.

    :param source: a directory
    :return: the full commit id
    """
    try:
        run = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
            cwd=source,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if run.returncode != 0:
        return None
    return run.stdout.decode().strip() or None


def export_revision(top: Path, commit: str, target: Path) -> None:
    """Write the files of *commit* into *target* with ``git archive``.

    :param top: the repository's root
    :param commit: the commit
    :param target: an empty directory
    :raise DiffError: when git fails
    """
    with tempfile.TemporaryFile() as archive:
        try:
            run = subprocess.run(
                ["git", "archive", "--format=tar", commit],
                cwd=top,
                stdout=archive,
                stderr=subprocess.PIPE,
                check=False,
            )
        except OSError as err:
            raise DiffError(f"cannot run git: {err.strerror or err}") from None
        if run.returncode != 0:
            message = run.stderr.decode(errors="replace").strip().splitlines()
            raise DiffError(f"git archive {commit[:12]} failed: {message[-1] if message else ''}")
        archive.seek(0)
        with tarfile.open(fileobj=archive, mode="r:") as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target, filter="data")
            else:  # Python < 3.11.4: git's own archive holds no links out of the tree
                tar.extractall(target)


@dataclass
class PendingBuild:
    """A build of one side running in a subprocess."""

    side: Side
    process: subprocess.Popen[bytes]
    output: Path

    def result(self, shared: planjson.Shared | None = None) -> dict[str, Any]:
        """Wait for the build and read its plan.json.

        :param shared: see :func:`read_plan_json`
        :return: the data
        :raise DiffError: when the build failed
        """
        _, stderr = self.process.communicate()
        if self.process.returncode != 0:
            lines = [ln for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
            errors = [ln.split("error: ", 1)[1] for ln in lines if "export: error: " in ln]
            reason = errors[-1] if errors else (lines[-1] if lines else "no message")
            raise DiffError(f"cannot build {self.side.label}: {reason}")
        return read_plan_json(self.output, shared)


def start_build(side: Side, source: Path, workdir: Path) -> PendingBuild:
    """Start building the project in *source* into *workdir*/plan.json.

    :param side: what is built (for messages)
    :param source: the Sphinx source directory
    :param workdir: a scratch directory
    :return: the running build
    """
    output = workdir / "plan.json"
    # -P: the interpreter does not put the checkout's directory first on sys.path,
    # so a revision's own copy of a package never replaces the installed one
    command = [
        sys.executable,
        "-P",
        "-m",
        "sphinxcontrib_plan",
        "export",
        str(source),
        "--format",
        "json",
        "-o",
        str(output),
    ]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, NO_BASELINES: "1"},
    )
    return PendingBuild(side, process, output)


def build_revision(top: Path, commit: str, source: Path, work: Path, side: Side) -> PendingBuild:
    """Export *commit* into *work* and start building its Sphinx project.

    :param top: the repository's root
    :param commit: the commit
    :param source: the Sphinx source directory in the work tree (under *top*)
    :param work: an empty scratch directory
    :param side: what is built (for messages)
    :return: the running build
    :raise DiffError: when git fails or the revision has no ``conf.py`` there
    """
    relative = source.resolve().relative_to(top.resolve())
    checkout = work / "checkout"
    checkout.mkdir(parents=True)
    export_revision(top, commit, checkout)
    if not (checkout / relative / "conf.py").is_file():
        raise DiffError(f"there is no conf.py in {relative.as_posix()!r} at {side.label}")
    return start_build(side, checkout / relative, work)
