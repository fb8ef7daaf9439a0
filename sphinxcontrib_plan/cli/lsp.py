"""``sphinx-plan lsp``: the language server, over stdio."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

HELP = "run the language server (diagnostics, completion, hover) over stdio"
DESCRIPTION = """\
Run a Language Server Protocol server over stdin/stdout for the MyST and reST
documents of a Sphinx project (found from the edited file's folder upward by
its conf.py, or given by the initialization options sourceDir and confDir).
It publishes the build's warnings as diagnostics, completes directive names,
options, enum values and ids, shows an object on hover and goes to its
definition. Needs the extra 'lsp' (pip install 'sphinxcontrib-plan[lsp]')."""
EPILOG = """\
examples:
  sphinx-plan lsp          (started by the editor; see the how-to for its settings)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``lsp`` has no options: the editor configures it.

    :param parser: the subcommand's parser
    """


def run(args: argparse.Namespace) -> int:
    """Run the server until the editor ends it.

    :param args: parsed arguments
    :return: the exit status (2 when the extra is missing)
    """
    try:
        from sphinxcontrib_plan.lsp.features import serve
    except ImportError as err:
        print(
            f"sphinx-plan lsp: error: {err.name or 'pygls'} is missing: install the extra "
            f"'lsp' (pip install 'sphinxcontrib-plan[lsp]')",
            file=sys.stderr,
        )
        return 2
    return serve()
