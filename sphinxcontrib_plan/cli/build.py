"""The in-process dummy build behind ``check`` and ``export``.

A fresh environment in a temporary directory (or, for ``check``, one kept
between runs: :mod:`~sphinxcontrib_plan.cli.check_cache`), the ``dummy``
builder (no output is written) and its warnings kept as log records
(:mod:`~sphinxcontrib_plan.cli.records`), so that the commands can sort,
group and count them. Every failure becomes :class:`BuildError` with a
one-line message: the commands never show a traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable, Iterator, Sequence

    from sphinx.application import Sphinx

    from sphinxcontrib_plan.cli.records import BuildWarning, RecordingHandler

_CONF_FRAME = re.compile(r'File "(?P<file>[^"]*conf\.py)", line (?P<line>\d+)')


class BuildError(Exception):
    """The project could not be built: bad paths, a failing conf.py, a Sphinx error."""


@dataclass
class BuildResult:
    """A finished dummy build: the application and its warnings."""

    app: Sphinx
    warnings: list[BuildWarning]
    #: the log records of the warnings, in the order they were handled
    records: list[logging.LogRecord] = field(default_factory=list)

    @property
    def plan_warnings(self) -> list[BuildWarning]:
        """The ``plan.*`` warnings."""
        return [w for w in self.warnings if w.is_plan]


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``check`` and ``export`` share with ``sphinx-build``.

    :param parser: the subcommand's parser
    """
    add_project_arguments(parser)
    parser.add_argument(
        "-j",
        dest="jobs",
        metavar="N",
        default="1",
        type=_jobs,
        help="read with N processes ('auto': one per CPU)",
    )
    parser.add_argument(
        "-v",
        dest="verbose",
        action="count",
        default=0,
        help="show Sphinx's progress on stderr (-vv: more)",
    )


def add_project_arguments(parser: argparse.ArgumentParser, *, here: bool = False) -> None:
    """The arguments naming the project and its settings: ``SOURCEDIR``, ``-c``, ``-D``.

    :param parser: the subcommand's parser
    :param here: ``SOURCEDIR`` may be left out for the current directory
    """
    if here:
        parser.add_argument(
            "sourcedir",
            metavar="SOURCEDIR",
            type=Path,
            nargs="?",
            default=Path(),
            help="the Sphinx source directory (default: the current directory)",
        )
    else:
        parser.add_argument(
            "sourcedir",
            metavar="SOURCEDIR",
            type=Path,
            help="the Sphinx source directory (where conf.py usually is)",
        )
    parser.add_argument(
        "-c",
        dest="confdir",
        metavar="CONFDIR",
        type=Path,
        help="directory of conf.py, if not SOURCEDIR",
    )
    parser.add_argument(
        "-D",
        dest="define",
        metavar="name=value",
        action="append",
        default=[],
        help="override a conf.py setting (repeatable), as with sphinx-build",
    )


