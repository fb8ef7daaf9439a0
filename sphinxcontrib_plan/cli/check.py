"""``sphinx-plan check``: build without output, report every warning, set the exit code."""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import BuildError, add_build_arguments, check_paths, sphinx_build
from sphinxcontrib_plan.cli.check_cache import (
    Cache,
    CacheUnavailable,
    Kept,
    WarmBuild,
    claim,
    default_dir,
    locked,
)

if TYPE_CHECKING:
    import argparse

    from sphinx.application import Sphinx

    from sphinxcontrib_plan.cli.records import BuildWarning

#: the builder of every check: it writes only the documents read or asked for again
#: (its output goes to the cache directory, or a temporary one)
BUILDER = "pseudoxml"

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
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--cache-dir",
        metavar="DIR",
        type=Path,
        help="keep the environment in DIR (outside SOURCEDIR) instead of the "
        "user's cache directory",
    )
    where.add_argument(
        "--no-cache",
        action="store_true",
        help="build a fresh environment in a temporary directory, kept nowhere",
    )
    parser.add_argument(
        "--fresh",
        "-E",
        action="store_true",
        help="throw the kept environment away first (-E: as sphinx-build)",
    )
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
        documents, warnings = _fresh(args) if args.no_cache else _cached(args)
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


def highlight_as_html(app: Sphinx) -> None:
    """Highlight every code block of the documents written, as the HTML builder
    does, so that the check gives the warnings ``sphinx-build -W`` gives for
    them (an unknown lexer, code that does not lex); the output is thrown away.
    Then, the last of every ``doctree-resolved`` handler, empty the resolved
    tree: the check's output is nothing but a mark that the document was
    written (the builder then copies and writes nothing of it).

    :param app: the check's application, before it builds
    """
    from docutils import nodes
    from sphinx.highlighting import PygmentsBridge

    bridge = PygmentsBridge("html")

    def highlight(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        for node in doctree.findall(nodes.literal_block):
            if node.rawsource != node.astext():
                continue  # a parsed literal: the HTML builder does not highlight it either
            lang = node.get("language", "default")
            bridge.highlight_block(
                node.rawsource,
                lang,
                opts=app.config.highlight_options.get(lang, {}),
                linenos=node.get("linenos", False),
                location=node,
                **{**node.get("highlight_args", {}), "force": node.get("force", False)},
            )
        del doctree[:]

    app.connect("doctree-resolved", highlight, priority=1000)


def _fresh(args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    """Check in a temporary directory, keeping nothing.

    :return: the number of documents and the warnings, sorted
    :raise BuildError: when the project cannot be built
    """
    with (
        tempfile.TemporaryDirectory(prefix="sphinx-plan-") as tmp,
        sphinx_build(args, Path(tmp), buildername=BUILDER, prepare=highlight_as_html) as result,
    ):
        return len(result.app.env.found_docs), result.warnings


def _cached(args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    """Check with the build kept in the cache directory.

    :return: the number of documents and the warnings, sorted
    :raise BuildError: when the project cannot be built, or the cache directory
        holds files that the check did not write
    """
    confdir = check_paths(args.sourcedir, args.confdir)
    path = (args.cache_dir or default_dir(args.sourcedir, confdir)).resolve()
    if path.is_relative_to(args.sourcedir.resolve()):
        raise BuildError(
            f"the cache directory {str(path)!r} is inside SOURCEDIR: choose one "
            f"outside it with --cache-dir DIR (check writes nothing in SOURCEDIR)"
        )
    claim(path, adopt=args.cache_dir is None)
    try:
        with locked(path) as cache:
            return _check_in(cache, args)
    except CacheUnavailable as err:
        _note(args, f"{err}: building in a temporary directory")
    return _fresh(args)


def _check_in(cache: Cache, args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    kept = None if args.fresh else cache.load()
    if kept is None:
        cache.clear()
    try:
        return _update(cache, args, kept)
    except BuildError:
        if kept is None:
            raise
        # a doctree of the kept environment missing or unreadable: once more from scratch
        cache.clear()
        return _update(cache, args, None)


def _update(
    cache: Cache, args: argparse.Namespace, kept: Kept | None
) -> tuple[int, list[BuildWarning]]:
    """One incremental build in the cache directory."""
    warm = WarmBuild(kept or Kept())

    def prepare(app: Sphinx) -> None:
        highlight_as_html(app)
        warm.connect(app)

    with sphinx_build(
        args, cache.path, freshenv=kept is None, buildername=BUILDER, prepare=prepare
    ) as result:
        documents, warnings = len(result.app.env.found_docs), result.warnings
        cache.save(warm.keep(result.app.env, warnings))
    _note(
        args,
        f"cache {str(cache.path)!r}: {_plural(len(warm.read), 'document')} read, "
        f"{len(warm.written)} resolved",
    )
    return documents, warnings
