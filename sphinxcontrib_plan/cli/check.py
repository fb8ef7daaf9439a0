"""``sphinx-plan check``: build without output, report every warning, set the exit code."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments
from sphinxcontrib_plan.cli.kept_build import add_cache_arguments, project_build

if TYPE_CHECKING:
    import argparse

    from sphinxcontrib_plan.cli.records import BuildWarning

HELP = "build without output; report every warning by document"
DESCRIPTION = """\
Build the project (nothing in SOURCEDIR is written; code blocks are
highlighted as the HTML builder does) and print every warning of the build
(the extension's, Sphinx's, docutils', MyST's, Pygments'...), grouped by
document, as FILE:LINE: MESSAGE [TYPE.SUBTYPE], then a count of each kind.

The build is kept between checks in a cache directory (by default
$XDG_CACHE_HOME or ~/.cache, then sphinx-plan/check/<digest of the source and
conf dirs>): a check reads again only the documents that changed and those
that gave warnings, so that its report is exactly the one a check without the
cache gives. A --cache-dir that holds files and was not made by check is
refused. --no-cache builds in a temporary directory instead; a cache in use
by another check is not used for this run (-v says so).

exit status: 0 no plan problems, 1 plan problems (with --strict: any
warning), 2 usage or build error (bad path, conf.py failing, Sphinx error)."""
EPILOG = """\
examples:
  sphinx-plan check docs
  sphinx-plan check docs -j auto -D plan_consistency_checks=0
  sphinx-plan check source -c config --strict"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``check``.

    :param parser: the subcommand's parser
    """
    add_build_arguments(parser)
    add_cache_arguments(parser)
    parser.add_argument(
        "--strict",
        "-W",
        dest="strict",
        action="store_true",
        help="fail on any warning, not only plan warnings (-W: as sphinx-build)",
    )


def report(warnings: list[BuildWarning]) -> list[str]:
    """Lines of the report: warnings grouped by document, a blank line between groups.

    :param warnings: warnings sorted by file and line
    :return: the lines
    """
    lines: list[str] = []
    for _, group in groupby(warnings, key=lambda w: w.path or ""):
        if lines:
            lines.append("")
        lines += [w.format() for w in group]
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _kinds(warnings: list[BuildWarning]) -> str:
    counts = Counter(w.kind for w in warnings)
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


def summary(plan: list[BuildWarning], other: list[BuildWarning], documents: int) -> str:
    """The last line: the plan problems and the other warnings, counted by kind.

    :param plan: the plan warnings
    :param other: every other warning of the build
    :param documents: number of documents checked
    :return: one line
    """
    others = f"; {_plural(len(other), 'other warning')} ({_kinds(other)})" if other else ""
    if not plan:
        return f"No plan problems in {_plural(documents, 'document')}{others}."
    files = len({w.path for w in plan})
    return (
        f"{_plural(len(plan), 'plan problem')} in {_plural(files, 'document')} "
        f"({_kinds(plan)}){others}."
    )


def run(args: argparse.Namespace) -> int:
    """Run ``check``.

    :param args: parsed arguments
    :return: the exit status
    """
    try:
        with project_build(args, lambda message: _note(args, message)) as result:
            documents, warnings = len(result.app.env.found_docs), result.warnings
    except BuildError as err:
        print(f"sphinx-plan check: error: {err}", file=sys.stderr)
        return 2
    plan = [w for w in warnings if w.is_plan]
    other = [w for w in warnings if not w.is_plan]
    for line in report(warnings):
        print(line)
    if warnings:
        print()
    print(summary(plan, other, documents))
    return 1 if plan or (args.strict and other) else 0


def _note(args: argparse.Namespace, message: str) -> None:
    if args.verbose:
        print(f"sphinx-plan check: {message}", file=sys.stderr)
