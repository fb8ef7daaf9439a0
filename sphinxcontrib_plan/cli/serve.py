"""``sphinx-plan serve``: a live preview, rebuilt on save, its pages showing their plan warnings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import (
    BuildError,
    add_project_arguments,
    check_paths,
    overrides,
)

if TYPE_CHECKING:
    import argparse

HELP = "preview the HTML pages, rebuilt on save, with each page's plan warnings on it"
DESCRIPTION = """\
Build the project to HTML, serve it on HOST:PORT and build again whenever a
file of SOURCEDIR changes; the pages open in a browser reload themselves.
The plan warnings of a page are shown in a box at its top (the configuration
value plan_page_warnings, which serve sets). It is sphinx-autobuild, and
needs the extra 'serve' (pip install 'sphinxcontrib-plan[serve]'). Stop it
with Ctrl+C."""
EPILOG = """\
examples:
  sphinx-plan serve docs
  sphinx-plan serve docs --port 8001 -o /tmp/preview"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``serve``.

    :param parser: the subcommand's parser
    """
    add_project_arguments(parser, here=True)
    parser.add_argument(
        "-o",
        dest="outdir",
        metavar="OUTDIR",
        type=Path,
        help="where the pages are written (default: SOURCEDIR/_build/serve)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to serve on (8000; 0: a free one)"
    )


def autobuild_arguments(args: argparse.Namespace) -> list[str]:
    """The command line of sphinx-autobuild for *args*.

    :param args: parsed arguments
    :return: its arguments
    :raise BuildError: on a missing directory or ``conf.py``, a bad ``-D``
    """
    confdir = check_paths(args.sourcedir, args.confdir)
    overrides(args.define)
    outdir = args.outdir or args.sourcedir / "_build" / "serve"
    defines = [f"-D{pair}" for pair in [*args.define, "plan_page_warnings=1"]]
    return [
        str(args.sourcedir),
        str(outdir),
        "-b",
        "html",
        "-c",
        str(confdir),
        *defines,
        "--host",
        args.host,
        "--port",
        str(args.port),
    ]


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted.

    :param args: parsed arguments
    :return: the exit status (2: bad paths, or the extra is missing)
    """
    try:
        argv = autobuild_arguments(args)
    except BuildError as err:
        print(f"sphinx-plan serve: error: {err}", file=sys.stderr)
        return 2
    try:
        # sphinx-autobuild ships no type hints; its main() takes its command line
        from sphinx_autobuild.__main__ import main as autobuild  # type: ignore[import-untyped]
    except ImportError as err:
        print(
            f"sphinx-plan serve: error: {err.name or 'sphinx_autobuild'} is missing: install "
            "the extra 'serve' (pip install 'sphinxcontrib-plan[serve]')",
            file=sys.stderr,
        )
        return 2
    autobuild(argv)
    return 0
