"""``sphinx-plan check``: build without output, report every warning, set the exit code."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_plan.cli.build import (
    BuildError,
    add_build_arguments,
    check_paths,
    dummy_build,
    sphinx_build,
)

if TYPE_CHECKING:
    import argparse

    from sphinx.application import Sphinx

    from sphinxcontrib_plan.cli.check_cache import Cache
    from sphinxcontrib_plan.cli.replay import Kept
    from sphinxcontrib_plan.cli.records import BuildWarning

HELP = "build without output; report every warning by document"
DESCRIPTION = """\
Build the project with Sphinx's dummy builder (nothing in SOURCEDIR is
written) and print every warning of the build (the extension's, Sphinx's,
docutils', MyST's...), grouped by document, as FILE:LINE: MESSAGE
[TYPE.SUBTYPE], then a count of each kind.

The environment is kept between checks in a cache directory (by default
$XDG_CACHE_HOME or ~/.cache, then sphinx-plan/check/<digest of the source and
conf dirs>): a check reads again only the documents that changed, and
replays the warnings of the others, so that its report is exactly the one a
check without the cache gives. --no-cache builds in a temporary directory
instead; a cache in use by another check is not used for this run (-v says
so).

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
    where.add_argument("--cache-dir", metavar="DIR", type=Path,
                       help="keep the environment in DIR (outside SOURCEDIR) instead of the "
                            "user's cache directory")
    where.add_argument("--no-cache", action="store_true",
                       help="build a fresh environment in a temporary directory, kept nowhere")
    parser.add_argument("--fresh", "-E", action="store_true",
                        help="throw the kept environment away first (-E: as sphinx-build)")
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


def _fresh(args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    """Check in a temporary directory, keeping nothing.

    :return: the number of documents and the warnings, sorted
    :raise BuildError: when the project cannot be built
    """
    with dummy_build(args) as result:
        return len(result.app.env.found_docs), result.warnings


def _cached(args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    """Check with the environment kept in the cache directory.

    :return: the number of documents and the warnings, sorted
    :raise BuildError: when the project cannot be built
    """
    from sphinxcontrib_plan.cli.check_cache import CacheUnavailable, default_dir, locked

    confdir = check_paths(args.sourcedir, args.confdir)
    path = (args.cache_dir or default_dir(args.sourcedir, confdir)).resolve()
    if path.is_relative_to(args.sourcedir.resolve()):
        raise BuildError(f"the cache directory {str(path)!r} is inside SOURCEDIR: choose one "
                         f"outside it with --cache-dir DIR (check writes nothing in SOURCEDIR)")
    try:
        with locked(path) as cache:
            return _check_in(cache, args)
    except CacheUnavailable as err:
        _note(args, f"{err}: building in a temporary directory")
    return _fresh(args)


def _check_in(cache: Cache, args: argparse.Namespace) -> tuple[int, list[BuildWarning]]:
    if args.fresh:
        cache.clear()
    loaded = cache.load()
    if loaded is None:
        cache.clear()
        return _update(cache, args, None)
    try:
        return _update(cache, args, loaded)
    except BuildError:
        # a doctree of the kept environment missing or unreadable: once more from scratch
        cache.clear()
        return _update(cache, args, None)


def _update(cache: Cache, args: argparse.Namespace,
            loaded: tuple[Kept, str] | None) -> tuple[int, list[BuildWarning]]:
    """One update of the kept environment, its warnings merged with those kept."""
    from sphinxcontrib_plan.cli.check_cache import config_digest
    from sphinxcontrib_plan.cli.replay import CheckBuilder, Kept, Tracker, merge

    last, config = loaded or (Kept(), "")
    tracker = Tracker(last.read)
    digest = ""

    def prepare(app: Sphinx) -> None:
        nonlocal digest, last
        digest = config_digest(app)
        if loaded is not None and digest != config:
            # suppress_warnings, nitpicky...: warnings may change where no document did
            tracker.everything, last = True, Kept()
        tracker.connect(app)

    try:
        with sphinx_build(args, cache.path, freshenv=False, builder_class=CheckBuilder,
                          prepare=prepare) as result:
            warnings, kept, replayed = merge(result.app, tracker, result.records, last)
            documents = len(result.app.env.found_docs)
    finally:
        tracker.detach()
    cache.save(kept, digest)
    _note(args, f"cache {str(cache.path)!r}: {_plural(len(tracker.read), 'document')} read, "
                f"{len(tracker.written)} resolved, {_plural(replayed, 'warning')} replayed")
    return documents, warnings