def _jobs(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number or 'auto'") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("it must be at least 1")
    return jobs


def overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``-D name=value`` options as Sphinx's configuration overrides.

    :param pairs: the option values
    :return: name to value (strings, converted by Sphinx like sphinx-build's)
    :raise BuildError: on a value without ``=``
    """
    result: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise BuildError(f"-D {pair!r}: write -D name=value")
        result[name.strip()] = value
    return result


def _conf_error(err: Exception) -> str:
    # Sphinx puts conf.py's whole traceback in the message: keep its gist
    text = str(err)
    if "Traceback (most recent call last)" not in text:
        return " ".join(text.split())
    head = text.split("Traceback (most recent call last)", 1)[0].strip().rstrip(":")
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    frames = _CONF_FRAME.findall(text)
    where = f" at {frames[-1][0]}:{frames[-1][1]}" if frames else ""
    return f"{' '.join(head.split())}{where}: {lines[-1].strip()}"


def check_paths(sourcedir: Path, confdir: Path | None) -> Path:
    """The directory of ``conf.py``, once both directories are found good.

    :param sourcedir: the source directory
    :param confdir: the ``-c`` directory, if given
    :return: the configuration directory
    :raise BuildError: when a directory or ``conf.py`` is missing
    """
    if not sourcedir.is_dir():
        raise BuildError(f"SOURCEDIR {str(sourcedir)!r} is not a directory")
    confdir = confdir if confdir is not None else sourcedir
    if not (confdir / "conf.py").is_file():
        hint = "" if confdir != sourcedir else " (give its directory with -c CONFDIR)"
        raise BuildError(f"there is no conf.py in {str(confdir)!r}{hint}")
    return confdir


@contextmanager
def dummy_build(args: argparse.Namespace) -> Iterator[BuildResult]:
    """Build the project of *args* with the dummy builder, in a temporary directory.

    :param args: parsed arguments of :func:`add_build_arguments`
    :return: a context giving the finished build (the directory is removed after)
    :raise BuildError: when the project cannot be built
    """
    with (
        tempfile.TemporaryDirectory(prefix="sphinx-plan-") as tmp,
        sphinx_build(args, Path(tmp)) as result,
    ):
        yield result


@contextmanager
def sphinx_build(
    args: argparse.Namespace,
    workdir: Path,
    *,
    freshenv: bool = True,
    buildername: str = "dummy",
    prepare: Callable[[Sphinx], None] | None = None,
) -> Iterator[BuildResult]:
    """Build the project of *args*, its files in *workdir*.

    :param args: parsed arguments of :func:`add_build_arguments`
    :param workdir: where the environment (``doctrees``) and the output
        (``out``, nothing with the default ``dummy`` builder) go
    :param freshenv: start from an empty environment and read every document;
        ``False``: reuse the environment saved in *workdir* and build in
        update mode
    :param buildername: the builder
    :param prepare: called with the application before it builds
    :return: a context giving the finished build
    :raise BuildError: when the project cannot be built
    """
    with (
        build_errors(),
        open_app(args, workdir, freshenv=freshenv, buildername=buildername) as (app, handler),
    ):
        if prepare is not None:
            prepare(app)
        app.build(force_all=freshenv)
        yield BuildResult(app, handler.warnings(), handler.records)


@contextmanager
def build_errors() -> Iterator[None]:
    """Turn every failure of making or building an application into :class:`BuildError`.

    :return: a context; a Sphinx error, an extension's bug or a failing conf.py
        inside it leaves it as one :class:`BuildError` with a one-line message
    """
    from sphinx.errors import SphinxError

    try:
        yield
    except BuildError:
        raise
    except SphinxError as err:
        raise BuildError(f"{err.category}: {_conf_error(err)}") from None
    except (Exception, SystemExit) as err:  # an extension's bug must not print a traceback
        message = " ".join(str(err).split()) or "no message"
        raise BuildError(f"the build failed: {type(err).__name__}: {message}") from None


@contextmanager
def open_app(
    args: argparse.Namespace,
    workdir: Path,
    *,
    freshenv: bool = True,
    buildername: str = "dummy",
    settings: dict[str, Any] | None = None,
) -> Iterator[tuple[Sphinx, RecordingHandler]]:
    """An application for the project of *args* whose warnings are recorded, not
    built yet; it may build more than once while the context lasts (the
    language server keeps it warm between edits).

    :param args: parsed arguments of :func:`add_build_arguments`
    :param workdir: where the environment and the output go
    :param freshenv: start from an empty environment
    :param buildername: the builder
    :param settings: configuration values set over ``conf.py`` and ``-D`` (Python values)
    :return: a context giving the application and the handler recording its warnings
    :raise BuildError: when a directory or ``conf.py`` is missing (other
        failures: wrap the context in :func:`build_errors`)
    """
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from sphinxcontrib_plan.cli.records import RecordingHandler, recording_app
    from sphinxcontrib_plan.model.gcpolicy import held_collector

    confdir = check_paths(args.sourcedir, args.confdir)
    confoverrides = {**overrides(args.define), **(settings or {})}
    status = sys.stderr if args.verbose else None
    handler = RecordingHandler()
    try:
        # the same isolation sphinx-build uses: docutils registries are global
        with patch_docutils(confdir), docutils_namespace():
            # the text of the warnings is not needed: the records are; the
            # environment it loads stays alive, so the collector waits (a
            # 50,000-object environment: 3.3 s with collections, 2.2 s without)
            with held_collector():
                app = recording_app(
                    handler,
                    srcdir=args.sourcedir,
                    confdir=confdir,
                    outdir=workdir / "out",
                    doctreedir=workdir / "doctrees",
                    buildername=buildername,
                    confoverrides=confoverrides,
                    status=status,
                    warning=io.StringIO(),
                    freshenv=freshenv,
                    parallel=args.jobs,
                    verbosity=max(0, args.verbose - 1),
                )
            yield app, handler
    finally:
        handler.detach()
