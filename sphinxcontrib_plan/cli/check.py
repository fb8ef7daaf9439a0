"""``sphinx-plan check``: build without output, report plan problems, set the exit code."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments, dummy_build

if TYPE_CHECKING:
    import argparse

    from sphinxcontrib_plan.cli.build import BuildWarning

HELP = "build without output; report plan problems by document"
DESCRIPTION = """\
Build the project in memory with Sphinx's dummy builder (a fresh environment
in a temporary directory: nothing in SOURCEDIR is written) and print every
plan warning, grouped by document, as FILE:LINE: MESSAGE [plan.SUBTYPE].

exit status: 0 no plan problems, 1 plan problems (or any warning with -W),
2 usage or build error (bad path, conf.py failing, Sphinx error)."""
EPILOG = """\
examples:
  sphinx-plan check docs
  sphinx-plan check docs -j auto -D plan_consistency_checks=0
  sphinx-plan check source -c config -W"""


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Declare the ``check`` subcommand.

    :param subparsers: the main parser's subcommands
    """
    import argparse

    parser = subparsers.add_parser(
        "check", help=HELP, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_build_arguments(parser)
    parser.add_argument("-W", dest="strict", action="store_true",
                        help="fail on any Sphinx warning, not only plan warnings")
    parser.set_defaults(run=run)


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


def summary(plan: list[BuildWarning], other: list[BuildWarning], documents: int) -> str:
    """The last line: counts by subtype.

    :param plan: the plan warnings
    :param other: the other Sphinx warnings
    :param documents: number of documents checked
    :return: one line
    """
    others = f"; {len(other)} other Sphinx warning{'s' * (len(other) != 1)}" if other else ""
    if not plan:
        return f"No plan problems in {documents} document{'s' * (documents != 1)}{others}."
    counts = Counter(w.code for w in plan)
    by_code = ", ".join(f"{n} {code}" for code, n in sorted(counts.items()))
    files = len({w.path for w in plan})
    return (f"{len(plan)} plan problem{'s' * (len(plan) != 1)} in {files} "
            f"document{'s' * (files != 1)} ({by_code}){others}.")


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
    shown = warnings if args.strict else plan
    for line in report(shown):
        print(line)
    if shown:
        print()
    print(summary(plan, other, documents))
    return 1 if shown else 0
