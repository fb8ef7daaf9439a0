"""``sphinx-plan``: new plans, checks and exports from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from sphinxcontrib_plan._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

DESCRIPTION = """\
Work with sphinxcontrib-plan projects: create a project, start a plan from the template, import
an existing one, check a project's plans, export plan.json or OpenAPI, compare
two versions, record an approval. Run 'sphinx-plan COMMAND -h' for the
options of a command."""
EPILOG = """\
examples:
  sphinx-plan init docs --project "Acme Payments" --author "Acme Engineering"
  sphinx-plan new "Payment Methods" --id 001 --output docs/plans/
  sphinx-plan import legacy-plan.md -o docs/plans/
  sphinx-plan check docs
  sphinx-plan export docs --format openapi -o openapi.json
  sphinx-plan diff origin/main --format markdown --fail-on breaking
  sphinx-plan approve 001 --role "Tech Lead" --name "Priya Raman"
  sphinx-plan gate 001 --to approved
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands.

    :return: the parser
    """
    from sphinxcontrib_plan.cli import (
        approve,
        check,
        diff,
        export,
        gate,
        import_,
        init,
        lsp,
        new,
        serve,
    )

    parser = argparse.ArgumentParser(
        prog="sphinx-plan",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # each command module holds its texts, its options and what it runs
    for name, command in (
        ("init", init),
        ("new", new),
        ("import", import_),
        ("check", check),
        ("export", export),
        ("diff", diff),
        ("approve", approve),
        ("gate", gate),
        ("lsp", lsp),
        ("serve", serve),
    ):
        sub = subparsers.add_parser(
            name,
            help=command.HELP,
            description=command.DESCRIPTION,
            epilog=command.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sphinx-plan``.

    :param argv: the arguments, without the program name (default: ``sys.argv[1:]``)
    :return: the exit status (0 success, 1 problems found, 2 usage or build error)
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # -h, --version or a usage error: argparse has printed it
        return exc.code if isinstance(exc.code, int) else 2
    try:
        status = int(args.run(args))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        return status
    except KeyboardInterrupt:
        print("sphinx-plan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output went away (`sphinx-plan diff … | head`): what is
        # left unwritten goes nowhere, as with any command; the pipe's status
        _silence_stdout()
        return 141


def _silence_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last
    flush of it does not fail again on the closed pipe."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (captured output)
        pass
    finally:
        os.close(devnull)
