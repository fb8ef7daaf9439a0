"""The two sides of a diff as ``plan.json`` data: a file, a git revision, or the working tree.

A git revision is exported with ``git archive`` into a temporary directory
(the repository and its working tree are only read) and built there; every
build runs ``python -P -m sphinxcontrib_plan export`` with this interpreter,
so both sides are built by the same, installed extension code and never by a
copy of the package that a revision may contain. Builds of both sides run at
the same time. Every failure is a :class:`DiffError` with one line of text.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinxcontrib_plan.diff import DiffError
from sphinxcontrib_plan.diff.compare import Side

#: set in the environment of every build started here: such a build reads no
#: ``plan-changes`` baseline (its plan.json does not depend on one), so a baseline's
#: own collectors never start builds of older revisions in turn
NO_BASELINES = "SPHINXCONTRIB_PLAN_NO_BASELINES"
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
    raise DiffError("no conf.py here or in docs/, doc/ or source/; "
                    "give the Sphinx source directory with --source DIR")


def read_plan_json(path: Path) -> dict[str, Any]:
    """Read and check a ``plan.json`` file.

    :param path: the file
    :return: its data
    :raise DiffError: when it cannot be read or is not a plan.json
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise DiffError(f"cannot read {str(path)!r}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise DiffError(f"{str(path)!r} is not UTF-8 text") from None
    except ValueError as err:
        raise DiffError(f"{str(path)!r} is not valid JSON: {err}") from None
    problem = plan_json_problem(data)
    if problem:
        raise DiffError(f"{str(path)!r} is not a plan.json: {problem}")
    return data


def plan_json_problem(data: Any) -> str | None:
    """What keeps *data* from being read as a ``plan.json`` document.

    :param data: parsed JSON
    :return: the problem, or ``None``
    """
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        return "it has no 'objects' list"
    if not isinstance(data.get("plans", []), list):
        return "'plans' is not a list"
    for key in ("plans", "objects"):
        for i, obj in enumerate(data.get(key, ())):
            if not isinstance(obj, dict) or not isinstance(obj.get("id"), str) \
                    or not isinstance(obj.get("type"), str):
                return f"{key}[{i}] has no 'id' and 'type' strings"
    return None


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
        raise DiffError(f"{str(source)!r} is not in a git repository; "
                        "compare plan.json files instead")
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
    run = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if run.returncode != 0:
        raise DiffError(f"unknown revision {revision!r}: not a commit, branch or tag of "
                        f"the repository at {str(top)!r}, and no such plan.json file")
    return run.stdout.decode().strip()


def head_revision(source: Path) -> str | None:
    """The commit checked out where *source* is, or ``None`` outside git.

    :param source: a directory
    :return: the full commit id
    """
    try:
        run = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=source,
                             capture_output=True, check=False)
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
            run = subprocess.run(["git", "archive", "--format=tar", commit], cwd=top,
                                 stdout=archive, stderr=subprocess.PIPE, check=False)
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
                tar.extractall(target)  # noqa: S202


@dataclass
class PendingBuild:
    """A build of one side running in a subprocess."""

    side: Side
    process: subprocess.Popen[bytes]
    output: Path

    def result(self) -> dict[str, Any]:
        """Wait for the build and read its plan.json.

        :return: the data
        :raise DiffError: when the build failed
        """
        _, stderr = self.process.communicate()
        if self.process.returncode != 0:
            lines = [ln for ln in stderr.decode(errors="replace").splitlines() if ln.strip()]
            errors = [ln.split("error: ", 1)[1] for ln in lines if "export: error: " in ln]
            reason = errors[-1] if errors else (lines[-1] if lines else "no message")
            raise DiffError(f"cannot build {self.side.label}: {reason}")
        return read_plan_json(self.output)


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
    command = [sys.executable, "-P", "-m", "sphinxcontrib_plan", "export", str(source),
               "--format", "json", "-o", str(output)]
    process = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env={**os.environ, NO_BASELINES: "1"})
    return PendingBuild(side, process, output)


class SideLoader:
    """Turns command-line sides into ``plan.json`` data, cleaning up its scratch files."""

    def __init__(self, source: Path | None) -> None:
        self.given_source = source
        self._tmp = Path(tempfile.mkdtemp(prefix="sphinx-plan-diff-"))
        self._pending: list[tuple[int, PendingBuild]] = []
        self._done: dict[int, dict[str, Any]] = {}

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
            self._done[ticket] = read_plan_json(Path(spec))
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
        relative = source.resolve().relative_to(top.resolve())
        checkout = work / "checkout"
        checkout.mkdir()
        export_revision(top, commit, checkout)
        if not (checkout / relative / "conf.py").is_file():
            raise DiffError(f"there is no conf.py in {relative.as_posix()!r} at {spec}")
        self._pending.append((ticket, start_build(side, checkout / relative, work)))
        return ticket, side

    def get(self, ticket: int) -> dict[str, Any]:
        """The data of a side (waiting for its build).

        :param ticket: from :meth:`add`
        :return: plan.json data
        """
        if ticket not in self._done:
            build = next(b for t, b in self._pending if t == ticket)
            self._done[ticket] = build.result()
        return self._done[ticket]
