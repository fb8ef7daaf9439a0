"""``sphinx-plan check``: build without output, report every warning, set the exit code."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments, dummy_build

if TYPE_CHECKING:
    import argparse

    from sphinxcontrib_plan.cli.records import BuildWarning

HELP = "build without output; report every warning by document"
DESCRIPTION = """\
Build the project in memory with Sphinx's dummy builder (a fresh environment
in a temporary directory: nothing in SOURCEDIR is written) and print every
warning of the build (the extension's, Sphinx's, docutils', MyST's...),
grouped by document, as FILE:LINE: MESSAGE [TYPE.SUBTYPE], then a count of
each kind.

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
    parser.add_argument("--strict", "-W", dest="strict", action="store_true",
                        help="fail on any warning, not only plan warnings (-W: as sphinx-build)")


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
    return (f"{_plural(len(plan), 'plan problem')} in {_plural(files, 'document')} "
            f"({_kinds(plan)}){others}.")


def run(args: argparse.Namespace) -> int:
    """Run ``check``.

    :param args: parsed arguments
    :return: the exit status
    """
    try:
        with dummy_build(args) as result:
            documents = len(result.app.env.found_docs)
            warnings = result.warnings
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
