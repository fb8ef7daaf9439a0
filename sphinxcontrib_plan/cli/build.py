"""The in-process dummy build behind ``check`` and ``export``.

A fresh environment in a temporary directory, the ``dummy`` builder (no
output is written) and a warning stream that keeps each warning as one
record, so that the commands can sort, group and count them. Every failure
becomes :class:`BuildError` with a one-line message: the commands never show
a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from sphinx.application import Sphinx

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RECORD = re.compile(
    r"(?:(?P<location>.+?): )?(?P<level>WARNING|ERROR|CRITICAL|SEVERE): "
    r"(?P<message>.*?)(?: \[(?P<code>[\w.-]+)\])?", re.DOTALL)
_CONF_FRAME = re.compile(r'File "(?P<file>[^"]*conf\.py)", line (?P<line>\d+)')


class BuildError(Exception):
    """The project could not be built: bad paths, a failing conf.py, a Sphinx error."""


@dataclass(frozen=True)
class BuildWarning:
    """One warning of the build."""

    #: source file as Sphinx printed it, ``None`` without location
    path: str | None
    #: line in that file, if known
    line: int | None
    #: the message without location, level and code
    message: str
    #: ``type.subtype`` such as ``plan.field``, if given
    code: str | None

    @property
    def is_plan(self) -> bool:
        """Whether this is one of the extension's ``plan.*`` warnings."""
        return bool(self.code) and (self.code == "plan" or self.code.startswith("plan."))

    def sort_key(self) -> tuple[str, int, str]:
        """Document, line, message: an order independent of parallel reading."""
        return self.path or "", self.line or 0, self.message

    def format(self) -> str:
        """``file:line: message [code]``, the form editors and CI annotate."""
        where = _display(self.path) if self.path else ""
        if where and self.line:
            where = f"{where}:{self.line}"
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {self.message}{code}" if where else f"{self.message}{code}"


def _display(path: str) -> str:
    # relative to the working directory when below it: short and clickable
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def parse_warning(text: str) -> BuildWarning:
    """Read one record of Sphinx's warning stream.

    :param text: ``location: WARNING: message [type.subtype]``
    :return: the warning
    """
    text = _ANSI.sub("", text).strip()
    match = _RECORD.fullmatch(text)
    if match is None:
        return BuildWarning(None, None, text, None)
    location = match.group("location")
    path, line = location, None
    if location:
        head, _, tail = location.rpartition(":")
        if head and tail.isdigit():
            path, line = head, int(tail)
    return BuildWarning(path or None, line, match.group("message").strip(), match.group("code"))


class WarningStream:
    """A write-only stream keeping each ``write`` of Sphinx's warning handler as one record."""

    def __init__(self) -> None:
        self.records: list[str] = []

    def write(self, text: str) -> int:
        """Keep one record (the logging handler writes each warning at once)."""
        if text.strip():
            self.records.append(text)
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered."""

    def warnings(self) -> list[BuildWarning]:
        """Every warning, sorted by file, line and message."""
        return sorted((parse_warning(r) for r in self.records), key=BuildWarning.sort_key)


@dataclass
class BuildResult:
    """A finished dummy build: the application and its warnings."""

    app: Sphinx
    warnings: list[BuildWarning]

    @property
    def plan_warnings(self) -> list[BuildWarning]:
        """The ``plan.*`` warnings."""
        return [w for w in self.warnings if w.is_plan]


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``check`` and ``export`` share with ``sphinx-build``.

    :param parser: the subcommand's parser
    """
    parser.add_argument("sourcedir", metavar="SOURCEDIR", type=Path,
                        help="the Sphinx source directory (where conf.py usually is)")
    parser.add_argument("-c", dest="confdir", metavar="CONFDIR", type=Path,
                        help="directory of conf.py, if not SOURCEDIR")
    parser.add_argument("-D", dest="define", metavar="name=value", action="append", default=[],
                        help="override a conf.py setting (repeatable), as with sphinx-build")
    parser.add_argument("-j", dest="jobs", metavar="N", default="1", type=_jobs,
                        help="read with N processes ('auto': one per CPU)")
    parser.add_argument("-v", dest="verbose", action="count", default=0,
                        help="show Sphinx's progress on stderr (-vv: more)")


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


def _check_paths(sourcedir: Path, confdir: Path | None) -> Path:
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
    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    confdir = _check_paths(args.sourcedir, args.confdir)
    confoverrides = overrides(args.define)
    # the [plan.subtype] suffix is how warnings are told apart; Sphinx < 8 hides it
    confoverrides.setdefault("show_warning_types", True)
    stream = WarningStream()
    status = sys.stderr if args.verbose else None
    with tempfile.TemporaryDirectory(prefix="sphinx-plan-") as tmp:
        try:
            # the same isolation sphinx-build uses: docutils registries are global
            with patch_docutils(confdir), docutils_namespace():
                app = Sphinx(args.sourcedir, confdir, Path(tmp, "out"), Path(tmp, "doctrees"),
                             "dummy", confoverrides=confoverrides, status=status,
                             warning=stream, freshenv=True, parallel=args.jobs,
                             verbosity=max(0, args.verbose - 1))
                app.build(force_all=True)
                yield BuildResult(app, stream.warnings())
        except BuildError:
            raise
        except SphinxError as err:
            raise BuildError(f"{err.category}: {_conf_error(err)}") from None
        except (Exception, SystemExit) as err:  # an extension's bug must not print a traceback
            message = " ".join(str(err).split()) or "no message"
            raise BuildError(f"the build failed: {type(err).__name__}: {message}") from None
